package vn.loalang.controller.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The station agents the demo started, and the one place that stops them, however the demo ends:
 * at its normal end, by a shutdown hook on Ctrl-C or SIGTERM, and, when the demo's JVM is killed
 * outright (SIGKILL, where no hook runs), by the agents themselves: each is started with
 * {@code --exit-with-parent} and its standard input a pipe from this process, which the kernel
 * closes when this process dies.
 */
final class StationProcesses implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StationProcesses.class);
    /** Time for an agent to switch its relays off and say goodbye after SIGTERM. */
    private static final long GRACE_SECONDS = 10;

    private final List<Process> processes = new ArrayList<>();
    private final Thread hook = new Thread(this::stopAll, "demo-stations-stop");
    private boolean stopped;

    StationProcesses() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** Starts an agent; {@code --exit-with-parent} is added to its arguments, and its standard input kept open here. */
    synchronized Process start(ProcessBuilder agent) throws IOException {
        if (stopped) {
            throw new IllegalStateException("the demo is stopping; no station is started now");
        }
        List<String> command = new ArrayList<>(agent.command());
        command.add("--exit-with-parent");
        Process p = agent.command(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        processes.add(p);
        return p;
    }

    synchronized List<Process> all() {
        return List.copyOf(processes);
    }

    /** SIGTERM to every agent, then SIGKILL to any still running after the grace time. Runs once. */
    synchronized void stopAll() {
        if (stopped) {
            return;
        }
        stopped = true;
        processes.forEach(Process::destroy);
        for (Process p : processes) {
            try {
                if (!p.waitFor(GRACE_SECONDS, TimeUnit.SECONDS)) {
                    log.warn("Station process {} did not stop in {} s; killing it", p.pid(), GRACE_SECONDS);
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
    }

    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running or has run; nothing to remove.
        }
    }
}
