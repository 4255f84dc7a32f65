package vn.loalang.controller.priority;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Threads for the controller's work that no loudspeaker waits for (the schedules' compile, the
 * stations' receipts, the library's upkeep): each lowers its own operating-system priority to nice
 * {@value #NICE} when it starts. A commune server has two cores; when an alert goes out, the broker's
 * fan-out, the trigger call and the content server must get them first, and a recompile of 2,000
 * schedules must take only what they leave (decision 0028).
 *
 * <p>Java cannot set a thread's nice level ({@link Thread#setPriority} does nothing on Linux without
 * root and a JVM flag), but Linux keeps one per thread: the thread finds its own id through
 * {@code /proc/thread-self} ({@code PID/task/TID}) and runs {@code renice} (util-linux) on it. Lowering
 * a priority needs no privilege. Elsewhere (not Linux, no {@code renice}) the thread runs at the normal
 * priority, which is said once in the log.
 */
public final class BackgroundThreads {
    private static final Logger log = LoggerFactory.getLogger(BackgroundThreads.class);
    /** Ten steps below normal: about a tenth of a core's share against one busy thread at normal priority. */
    public static final int NICE = 10;
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");
    private static final AtomicBoolean SAID = new AtomicBoolean();

    private BackgroundThreads() {
    }

    /** Daemon threads named {@code name} that lower their own priority before their first task. */
    public static ThreadFactory named(String name) {
        return task -> {
            Thread t = new Thread(() -> {
                lowerThisThread();
                task.run();
            }, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Lowers the calling thread's priority to nice {@value #NICE}; threads it starts later inherit it.
     *
     * @return whether it was lowered
     */
    static boolean lowerThisThread() {
        String name = Thread.currentThread().getName();
        try {
            // "/proc/thread-self" -> "4711/task/4723": the last part is the kernel's id of this thread.
            String tid = Files.readSymbolicLink(THREAD_SELF).getFileName().toString();
            int now = niceOfThisThread();
            if (now >= NICE) {
                // renice sets a level, it does not add one: a controller started at nice 19 would see its
                // background work raised above the rest of it.
                log.debug("Thread {} (kernel id {}) already runs at nice {}", name, tid, now);
                return true;
            }
            Process renice = new ProcessBuilder("renice", "-n", Integer.toString(NICE), "-p", tid)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!renice.waitFor(10, TimeUnit.SECONDS)) {
                renice.destroyForcibly();
                cannot(name, "renice did not answer within 10 s");
                return false;
            }
            if (renice.exitValue() != 0) {
                cannot(name, "renice exited with " + renice.exitValue());
                return false;
            }
            log.debug("Thread {} (kernel id {}) runs at nice {}: it gives way to the alert path", name, tid, NICE);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            cannot(name, e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Field 19 of {@code /proc/thread-self/stat}; the name in field 2 may hold spaces, so count from its bracket. */
    private static int niceOfThisThread() throws IOException {
        String stat = Files.readString(THREAD_SELF.resolve("stat"));
        try {
            return Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[16]);
        } catch (RuntimeException e) {
            throw new IOException("unreadable " + THREAD_SELF.resolve("stat") + ": " + e.getMessage(), e);
        }
    }

    private static void cannot(String thread, String why) {
        if (SAID.compareAndSet(false, true)) {
            log.warn("Background thread {} runs at the normal priority ({}): a recompile may take CPU an alert needs;"
                    + " on Linux, renice (util-linux) lowers it", thread, why);
        }
    }
}
