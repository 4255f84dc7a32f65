package vn.loalang.agent.systemd;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

/**
 * What an error nothing else handled does to the agent, on whichever thread it happens (the
 * playout, Paho's callback, the main thread): the relays go OFF first, before anything that could
 * fail again (a log line needs memory an OutOfMemoryError may not leave), then the agent exits with
 * {@link #STATUS} so that systemd ({@code Restart=always}) starts a clean one. A thread in no state
 * to play must not leave the amplifiers powered, nor an agent that only looks alive.
 */
public final class FailSafeExit implements Thread.UncaughtExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(FailSafeExit.class);

    /** EX_SOFTWARE: an internal error; not 0, so that the journal shows a failure. */
    public static final int STATUS = 70;
    /** The shutdown hook closes the agent in a few seconds; one that hangs must not keep a broken agent running. */
    static final Duration HALT_AFTER = Duration.ofSeconds(30);

    private final String stationId;
    private final Runnable relaysOff;
    private final IntConsumer exit;
    private final AtomicBoolean exiting = new AtomicBoolean();

    FailSafeExit(String stationId, Runnable relaysOff, IntConsumer exit) {
        this.stationId = stationId;
        this.relaysOff = relaysOff;
        this.exit = exit;
    }

    /**
     * Makes this the handler of every thread of the JVM that has none of its own.
     *
     * @param relaysOff switches every relay OFF through their one owner (the agent's Amplifiers.failSafe); it is
     *                  run before the agent exists too, so it must cope with there being none yet
     */
    public static void install(String stationId, Runnable relaysOff) {
        Thread.setDefaultUncaughtExceptionHandler(new FailSafeExit(stationId, relaysOff, FailSafeExit::exitOrHalt));
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        try {
            relaysOff.run();
        } catch (Throwable e) {
            // Told below; the exit goes on: systemd's ExecStopPost (--relays-off) tries the pins again.
            error.addSuppressed(e);
        }
        if (!exiting.compareAndSet(false, true)) {
            return; // another thread is already taking the agent down
        }
        try {
            log.error("Station {}: thread {} died ({}); relays OFF, the agent exits with status {} to be restarted",
                    stationId, thread.getName(), error.toString(), STATUS, error);
        } catch (Throwable ignored) {
            // Out of memory even for the log line: the relays are off and the exit status tells the journal.
        }
        exit.accept(STATUS);
    }

    private static void exitOrHalt(int status) {
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(HALT_AFTER.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(status);
        }, "fail-safe-halt");
        halt.setDaemon(true);
        halt.start();
        System.exit(status); // runs the shutdown hook: the agent closes, says goodbye, relays OFF again
    }
}
