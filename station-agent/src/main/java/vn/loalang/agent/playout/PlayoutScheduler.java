package vn.loalang.agent.playout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.relay.Amplifiers;
import vn.loalang.agent.schedule.ScheduleKeeper;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The playout thread: asks the {@link Arbiter} what should have the line, plays it, and wakes for
 * the next relay-on moment (start minus warm-up), for a new schedule or submission, and at least
 * every {@link #TICK} to re-read the clock, so that a clock corrected by NTP or set by a test is
 * followed. While a program plays, a higher priority that becomes due takes the line at once; the
 * pre-empted session resumes where it stopped (or is skipped, by policy), never past its window.
 * Whenever nothing plays the relays are OFF. Needs no link: it plays from the schedule the keeper
 * holds.
 */
public final class PlayoutScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PlayoutScheduler.class);
    private static final Duration TICK = Duration.ofMillis(250);
    /** The longest pause between playout rounds that keep failing: a session then starts at most this late. */
    static final Duration FAILING_PAUSE_MAX = Duration.ofSeconds(5);

    private final String stationId;
    private final ScheduleKeeper schedules;
    private final SessionPlayer player;
    private final EventOutbox events;
    private final Clock clock;
    private final PlayedSessions played;
    private final Arbiter arbiter;
    private final boolean resumeAfterPreemption;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread thread;
    private volatile boolean closed;
    /** Set by wake(): a change between deciding and waiting is not slept through. */
    private boolean woken;
    /** Whether the time can be trusted: until then no session starts or counts as missed (docs/decisions/0021). */
    private volatile BooleanSupplier clockTrusted = () -> true;

    public PlayoutScheduler(String stationId, ScheduleKeeper schedules, SessionPlayer player, EventOutbox events,
                            Clock clock, Path stateDir) {
        this(stationId, schedules, player, events, clock, stateDir, true);
    }

    /** @param resumeAfterPreemption true: a pre-empted session goes on where it stopped; false: its rest is skipped */
    public PlayoutScheduler(String stationId, ScheduleKeeper schedules, SessionPlayer player, EventOutbox events,
                            Clock clock, Path stateDir, boolean resumeAfterPreemption) {
        this.stationId = stationId;
        this.events = events;
        this.schedules = schedules;
        this.player = player;
        this.clock = clock;
        this.resumeAfterPreemption = resumeAfterPreemption;
        this.played = new PlayedSessions(stationId, stateDir.resolve("played-sessions.json"));
        // While the clock is not trusted the arbiter sees no schedule: submitted programs (alerts) only.
        this.arbiter = new Arbiter(() -> clockTrusted.getAsBoolean() ? schedules.current() : Optional.empty(),
                played::contains);
        this.thread = new Thread(this::run, "playout-" + stationId);
        schedules.onChange(s -> wake());
    }

    public void start() {
        thread.start();
    }

    /**
     * Plays the schedule only while {@code trusted} says the clock can be trusted: a Pi booting with a
     * clock hours off would otherwise sound an evening session in the morning, or count tonight's as
     * missed. Submitted programs (warnings, emergencies) are not held. Call {@link #wake()} when it changes.
     */
    public void sessionsOnlyWhen(BooleanSupplier trusted) {
        this.clockTrusted = trusted;
        wake();
    }

    /** Whether the playout thread is running: what a watchdog (systemd's) should be told. */
    public boolean alive() {
        return thread.isAlive() && !closed;
    }

    /**
     * Puts a warning or an emergency on the line: at once if it outranks what plays (which fades
     * out), at its start otherwise. A warning waits out the quiet hours; an emergency does not.
     */
    public void submit(Program program) {
        if (program.priority() == Priority.SESSION) {
            throw new IllegalArgumentException("sessions come from the schedule, not by submission: " + program.id());
        }
        arbiter.submit(program);
        log.info("Station {} received {} {} ({} item(s), {} to {})", stationId,
                program.priority().name().toLowerCase(Locale.ROOT), program.id(), program.items().size(),
                program.start(), program.end());
        wake();
    }

    /** Withdraws a submitted program; if it is playing it fades out at once. */
    public boolean cancel(String programId) {
        boolean had = arbiter.cancel(programId);
        if (had) {
            log.info("Station {} cancels {}", stationId, programId);
            wake();
        }
        return had;
    }

    /** Whether a submitted or pre-empted program still needs the file {@code sha256} (the cache must keep it). */
    public boolean holds(String sha256) {
        return arbiter.holds(sha256);
    }

    public void wake() {
        lock.lock();
        try {
            woken = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        int failures = 0;
        try {
            while (!closed) {
                try {
                    step();
                    if (failures > 0) {
                        log.info("Station {} plays again after {} failed playout round(s)", stationId, failures);
                        failures = 0;
                    }
                } catch (RuntimeException e) {
                    // A failing part (a full SD card) must not end playout, nor turn it into a busy loop that
                    // fills the log: the pause grows to FAILING_PAUSE_MAX, and a submitted emergency wakes it.
                    failures++;
                    if (failures == 1) {
                        log.error("Station {} playout round failed ({}); relays OFF, trying again", stationId, e.toString(), e);
                    } else if (Integer.bitCount(failures) == 1) {
                        log.error("Station {} playout round still fails after {} rounds ({}); relays OFF, trying again"
                                + " every {} s", stationId, failures, e.toString(), FAILING_PAUSE_MAX.toSeconds());
                    }
                    failSafe();
                    await(pauseAfter(failures));
                }
            }
        } finally {
            // Stopping with amplifiers handed over to a program that will not come: they go off now.
            failSafe();
        }
    }

    /** TICK after the first failure, doubling up to {@link #FAILING_PAUSE_MAX}. */
    static Duration pauseAfter(int failures) {
        Duration pause = TICK.multipliedBy(1L << Math.min(failures - 1, 10));
        return pause.compareTo(FAILING_PAUSE_MAX) < 0 ? pause : FAILING_PAUSE_MAX;
    }

    private void failSafe() {
        try {
            player.amplifiers().failSafe();
        } catch (RuntimeException e) {
            log.error("Station {} could not switch its relays OFF: {}", stationId, e.toString());
        }
    }

    /** One decision: play what has the line, or switch the relays off and wait. */
    private void step() {
        Instant now = clock.instant();
        for (Arbiter.Turn gone : arbiter.expire(now)) {
            giveUp(gone, "its window closed before it could " + (gone.from().atStart() ? "start" : "resume"));
        }
        if (clockTrusted.getAsBoolean()) {
            schedules.current().ifPresent(s -> reportMissed(s, now));
        }
        Optional<Arbiter.Turn> turn = arbiter.next(now, player.warmup());
        if (turn.isPresent()) {
            play(turn.get(), now);
            return;
        }
        if (player.amplifiers().state() != Amplifiers.State.OFF || player.amplifiers().isOn()) {
            // Nothing has the line: whatever left the amplifiers on (a pre-emption whose successor was
            // cancelled), they go off now.
            log.info("Station {}: nothing to play, relays OFF", stationId);
            player.amplifiers().off(null);
        }
        Duration wait = arbiter.nextDue(now, player.warmup()).map(t -> Duration.between(now, t)).orElse(TICK);
        await(wait.compareTo(TICK) < 0 ? wait : TICK);
    }

    private void play(Arbiter.Turn turn, Instant now) {
        Program program = turn.program();
        if (arbiter.quiet(program, later(now, program.start()))) {
            log.warn("Station {} keeps {} off the line: it falls in the quiet hours", stationId, program.id());
            events.record(StationEvent.of(EventType.SESSION_FINISHED).session(program.id()).reason(EventReason.QUIET_HOURS)
                    .detail("played 0 of " + program.items().size() + " item(s): quiet hours, only emergencies sound"));
            finish(turn);
            return;
        }
        SessionPlayer.Outcome outcome = player.play(program, turn.from(), lineNow -> {
            // A higher priority first: it then takes the amplifiers as they are, even from a cancelled program.
            Optional<Program> higher = arbiter.outranking(program, clock.instant());
            if (higher.isPresent()) {
                return new SessionPlayer.Stop(EventReason.PREEMPTED, higher.get().priority().name().toLowerCase(Locale.ROOT)
                        + " " + higher.get().id() + " takes the line");
            }
            if (turn.submitted() && !arbiter.isSubmitted(program.id())) {
                return new SessionPlayer.Stop(EventReason.CANCELLED, program.id() + " was cancelled");
            }
            if (arbiter.quiet(program, lineNow)) {
                return new SessionPlayer.Stop(EventReason.QUIET_HOURS, "the quiet hours begin");
            }
            return null;
        });
        if (outcome.preempted() && outcome.resumeAt().item() < program.items().size()) {
            if (resumeAfterPreemption || turn.submitted()) {
                if (!arbiter.park(turn, outcome.resumeAt())) {
                    events.record(StationEvent.of(EventType.SESSION_FINISHED).session(program.id()).reason(EventReason.CANCELLED)
                            .detail(program.id() + " was cancelled while it gave way"));
                    finish(turn);
                }
                return;
            }
            giveUp(new Arbiter.Turn(program, outcome.resumeAt(), false), "the station skips what a higher priority"
                    + " interrupted (playout.afterPreemption = skip)");
            return;
        }
        if (outcome.preempted()) {
            // Pre-empted after its last item: nothing is left to resume.
            events.record(StationEvent.of(EventType.SESSION_FINISHED).session(program.id())
                    .detail("played " + program.items().size() + " of " + program.items().size() + " item(s)"));
        }
        if (!closed || outcome.reason() != EventReason.STOPPED) {
            // A session cut short by a stop stays unplayed: after a restart within its window it plays again.
            finish(turn);
        }
    }

    private void finish(Arbiter.Turn turn) {
        arbiter.done(turn);
        if (!turn.submitted()) {
            played.add(turn.program().id(), turn.program().end(), clock.instant());
        }
    }

    private void giveUp(Arbiter.Turn turn, String why) {
        log.warn("Station {} gives up {}: {}", stationId, turn.program().id(), why);
        events.record(StationEvent.of(EventType.SESSION_FINISHED).session(turn.program().id()).reason(EventReason.PREEMPTED)
                .detail("stopped at item " + (turn.from().item() + 1) + " of " + turn.program().items().size() + ": "
                        + why));
        finish(turn);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /** Sessions whose whole window passed while the agent was not running: said once, so the gap is visible. */
    private void reportMissed(Schedule schedule, Instant now) {
        for (Session s : schedule.sessions()) {
            if (!s.end().isAfter(now) && !played.contains(s.id())) {
                log.warn("Station {} missed session {} ({} to {}): the agent was not running", stationId, s.id(),
                        s.start(), s.end());
                events.record(StationEvent.of(EventType.SESSION_FINISHED).session(s.id()).reason(EventReason.MISSED)
                        .detail("played 0 of " + s.items().size() + " item(s): the agent was not running during the window"));
                played.add(s.id(), s.end(), now);
            }
        }
    }

    private void await(Duration d) {
        lock.lock();
        try {
            if (!closed && !woken) {
                changed.await(Math.max(1, d.toNanos()), TimeUnit.NANOSECONDS);
            }
            woken = false;
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
