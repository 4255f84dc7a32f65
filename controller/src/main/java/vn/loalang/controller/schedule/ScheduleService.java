package vn.loalang.controller.schedule;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.priority.AlertWindow;
import vn.loalang.controller.priority.BackgroundThreads;
import vn.loalang.protocol.schedule.Schedule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The one owner of the stations' schedules: it numbers their versions, compiles the commune's
 * program and publishes what changed, retires decommissioned stations, keeps the problems of the
 * last compile, and compiles again each night so the stations always hold the coming days.
 *
 * <p>Every compile, and every republish after the broker link connects, runs on one thread of its
 * own ({@value #THREAD}), so two never cross, no caller holds a lock while the program compiles, and
 * the link's thread never sends two thousand schedules itself. A request ({@link #requestRecompile()}) returns at
 * once; requests that arrive while a compile runs are served by one more compile after it, not one
 * each: the last one reads the commune and the library as they are by then, which is all each of
 * them asked for.
 *
 * <p>No loudspeaker waits for a compile, and an alert must not wait for one (decision 0028): the
 * compile thread runs at a lower priority ({@link BackgroundThreads}), and the schedules go out
 * {@value #BATCH} at a time, each batch after giving way to an alert going out ({@link AlertWindow}).
 */
public final class ScheduleService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ScheduleService.class);
    /** The name of the thread the schedules' jobs run on: the compiles (asked for and nightly) and the republishes. */
    public static final String THREAD = "schedules";
    /** When the nightly compile runs, in the commune's time zone: just after midnight, a new day in the horizon. */
    public static final LocalTime NIGHTLY_AT = LocalTime.of(0, 1);
    /**
     * Schedules signed, stored and published between two looks at the alert window: 0.1–0.2 s of work
     * at nice 10 on the bench's two cores (2,000 in 5–6 s), which an alert triggered meanwhile shares
     * the CPU with; it waits for no lock of theirs.
     */
    static final int BATCH = 50;

    private final Supplier<Commune> commune;
    private final ScheduleCompiler compiler;
    private final SchedulePublisher publisher;
    private final Clock clock;
    private final LocalTime nightlyAt;
    private final AlertWindow alerts;
    private final ScheduledExecutorService compiling;
    private volatile Thread compileThread;
    private final Object lock = new Object();
    /** The compile asked for and not started yet; null when none is. Guarded by {@link #lock}. */
    private CompletableFuture<List<String>> pending;
    /** The republish asked for and not started yet; null when none is. Guarded by {@link #lock}. */
    private CompletableFuture<Integer> republishing;
    /** Touched on the compile thread only. */
    private long lastVersion;
    private volatile List<String> problems = List.of();
    private volatile Instant nextNightly;
    private final AtomicLong compiles = new AtomicLong();

    /**
     * @param commune  the commune as it is now
     * @param compiler turns it into schedules
     * @param publisher signs, keeps and sends them; what it kept before this start sets the first version
     */
    public ScheduleService(Supplier<Commune> commune, ScheduleCompiler compiler, SchedulePublisher publisher,
                           Clock clock) {
        this(commune, compiler, publisher, clock, new AlertWindow());
    }

    /** As above; publishing gives way while {@code alerts} is open. */
    public ScheduleService(Supplier<Commune> commune, ScheduleCompiler compiler, SchedulePublisher publisher,
                           Clock clock, AlertWindow alerts) {
        this(commune, compiler, publisher, clock, NIGHTLY_AT, alerts);
    }

    /** As above, with the nightly compile at {@code nightlyAt}: a test sees it run without waiting for 00:01. */
    ScheduleService(Supplier<Commune> commune, ScheduleCompiler compiler, SchedulePublisher publisher, Clock clock,
                    LocalTime nightlyAt) {
        this(commune, compiler, publisher, clock, nightlyAt, new AlertWindow());
    }

    private ScheduleService(Supplier<Commune> commune, ScheduleCompiler compiler, SchedulePublisher publisher,
                            Clock clock, LocalTime nightlyAt, AlertWindow alerts) {
        this.nightlyAt = nightlyAt;
        this.alerts = alerts;
        this.commune = commune;
        this.compiler = compiler;
        this.publisher = publisher;
        this.clock = clock;
        // Versions keep increasing across restarts even if the server clock was set back.
        this.lastVersion = publisher.current().values().stream().mapToLong(Schedule::version).max().orElse(0);
        ThreadFactory background = BackgroundThreads.named(THREAD);
        this.compiling = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = background.newThread(r);
            compileThread = t;
            return t;
        });
    }

    /**
     * Compiles and publishes now (the caller waits: the controller's start holds the first
     * schedules before it says it runs), then sets the nightly compile.
     */
    public void start() throws InterruptedException {
        recompileNow();
        scheduleNightly();
    }

    /**
     * Asks for a compile and returns at once. The future completes with the problems of a compile
     * that began after this call (empty: the program went out), or with the error that stopped it.
     */
    public CompletableFuture<List<String>> requestRecompile() {
        synchronized (lock) {
            if (pending != null) {
                return pending;
            }
            CompletableFuture<List<String>> next = new CompletableFuture<>();
            try {
                compiling.execute(this::compilePending);
            } catch (RejectedExecutionException e) {
                next.completeExceptionally(new IllegalStateException("the schedule service is closed", e));
                return next;
            }
            pending = next;
            return next;
        }
    }

    /**
     * Asks for a compile and waits for it: for whoever must answer with the result (an operator's
     * change of the directory, tests). Returns the problems of a compile that began after this call.
     */
    public List<String> recompileNow() throws InterruptedException {
        if (Thread.currentThread() == compileThread) {
            return compileAndPublish(); // already on the compile thread: waiting for it would never end
        }
        try {
            return requestRecompile().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * An operator changed the directory (a program, a station, a village): compiles again and waits,
     * so that the change is answered once the stations were sent what it changed, as the console
     * shows. Interrupted, it stops waiting; the compile still runs.
     */
    public void directoryChanged() {
        try {
            recompileNow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("Stopped waiting for the compile after a change to the directory; it goes on without the caller");
        }
    }

    /**
     * Tells the service which library items were added, changed or removed. It compiles again only
     * when a program names one of them: an item no program names cannot change a schedule (a spoken
     * alert clip, a recording not yet placed). A program naming an item the library did not have has a
     * problem until the item arrives; the name is in the program, so its arrival compiles again.
     */
    public void libraryChanged(Set<String> itemIds) {
        Set<String> named = namedByPrograms(commune.get());
        if (itemIds.stream().anyMatch(named::contains)) {
            requestRecompile();
        } else {
            log.debug("Library item(s) {} changed; no program names them, so no schedule is compiled again", itemIds);
        }
    }

    /** Every library item id any program names, whatever the session's date: a few extra compiles harm nobody. */
    static Set<String> namedByPrograms(Commune c) {
        List<Commune.Program> programs = new ArrayList<>();
        programs.add(c.program());
        c.villages().stream().map(Commune.Village::program).filter(p -> p != null).forEach(programs::add);
        Set<String> ids = new LinkedHashSet<>();
        for (Commune.Program p : programs) {
            p.daily().forEach(d -> ids.addAll(d.libraryIds()));
            p.oneOff().forEach(o -> ids.addAll(o.libraryIds()));
        }
        return ids;
    }

    private void compilePending() {
        CompletableFuture<List<String>> served;
        synchronized (lock) {
            // Taken before compiling: a request from now on is served by another compile, which will see its change.
            served = pending;
            pending = null;
        }
        try {
            served.complete(compileAndPublish());
        } catch (RuntimeException e) {
            log.error("Schedules not compiled ({}); stations keep their last schedule until the next change or night",
                    e.toString(), e);
            served.completeExceptionally(e);
        }
    }

    /** On the compile thread only. Problems are logged and kept; stations keep their last good schedule. */
    private List<String> compileAndPublish() {
        compiles.incrementAndGet();
        Instant now = clock.instant();
        lastVersion = Math.max(lastVersion + 1, now.toEpochMilli());
        Commune c = commune.get();
        Set<String> stations = new LinkedHashSet<>();
        c.stations().forEach(s -> stations.add(s.id()));
        // Before compiling: a decommissioned station must fall silent even while the program has a problem.
        publisher.retire(stations, lastVersion, Duration.ofDays(c.commune().horizonDays()));
        try {
            Map<String, Schedule> schedules = compiler.compile(c, now, lastVersion);
            int sent = publishGivingWay(schedules);
            problems = List.of();
            log.info("Program compiled as version {}: {} schedule(s), {} published", lastVersion, schedules.size(), sent);
        } catch (ProgramException e) {
            problems = e.problems();
            log.error("Program not published; stations keep their last schedule. {}", e.getMessage());
        }
        return problems;
    }

    /**
     * Publishes {@value #BATCH} schedules at a time, giving way to an alert going out before each
     * batch; holds no lock while it waits. Stopped by an interrupt (the service closing), it
     * publishes no more: the stations keep the schedules they hold.
     */
    private int publishGivingWay(Map<String, Schedule> schedules) {
        int sent = 0;
        Map<String, Schedule> batch = new LinkedHashMap<>();
        for (Map.Entry<String, Schedule> e : schedules.entrySet()) {
            batch.put(e.getKey(), e.getValue());
            if (batch.size() == BATCH) {
                sent += publishAfterAlerts(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            sent += publishAfterAlerts(batch);
        }
        return sent;
    }

    private int publishAfterAlerts(Map<String, Schedule> batch) {
        try {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException();
            }
            alerts.giveWay("Schedule version " + lastVersion);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("Schedule version {} stopped before {} station(s) were sent it: the service is closing",
                    lastVersion, batch.size());
            return 0;
        }
        return publisher.publish(batch);
    }

    private void scheduleNightly() {
        Instant now = clock.instant();
        Instant next = nightlyAfter(now, commune.get().commune().zone(), nightlyAt);
        nextNightly = next;
        try {
            compiling.schedule(() -> {
                try {
                    compilePendingOrNow();
                } finally {
                    scheduleNightly();
                }
            }, Duration.between(now, next).toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            log.debug("Nightly compile not set: the schedule service is closed");
        }
    }

    /** The nightly compile, on the compile thread: it serves a request waiting too, if one is. */
    private void compilePendingOrNow() {
        boolean requested;
        synchronized (lock) {
            requested = pending != null;
        }
        if (requested) {
            compilePending();
        } else {
            try {
                compileAndPublish();
            } catch (RuntimeException e) {
                log.error("Nightly compile failed ({}); stations keep their last schedule", e.toString(), e);
            }
        }
    }

    /**
     * The next nightly compile after {@code now}: {@code at} on the next day in {@code zone}. Always the
     * next day: a compile that fires a little before its time must not set itself again for the same night.
     */
    static Instant nightlyAfter(Instant now, ZoneId zone, LocalTime at) {
        return LocalDate.ofInstant(now, zone).plusDays(1).atTime(at).atZone(zone).toInstant();
    }

    /** When the nightly compile is set to run next; empty before {@link #start()}. */
    public Optional<Instant> nextNightly() {
        return Optional.ofNullable(nextNightly);
    }

    /** The problems of the last compile; empty when the program went out. */
    public List<String> problems() {
        return problems;
    }

    /** The schedule last published to each station. */
    public Map<String, Schedule> published() {
        return publisher.current();
    }

    /** The schedule last published to {@code stationId}, or null. */
    public Schedule publishedTo(String stationId) {
        return publisher.current(stationId);
    }

    /** The version last published to each station. */
    public Map<String, Long> publishedVersions() {
        Map<String, Long> out = new HashMap<>();
        publisher.current().forEach((station, schedule) -> out.put(station, schedule.version()));
        return out;
    }

    /**
     * Sends every kept schedule again, on this service's thread, and returns at once: for the link's
     * connect listener (a restarted broker has forgotten them), whose thread must not wait for two
     * thousand acknowledgements. Connects that come while one republish waits share it: it sends what
     * is kept when it runs. The future completes with how many schedules went out.
     */
    public CompletableFuture<Integer> republishAll() {
        synchronized (lock) {
            if (republishing != null) {
                return republishing;
            }
            CompletableFuture<Integer> next = new CompletableFuture<>();
            try {
                compiling.execute(this::republishPending);
            } catch (RejectedExecutionException e) {
                log.debug("Schedules not republished: the schedule service is closed");
                next.completeExceptionally(new IllegalStateException("the schedule service is closed", e));
                return next;
            }
            republishing = next;
            return next;
        }
    }

    private void republishPending() {
        CompletableFuture<Integer> served;
        synchronized (lock) {
            served = republishing;
            republishing = null;
        }
        try {
            served.complete(publisher.republishAll());
        } catch (RuntimeException e) {
            log.error("Schedules not republished after connecting ({}); they go out with the next connect",
                    e.toString(), e);
            served.completeExceptionally(e);
        }
    }

    /** Whether a compile was asked for and has not started yet: how a test sees that a change asked for none. */
    public boolean compileAsked() {
        synchronized (lock) {
            return pending != null;
        }
    }

    /** How many compiles ran since this service was made: how a test sees that requests were coalesced. */
    public long compiles() {
        return compiles.get();
    }

    /** Stops the nightly compile; a compile running now is interrupted, none starts after. */
    @Override
    public void close() {
        compiling.shutdownNow();
        synchronized (lock) {
            if (pending != null) {
                pending.completeExceptionally(new IllegalStateException("the schedule service closed"));
                pending = null;
            }
            if (republishing != null) {
                republishing.completeExceptionally(new IllegalStateException("the schedule service closed"));
                republishing = null;
            }
        }
    }
}
