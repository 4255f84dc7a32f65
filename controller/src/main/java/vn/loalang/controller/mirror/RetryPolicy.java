package vn.loalang.controller.mirror;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * When a message that could not be sent is tried again: 15 s, 30 s, 1 min … doubling up to 15 min, each spread by
 * ±20 % so that many targets of one channel do not come back at the same instant. A service's own wait
 * ({@code Retry-After}, Telegram's {@code retry_after}) wins when it is longer: it knows its limits better than we
 * do; but never past {@link #LONGEST_SERVER_WAIT}, whatever it said.
 */
public final class RetryPolicy {
    static final Duration FIRST = Duration.ofSeconds(15);
    static final Duration LONGEST = Duration.ofMinutes(15);
    static final double JITTER = 0.20;
    /**
     * The longest a service's answer may pause a channel, for every channel: one hour. The services' documented waits
     * are seconds to minutes (Telegram's flood waits, Zalo's -32 is 60 s); a longer one is a fault or a hostile answer,
     * and an alert lives a few hours, so a village group must not go silent for longer on one answer's word. Trying
     * again after an hour costs one refused request if the limit still holds (the service then names a new wait),
     * and the cap keeps {@code now + wait} far inside what an {@code Instant} and the stored times can hold.
     */
    public static final Duration LONGEST_SERVER_WAIT = Duration.ofHours(1);

    private final DoubleSupplier random;

    /** @param random uniform in [0, 1): {@code Math::random} in service, a fixed value in tests */
    public RetryPolicy(DoubleSupplier random) {
        this.random = random;
    }

    /**
     * The wait after the {@code attempts}-th failed attempt (1 for the first).
     *
     * @param serverWait what the service asked for; null when it said nothing. Any length: capped here at
     *                   {@link #LONGEST_SERVER_WAIT}
     */
    public Duration after(int attempts, Duration serverWait) {
        int n = Math.max(0, Math.min(attempts - 1, 16));
        long base = Math.min(FIRST.toMillis() << n, LONGEST.toMillis());
        double factor = 1 + JITTER * (2 * random.getAsDouble() - 1);
        Duration ours = Duration.ofMillis(Math.round(base * factor));
        if (serverWait == null || serverWait.compareTo(ours) <= 0) {
            return ours;
        }
        return serverWait.compareTo(LONGEST_SERVER_WAIT) > 0 ? LONGEST_SERVER_WAIT : serverWait;
    }
}
