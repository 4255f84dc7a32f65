package vn.loalang.agent.playout;

import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;

/**
 * How playout behaves around interruptions.
 *
 * @param afterPreemption    {@code resume}: a session pre-empted by a warning or an emergency goes on where it
 *                           stopped, within its window; {@code skip}: the rest of it is dropped
 * @param stallTimeoutMillis how long the audio output may stop taking samples before the relays go OFF
 */
public record PlayoutConfig(String afterPreemption, Long stallTimeoutMillis) {
    /** Its settings in {@code station.json}, defined once (see {@link vn.loalang.agent.AgentOptions#ALL}). */
    public static final Option<String> PLAYOUT_AFTER_PREEMPTION = Option.of("playout.afterPreemption",
                    OptionType.oneOf("resume", "skip"), "what a pre-empted session does").byDefault("resume")
            .help("resume: a session pre-empted by a warning or an emergency goes on where it stopped, within its "
                    + "window; skip: the rest of it is dropped.");
    public static final Option<Long> PLAYOUT_STALL_TIMEOUT_MILLIS = Option.of("playout.stallTimeoutMillis",
                    OptionType.whole(100, 600_000, "milliseconds"), "the sound output's stall timeout").byDefault(5_000L)
            .help("How long the audio output may stop taking samples before the relays go OFF.");

    public PlayoutConfig {
        afterPreemption = PLAYOUT_AFTER_PREEMPTION.check(afterPreemption);
        stallTimeoutMillis = PLAYOUT_STALL_TIMEOUT_MILLIS.check(stallTimeoutMillis);
    }

    public static PlayoutConfig defaults() {
        return new PlayoutConfig(null, null);
    }

    public boolean resume() {
        return afterPreemption.equals("resume");
    }
}
