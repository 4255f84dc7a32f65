package vn.loalang.controller.listen;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.priority.BackgroundThreads;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.store.StoreException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Counts, never people (decision 0041). A <em>listen</em> is an audio request from the start of the file (no
 * {@code Range}, or one from byte 0), counted once per client, item and commune day; a <em>feed download</em> is a
 * village's feed fetched, once per client, village and day. The "client" is an HMAC of the address and the
 * User-Agent under a key drawn at random each day and kept only in memory: it tells the same phone's requests
 * apart from another's within a day, and nothing else — not who, not which phone tomorrow. What reaches the
 * store is only day, village, session, item, kind, source and a number ({@code listen_count}), written once a
 * minute on the thread {@code listen-work}.
 */
public final class ListenCounts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ListenCounts.class);
    /** The clients × items remembered per day; past it the least recent are forgotten (and may count twice). */
    static final int MAX_SEEN = 100_000;
    /** Distinct rows waiting for the next flush; past it new ones wait for the next day's memory (logged). */
    static final int MAX_PENDING = 20_000;

    /** Where a listener's link came from: {@code ?n=} on it. */
    public enum Source {
        PAGE, FEED, ZALO, TELEGRAM, SMS, WEBHOOK, OTHER;

        /** {@code ?n=} as given: one of the names, any case; anything else or nothing is {@code fallback}. */
        public static Source of(String n, Source fallback) {
            if (n == null || n.isBlank()) {
                return fallback;
            }
            try {
                return valueOf(n.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return OTHER;
            }
        }
    }

    public enum Kind { LISTEN, FEED }

    /** One row of {@code listen_count}. */
    public record Key(LocalDate day, String village, String sessionId, String itemId, Kind kind, Source source) {
    }

    /** Today's numbers for one village, for the console. */
    public record VillageToday(String village, long listens, long feeds) {
    }

    private final Store store;
    private final Clock clock;
    private final Supplier<ZoneId> zone;
    private final SecureRandom random;
    private final Cache<String, Boolean> seen = Caffeine.newBuilder().maximumSize(MAX_SEEN).executor(Runnable::run).build();
    private final Map<Key, Long> pending = new ConcurrentHashMap<>();
    private ScheduledExecutorService work;
    /** The day the key is for, and the key: replaced together at the first request of a new day. */
    private LocalDate keyDay;
    private byte[] key;

    public ListenCounts(Store store, Clock clock, Supplier<ZoneId> zone, SecureRandom random) {
        this.store = store;
        this.clock = clock;
        this.zone = zone;
        this.random = random;
    }

    /** Whether a request with this {@code Range} header starts the file: a new listen, not a seek or a resume. */
    public static boolean fromStart(String range) {
        return range == null || range.strip().matches("bytes=0+-\\d*");
    }

    /** An audio request of an item of a session (or of an alert: {@code sessionId} "alert"). */
    public void listened(String address, String userAgent, String village, String sessionId, String itemId,
                         Source source, String range) {
        if (fromStart(range)) {
            count(address, userAgent, new Key(today(), village, sessionId, itemId, Kind.LISTEN, source));
        }
    }

    /** A village's feed fetched ({@code village} '*' for the commune's). */
    public void feedFetched(String address, String userAgent, String village, Source source) {
        count(address, userAgent, new Key(today(), village, "", "", Kind.FEED, source));
    }

    private void count(String address, String userAgent, Key key) {
        String client = client(key.day(), address, userAgent);
        // The source is not part of "once": a link opened from Zalo, then from the page, is one listen.
        String once = client + '|' + key.village() + '|' + key.sessionId() + '|' + key.itemId() + '|' + key.kind();
        if (seen.asMap().putIfAbsent(once, Boolean.TRUE) != null) {
            return;
        }
        if (pending.size() >= MAX_PENDING && !pending.containsKey(key)) {
            log.warn("Listen counts: {} rows wait for the store already; a count for village {} is dropped",
                    MAX_PENDING, key.village());
            return;
        }
        pending.merge(key, 1L, Long::sum);
    }

    private synchronized String client(LocalDate day, String address, String userAgent) {
        if (!day.equals(keyDay)) {
            // A new day: yesterday's key is forgotten, so today's clients cannot be linked to yesterday's.
            key = new byte[32];
            random.nextBytes(key);
            keyDay = day;
            seen.invalidateAll();
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] h = mac.doFinal((String.valueOf(address) + '\n' + String.valueOf(userAgent))
                    .getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(h, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), zone.get());
    }

    /** Writes the counts waiting into {@code listen_count}; returns how many rows it wrote. */
    public int flush() {
        Map<Key, Long> batch = new LinkedHashMap<>();
        for (Key k : List.copyOf(pending.keySet())) {
            Long n = pending.remove(k);
            if (n != null) {
                batch.put(k, n);
            }
        }
        if (batch.isEmpty()) {
            return 0;
        }
        try {
            store.transaction(c -> {
                try (PreparedStatement s = c.prepareStatement("""
                        INSERT INTO listen_count (day, village, session_id, item_id, kind, source, count)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (day, village, session_id, item_id, kind, source)
                        DO UPDATE SET count = count + excluded.count""")) {
                    for (Map.Entry<Key, Long> e : batch.entrySet()) {
                        Key k = e.getKey();
                        s.setString(1, k.day().toString());
                        s.setString(2, k.village());
                        s.setString(3, k.sessionId());
                        s.setString(4, k.itemId());
                        s.setString(5, k.kind().name());
                        s.setString(6, k.source().name().toLowerCase(Locale.ROOT));
                        s.setLong(7, e.getValue());
                        s.addBatch();
                    }
                    s.executeBatch();
                }
                return null;
            });
        } catch (StoreException e) {
            // Put back for the next minute: a busy disk does not lose the counts.
            batch.forEach((k, n) -> pending.merge(k, n, Long::sum));
            log.warn("Listen counts: {} rows could not be written, kept for the next minute: {}", batch.size(),
                    e.getMessage());
            return 0;
        }
        return batch.size();
    }

    /** Today's listens and feed downloads per village, as stored plus those waiting for the next flush. */
    public Map<String, VillageToday> today(List<String> villages) {
        LocalDate day = today();
        Map<String, long[]> sums = new LinkedHashMap<>();
        villages.forEach(v -> sums.put(v, new long[2]));
        store.query(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT village, kind, SUM(count) FROM listen_count WHERE day = ? GROUP BY village, kind")) {
                s.setString(1, day.toString());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        long[] n = sums.get(rs.getString(1));
                        if (n != null) {
                            n[Kind.valueOf(rs.getString(2)).ordinal()] += rs.getLong(3);
                        }
                    }
                }
            }
            return null;
        });
        pending.forEach((k, n) -> {
            long[] sum = sums.get(k.village());
            if (sum != null && k.day().equals(day)) {
                sum[k.kind().ordinal()] += n;
            }
        });
        Map<String, VillageToday> out = new LinkedHashMap<>();
        sums.forEach((v, n) -> out.put(v, new VillageToday(v, n[0], n[1])));
        return out;
    }

    /** Flushes once a minute on the thread {@code listen-work} (nice 10). */
    public synchronized void start() {
        if (work == null) {
            work = Executors.newSingleThreadScheduledExecutor(BackgroundThreads.named("listen-work"));
            work.scheduleWithFixedDelay(this::flushQuietly, 60, 60, TimeUnit.SECONDS);
        }
    }

    private void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            log.error("Listen counts: the minute's flush failed: {}", e.toString(), e);
        }
    }

    /** Stops the timer and writes what waits. */
    @Override
    public synchronized void close() {
        if (work != null) {
            work.shutdownNow();
            work = null;
        }
        try {
            flush();
        } catch (RuntimeException e) {
            log.warn("Listen counts: the last flush at close failed: {}", e.getMessage());
        }
    }
}
