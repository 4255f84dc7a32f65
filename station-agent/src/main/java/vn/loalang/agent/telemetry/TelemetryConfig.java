package vn.loalang.agent.telemetry;

import java.time.Duration;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;

/**
 * How often the station sends its health snapshot. A full snapshot goes out at least every
 * {@code intervalSeconds}, and sooner when something a technician acts on changed: the station
 * looks for such a change every {@code lookSeconds} (and is told at once of relays, sessions,
 * stalls and reconnects). On a metered SIM the interval is most of the control plane's data:
 * 30 s cost about 2 MB a day, 300 s about 0.2 MB (docs/benchmarks.md, "Data budget").
 */
public record TelemetryConfig(Long intervalSeconds, Long lookSeconds) {
    /** Its settings in {@code station.json}, defined once (see {@link vn.loalang.agent.AgentOptions#ALL}). */
    public static final Option<Long> TELEMETRY_INTERVAL_SECONDS = Option.of("telemetry.intervalSeconds",
                    OptionType.whole(1, 3600, "seconds"), "the longest time between two health reports").byDefault(300L)
            .help("The longest time between two health snapshots; one goes out sooner when a relay, the sound, the "
                    + "cached content or the schedule changes. The controller judges a station silent after two of these.");
    public static final Option<Long> TELEMETRY_LOOK_SECONDS = Option.of("telemetry.lookSeconds",
                    OptionType.whole(1, 3600, "seconds"), "how often the station looks for a change worth reporting")
            .byDefault(30L).help("How often the station compares its state with the last snapshot it sent, and sends "
                    + "a new one when what a technician acts on changed (at most telemetry.intervalSeconds).");

    public TelemetryConfig {
        intervalSeconds = TELEMETRY_INTERVAL_SECONDS.check(intervalSeconds);
        lookSeconds = Math.min(TELEMETRY_LOOK_SECONDS.check(lookSeconds), intervalSeconds);
    }

    /** Every {@code intervalSeconds}, looking for changes as often as the default allows. */
    public TelemetryConfig(Long intervalSeconds) {
        this(intervalSeconds, null);
    }

    public Duration interval() {
        return Duration.ofSeconds(intervalSeconds);
    }

    public Duration look() {
        return Duration.ofSeconds(lookSeconds);
    }
}
