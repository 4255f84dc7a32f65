package vn.loalang.controller.priority;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlertWindowTest {

    @Test
    void backgroundWorkGoesOnAtOnceWhenNoAlertIsGoingOut() throws Exception {
        AlertWindow window = new AlertWindow(Duration.ofSeconds(30));
        long t0 = System.nanoTime();
        window.giveWay("test work");
        assertFalse(window.isOpen());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "gave way with no alert");
    }

    @Test
    void backgroundWorkWaitsWhileAnAlertGoesOutAndGoesOnWhenTheWindowCloses() {
        AlertWindow window = new AlertWindow(Duration.ofMillis(1500));
        window.open();
        assertTrue(window.isOpen());
        long t0 = System.nanoTime();
        CompletableFuture<Long> waited = CompletableFuture.supplyAsync(() -> {
            try {
                window.giveWay("test work");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        });
        await().atMost(Duration.ofSeconds(30)).until(waited::isDone);
        assertTrue(waited.join() >= 1400, "went on after " + waited.join() + " ms, before the window closed");
        assertFalse(window.isOpen());
    }

    @Test
    void aSecondAlertKeepsTheWindowOpenFromItsOwnTrigger() throws Exception {
        AlertWindow window = new AlertWindow(Duration.ofMillis(1500));
        window.open();
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() - t0 > TimeUnit.MILLISECONDS.toNanos(1000));
        window.open();
        long second = System.nanoTime();
        window.giveWay("test work");
        long after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - second);
        assertTrue(after >= 1400, "went on " + after + " ms after the second alert");
    }

    @Test
    void aWaitingStepStopsWhenInterrupted() {
        AlertWindow window = new AlertWindow(Duration.ofSeconds(60));
        window.open();
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                window.giveWay("test work");
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
        });
        t.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> t.getState() == Thread.State.TIMED_WAITING);
        t.interrupt();
        assertTrue(interrupted.join());
    }
}
