package vn.loalang.controller.priority;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The controller runs on Linux (a commune server, Debian); the nice level is read back from the kernel. */
@EnabledOnOs(OS.LINUX)
class BackgroundThreadsTest {

    @Test
    void aBackgroundThreadRunsItsWorkTenStepsBelowTheCaller() throws Exception {
        int caller = niceOfThisThread();
        ExecutorService background = Executors.newSingleThreadExecutor(BackgroundThreads.named("test-background"));
        try {
            CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
                try {
                    return Thread.currentThread().getName() + " " + niceOfThisThread() + " "
                            + Thread.currentThread().isDaemon();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, background);
            // renice sets the level itself (util-linux): nice 10, whatever the caller's, unless it already ran lower.
            assertEquals("test-background " + Math.max(caller, BackgroundThreads.NICE) + " true",
                    seen.get(30, TimeUnit.SECONDS));
        } finally {
            background.shutdownNow();
        }
        assertEquals(caller, niceOfThisThread(), "the thread that made the executor keeps its own priority");
    }

    @Test
    void aThreadStartedByABackgroundThreadInheritsItsPriority() throws Exception {
        ExecutorService background = Executors.newSingleThreadExecutor(BackgroundThreads.named("test-background"));
        try {
            int child = CompletableFuture.supplyAsync(() -> {
                CompletableFuture<Integer> inner = new CompletableFuture<>();
                Thread t = new Thread(() -> {
                    try {
                        inner.complete(niceOfThisThread());
                    } catch (IOException e) {
                        inner.completeExceptionally(e);
                    }
                });
                t.start();
                return inner.join();
            }, background).get(30, TimeUnit.SECONDS);
            assertTrue(child >= BackgroundThreads.NICE, "nice " + child);
        } finally {
            background.shutdownNow();
        }
    }

    /** Field 19 of /proc/thread-self/stat; the name in field 2 may hold spaces, so count from its closing bracket. */
    private static int niceOfThisThread() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(after[16]); // field 3 is after[0]: field 19 is after[16]
    }
}
