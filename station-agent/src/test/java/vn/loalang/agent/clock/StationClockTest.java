package vn.loalang.agent.clock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.testing.ManualClock;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What time the station takes, and whether it trusts it: a Pi booting with its clock hours off, set
 * by the controller's signed time (the freshest copy winning), then by NTP; an RTC or NTP trusted
 * from boot. The Pi's clock is a clock the test moves; NTP is simulated.
 */
class StationClockTest {
    /** What the Pi's clock says at boot: a fake-hwclock time from the evening before. */
    private static final Instant PI_AT_BOOT = Instant.parse("2026-11-23T10:00:05Z");
    /** The true time then (the controller's): 05:29:50 the next morning in Hà Nội. */
    private static final Instant TRUE_AT_BOOT = Instant.parse("2026-11-23T22:29:50Z");
    private static final Duration BEHIND = Duration.between(PI_AT_BOOT, TRUE_AT_BOOT);

    private final ManualClock pi = new ManualClock(PI_AT_BOOT);
    private final SimulatedTimeSync ntp = new SimulatedTimeSync(false);
    private final List<StationEvent.Draft> events = new CopyOnWriteArrayList<>();
    private StationClock clock;

    private StationClock boot(boolean rtc) {
        clock = new StationClock("thon-dong-1", pi, ntp, rtc, events::add, Duration.ofMillis(20));
        clock.start();
        return clock;
    }

    @AfterEach
    void stop() {
        if (clock != null) {
            clock.close();
        }
    }

    private List<EventReason> reasons() {
        return events.stream().map(d -> EventReason.valueOf(d.reason())).toList();
    }

    @Test
    void aPiWithNoRtcAndNoNtpDoesNotTrustItsClockAndSaysSo() {
        StationClock c = boot(false);
        assertFalse(c.trusted());
        assertEquals(StationClock.Source.NONE, c.source());
        assertEquals(PI_AT_BOOT, c.instant(), "the Pi's own time, for want of better");
        assertEquals(List.of(EventReason.CLOCK_UNTRUSTED), reasons());
        assertTrue(events.get(0).detail().contains("scheduled sessions are held"), events.get(0).detail());
    }

    @Test
    void theControllersSignedTimeSetsTheClockAndTrustsIt() {
        StationClock c = boot(false);
        AtomicInteger told = new AtomicInteger();
        c.onTrusted(told::incrementAndGet);

        // Signed 300 ms before it arrives: the time it took on the link.
        c.controllerTime(TRUE_AT_BOOT.minusMillis(300));

        assertTrue(c.trusted());
        assertEquals(StationClock.Source.CONTROLLER, c.source());
        assertEquals(TRUE_AT_BOOT.minusMillis(300), c.instant());
        assertEquals(BEHIND.minusMillis(300), c.correction());
        pi.advance(Duration.ofMinutes(1));
        assertEquals(TRUE_AT_BOOT.minusMillis(300).plus(Duration.ofMinutes(1)), c.instant(), "and runs on from there");
        assertEquals(1, told.get());
        assertEquals(List.of(EventReason.CLOCK_UNTRUSTED, EventReason.CLOCK_TRUSTED), reasons());

        c.controllerTime(TRUE_AT_BOOT.plus(Duration.ofMinutes(1)));
        assertEquals(1, told.get(), "trust is gained once");
        assertEquals(2, events.size());
    }

    @Test
    void aClockSteppedForwardIsSetBackByTheControllersTime() {
        pi.set(TRUE_AT_BOOT.plus(Duration.ofHours(11)));
        StationClock c = boot(false);
        c.controllerTime(TRUE_AT_BOOT);
        assertEquals(TRUE_AT_BOOT, c.instant());
        assertEquals(Duration.ofHours(-11), c.correction());
    }

    @Test
    void theFreshestCopyWinsAndAnOlderOneCannotPullTheTimeBack() {
        StationClock c = boot(false);
        // The retained copy at connect, signed 8 minutes before the station received it.
        c.controllerTime(TRUE_AT_BOOT.minus(Duration.ofMinutes(8)));
        assertEquals(TRUE_AT_BOOT.minus(Duration.ofMinutes(8)), c.instant());
        // The renewal, live, 2 minutes later.
        pi.advance(Duration.ofMinutes(2));
        c.controllerTime(TRUE_AT_BOOT.plus(Duration.ofMinutes(2)).minusMillis(200));
        assertEquals(TRUE_AT_BOOT.plus(Duration.ofMinutes(2)).minusMillis(200), c.instant());
        // A copy that waited in a queue: lower than the estimate, it changes nothing.
        pi.advance(Duration.ofMinutes(1));
        c.controllerTime(TRUE_AT_BOOT.minus(Duration.ofMinutes(30)));
        assertEquals(TRUE_AT_BOOT.plus(Duration.ofMinutes(3)).minusMillis(200), c.instant());
    }

    @Test
    void ntpTakingOverDropsTheControllersOffset() {
        StationClock c = boot(false);
        c.controllerTime(TRUE_AT_BOOT);
        // NTP steps the Pi's clock, then says it has synced.
        pi.set(TRUE_AT_BOOT.plusMillis(20));
        ntp.synced(true);
        await().until(() -> c.source() == StationClock.Source.NTP);
        assertEquals(Duration.ZERO, c.correction());
        assertEquals(TRUE_AT_BOOT.plusMillis(20), c.instant());
        assertEquals(List.of(EventReason.CLOCK_UNTRUSTED, EventReason.CLOCK_TRUSTED), reasons(),
                "already trusted: no second event");
    }

    @Test
    void ntpSyncingLaterTrustsTheClockAndTellsTheListeners() {
        StationClock c = boot(false);
        AtomicInteger told = new AtomicInteger();
        c.onTrusted(told::incrementAndGet);
        ntp.synced(true);
        await().until(c::trusted);
        assertEquals(StationClock.Source.NTP, c.source());
        assertEquals(1, told.get());
        assertEquals(List.of(EventReason.CLOCK_UNTRUSTED, EventReason.CLOCK_TRUSTED), reasons());
        assertTrue(events.get(1).detail().contains("NTP"), events.get(1).detail());
    }

    @Test
    void anRtcOrASyncedNtpIsTrustedFromBootAndTheControllerDoesNotMoveIt() {
        StationClock withRtc = boot(true);
        assertEquals(StationClock.Source.RTC, withRtc.source());
        withRtc.controllerTime(PI_AT_BOOT.plusSeconds(30));
        assertEquals(PI_AT_BOOT, withRtc.instant(), "the Pi's own clock, set: the controller's time is not added");
        assertTrue(events.isEmpty(), "nothing to report: " + events);
        withRtc.close();

        ntp.synced(true);
        StationClock synced = boot(false);
        assertEquals(StationClock.Source.NTP, synced.source());
        assertTrue(synced.trusted());
    }

    /** Issue 16 point 1, closing the gaps: a receipt's signing time sets right a clock taken from a retained copy. */
    @Test
    void aMessageSignedWhenSentSetsForwardAClockTakenFromAnOldCopyButVouchesForNothing() {
        StationClock c = boot(false);
        // A receipt before the presence (or a station whose presence never verifies): a sample, no trust.
        c.lowerBound(TRUE_AT_BOOT.minus(Duration.ofMinutes(20)));
        assertFalse(c.trusted(), "only the presence vouches for the time");
        assertEquals(PI_AT_BOOT, c.instant());
        assertEquals(Duration.ZERO, c.correction());

        // The retained presence, signed 9 minutes before the station boots: one renewal old, near enough.
        c.controllerTime(TRUE_AT_BOOT.minus(Duration.ofMinutes(9)));
        assertEquals(TRUE_AT_BOOT.minus(Duration.ofMinutes(9)), c.instant(), "the freshest so far: the presence");
        // The receipt of the station's first events, signed 150 ms before it arrives.
        pi.advance(Duration.ofSeconds(1));
        c.lowerBound(TRUE_AT_BOOT.plusSeconds(1).minusMillis(150));
        assertEquals(TRUE_AT_BOOT.plusSeconds(1).minusMillis(150), c.instant(), "set right within a round trip");
        // An older one (a command that waited in a queue) cannot pull the time back.
        c.lowerBound(TRUE_AT_BOOT.minus(Duration.ofHours(1)));
        assertEquals(TRUE_AT_BOOT.plusSeconds(1).minusMillis(150), c.instant());
        assertEquals(List.of(EventReason.CLOCK_UNTRUSTED, EventReason.CLOCK_TRUSTED), reasons(), "nothing more to report");
    }

    @Test
    void aClockNtpSetIsNotMovedByAMessageSignedWhenSent() {
        ntp.synced(true);
        StationClock c = boot(false);
        c.lowerBound(TRUE_AT_BOOT);
        assertEquals(PI_AT_BOOT, c.instant(), "NTP has set the Pi's clock: the controller's time does not move it");
        assertEquals(Duration.ZERO, c.correction());
    }
}
