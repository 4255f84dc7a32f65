package vn.loalang.agent.playout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.schedule.ScheduleKeeper;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Decides when to play. It wakes for the next session's relay-on moment (start minus warm-up), for
 * a new schedule, and at least every {@link #TICK} to re-read the clock, so that a clock corrected by
 * NTP or set by a test is followed. Needs no link: it plays from the schedule the keeper holds.
 */
public final class PlayoutScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PlayoutScheduler.class);
    private static final Duration TICK = Duration.ofMillis(250);

    private final String stationId;
    private final ScheduleKeeper schedules;
    private final SessionPlayer player;
    private final EventOutbox events;
    private final Clock clock;
    private final PlayedSessions played;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread thread;
    private volatile boolean closed;

    public PlayoutScheduler(String stationId, ScheduleKeeper schedules, SessionPlayer player, EventOutbox events,
                            Clock clock, Path stateDir) {
        this.stationId = stationId;
        this.events = events;
        this.schedules = schedules;
        this.player = player;
        this.clock = clock;
        this.played = new PlayedSessions(stateDir.resolve("played-sessions.json"));
        this.thread = new Thread(this::run, "playout-" + stationId);
        schedules.onChange(s -> wake());
    }

    public void start() {
        thread.start();
    }

    public void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        while (!closed) {
            Instant now = clock.instant();
            schedules.current().ifPresent(s -> reportMissed(s, now));
            Optional<Session> next = schedules.current().flatMap(s -> nextToPlay(s, now));
            if (next.isPresent() && !now.isBefore(next.get().start().minus(player.warmup()))) {
                Session session = next.get();
                SessionPlayer.Outcome outcome = player.play(session);
                if (!closed || outcome.played() + outcome.failed() == session.items().size()) {
                    // A session cut short by a stop stays unplayed: after a restart within its window it plays again.
                    played.add(session.id(), session.end(), clock.instant());
                }
                continue;
            }
            Duration wait = next.map(s -> Duration.between(now, s.start().minus(player.warmup()))).orElse(TICK);
            await(wait.compareTo(TICK) < 0 ? wait : TICK);
        }
    }

    /** Sessions whose whole window passed while the agent was not running: said once, so the gap is visible. */
    private void reportMissed(Schedule schedule, Instant now) {
        for (Session s : schedule.sessions()) {
            if (!s.end().isAfter(now) && !played.contains(s.id())) {
                log.warn("Station {} missed session {} ({} to {}): the agent was not running", stationId, s.id(),
                        s.start(), s.end());
                events.record(StationEvent.of(EventType.SESSION_FINISHED).session(s.id()).reason("MISSED")
                        .detail("played 0 of " + s.items().size() + " item(s): the agent was not running during the window"));
                played.add(s.id(), s.end(), now);
            }
        }
    }

    private Optional<Session> nextToPlay(Schedule schedule, Instant now) {
        return schedule.upcoming(now).stream().filter(s -> !played.contains(s.id())).findFirst();
    }

    private void await(Duration d) {
        lock.lock();
        try {
            if (!closed) {
                changed.await(Math.max(1, d.toNanos()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        player.stop();
        wake();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("Station {} playout did not stop within 5 s", stationId);
        }
    }
}
