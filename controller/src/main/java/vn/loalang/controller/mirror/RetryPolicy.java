package vn.loalang.controller.mirror;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * When a message that could not be sent is tried again: 15 s, 30 s, 1 min … doubling up to 15 min, each spread by
 * ±20 % so that many targets of one channel do not come back at the same instant. A service's own wait
 * ({@code Retry-After}) wins when it is longer: it knows its limits better than we do.
 */
public final class RetryPolicy {
    static final Duration FIRST = Duration.ofSeconds(15);
    static final Duration LONGEST = Duration.ofMinutes(15);
    static final double JITTER = 0.20;

    private final DoubleSupplier random;

    /** @param random uniform in [0, 1): {@code Math::random} in service, a fixed value in tests */
    public RetryPolicy(DoubleSupplier random) {
        this.random = random;
    }

    /**
     * The wait after the {@code attempts}-th failed attempt (1 for the first).
     *
     * @param serverWait what the service asked for; null when it said nothing
     */
    public Duration after(int attempts, Duration serverWait) {
        int n = Math.max(0, Math.min(attempts - 1, 16));
        long base = Math.min(FIRST.toMillis() << n, LONGEST.toMillis());
        double factor = 1 + JITTER * (2 * random.getAsDouble() - 1);
        Duration ours = Duration.ofMillis(Math.round(base * factor));
        return serverWait != null && serverWait.compareTo(ours) > 0 ? serverWait : ours;
    }
}
