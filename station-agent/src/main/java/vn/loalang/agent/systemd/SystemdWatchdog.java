package vn.loalang.agent.systemd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Tells systemd the agent is ready, then feeds its watchdog every half period, but only while the
 * agent is alive: a stuck or half-dead agent is then stopped by systemd ({@code WatchdogSec}), its
 * relays forced OFF ({@code ExecStopPost}) and started again ({@code Restart=always}). Outside
 * systemd ({@code NOTIFY_SOCKET} unset: a test, the demo, a technician's shell) it does nothing.
 */
public final class SystemdWatchdog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SystemdWatchdog.class);

    private final String stationId;
    private final Notifier notifier;
    private final Liveness liveness;
    private final boolean underSystemd;
    private final Duration period;
    private volatile ScheduledExecutorService timer;
    private boolean ready;
    private boolean healthy = true;
    private boolean failing;

    private SystemdWatchdog(String stationId, Notifier notifier, Liveness liveness, boolean underSystemd,
                            Duration period) {
        this.stationId = stationId;
        this.notifier = notifier;
        this.liveness = liveness;
        this.underSystemd = underSystemd;
        this.period = period;
    }

    /**
     * Says READY=1 and starts feeding the watchdog, as the environment systemd gave the agent asks.
     *
     * @param env the process environment: {@code NOTIFY_SOCKET}, {@code WATCHDOG_USEC}, {@code WATCHDOG_PID}
     */
    public static SystemdWatchdog start(String stationId, Map<String, String> env, Notifier notifier, Liveness liveness) {
        if (env.get("NOTIFY_SOCKET") == null) {
            log.debug("Station {} runs without systemd (no NOTIFY_SOCKET): no readiness or watchdog notices", stationId);
            return new SystemdWatchdog(stationId, notifier, liveness, false, null);
        }
        Optional<Duration> interval = watchdogInterval(stationId, env);
        SystemdWatchdog watchdog = new SystemdWatchdog(stationId, notifier, liveness, true, interval.orElse(null));
        boolean ready = watchdog.sayReady();
        if (interval.isPresent()) {
            watchdog.timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "watchdog-" + stationId);
                t.setDaemon(true);
                return t;
            });
            watchdog.timer.scheduleAtFixedRate(watchdog::beat, 0, interval.get().toMillis(), TimeUnit.MILLISECONDS);
            log.info("Station {} {} and feeds the systemd watchdog every {} s while it is healthy", stationId,
                    ready ? "told systemd it is ready" : "will tell systemd it is ready with its next feed",
                    interval.get().toMillis() / 1000.0);
        } else if (ready) {
            log.info("Station {} told systemd it is ready; systemd asked for no watchdog", stationId);
        }
        return watchdog;
    }

    /** Half the period systemd gave, as sd_watchdog_enabled(3) advises; empty when no watchdog is meant for us. */
    private static Optional<Duration> watchdogInterval(String stationId, Map<String, String> env) {
        String usec = env.get("WATCHDOG_USEC");
        if (usec == null) {
            return Optional.empty();
        }
        String pid = env.get("WATCHDOG_PID");
        if (pid != null && !pid.equals(Long.toString(ProcessHandle.current().pid()))) {
            return Optional.empty();
        }
        try {
            long micros = Long.parseLong(usec.strip());
            if (micros <= 0) {
                throw new NumberFormatException("not positive");
            }
            return Optional.of(Duration.ofNanos(micros * 1000 / 2));
        } catch (NumberFormatException e) {
            log.warn("Station {} cannot read WATCHDOG_USEC='{}' ({}): it will not feed the watchdog, so systemd "
                    + "will restart it; check WatchdogSec in the unit", stationId, usec, e.getMessage());
            return Optional.empty();
        }
    }

    private synchronized boolean sayReady() {
        ready = notifySystemd("READY=1");
        return ready;
    }

    /**
     * One period: feeds the watchdog if the agent is alive, says so once when it is not. A READY=1
     * that did not get through is said again first: without it systemd would kill a working agent
     * at the end of its start timeout.
     */
    synchronized void beat() {
        if (!underSystemd) {
            return;
        }
        boolean alive;
        try {
            alive = liveness.alive();
        } catch (RuntimeException e) {
            alive = false;
        }
        if (!alive) {
            if (healthy) {
                log.error("Station {} is no longer healthy (a playout, prefetch, event or link thread has stopped): "
                        + "it stops feeding the systemd watchdog, so systemd will restart it", stationId);
            }
            healthy = false;
            return;
        }
        if (!healthy) {
            log.info("Station {} is healthy again and feeds the systemd watchdog", stationId);
        }
        healthy = true;
        if (!ready) {
            sayReady();
        }
        if (ready) {
            notifySystemd("WATCHDOG=1");
        }
    }

    private boolean notifySystemd(String state) {
        try {
            notifier.send(state);
            if (failing) {
                log.info("Station {} reaches systemd again", stationId);
            }
            failing = false;
            return true;
        } catch (IOException e) {
            if (!failing) {
                log.warn("Station {}: {}; systemd will restart the agent if this goes on", stationId, e.getMessage());
            }
            failing = true;
            return false;
        }
    }

    /** The period between watchdog feeds, when systemd asked for a watchdog. */
    public Optional<Duration> period() {
        return Optional.ofNullable(period);
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
