package vn.loalang.agent.telemetry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.station.Telemetry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Sends the station's health snapshot every interval, and at once when something the technician
 * must see changes (a relay). Telemetry is the latest state, not a record: a snapshot that cannot
 * be sent (no link) is dropped, the next one says everything again.
 */
public final class TelemetryReporter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TelemetryReporter.class);

    private final String stationId;
    private final Supplier<Telemetry> snapshot;
    private final Consumer<Telemetry> send;
    private final Duration interval;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition due = lock.newCondition();
    private final Thread thread;
    private boolean now;
    private volatile boolean closed;

    public TelemetryReporter(String stationId, Supplier<Telemetry> snapshot, Consumer<Telemetry> send, Duration interval) {
        this.stationId = stationId;
        this.snapshot = snapshot;
        this.send = send;
        this.interval = interval;
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

    private void run() {
        while (!closed) {
            try {
                send.accept(snapshot.get());
            } catch (RuntimeException e) {
                log.warn("Station {} could not send its telemetry: {}", stationId, e.toString());
            }
            lock.lock();
            try {
                if (!now && !closed) {
                    due.await(interval.toMillis(), TimeUnit.MILLISECONDS);
                }
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
