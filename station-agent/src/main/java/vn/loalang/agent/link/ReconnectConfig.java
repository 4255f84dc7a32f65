package vn.loalang.agent.link;

import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;

/** Back-off between connection attempts: from {@code minMillis}, doubling up to {@code maxMillis}. */
public record ReconnectConfig(Long minMillis, Long maxMillis) {
    /** Its settings in {@code station.json}, defined once (see {@link vn.loalang.agent.AgentOptions#ALL}). */
    public static final Option<Long> RECONNECT_MIN_MILLIS = Option.of("reconnect.minMillis",
                    OptionType.whole(10, 600_000, "milliseconds"), "the first pause between connection attempts")
            .byDefault(500L).help("The first pause between two attempts to reach the broker; it doubles after each failure.");
    public static final Option<Long> RECONNECT_MAX_MILLIS = Option.of("reconnect.maxMillis",
                    OptionType.whole(10, 3_600_000, "milliseconds"), "the longest pause between connection attempts")
            .byDefault(30_000L).help("The longest pause between two attempts (at least reconnect.minMillis).");

    public ReconnectConfig {
        minMillis = RECONNECT_MIN_MILLIS.check(minMillis);
        maxMillis = Math.max(RECONNECT_MAX_MILLIS.check(maxMillis), minMillis);
    }

    public static ReconnectConfig defaults() {
        return new ReconnectConfig(null, null);
    }
}
