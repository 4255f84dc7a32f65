package vn.loalang.controller.health;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The health package's own threads: {@value #JUDGE_THREAD} judges a station after news from it
 * (never Paho's callback thread, which brings the news: the play-log lookup and the monitor's lock
 * must not hold it up), and {@value #UPKEEP_THREAD} opens and closes incidents every few seconds
 * (changes that come with time alone: a station silent for too long) and thins the telemetry
 * history each hour. Neither waits behind a schedule compile or an alert's re-send.
 */
public final class HealthUpkeep implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthUpkeep.class);
    public static final String JUDGE_THREAD = "health-judge";
    public static final String UPKEEP_THREAD = "health-upkeep";

    private final HealthMonitor health;
    private final Incidents incidents;
    private final TelemetryHistory history;
    private final ExecutorService judging = Executors.newSingleThreadExecutor(r -> daemon(r, JUDGE_THREAD));
    private final ScheduledExecutorService upkeep = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, UPKEEP_THREAD));

    public HealthUpkeep(HealthMonitor health, Incidents incidents, TelemetryHistory history) {
        this.health = health;
        this.incidents = incidents;
        this.history = history;
        health.judgeOn(judging);
    }

    /** Starts the timers: incidents every 5 s, the history's downsampling each hour. */
    public void start() {
        upkeep.scheduleWithFixedDelay(this::updateIncidents, 5, 5, TimeUnit.SECONDS);
        upkeep.scheduleWithFixedDelay(this::downsample, 1, 60, TimeUnit.MINUTES);
    }

    private void updateIncidents() {
        try {
            incidents.update(health.rows());
        } catch (RuntimeException e) {
            log.error("Health upkeep failed ({}); trying again in 5 s", e.toString(), e);
        }
    }

    private void downsample() {
        try {
            history.downsample();
        } catch (RuntimeException e) {
            log.error("Telemetry history upkeep failed ({}); trying again in an hour", e.toString(), e);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void close() {
        upkeep.shutdownNow();
        judging.shutdownNow();
    }
}
