package vn.loalang.systemtests.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Many slow calls at once, a few threads at a time: starting, connecting and stopping hundreds of
 * stations one by one would take minutes. The threads are the benchmark's own and end with the call.
 */
final class Parallel {
    private Parallel() {
    }

    /** Runs every task and waits for all; the first failure fails the lot, naming {@code what}. */
    static void all(int threads, List<Callable<?>> tasks, String what) throws BenchException {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Callable<?> task : tasks) {
                running.add(pool.submit(task));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new BenchException(what + " failed: " + (cause instanceof BenchException ? cause.getMessage()
                    : cause.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted: " + what);
        } finally {
            pool.shutdownNow();
        }
    }

    /** For stopping and closing: runs every task, waits at most {@code timeout}, says so if that was not enough. */
    static void allQuietly(int threads, List<Runnable> tasks, Duration timeout, String what) {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            tasks.forEach(pool::submit);
            pool.shutdown();
            if (!pool.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println("Not all " + what + " within " + timeout.toSeconds() + " s; going on.");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pool.shutdownNow();
        }
    }
}
