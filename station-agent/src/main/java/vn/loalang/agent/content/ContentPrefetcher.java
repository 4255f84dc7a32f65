package vn.loalang.agent.content;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Brings everything the coming sessions need into the cache as soon as a schedule arrives, and
 * keeps trying (with growing pauses) while anything is missing. Each session is reported
 * CONTENT_READY once, each failing item CONTENT_FAILED once per schedule.
 *
 * <p>It also keeps the cache within its budget, on this one thread so that an eviction never races a
 * download: when a schedule arrives and after every file it brings in. What the coming sessions need
 * is pinned, and so is whatever may be on air: a session of a replaced schedule that has begun keeps
 * playing to its end, so its files stay until then, as does anything the caller's {@code inUse} names.
 */
public final class ContentPrefetcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ContentPrefetcher.class);
    private static final long MIN_RETRY_MS = 1_000;
    private static final long MAX_RETRY_MS = 60_000;
    /** Longer than any amplifier warm-up: a session this close to its start may already be switching on. */
    private static final Duration ON_AIR_LEAD = Duration.ofMinutes(1);

    private final String stationId;
    private final ContentCache cache;
    private final EventOutbox events;
    private final Clock clock;
    private final Predicate<String> inUse;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread worker;
    private Schedule schedule;
    private boolean dirty;
    /** Something in the cache was found damaged and deleted: look again at once, without a new schedule. */
    private boolean recheck;
    private volatile boolean closed;
    /** Sessions of replaced schedules that may still be playing; touched by the worker thread only. */
    private List<Session> onAir = List.of();

    /** @param inUse content the playout holds outside the schedule (never evicted while it says so) */
    public ContentPrefetcher(String stationId, ContentCache cache, EventOutbox events, Clock clock,
                             Predicate<String> inUse) {
        this.stationId = stationId;
        this.cache = cache;
        this.events = events;
        this.clock = clock;
        this.inUse = inUse;
        this.worker = new Thread(this::run, "prefetch-" + stationId);
        worker.setDaemon(true);
        cache.onDamaged(this::damaged);
    }

    /**
     * A cached file failed its check (on any thread: the playout's before a first play, this one's):
     * reported, and fetched again at once rather than at the next retry.
     */
    private void damaged(Item item, String why) {
        events.record(StationEvent.of(EventType.CONTENT_FAILED).content(item.contentId())
                .reason(EventReason.HASH_MISMATCH).detail(why));
        lock.lock();
        try {
            recheck = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public void start() {
        worker.start();
    }

    /** False once the worker has ended, by a stop or by an error: nothing is fetched any more. */
    public boolean alive() {
        return worker.isAlive();
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
            boolean replaced;
            lock.lock();
            try {
                if (!dirty && !recheck && working != null) {
                    changed.await(retry, TimeUnit.MILLISECONDS);
                }
                if (recheck) {
                    recheck = false;
                    retry = MIN_RETRY_MS;
                }
                while (schedule == null && !closed) {
                    changed.await();
                }
                if (closed) {
                    return;
                }
                replaced = dirty;
                if (replaced) {
                    reported.clear();
                    retry = MIN_RETRY_MS;
                    onAir = stillOnAir(working, clock.instant());
                }
                working = schedule;
                dirty = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (replaced) {
                // Before fetching: what the new schedule dropped makes room for what it brings.
                cache.evict(pinned(working));
            }
            boolean complete = fetchAll(working, reported);
            retry = complete ? Long.MAX_VALUE / 4 : Math.min(retry * 2, MAX_RETRY_MS);
        }
    }

    private boolean fetchAll(Schedule s, Set<String> reported) {
        boolean complete = true;
        for (Session session : s.upcoming(clock.instant())) {
            boolean sessionReady = true;
            for (Item item : session.items().stream().flatMap(ContentPrefetcher::files).toList()) {
                try {
                    // Checked whole the first time since the start: a damaged copy is deleted here and fetched again.
                    if (cache.verified(item).isEmpty()) {
                        cache.fetch(item);
                        cache.evict(pinned(s));
                    }
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

    /** What must stay in the cache now: the coming sessions' files, what may be on air, what the playout holds. */
    private Predicate<String> pinned(Schedule s) {
        Instant now = clock.instant();
        Set<String> needed = Stream.concat(s.upcoming(now).stream(), onAir.stream().filter(o -> o.end().isAfter(now)))
                .flatMap(session -> session.items().stream()).flatMap(ContentPrefetcher::files).map(Item::sha256)
                .collect(Collectors.toSet());
        return sha256 -> needed.contains(sha256) || inUse.test(sha256);
    }

    /** The files an item needs in the cache: itself; for a live item only its fallback, if it has one (issue 17). */
    public static Stream<Item> files(Item item) {
        return item.live() ? Stream.ofNullable(item.relay().fallbackItem()) : Stream.of(item);
    }

    /** The sessions of {@code replaced} (and of those it replaced) that have begun and not yet ended. */
    private List<Session> stillOnAir(Schedule replaced, Instant now) {
        Stream<Session> candidates = replaced == null ? onAir.stream()
                : Stream.concat(onAir.stream(), replaced.sessions().stream());
        return candidates.filter(s -> s.end().isAfter(now) && !s.start().minus(ON_AIR_LEAD).isAfter(now)).toList();
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
