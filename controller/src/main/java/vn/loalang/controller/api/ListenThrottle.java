package vn.loalang.controller.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;

import java.time.Clock;
import java.time.Duration;

/**
 * Work the public "Nghe lại" pages and audio do per client address (an IPv6 address by its /64, as
 * {@link LoginThrottle} counts; what is served from memory is free): a token bucket of {@code burst} requests,
 * refilled at {@code perSecond}.
 * A phone playing a session makes a few requests a minute; a script pulling every file at once is slowed
 * down before it takes the threads the stations' {@code /content} downloads need. Memory is bounded: at most
 * {@link #MAX_KEYS} addresses, the least used forgotten first.
 */
final class ListenThrottle {
    static final int MAX_KEYS = 10_000;

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    private final Clock clock;
    private final int burst;
    private final double perSecond;
    private final Cache<String, Bucket> buckets;

    ListenThrottle(Clock clock, int burst, double perSecond) {
        this.clock = clock;
        this.burst = burst;
        this.perSecond = perSecond;
        Ticker ticker = () -> clock.millis() * 1_000_000L;
        this.buckets = Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterAccess(Duration.ofMinutes(10))
                .ticker(ticker).executor(Runnable::run).build();
    }

    /**
     * 240 at once, then 4 a second. Only work not already in memory counts (a render, a store read, an audio
     * stream; ListenRoutes): a village Wi-Fi or a carrier's CGNAT puts a whole village behind one address, and
     * after an alert some 80 phones each open its audio, which a phone's player fetches in 2 or 3 range requests:
     * about 240 at once. Refilled at 4 a second (240 a minute) a script pulling every file is still slowed, and the
     * streams at once are capped for everyone anyway (ListenRoutes.Listen#maxStreams).
     */
    static ListenThrottle standard(Clock clock) {
        return new ListenThrottle(clock, 240, 4.0);
    }

    /** Whether a request from {@code address} may go ahead now (and takes its token). */
    boolean allow(String address) {
        long now = clock.millis();
        boolean[] ok = new boolean[1];
        buckets.asMap().compute(LoginThrottle.network(address), (k, b) -> {
            Bucket bucket = b == null ? new Bucket(burst, now) : b;
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) / 1000.0 * perSecond);
            bucket.at = now;
            if (bucket.tokens >= 1) {
                bucket.tokens -= 1;
                ok[0] = true;
            }
            return bucket;
        });
        return ok[0];
    }

    long keys() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }
}
