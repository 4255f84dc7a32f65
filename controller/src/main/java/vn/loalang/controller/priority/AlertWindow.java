package vn.loalang.controller.priority;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The seconds in which an alert goes out: from its trigger until the stations have had time to
 * take it, report it and fetch its clip while the siren sounds. Background work that comes in
 * steps (publishing thousands of schedules) asks {@link #giveWay()} between steps and waits while
 * the window is open, so that the alert does not share the store, the broker and the two cores with
 * it (decision 0028). The work resumes where it stopped; it is late by the window at most.
 */
public final class AlertWindow {
    private static final Logger log = LoggerFactory.getLogger(AlertWindow.class);
    /**
     * How long the window stays open after a trigger: the fan-out and the first sounds take under a
     * second, the stations' reports and their download of the clip come while the 3.6 s siren sounds;
     * on a slow link the download takes longer.
     */
    public static final Duration HOLD = Duration.ofSeconds(10);
    /** The longest one step waits, even if alerts keep coming: schedules must still go out in the end. */
    static final Duration LONGEST_WAIT = Duration.ofSeconds(60);

    private final long holdNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** Waited on with a deadline only: the window closes with time, nobody signals it. */
    private final Condition closed = lock.newCondition();
    /** {@link System#nanoTime} when the window closes; guarded by {@link #lock}. */
    private long closesAt;
    private boolean everOpened;

    public AlertWindow() {
        this(HOLD);
    }

    /** A window that stays open {@code hold} after each trigger. */
    public AlertWindow(Duration hold) {
        this.holdNanos = hold.toNanos();
    }

    /** An alert is going out now: the window opens, or stays open, for {@link #HOLD} from now. */
    public void open() {
        lock.lock();
        try {
            closesAt = System.nanoTime() + holdNanos;
            everOpened = true;
        } finally {
            lock.unlock();
        }
    }

    /** Whether an alert is going out now. */
    public boolean isOpen() {
        lock.lock();
        try {
            return everOpened && System.nanoTime() - closesAt < 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns at once when no alert is going out; otherwise waits until the window closes (at most
     * {@link #LONGEST_WAIT}). For background work between two steps, holding no lock an alert needs.
     *
     * @param work what waits, for the log
     */
    public void giveWay(String work) throws InterruptedException {
        long start = System.nanoTime();
        lock.lock();
        try {
            long giveUp = start + LONGEST_WAIT.toNanos();
            boolean waited = false;
            while (everOpened && System.nanoTime() - closesAt < 0 && System.nanoTime() - giveUp < 0) {
                waited = true;
                closed.awaitNanos(Math.min(closesAt, giveUp) - System.nanoTime());
            }
            if (waited) {
                log.info("{} gave way to an alert going out for {} ms", work,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
        } finally {
            lock.unlock();
        }
    }
}
