package vn.loalang.controller.live;

/**
 * How many bytes a talk's uplink may send: {@code perSecond} on average, with up to {@code burstSeconds}
 * of it at once (a stalled mobile uplink sends what it queued in one go when it comes back). A token
 * bucket; not thread-safe, its owner holds the lock.
 */
final class UplinkBudget {
    private final long perSecond;
    private final double capacity;
    private double tokens;
    private long lastNanos;

    UplinkBudget(long perSecond, int burstSeconds, long nowNanos) {
        this.perSecond = perSecond;
        this.capacity = (double) perSecond * burstSeconds;
        this.tokens = capacity;
        this.lastNanos = nowNanos;
    }

    /** Whether {@code bytes} more fit now; taken from the budget when they do. */
    boolean take(int bytes, long nowNanos) {
        tokens = Math.min(capacity, tokens + Math.max(0, nowNanos - lastNanos) / 1e9 * perSecond);
        lastNanos = nowNanos;
        if (bytes > tokens) {
            return false;
        }
        tokens -= bytes;
        return true;
    }
}
