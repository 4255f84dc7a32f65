package vn.loalang.systemtests.bench;

import java.time.Duration;
import java.util.Optional;

/** Waiting with a deadline on processes and counters that the benchmark watches but does not drive. */
final class Wait {
    private static final Duration POLL = Duration.ofMillis(20);

    /** One look: empty while the awaited thing has not happened yet. */
    interface Check<T> {
        Optional<T> poll() throws BenchException;
    }

    private Wait() {
    }

    /** The first thing {@code check} finds, looking every 20 ms; a time-out names what did not happen. */
    static <T> T until(String what, Duration timeout, Check<T> check) throws BenchException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> found = check.poll();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new BenchException("gave up after " + timeout.toSeconds() + " s waiting for " + what);
            }
            pause(POLL);
        }
    }

    static void pause(Duration d) throws BenchException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
    }
}
