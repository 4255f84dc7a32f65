package vn.loalang.agent.clock;

import java.time.Duration;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;

/** When the station clock counts as wrong, and whether it can be trusted from boot, e.g. {@code "clock": {"maxOffsetMillis": 2000, "rtc": false}}. */
public record ClockConfig(Long maxOffsetMillis, Boolean rtc) {
    /** Its settings in {@code station.json}, defined once (see {@link vn.loalang.agent.AgentOptions#ALL}). */
    public static final Option<Long> CLOCK_MAX_OFFSET_MILLIS = Option.of("clock.maxOffsetMillis",
                    OptionType.whole(10, 3_600_000, "milliseconds"), "the allowed clock offset").byDefault(2000L)
            .help("Beyond this offset from the controller's clock the station reports it (a CLOCK_OFFSET event).");
    public static final Option<Boolean> CLOCK_RTC = Option.of("clock.rtc", OptionType.bool(),
                    "a battery-backed clock").byDefault(false)
            .help("True when the Pi has a battery-backed real-time clock (an RTC board, a Pi 5 with its battery): "
                    + "its clock is then trusted from boot. Without one the station plays no scheduled session "
                    + "(emergencies only, relays OFF) until NTP has synced or the controller's signed time arrived.");

    public ClockConfig {
        maxOffsetMillis = CLOCK_MAX_OFFSET_MILLIS.check(maxOffsetMillis);
        rtc = CLOCK_RTC.check(rtc);
    }

    public ClockConfig(Long maxOffsetMillis) {
        this(maxOffsetMillis, null);
    }

    public Duration maxOffset() {
        return Duration.ofMillis(maxOffsetMillis);
    }
}
