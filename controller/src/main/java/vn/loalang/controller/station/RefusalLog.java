package vn.loalang.controller.station;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.LogText;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Says what a station sent that the controller refused, at most once a minute for each station and
 * reason, with how many were refused in between: a stolen Pi that floods must not flood the log
 * (journald would drop the lines that matter, the SD card would wear). Counts every refusal, so a
 * technician and the tests can see them all.
 */
public final class RefusalLog {
    private static final Logger log = LoggerFactory.getLogger(RefusalLog.class);
    static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Stations are known to the directory, reasons are ours: this only guards against a bug. */
    private static final int MAX_KEYS = 100_000;

    /** Why a message was refused: the reasons a real agent never gives cause for. */
    public enum Reason {
        UNKNOWN_TOPIC, UNKNOWN_STATION, TOO_LARGE, TOO_FAST, UNREADABLE, WRONG_STATION, OUT_OF_RANGE, TOO_FAR_AHEAD,
        HANDLER_FAILED,
        /** Not a refusal: told as seldom, because a station can cause it with every message. */
        NEW_JOURNAL, NOT_READABLE_HERE
    }

    private record Key(String stationId, Reason reason) {
    }

    private static final class Window {
        boolean told;
        long toldAt;
        long suppressed;
    }

    private final LongSupplier nanos;
    private final Map<Key, Window> windows = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();

    public RefusalLog() {
        this(System::nanoTime);
    }

    RefusalLog(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /**
     * Counts a refusal and logs it unless this station was logged for this reason less than a minute ago.
     *
     * @param stationId a station of the directory, or a placeholder for messages from none
     * @param what      the sentence, made only when it is logged (it may quote what the station sent:
     *                  that part is cleaned of control characters and cut here)
     */
    public void refused(String stationId, Reason reason, Supplier<String> what) {
        total.incrementAndGet();
        counts.computeIfAbsent(stationId, s -> new AtomicLong()).incrementAndGet();
        tell(stationId, reason, () -> "refused a message (" + reason + "): " + what.get());
    }

    /**
     * Logs "Station {id}: {what}" unless this station was told of for this reason less than a minute
     * ago; counts nothing.
     */
    public void tell(String stationId, Reason reason, Supplier<String> what) {
        if (windows.size() >= MAX_KEYS) {
            windows.clear();
        }
        Window w = windows.computeIfAbsent(new Key(stationId, reason), k -> new Window());
        long now = nanos.getAsLong();
        long suppressed;
        synchronized (w) {
            if (w.told && now - w.toldAt < QUIET_NANOS) {
                w.suppressed++;
                return;
            }
            w.told = true;
            w.toldAt = now;
            suppressed = w.suppressed;
            w.suppressed = 0;
        }
        log.warn("Station {}: {}{}", stationId, LogText.of(what.get(), LogText.SENTENCE),
                suppressed > 0 ? " (and " + suppressed + " more times in the last minute)" : "");
    }

    /** Messages refused from {@code stationId} since the controller started. */
    public long count(String stationId) {
        AtomicLong n = counts.get(stationId);
        return n == null ? 0 : n.get();
    }

    public long total() {
        return total.get();
    }
}
