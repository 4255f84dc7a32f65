package vn.loalang.agent.systemd;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Readiness and the watchdog as systemd would see them, with the environment systemd sets. */
class SystemdWatchdogTest {
    private static final String STATION = "st-01";
    private static final String OWN_PID = Long.toString(ProcessHandle.current().pid());

    private final RecordingNotifier systemd = new RecordingNotifier();
    private final AtomicBoolean alive = new AtomicBoolean(true);
    /** How often the watchdog asked while the agent was not alive. */
    private final AtomicInteger askedWhileDead = new AtomicInteger();
    private final List<SystemdWatchdog> started = new ArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(SystemdWatchdog::close);
    }

    private boolean liveness() {
        boolean now = alive.get();
        if (!now) {
            askedWhileDead.incrementAndGet();
        }
        return now;
    }

    private SystemdWatchdog start(Map<String, String> env) {
        SystemdWatchdog w = SystemdWatchdog.start(STATION, env, systemd, this::liveness);
        started.add(w);
        return w;
    }

    /** As systemd sets it for Type=notify with WatchdogSec: here 100 ms, so a feed every 50 ms. */
    private static Map<String, String> underSystemd(long watchdogMicros) {
        return Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", Long.toString(watchdogMicros),
                "WATCHDOG_PID", OWN_PID);
    }

    /** Waits until the watchdog has asked {@code n} more times while dead, and returns the feeds so far. */
    private long feedsAfterAskingWhileDead(int n) {
        int from = askedWhileDead.get();
        await().until(() -> askedWhileDead.get() >= from + n);
        return systemd.watchdogs();
    }

    @Test
    void saysReadyThenFeedsTheWatchdogWhileAliveAndStopsWhenNot() {
        start(underSystemd(100_000));

        await().until(() -> systemd.watchdogs() >= 3);
        assertEquals("READY=1", systemd.sent().get(0), "ready first, then the feeds");
        assertTrue(systemd.sent().subList(1, systemd.sent().size()).stream().allMatch("WATCHDOG=1"::equals));

        alive.set(false);
        long fedBeforeDeathWasSeen = feedsAfterAskingWhileDead(1);
        long fedAfter = feedsAfterAskingWhileDead(3);

        assertEquals(fedBeforeDeathWasSeen, fedAfter, "no feed while the agent is not alive");
    }

    @Test
    void feedsAgainOnceTheAgentIsAliveAgain() {
        alive.set(false);
        start(underSystemd(100_000));
        long fed = feedsAfterAskingWhileDead(2);
        assertEquals(0, fed);

        alive.set(true);

        await().until(() -> systemd.watchdogs() >= 2);
    }

    @Test
    void feedsEveryHalfOfWhatSystemdAllows() {
        SystemdWatchdog w = start(underSystemd(30_000_000));

        assertEquals(Optional.of(Duration.ofSeconds(15)), w.period());
    }

    @Test
    void doesNothingOutsideSystemd() {
        SystemdWatchdog w = start(Map.of("WATCHDOG_USEC", "100000"));
        w.beat();

        assertEquals(List.of(), systemd.sent());
        assertEquals(Optional.empty(), w.period());
    }

    @Test
    void saysOnlyReadyWhenSystemdAsksForNoWatchdog() {
        SystemdWatchdog w = start(Map.of("NOTIFY_SOCKET", "/run/systemd/notify"));

        assertEquals(List.of("READY=1"), systemd.sent());
        assertEquals(Optional.empty(), w.period());
    }

    @Test
    void aWatchdogMeantForAnotherProcessIsNotFed() {
        SystemdWatchdog w = start(Map.of("NOTIFY_SOCKET", "/run/systemd/notify", "WATCHDOG_USEC", "100000",
                "WATCHDOG_PID", "1"));

        assertEquals(List.of("READY=1"), systemd.sent(), "the variables were inherited from a parent");
        assertEquals(Optional.empty(), w.period());
    }

    @Test
    void aReadyThatDidNotGetThroughIsSaidAgainBeforeTheNextFeed() {
        systemd.refuseNext(3);

        start(underSystemd(100_000));

        await().until(() -> systemd.watchdogs() >= 2);
        assertEquals("READY=1", systemd.sent().get(0));
        assertEquals(1, systemd.sent().stream().filter("READY=1"::equals).count());
    }

    @Test
    void aLivenessCheckThatThrowsCountsAsDead() {
        SystemdWatchdog w = SystemdWatchdog.start(STATION, Map.of("NOTIFY_SOCKET", "/run/systemd/notify"), systemd, () -> {
            throw new IllegalStateException("playout gone");
        });
        started.add(w);

        w.beat();

        assertEquals(List.of("READY=1"), systemd.sent());
    }
}
