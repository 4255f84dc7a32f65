package vn.loalang.systemtests.bench;

import vn.loalang.controller.server.Controller;
import vn.loalang.protocol.schedule.Schedule;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Keeps the controller recompiling a village's schedules while an alert is measured: the village's
 * own program is changed through {@code PUT /api/villages/{id}/program}, its one daily session
 * moved a minute back and forth, so that every one of its stations is given a new schedule (signed,
 * stored, published retained) each time; the next change is made once the last of its stations holds
 * the schedule of the change before. The village's stations need no connection: the compile, the
 * signing, the store and the broker's retained messages are the work this puts on the controller.
 */
final class RecompileLoad implements AutoCloseable {
    private static final Duration ONE_RECOMPILE = Duration.ofSeconds(120);

    private final AlertApi api;
    private final String token;
    private final String village;
    private final String item;
    private final String lastStation;
    private final Controller controller;
    private final Thread thread;
    private final List<Long> doneNanos = new ArrayList<>();
    private final List<Long> tookNanos = new ArrayList<>();
    private final AtomicReference<BenchException> failure = new AtomicReference<>();
    private volatile boolean stop;
    /** The minute of the program the village has now: each change moves it to the other one (0 or 1). */
    private volatile int minute;

    private RecompileLoad(Controller controller, AlertApi api, String token, String village, String item,
                          String lastStation, int minute) {
        this.controller = controller;
        this.api = api;
        this.token = token;
        this.village = village;
        this.item = item;
        this.lastStation = lastStation;
        this.minute = minute;
        this.thread = new Thread(this::run, "bench-recompile-load");
        thread.setDaemon(true);
    }

    /**
     * Starts changing the program and returns once a first recompile is through: the load is steady.
     * {@code minute}: that of the program the village has now ({@link #program}; 0 as the commune is
     * written, {@link #minute()} of the load before): a change to the same program would compile nothing.
     */
    static RecompileLoad start(Controller controller, AlertApi api, String token, String village, String item,
                               String lastStation, int minute) throws BenchException {
        RecompileLoad load = new RecompileLoad(controller, api, token, village, item, lastStation, minute);
        load.thread.start();
        Wait.until("a first recompile of village " + village, ONE_RECOMPILE, () -> {
            load.rethrow();
            return load.done() > 0 ? Optional.of(true) : Optional.empty();
        });
        return load;
    }

    /** The village's program with its daily session at 05:30 plus {@code minute}. */
    static Map<String, Object> program(String item, int minute) {
        String start = String.format("05:%02d", 30 + minute);
        String end = String.format("06:%02d", 30 + minute);
        return Map.of("daily", List.of(Map.of("id", "sang", "name", "Buổi sáng (benchmark)", "start", start, "end", end,
                "items", List.of(item))));
    }

    private void run() {
        try {
            while (!stop) {
                int next = 1 - minute;
                long before = version();
                long t0 = System.nanoTime();
                api.setVillageProgram(token, village, program(item, next));
                minute = next;
                // Today the change answers once the recompile is through; a controller that compiles
                // asynchronously answers at once, and the schedules follow.
                Wait.until("the schedules of village " + village + " recompiled", ONE_RECOMPILE, () ->
                        stop || version() > before ? Optional.of(true) : Optional.empty());
                long t1 = System.nanoTime();
                synchronized (this) {
                    doneNanos.add(t1);
                    tookNanos.add(t1 - t0);
                }
            }
        } catch (BenchException e) {
            failure.set(e);
        }
    }

    private long version() {
        Schedule s = controller.schedules().get(lastStation);
        return s == null ? -1 : s.version();
    }

    /** The minute of the village's program as the load last set it: where the next load starts from. */
    int minute() {
        return minute;
    }

    synchronized int done() {
        return doneNanos.size();
    }

    /** Recompiles finished between the two moments ({@link System#nanoTime}), and how long each of them took. */
    synchronized Percentiles within(long fromNanos, long toNanos) {
        List<Long> took = new ArrayList<>();
        for (int i = 0; i < doneNanos.size(); i++) {
            if (doneNanos.get(i) >= fromNanos && doneNanos.get(i) - tookNanos.get(i) <= toNanos) {
                took.add(tookNanos.get(i));
            }
        }
        return took.isEmpty() ? null : Percentiles.ofNanos(took);
    }

    synchronized Percentiles all() {
        return Percentiles.ofNanos(List.copyOf(tookNanos));
    }

    private void rethrow() throws BenchException {
        BenchException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    /** Stops after the change under way; fails when the load failed, since then it did not load anything. */
    @Override
    public void close() throws BenchException {
        stop = true;
        try {
            thread.join(ONE_RECOMPILE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while the recompile load stopped");
        }
        rethrow();
    }
}
