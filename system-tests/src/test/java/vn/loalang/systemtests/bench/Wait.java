package vn.loalang.systemtests.bench;

import org.awaitility.core.ConditionTimeoutException;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import static org.awaitility.Awaitility.await;

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
        AtomicReference<T> found = new AtomicReference<>();
        try {
            await(what).atMost(timeout).pollDelay(Duration.ZERO).pollInterval(POLL).until(() -> {
                Optional<T> seen = check.poll();
                seen.ifPresent(found::set);
                return seen.isPresent();
            });
        } catch (ConditionTimeoutException e) {
            throw new BenchException("gave up after " + timeout.toSeconds() + " s waiting for " + what);
        } catch (RuntimeException e) {
            if (e.getCause() instanceof BenchException b) {
                throw b;
            }
            throw e;
        }
        return found.get();
    }

    /** The pace of a sampler (not a wait for anything): the next sample is due in {@code d}. */
    static void pause(Duration d) throws BenchException {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(d.toMillis()));
        if (Thread.interrupted()) {
            throw new BenchException("interrupted");
        }
    }
}
