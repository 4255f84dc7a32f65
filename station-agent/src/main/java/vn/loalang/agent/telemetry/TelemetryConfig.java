package vn.loalang.agent.telemetry;

import java.time.Duration;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;

/** How often the station sends its health snapshot (and at once when a relay changes). */
public record TelemetryConfig(Long intervalSeconds) {
    /** Its settings in {@code station.json}, defined once (see {@link vn.loalang.agent.AgentOptions#ALL}). */
    public static final Option<Long> TELEMETRY_INTERVAL_SECONDS = Option.of("telemetry.intervalSeconds",
                    OptionType.whole(1, 3600, "seconds"), "the health report's interval").byDefault(30L)
            .help("How often the station sends its health snapshot (and at once when a relay changes).");

    public TelemetryConfig {
        intervalSeconds = TELEMETRY_INTERVAL_SECONDS.check(intervalSeconds);
    }

    public Duration interval() {
        return Duration.ofSeconds(intervalSeconds);
    }
}
