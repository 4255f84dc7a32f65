package vn.loalang.agent.playout;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.live.FakeLiveServer;
import vn.loalang.agent.live.LiveSource;
import vn.loalang.agent.live.LiveStates;
import vn.loalang.agent.live.LiveStreamReader;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.analysis.PcmAnalysis;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.live.ChannelState;
import vn.loalang.protocol.live.LiveState;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.Fallback;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.schedule.RelaySpec;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where an operator's live talk ranks (issue 17, point 5: between warning and emergency, pre-empting a session), on
 * the real clock, the real player and a live stream on 127.0.0.1 (the talk: a 440 Hz tone): it takes the line from a
 * session and from a warning, a warning waits for it, an emergency takes the line from it, and what it pre-empted
 * comes back after it. Sound is checked in the rendered WAV files, relays at the mock pin.
 */
class LiveTalkRankTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TALK = "t-20261206-081500-ab12";
    private static final double TALK_HZ = 440;
    private static final Set<EventType> PROGRAM_EVENTS = Set.of(EventType.SESSION_STARTED, EventType.SESSION_PREEMPTED,
            EventType.SESSION_RESUMED, EventType.SESSION_FINISHED);

    @TempDir
    Path dir;
    PlayoutRig rig;
    FakeLiveServer server;
    final LiveStates states = new LiveStates(PlayoutRig.STATION);
    PlayoutScheduler playout;
    Item giaLua;
    Item baoHiem;
    Item baoChay;

    @BeforeEach
    void station() throws Exception {
        rig = new PlayoutRig(dir);
        server = new FakeLiveServer();
        giaLua = rig.cached(Fixtures.ITEM_440HZ_2S, "gia-lua", 2000);
        baoHiem = rig.cached(Fixtures.ITEM_1000HZ_1500MS, "bao-hiem", 1500);
        baoChay = rig.cached(Fixtures.ITEM_660HZ_1S, "bao-chay", 1000);
        playout = rig.startScheduler(true, new LiveSource(PlayoutRig.STATION,
                new LiveStreamReader.Account(PlayoutRig.STATION, "secret"), null, states));
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
        server.close();
    }

    /** The talk as the station's talk keeper puts it on the line: LIVE, its stream from {@code start}. */
    private Program talk(Instant start) {
        RelaySpec spec = new RelaySpec("talk", "Ông trưởng thôn", server.url(), LiveChannelId.talk(TALK),
                RelaySpec.CODEC_MP3, start, start.plusSeconds(60), EndRule.PROGRAMME_END, 15, Fallback.WAIT, null,
                RelaySpec.TALK_JITTER_MILLIS);
        return new Program(TALK, "Họp thôn", Priority.LIVE, start, start.plusSeconds(60),
                List.of(Item.live(TALK, "Họp thôn", spec, 0.0)));
    }

    /** The speaker ends the talk: the controller's signed ENDED, and its stream closes. */
    private void endTalk() {
        states.put(new LiveState(SchemaVersion.CURRENT, LiveChannelId.talk(TALK), ChannelState.ENDED, rig.clock.instant(),
                rig.clock.instant(), "the speaker ended the talk"));
        server.cut();
    }

    private Instant started(String program) {
        await(program + " is heard").atMost(WAIT).until(() -> !rig.of(EventType.ITEM_STARTED, program).isEmpty());
        return rig.of(EventType.ITEM_STARTED, program).get(0).at();
    }

    /** Which program did what with the line, in order: "SESSION_STARTED sang", … */
    private List<String> programEvents() {
        return rig.sent().stream().filter(e -> PROGRAM_EVENTS.contains(e.type()))
                .map(e -> e.type() + " " + e.sessionId()).toList();
    }

    /** How long the rendered file sounds, from its first sound to its last. */
    private static Duration sounding(Pcm pcm) {
        List<PcmAnalysis.Segment> sound = PcmAnalysis.soundSegments(pcm, -50, Duration.ofMillis(10));
        return sound.get(sound.size() - 1).end().minus(sound.get(0).start());
    }

    /**
     * How long the program sounded over all its plays: the first ({@code STATION_id.wav}) and the one after its
     * pre-emption ({@code STATION_id_fromN.wav}, N the item it resumed in), which starts again where the fade began.
     */
    private List<Duration> parts(String program) throws Exception {
        List<Duration> parts = new java.util.ArrayList<>();
        parts.add(sounding(rig.rendered(program)));
        try (var files = java.nio.file.Files.list(rig.wavDir)) {
            for (Path f : files.map(Path::getFileName).filter(f -> f.toString()
                    .startsWith(PlayoutRig.STATION + "_" + program + "_from")).sorted().toList()) {
                String label = f.toString().substring(PlayoutRig.STATION.length() + 1, f.toString().length() - 4);
                parts.add(sounding(rig.rendered(label)));
            }
        }
        return parts;
    }

    /** Cut once and resumed, and heard whole: the two parts add up to its length, give or take the fade. */
    private void assertCutAndHeardWhole(String program, Duration whole) throws Exception {
        List<Duration> parts = parts(program);
        assertEquals(2, parts.size(), program + " played twice: cut, then resumed: " + parts);
        assertTrue(parts.get(0).compareTo(whole.minusMillis(300)) < 0, program + " was cut: " + parts);
        Duration total = parts.get(0).plus(parts.get(1));
        // The resume starts where the fade-out (at most 200 ms) began: that much is heard twice, nothing is lost.
        assertTrue(total.compareTo(whole.minusMillis(150)) >= 0 && total.compareTo(whole.plusMillis(400)) <= 0,
                program + " heard whole over its two parts: " + parts + " for " + whole);
    }

    private static double dominantAtStart(Pcm pcm, double... hz) {
        long from = PcmAnalysis.soundSegments(pcm, -50, Duration.ofMillis(10)).get(0).fromFrame();
        return PcmAnalysis.dominantOf(pcm, from, from + pcm.format().sampleRate() / 10, hz);
    }

    @Test
    void aTalkTakesTheLineFromASessionAWarningWaitsForItAndTheSessionResumesAfter() throws Exception {
        Instant now = rig.clock.instant();
        rig.receive(new Session("sang", "Buổi sáng", now.plusMillis(300), now.plusSeconds(60), List.of(baoHiem, baoChay)));
        // The operator presses to talk 600 ms into the session's first item.
        playout.submit(talk(started("sang").plusMillis(600)));
        started(TALK);
        // A warning comes while the operator speaks: below a talk, it waits (a second of the talk is the proof).
        Instant warningAt = rig.clock.instant();
        playout.submit(new Program("gio-manh", "Gió mạnh", Priority.WARNING, warningAt, warningAt.plusSeconds(60),
                List.of(giaLua)));
        await("the warning waits").during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
                .until(() -> rig.of(EventType.SESSION_STARTED, "gio-manh").isEmpty()
                        && rig.of(EventType.SESSION_PREEMPTED, TALK).isEmpty());
        endTalk();

        await("the session ends after the talk and the warning").atMost(WAIT)
                .until(() -> rig.sessionsOf(EventType.SESSION_FINISHED).contains("sang"));
        assertEquals(List.of("SESSION_STARTED sang", "SESSION_PREEMPTED sang", "SESSION_STARTED " + TALK,
                "SESSION_FINISHED " + TALK, "SESSION_STARTED gio-manh", "SESSION_FINISHED gio-manh",
                "SESSION_RESUMED sang", "SESSION_FINISHED sang"), programEvents(), rig.sent().toString());
        assertTrue(rig.of(EventType.SESSION_STARTED, TALK).get(0).detail().contains("amplifiers already on"),
                "the talk takes the amplifiers as the session left them: " + rig.of(EventType.SESSION_STARTED, TALK));
        StationEvent talkEnded = rig.of(EventType.ITEM_FINISHED, TALK).get(0);
        assertEquals(EventReason.PROGRAMME_ENDED.name(), talkEnded.reason());
        assertTrue(talkEnded.playedMillis() >= 1000, "the talk was heard for its length: " + talkEnded);
        assertEquals(2, rig.of(EventType.ITEM_FINISHED, "sang").size(), "both of the session's items were heard in the end");
        assertEquals(1, rig.of(EventType.ITEM_FINISHED, "gio-manh").size(), "the warning was heard whole");

        // The session cut by the talk and heard whole in the end; the talk's stream (440 Hz) in between; the warning.
        assertCutAndHeardWhole("sang", Duration.ofMillis(2500));
        Pcm talkPcm = rig.rendered(TALK);
        assertEquals(TALK_HZ, dominantAtStart(talkPcm, TALK_HZ, 660, 1000), "the talk's stream is what was heard");
        assertEquals((double) talkEnded.playedMillis(), sounding(talkPcm).toMillis(), 150,
                "ITEM_FINISHED's playedMillis is what the talk's WAV holds");
        assertEquals(2000, sounding(rig.rendered("gio-manh")).toMillis(), 100, "the warning, whole, after the talk");

        await().atMost(WAIT).until(() -> !rig.relayOn());
        // On for the session (the talk takes them as they are), off after the talk, on for the warning,
        // off after it, on again for the session's rest, off at its end: each program's own warm-up and tail.
        assertEquals(List.of(true, false, true, false, true, false),
                rig.edges.stream().map(PlayoutRig.Edge::on).toList(), rig.edges.toString());
    }

    @Test
    void aTalkTakesTheLineFromAWarningAndAnEmergencyTakesItFromTheTalk() throws Exception {
        Instant now = rig.clock.instant();
        playout.submit(new Program("gio-manh", "Gió mạnh", Priority.WARNING, now, now.plusSeconds(60),
                List.of(giaLua, giaLua)));
        playout.submit(talk(started("gio-manh").plusMillis(600)));
        Instant talkHeard = started(TALK);
        // The emergency comes a second into the talk.
        Instant alarmAt = talkHeard.plusSeconds(1);
        playout.submit(new Program("bao-chay", "Báo cháy", Priority.EMERGENCY, alarmAt, alarmAt.plusSeconds(60),
                List.of(baoChay)));

        await("the warning ends after the emergency").atMost(WAIT)
                .until(() -> rig.sessionsOf(EventType.SESSION_FINISHED).contains("gio-manh"));
        assertFalse(rig.of(EventType.SESSION_STARTED, "bao-chay").isEmpty());
        // The talk's stream still runs, yet the station does not rejoin it: what was said meanwhile is gone, and
        // the talk's program has nothing left after its live item; the warning it pre-empted comes back.
        assertEquals(List.of("SESSION_STARTED gio-manh", "SESSION_PREEMPTED gio-manh", "SESSION_STARTED " + TALK,
                "SESSION_PREEMPTED " + TALK, "SESSION_FINISHED " + TALK, "SESSION_STARTED bao-chay",
                "SESSION_FINISHED bao-chay", "SESSION_RESUMED gio-manh", "SESSION_FINISHED gio-manh"), programEvents(),
                rig.sent().toString());
        StationEvent dropped = rig.of(EventType.ITEM_DROPPED, TALK).get(0);
        assertEquals(EventReason.PREEMPTED.name(), dropped.reason());
        assertTrue(dropped.playedMillis() >= 700, "about a second of the talk was heard: " + dropped);
        assertTrue(rig.of(EventType.SESSION_STARTED, "bao-chay").get(0).detail().contains("amplifiers already on"),
                "the emergency takes the amplifiers as the talk left them");
        assertEquals(1, rig.of(EventType.ITEM_FINISHED, "bao-chay").size(), "the emergency was heard whole");
        assertEquals(2, rig.of(EventType.ITEM_FINISHED, "gio-manh").size(), "both of the warning's items in the end");

        // The warning cut by the talk and heard whole in the end; the talk's stream until the emergency; the emergency.
        assertCutAndHeardWhole("gio-manh", Duration.ofMillis(4000));
        Pcm talkPcm = rig.rendered(TALK);
        assertEquals((double) dropped.playedMillis(), sounding(talkPcm).toMillis(), 150, "the talk's WAV holds what was heard");
        assertEquals(660.0, dominantAtStart(rig.rendered("bao-chay"), TALK_HZ, 660, 1000));
        await().atMost(WAIT).until(() -> !rig.relayOn());
    }
}
