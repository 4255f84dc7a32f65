package vn.loalang.agent.clock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.protocol.testing.ManualClock;
import vn.loalang.agent.testing.RecordingSender;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The station clock against the controller's, on a clock the test moves: the estimate from delayed
 * messages, the event when the offset leaves its limit and when it comes back, and nothing in between.
 */
class ClockOffsetMonitorTest {
    private static final String STATION = "st-01";
    private static final Duration LIMIT = Duration.ofSeconds(2);
    /** Enough messages to replace every sample the monitor holds. */
    private static final int WINDOW_FULL = ClockOffsetMonitor.WINDOW;

    @TempDir
    Path dir;

    /** The station's clock; the controller's is this plus {@link #controllerAhead}. */
    private final ManualClock station = new ManualClock(Instant.parse("2026-03-02T04:00:00Z"));
    private final RecordingSender link = new RecordingSender(true);
    private Duration controllerAhead = Duration.ZERO;
    private EventOutbox events;
    private ClockOffsetMonitor monitor;

    @BeforeEach
    void start() throws IOException {
        events = new EventOutbox(dir.resolve("events"), STATION, station, Duration.ofHours(1));
        events.start(link);
        monitor = new ClockOffsetMonitor(STATION, station, LIMIT, events);
    }

    @AfterEach
    void stop() {
        events.close();
    }

    /** A message signed {@code delay} before it reaches the station, a few seconds after the last one. */
    private void message(Duration delay) {
        station.advance(Duration.ofSeconds(5));
        monitor.observe(station.instant().plus(controllerAhead).minus(delay));
    }

    private void messages(int n, Duration delay) {
        for (int i = 0; i < n; i++) {
            message(delay);
        }
    }

    private static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    /** Every CLOCK_OFFSET event recorded so far, once the outbox has sent them all. */
    private List<StationEvent> clockEvents() {
        long recorded = events.lastSeq();
        await().until(() -> link.sent().size() >= recorded);
        return link.sentOfType(EventType.CLOCK_OFFSET);
    }

    @Test
    void saysNothingUntilThreeMessagesHaveCome() {
        controllerAhead = Duration.ofMinutes(10);
        messages(2, ms(50));

        assertEquals(Optional.empty(), monitor.offset());
        assertEquals(List.of(), clockEvents(), "two messages are not enough to accuse the clock");

        message(ms(50));

        assertTrue(monitor.offset().isPresent());
    }

    @Test
    void delayedMessagesDoNotPullTheEstimateDown() {
        controllerAhead = ms(1000);
        message(ms(100));
        message(Duration.ofHours(7));
        message(ms(300));
        message(ms(2500));
        message(ms(120));

        // Samples 900, 700, 880 ms and two far lower: the better half is 900, 880, 700; its median 880.
        assertEquals(ms(880), monitor.offset().orElseThrow());
        assertEquals(List.of(), clockEvents(), "1 s behind is within the 2 s limit, whatever the retained schedule said");
    }

    @Test
    void aStationClockBehindBeyondTheLimitIsReportedOnceWithHowFar() {
        controllerAhead = Duration.ofSeconds(12);

        messages(6, ms(200));

        List<StationEvent> reported = clockEvents();
        assertEquals(1, reported.size(), "one event when the limit is crossed, not one per message");
        assertEquals("STATION_BEHIND", reported.get(0).reason());
        assertTrue(reported.get(0).detail().contains("11.8 s behind"), reported.get(0).detail());
        assertTrue(monitor.outOfLimit());
        assertEquals(ms(11_800), monitor.offset().orElseThrow());
    }

    @Test
    void aStationClockAheadIsReportedAsAhead() {
        controllerAhead = Duration.ofSeconds(-30);

        messages(3, ms(100));

        List<StationEvent> reported = clockEvents();
        assertEquals(1, reported.size());
        assertEquals("STATION_AHEAD", reported.get(0).reason());
        assertTrue(reported.get(0).detail().contains("30.1 s ahead of"), reported.get(0).detail());
    }

    @Test
    void oneOddMessageDoesNotRaiseTheFlag() {
        messages(2, ms(100));
        controllerAhead = Duration.ofSeconds(20);
        message(ms(100));

        assertEquals(ms(-100), monitor.offset().orElseThrow(), "the second best of three");
        assertFalse(monitor.outOfLimit());
        assertEquals(List.of(), clockEvents());
    }

    @Test
    void theFlagIsLoweredOnlyWellWithinTheLimitAndThatIsReportedToo() {
        controllerAhead = Duration.ofSeconds(5);
        messages(WINDOW_FULL, ms(100));
        assertEquals(1, clockEvents().size());

        controllerAhead = ms(1600);
        messages(WINDOW_FULL, ms(100));
        assertTrue(monitor.outOfLimit(), "1.5 s is within the limit but not within half of it: no flapping");
        assertEquals(1, clockEvents().size());

        controllerAhead = ms(400);
        messages(WINDOW_FULL, ms(100));

        List<StationEvent> reported = clockEvents();
        assertEquals(List.of("STATION_BEHIND", "WITHIN_LIMIT"), reported.stream().map(StationEvent::reason).toList());
        assertFalse(monitor.outOfLimit());
    }

    @Test
    void aClockSteppedByNtpForgetsWhatItMeasuredBefore() {
        controllerAhead = Duration.ofHours(11);
        messages(3, ms(100));
        assertTrue(monitor.outOfLimit(), "a Pi without a real-time clock boots at its last shutdown time");

        station.advance(Duration.ofHours(11));
        controllerAhead = Duration.ZERO;
        messages(2, ms(100));
        assertEquals(Optional.empty(), monitor.offset(), "the samples from before the step are gone, two new ones are too few");
        message(ms(100));

        assertEquals(ms(-100), monitor.offset().orElseThrow());
        assertEquals(List.of("STATION_BEHIND", "WITHIN_LIMIT"), clockEvents().stream().map(StationEvent::reason).toList());
    }

    @Test
    void samplesOlderThanTheirAgeAreForgotten() {
        messages(3, ms(100));
        assertTrue(monitor.offset().isPresent());

        station.advance(ClockOffsetMonitor.MAX_AGE);

        assertEquals(Optional.empty(), monitor.offset());
    }

    @Test
    void aLimitOfNothingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ClockOffsetMonitor(STATION, station, Duration.ZERO, events));
    }
}
