package vn.loalang.controller.station;

/**
 * A rate: {@code burst} at once, then {@code perSecond} on average. Reckoned on a monotonic clock in
 * nanoseconds, so a wall clock set back or forward neither blocks a station nor lets it flood.
 * Hand-written rather than a library's: it must run on the caller's clock (tests step it) and take
 * no lock beyond its own, on the thread the MQTT client delivers on.
 */
final class TokenBucket {
    private final double burst;
    private final double perNano;
    private double tokens;
    private long last;

    TokenBucket(double burst, double perSecond, long nowNanos) {
        if (burst < 1 || perSecond <= 0) {
            throw new IllegalArgumentException("a rate needs a burst of at least 1 and a positive rate");
        }
        this.burst = burst;
        this.perNano = perSecond / 1e9;
        this.tokens = burst;
        this.last = nowNanos;
    }

    /** Takes one token if there is one. */
    synchronized boolean tryTake(long nowNanos) {
        long elapsed = nowNanos - last;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * perNano);
            last = nowNanos;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
