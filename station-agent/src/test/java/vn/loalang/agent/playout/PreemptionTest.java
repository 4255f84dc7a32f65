package vn.loalang.agent.playout;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.analysis.PcmAnalysis;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.QuietHours;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Priorities on the real clock and the real player: an emergency takes the line from a session at
 * once with a short fade, the session resumes where it stopped (or is skipped, by policy), never
 * past its window; quiet hours keep warnings off the line but not emergencies; a cancel stops an
 * announcement at once. Sound is checked in the rendered WAV files, relays at the mock pin.
 */
class PreemptionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    PlayoutRig rig;
    Item giaLua;
    Item baoHiem;
    Item baoChay;

    @BeforeEach
    void station() throws Exception {
        rig = new PlayoutRig(dir);
        giaLua = rig.cached(Fixtures.ITEM_440HZ_2S, "gia-lua", 2000);
        baoHiem = rig.cached(Fixtures.ITEM_1000HZ_1500MS, "bao-hiem", 1500);
        baoChay = rig.cached(Fixtures.ITEM_660HZ_1S, "bao-chay", 1000);
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    /** A session starting shortly, with its two items. */
    private Session morning(Instant now, Duration window) {
        return new Session("sang", "Buổi sáng", now.plusMillis(300), now.plusMillis(300).plus(window),
                List.of(giaLua, baoHiem));
    }

    private Program emergency(Instant start) {
        return new Program("bao-chay", "Báo cháy", Priority.EMERGENCY, start, start.plusSeconds(60), List.of(baoChay));
    }

    private Instant firstItemStarted() {
        await("the session's first item starts").atMost(WAIT).until(() -> !rig.of(EventType.ITEM_STARTED, "sang").isEmpty());
        return rig.of(EventType.ITEM_STARTED, "sang").get(0).at();
    }

    @Test
    void anEmergencyTakesTheLineWithAShortFadeAndTheSessionResumesWhereItStopped() throws Exception {
        Instant now = rig.clock.instant();
        rig.receive(morning(now, Duration.ofSeconds(60)));
        PlayoutScheduler playout = rig.startScheduler(true);
        Instant itemStart = firstItemStarted();
        // Due 800 ms into the first item; with the relay already on it takes the line a warm-up earlier.
        playout.submit(emergency(itemStart.plusMillis(800)));

        await("the session ends after the emergency").atMost(WAIT)
                .until(() -> rig.sessionsOf(EventType.SESSION_FINISHED).contains("sang"));

        List<EventType> order = rig.sent().stream()
                .filter(e -> e.type() != EventType.SCHEDULE_ACCEPTED && e.type() != EventType.ITEM_FINISHED)
                .map(StationEvent::type).toList();
        assertEquals(List.of(EventType.SESSION_STARTED, EventType.ITEM_STARTED, EventType.SESSION_PREEMPTED,
                EventType.SESSION_STARTED, EventType.ITEM_STARTED, EventType.SESSION_FINISHED,
                EventType.SESSION_RESUMED, EventType.ITEM_STARTED, EventType.ITEM_STARTED, EventType.SESSION_FINISHED),
                order, rig.sent().toString());
        StationEvent alarm = rig.of(EventType.SESSION_STARTED, "bao-chay").get(0);
        assertTrue(alarm.detail().contains("amplifiers already on"), "no second warm-up: " + alarm.detail());
        assertEquals(2, rig.of(EventType.ITEM_FINISHED, "sang").size(), "both items were heard in the end");

        // The first part: the 440 Hz item until the fade, and the fade no longer than 200 ms.
        Pcm first = rig.rendered("sang");
        List<PcmAnalysis.Segment> sound = PcmAnalysis.soundSegments(first, -50, Duration.ofMillis(10));
        Duration heard = sound.get(sound.size() - 1).end().minus(sound.get(0).start());
        assertTrue(heard.compareTo(Duration.ofMillis(400)) > 0 && heard.compareTo(Duration.ofMillis(1200)) < 0,
                "the first item was cut about 600 ms in: " + heard);
        Duration fade = fadeLength(first);
        assertTrue(fade.compareTo(Duration.ofMillis(200)) <= 0 && fade.compareTo(Duration.ofMillis(50)) >= 0,
                "fade-out " + fade.toMillis() + " ms");

        // The rest: the 440 Hz item from where it stopped, then the 1 kHz item whole.
        Pcm rest = rig.rendered("sang_from1");
        List<PcmAnalysis.Segment> resumed = PcmAnalysis.soundSegments(rest, -50, Duration.ofMillis(10));
        long fromFrame = resumed.get(0).fromFrame();
        long toFrame = fromFrame + rest.format().sampleRate() / 10;
        assertEquals(440.0, PcmAnalysis.dominantOf(rest, fromFrame, toFrame, 440, 1000), "resumes with the first item");
        Duration total = resumed.get(resumed.size() - 1).end().minus(resumed.get(0).start());
        Duration restOfFirst = total.minusMillis(1500);
        Duration whole = heard.minus(fade).plus(restOfFirst);
        assertTrue(whole.minusMillis(2000).abs().compareTo(Duration.ofMillis(250)) <= 0,
                "heard before the fade + heard after the resume = the whole item: " + heard + " − " + fade + " + "
                        + restOfFirst);
        assertEquals(List.of(true, false, true, false), rig.edges.stream().map(PlayoutRig.Edge::on).toList(),
                "on for the session and the emergency, off after it, on again to resume, off at the end");
        assertFalse(rig.relayOn());
    }

    @Test
    void withTheSkipPolicyThePreemptedRestIsDroppedAndSaidSo() throws Exception {
        Instant now = rig.clock.instant();
        rig.receive(morning(now, Duration.ofSeconds(60)));
        PlayoutScheduler playout = rig.startScheduler(false);
        playout.submit(emergency(firstItemStarted().plusMillis(500)));

        await().atMost(WAIT).until(() -> rig.sessionsOf(EventType.SESSION_FINISHED).containsAll(List.of("sang", "bao-chay")));
        StationEvent finished = rig.of(EventType.SESSION_FINISHED, "sang").get(0);
        assertEquals("PREEMPTED", finished.reason());
        assertTrue(finished.detail().contains("skips"), finished.detail());
        assertTrue(rig.of(EventType.SESSION_RESUMED, "sang").isEmpty());
        assertTrue(rig.of(EventType.ITEM_FINISHED, "sang").isEmpty(), "nothing of the session was finished");
        await().atMost(WAIT).until(() -> !rig.relayOn());
    }

    @Test
    void aPreemptedSessionNeverPlaysPastItsWindow() throws Exception {
        Instant now = rig.clock.instant();
        // Room for the playlist (3.5 s) and no more: after a 1 s emergency, the rest no longer fits.
        Session tight = morning(now, Duration.ofMillis(3700));
        rig.receive(tight);
        PlayoutScheduler playout = rig.startScheduler(true);
        playout.submit(emergency(firstItemStarted().plusMillis(700)));

        await().atMost(WAIT).until(() -> rig.sessionsOf(EventType.SESSION_FINISHED).contains("sang"));
        List<StationEvent> sang = rig.sent().stream().filter(e -> "sang".equals(e.sessionId())).toList();
        for (StationEvent e : sang) {
            if (e.type() == EventType.ITEM_STARTED || e.type() == EventType.ITEM_FINISHED) {
                assertFalse(e.at().isAfter(tight.end()), "nothing of the session sounds after its window: " + e);
            }
        }
        assertTrue(rig.of(EventType.ITEM_FINISHED, "sang").size() < 2, "not all of it fitted: " + sang);
        await().atMost(WAIT).until(() -> !rig.relayOn());
        Instant lastOff = rig.edges.get(rig.edges.size() - 1).at();
        assertTrue(!lastOff.isAfter(tight.end().plus(PlayoutRig.TAIL).plusMillis(300)), "relay off at " + lastOff);
    }

    @Test
    void quietHoursKeepAWarningOffTheLineButNotAnEmergency() throws Exception {
        LocalTime local = LocalTime.now(ZoneId.of("Asia/Ho_Chi_Minh"));
        rig.receive(new QuietHours(local.minusHours(1), local.plusHours(1)));
        PlayoutScheduler playout = rig.startScheduler(true);
        Instant now = rig.clock.instant();
        playout.submit(new Program("gio-manh", "Gió mạnh", Priority.WARNING, now, now.plusSeconds(60), List.of(baoChay)));

        await().atMost(WAIT).until(() -> rig.sessionsOf(EventType.SESSION_FINISHED).contains("gio-manh"));
        assertEquals("QUIET_HOURS", rig.of(EventType.SESSION_FINISHED, "gio-manh").get(0).reason());
        assertTrue(rig.edges.isEmpty(), "the relay never moved for the warning");

        playout.submit(emergency(rig.clock.instant()));
        await().atMost(WAIT).until(() -> rig.sessionsOf(EventType.SESSION_FINISHED).contains("bao-chay"));
        assertEquals(1, rig.of(EventType.ITEM_FINISHED, "bao-chay").size(), "the emergency played in the quiet hours");
        assertFalse(rig.relayOn());
    }

    @Test
    void aCancelledAnnouncementStopsAtOnceAndAWarningWaitsForTheEmergency() throws Exception {
        PlayoutScheduler playout = rig.startScheduler(true);
        Instant now = rig.clock.instant();
        Program longAlarm = new Program("bao-chay", "Báo cháy", Priority.EMERGENCY, now, now.plusSeconds(60),
                List.of(giaLua, giaLua));
        playout.submit(longAlarm);
        await().atMost(WAIT).until(() -> !rig.of(EventType.ITEM_STARTED, "bao-chay").isEmpty());
        playout.submit(new Program("gio-manh", "Gió mạnh", Priority.WARNING, now, now.plusSeconds(60), List.of(baoChay)));
        assertTrue(playout.cancel("bao-chay"));

        await().atMost(WAIT).until(() -> rig.sessionsOf(EventType.SESSION_FINISHED).containsAll(List.of("bao-chay",
                "gio-manh")));
        assertEquals("CANCELLED", rig.of(EventType.SESSION_FINISHED, "bao-chay").get(0).reason());
        assertTrue(rig.of(EventType.ITEM_FINISHED, "bao-chay").isEmpty(), "cut in its first item");
        assertEquals(List.of("bao-chay", "gio-manh"), rig.sessionsOf(EventType.SESSION_STARTED),
                "the warning did not interrupt the emergency: it came after");
        assertEquals(1, rig.of(EventType.ITEM_FINISHED, "gio-manh").size());
        await().atMost(WAIT).until(() -> !rig.relayOn());
        assertFalse(playout.cancel("bao-chay"), "nothing left to cancel");
    }

    @Test
    void soundStartsAndEndsWithAShortFadeNotAClick() throws Exception {
        PlayoutScheduler playout = rig.startScheduler(true);
        playout.submit(emergency(rig.clock.instant()));
        await().atMost(WAIT).until(() -> rig.sessionsOf(EventType.SESSION_FINISHED).contains("bao-chay"));

        Pcm pcm = rig.rendered("bao-chay");
        List<PcmAnalysis.Segment> sound = PcmAnalysis.soundSegments(pcm, -60, Duration.ofMillis(1));
        long first = sound.get(0).fromFrame();
        long last = sound.get(sound.size() - 1).toFrame();
        long ms = pcm.format().sampleRate() / 1000;
        double steady = PcmAnalysis.rmsDbfs(pcm, first + 100 * ms, first + 200 * ms);
        double onset = PcmAnalysis.rmsDbfs(pcm, first, first + 2 * ms);
        double ending = PcmAnalysis.rmsDbfs(pcm, last - 2 * ms, last);
        assertTrue(onset < steady - 10, "the first 2 ms rise from silence: " + onset + " vs " + steady + " dBFS");
        assertTrue(ending < steady - 10, "the last 2 ms fall to silence: " + ending + " vs " + steady + " dBFS");
        Duration length = pcm.format().durationOfFrames(last - first);
        assertTrue(length.minusMillis(1000).abs().toMillis() < 30, "the item is whole: " + length);
    }

    /** From the last 10 ms window at full level to the end of the sound. */
    private static Duration fadeLength(Pcm pcm) {
        long window = pcm.format().sampleRate() / 100;
        long frames = pcm.frames();
        long end = frames;
        while (end > window && PcmAnalysis.rmsDbfs(pcm, end - window, end) < -50) {
            end -= window;
        }
        double full = PcmAnalysis.rmsDbfs(pcm, end - 20 * window, end - 19 * window);
        long start = end - window;
        while (start > window && PcmAnalysis.rmsDbfs(pcm, start - window, start) < full - 1.0) {
            start -= window;
        }
        return pcm.format().durationOfFrames(end - start);
    }
}
