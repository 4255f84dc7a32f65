package vn.loalang.agent.telemetry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.station.Telemetry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sends the station's health snapshot: at once when told that something changed (a relay, a
 * session, a reconnect), when a look every {@code look} finds that what a technician acts on differs
 * from the last snapshot sent, and otherwise every {@code interval}. Every snapshot is whole, so an
 * older controller reads it as before; what is saved is the number of snapshots, which on a metered
 * SIM was most of the control plane's bytes (a 700-byte snapshot every 30 s is 2 MB a day).
 * Readings that drift without meaning (uptime, load, free memory, temperature) wait for the interval.
 * Telemetry is the latest state, not a record: a snapshot that cannot be sent (no link) is dropped,
 * the next one says everything again.
 */
public final class TelemetryReporter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TelemetryReporter.class);

    /** What, when it changes, the technician must see before the next interval. */
    record Notable(Map<String, Boolean> relays, Map<String, Boolean> senses, String sink, boolean nextSessionsReady,
                   List<String> notReady, Long scheduleVersion, String link, String agentVersion,
                   String clockSource) {
        static Notable of(Telemetry t) {
            // The clock's source, not its correction: trust gained (or NTP taking over) is news, a renewal is not.
            return new Notable(t.relays(), t.senses(), t.sink(), t.nextSessionsReady(), t.notReady(),
                    t.scheduleVersion(), t.link(), t.agentVersion(), t.clock() == null ? null : t.clock().source());
        }
    }

    private final String stationId;
    private final Supplier<Telemetry> snapshot;
    private final Consumer<Telemetry> send;
    private final Duration interval;
    private final Duration look;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition due = lock.newCondition();
    private final Thread thread;
    private boolean now;
    private volatile boolean closed;
    private volatile long sent;

    /** A snapshot every {@code interval}, looked at no more often (as before issue 16). */
    public TelemetryReporter(String stationId, Supplier<Telemetry> snapshot, Consumer<Telemetry> send, Duration interval) {
        this(stationId, snapshot, send, interval, interval);
    }

    public TelemetryReporter(String stationId, Supplier<Telemetry> snapshot, Consumer<Telemetry> send, Duration interval,
                             Duration look) {
        this.stationId = stationId;
        this.snapshot = snapshot;
        this.send = send;
        this.interval = interval;
        this.look = look.compareTo(interval) < 0 ? look : interval;
        this.thread = new Thread(this::run, "telemetry-" + stationId);
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Something changed: a snapshot goes out now rather than at the next interval. */
    public void changed() {
        lock.lock();
        try {
            now = true;
            due.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Snapshots handed to the link so far (for tests and the data-budget bench). */
    public long sent() {
        return sent;
    }

    private void run() {
        Notable last = null;
        long lastSentNanos = 0;
        boolean told = true;
        while (!closed) {
            try {
                Telemetry t = snapshot.get();
                Notable notable = Notable.of(t);
                // Half a look early rather than a whole look late: the snapshot comes within the interval promised.
                boolean intervalOver = System.nanoTime() - lastSentNanos >= interval.toNanos() - look.toNanos() / 2;
                if (told || intervalOver || !notable.equals(last)) {
                    send.accept(t);
                    sent++;
                    last = notable;
                    lastSentNanos = System.nanoTime();
                }
            } catch (RuntimeException e) {
                log.warn("Station {} could not send its telemetry: {}", stationId, e.toString());
            }
            lock.lock();
            try {
                if (!now && !closed) {
                    due.await(look.toMillis(), TimeUnit.MILLISECONDS);
                }
                told = now;
                now = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        changed();
    }
}
