package vn.loalang.controller.api;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.LogText;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Failed logins, counted per client address and per user name: after a few free failures each
 * further one makes the next attempt wait twice as long as the last, up to a ceiling. While a key
 * waits, a login is answered 429 without a password hash. Memory is bounded (at most
 * {@link #MAX_KEYS} of each kind, the least used dropped first) and a key is forgotten an hour
 * after its last failure.
 * <p>
 * The name's ceiling is short on purpose: anyone may type the administrator's name, and a long
 * lock on a name would let a stranger keep the commune's staff out on the day of a storm. The
 * address's ceiling is long: that is where a guesser actually sits. A success clears the name's
 * count, not the address's (one good login on a shared office line must not wipe a guesser's record).
 */
final class LoginThrottle {
    private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);
    static final int MAX_KEYS = 10_000;
    static final Duration FORGET_AFTER = Duration.ofHours(1);

    /** @param free failures allowed before any wait; then {@code first}, doubling up to {@code longest} */
    record Policy(int free, Duration first, Duration longest) {
    }

    /** Several people of one office may share an address: more free failures there, and a longer ceiling. */
    static final Policy BY_ADDRESS = new Policy(10, Duration.ofSeconds(1), Duration.ofMinutes(15));
    static final Policy BY_NAME = new Policy(5, Duration.ofSeconds(1), Duration.ofMinutes(2));

    private record Failures(int count, Instant until) {
    }

    private final Clock clock;
    private final Policy byAddress;
    private final Policy byName;
    private final Cache<String, Failures> addresses;
    private final Cache<String, Failures> names;

    LoginThrottle(Clock clock) {
        this(clock, BY_ADDRESS, BY_NAME);
    }

    LoginThrottle(Clock clock, Policy byAddress, Policy byName) {
        this.clock = clock;
        this.byAddress = byAddress;
        this.byName = byName;
        this.addresses = cache(clock);
        this.names = cache(clock);
    }

    private static Cache<String, Failures> cache(Clock clock) {
        // The controller's clock, so that a test can move time on; nanoseconds from it, as Caffeine wants.
        Ticker ticker = () -> clock.millis() * 1_000_000L;
        // Evictions on the calling thread: a few map operations, and no pool thread kept busy by a flood.
        return Caffeine.newBuilder().maximumSize(MAX_KEYS).expireAfterWrite(FORGET_AFTER).ticker(ticker)
                .executor(Runnable::run).build();
    }

    /**
     * What the throttle counts an address as: an IPv4 address as itself, an IPv6 address by its /64, the
     * block one subscriber gets (anyone with an IPv6 line has 2^64 addresses to try from).
     */
    static String network(String address) {
        if (address == null || address.indexOf(':') < 0) {
            return address;
        }
        try {
            byte[] bytes = java.net.InetAddress.getByName(address).getAddress();
            if (bytes.length != 16) {
                return address;
            }
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return prefix.append(":/64").toString();
        } catch (java.net.UnknownHostException e) {
            return address;
        }
    }

    /** How long a login from {@code address} as {@code name} must still wait; empty when it may go ahead. */
    Optional<Duration> waitFor(String address, String name) {
        Instant now = clock.instant();
        Duration wait = max(remaining(addresses.getIfPresent(address), now),
                name == null ? Duration.ZERO : remaining(names.getIfPresent(key(name)), now));
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    void failed(String address, String name) {
        count(addresses, address, byAddress, "address " + address);
        if (name != null) {
            count(names, key(name), byName, "user name '" + LogText.of(name) + "'");
        }
    }

    void succeeded(String name) {
        names.invalidate(key(name));
    }

    /** How many addresses and names are remembered now (after the cache has done its pending evictions). */
    long keys() {
        addresses.cleanUp();
        names.cleanUp();
        return addresses.estimatedSize() + names.estimatedSize();
    }

    private void count(Cache<String, Failures> cache, String key, Policy policy, String who) {
        Instant now = clock.instant();
        Failures f = cache.asMap().compute(key, (k, before) -> {
            int count = before == null ? 1 : Math.min(before.count() + 1, 1_000);
            return new Failures(count, now.plus(delay(policy, count)));
        });
        if (f.count() > policy.free()) {
            // Once per failure past the free ones, which the wait itself keeps rare.
            log.warn("Logins for {} wait {} s after {} failed attempts", who, delay(policy, f.count()).toSeconds(),
                    f.count());
        }
    }

    /** Zero for the free failures, then first × 2^(n − free − 1), no longer than the ceiling. */
    static Duration delay(Policy policy, int count) {
        int over = count - policy.free();
        if (over <= 0) {
            return Duration.ZERO;
        }
        long factor = over > 30 ? Long.MAX_VALUE : 1L << (over - 1);
        long millis = factor > policy.longest().toMillis() / Math.max(1, policy.first().toMillis())
                ? policy.longest().toMillis() : policy.first().toMillis() * factor;
        return Duration.ofMillis(Math.min(millis, policy.longest().toMillis()));
    }

    private static Duration remaining(Failures f, Instant now) {
        if (f == null || !f.until().isAfter(now)) {
            return Duration.ZERO;
        }
        return Duration.between(now, f.until());
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** Names are matched as typed but case-blind and bounded: a megabyte name is not a megabyte key. */
    private static String key(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.length() > 64 ? lower.substring(0, 64) : lower;
    }
}
