package vn.loalang.agent.content;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Brings everything the coming sessions need into the cache as soon as a schedule arrives, and
 * keeps trying (with growing pauses) while anything is missing. Each session is reported
 * CONTENT_READY once, each failing item CONTENT_FAILED once per schedule.
 */
public final class ContentPrefetcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ContentPrefetcher.class);
    private static final long MIN_RETRY_MS = 1_000;
    private static final long MAX_RETRY_MS = 60_000;

    private final String stationId;
    private final ContentCache cache;
    private final EventOutbox events;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread worker;
    private Schedule schedule;
    private boolean dirty;
    private volatile boolean closed;

    public ContentPrefetcher(String stationId, ContentCache cache, EventOutbox events, Clock clock) {
        this.stationId = stationId;
        this.cache = cache;
        this.events = events;
        this.clock = clock;
        this.worker = new Thread(this::run, "prefetch-" + stationId);
        worker.setDaemon(true);
    }

    public void start() {
        worker.start();
    }

    public void scheduleChanged(Schedule newSchedule) {
        lock.lock();
        try {
            schedule = newSchedule;
            dirty = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        Set<String> reported = new HashSet<>();
        long retry = MIN_RETRY_MS;
        Schedule working = null;
        while (!closed) {
            lock.lock();
            try {
                if (!dirty && working != null) {
                    changed.await(retry, TimeUnit.MILLISECONDS);
                }
                while (schedule == null && !closed) {
                    changed.await();
                }
                if (closed) {
                    return;
                }
                if (dirty) {
                    reported.clear();
                    retry = MIN_RETRY_MS;
                }
                working = schedule;
                dirty = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            boolean complete = fetchAll(working, reported);
            retry = complete ? Long.MAX_VALUE / 4 : Math.min(retry * 2, MAX_RETRY_MS);
        }
    }

    private boolean fetchAll(Schedule s, Set<String> reported) {
        boolean complete = true;
        for (Session session : s.upcoming(clock.instant())) {
            boolean sessionReady = true;
            for (Item item : session.items()) {
                try {
                    cache.fetch(item);
                } catch (ContentFetchException e) {
                    if (closed) {
                        return false;
                    }
                    sessionReady = false;
                    if (reported.add("failed:" + item.sha256())) {
                        log.warn("Station {}: {}", stationId, e.getMessage());
                        events.record(StationEvent.of(EventType.CONTENT_FAILED).session(session.id())
                                .content(item.contentId()).reason(e.reason()).detail(e.getMessage()));
                    }
                }
            }
            if (sessionReady && reported.add("ready:" + session.id())) {
                events.record(StationEvent.of(EventType.CONTENT_READY).session(session.id())
                        .scheduleVersion(s.version()).detail(session.items().size() + " item(s) cached"));
            }
            complete &= sessionReady;
        }
        return complete;
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        worker.interrupt();
    }
}
