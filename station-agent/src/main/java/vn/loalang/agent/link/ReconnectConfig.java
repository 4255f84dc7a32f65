package vn.loalang.agent.link;

import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;

/**
 * How the link notices it is dead and comes back: MQTT keepalive pings every
 * {@code keepAliveSeconds} while nothing else goes both ways (a link dropped silently, as a
 * carrier's NAT does, is noticed within two of them), and pauses between connection attempts from
 * {@code minMillis}, doubling up to {@code maxMillis}.
 */
public record ReconnectConfig(Long minMillis, Long maxMillis, Integer keepAliveSeconds) {
    /** Its settings in {@code station.json}, defined once (see {@link vn.loalang.agent.AgentOptions#ALL}). */
    public static final Option<Long> RECONNECT_MIN_MILLIS = Option.of("reconnect.minMillis",
                    OptionType.whole(10, 600_000, "milliseconds"), "the first pause between connection attempts")
            .byDefault(500L).help("The first pause between two attempts to reach the broker; it doubles after each failure.");
    public static final Option<Long> RECONNECT_MAX_MILLIS = Option.of("reconnect.maxMillis",
                    OptionType.whole(10, 3_600_000, "milliseconds"), "the longest pause between connection attempts")
            .byDefault(30_000L).help("The longest pause between two attempts (at least reconnect.minMillis).");
    public static final Option<Integer> RECONNECT_KEEP_ALIVE_SECONDS = Option.of("reconnect.keepAliveSeconds",
                    OptionType.integer(5, 1200, "seconds"), "the MQTT keepalive").byDefault(60)
            .help("The MQTT keepalive: a ping goes to the broker when nothing else did for this long, a link silent for "
                    + "two of them is taken for dead and made again, and the broker fires the station's Last Will after "
                    + "one and a half. Shorter than the mobile carrier's NAT idle timeout; a ping costs about 80 bytes "
                    + "over TLS, about 300 with TCP/IP headers.");

    public ReconnectConfig {
        minMillis = RECONNECT_MIN_MILLIS.check(minMillis);
        maxMillis = Math.max(RECONNECT_MAX_MILLIS.check(maxMillis), minMillis);
        keepAliveSeconds = RECONNECT_KEEP_ALIVE_SECONDS.check(keepAliveSeconds);
    }

    /** The back-off of the caller's, with the default keepalive. */
    public ReconnectConfig(Long minMillis, Long maxMillis) {
        this(minMillis, maxMillis, null);
    }

    public static ReconnectConfig defaults() {
        return new ReconnectConfig(null, null, null);
    }
}
