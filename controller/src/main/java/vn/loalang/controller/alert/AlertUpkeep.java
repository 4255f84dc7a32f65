package vn.loalang.controller.alert;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The alerts' upkeep, on a thread of its own ({@value #THREAD}): every 2 s, re-sends to villages
 * whose stations have not said they received an alert, and ends expired ones
 * ({@link AlertDispatcher#tick()}). Never behind a compile or any other upkeep.
 */
public final class AlertUpkeep implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertUpkeep.class);
    public static final String THREAD = "alert-upkeep";
    static final long EVERY_SECONDS = 2;

    private final AlertService alerts;
    private final ScheduledExecutorService upkeep = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, THREAD);
        t.setDaemon(true);
        return t;
    });

    public AlertUpkeep(AlertService alerts) {
        this.alerts = alerts;
    }

    /** Starts the timer: the first round 2 s from now. */
    public void start() {
        upkeep.scheduleWithFixedDelay(this::tick, EVERY_SECONDS, EVERY_SECONDS, TimeUnit.SECONDS);
    }

    private void tick() {
        try {
            alerts.tick();
        } catch (RuntimeException e) {
            log.error("Alert upkeep failed ({}); trying again in {} s", e.toString(), EVERY_SECONDS, e);
        }
    }

    @Override
    public void close() {
        upkeep.shutdownNow();
    }
}
