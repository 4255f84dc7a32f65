package vn.loalang.agent.clock;

import java.time.Duration;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;

/** When the station clock counts as wrong, e.g. {@code "clock": {"maxOffsetMillis": 2000}}. */
public record ClockConfig(Long maxOffsetMillis) {
    /** Its settings in {@code station.json}, defined once (see {@link vn.loalang.agent.AgentOptions#ALL}). */
    public static final Option<Long> CLOCK_MAX_OFFSET_MILLIS = Option.of("clock.maxOffsetMillis",
                    OptionType.whole(10, 3_600_000, "milliseconds"), "the allowed clock offset").byDefault(2000L)
            .help("Beyond this offset from the controller's clock the station reports it (a CLOCK_OFFSET event).");

    public ClockConfig {
        maxOffsetMillis = CLOCK_MAX_OFFSET_MILLIS.check(maxOffsetMillis);
    }

    public Duration maxOffset() {
        return Duration.ofMillis(maxOffsetMillis);
    }
}
