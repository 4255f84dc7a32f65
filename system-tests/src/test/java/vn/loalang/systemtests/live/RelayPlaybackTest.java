package vn.loalang.systemtests.live;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.AgentConfig;
import vn.loalang.agent.audio.AudioConfig;
import vn.loalang.agent.link.ReconnectConfig;
import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.RelayConfig;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.WavWriter;
import vn.loalang.audio.analysis.PcmAnalysis;
import vn.loalang.controller.live.RelayPlan;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.testing.IcecastUnderTest;
import vn.loalang.controller.testing.Upstream;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.MarkerSignal;
import vn.loalang.systemtests.support.MarkerSignal.Marker;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;
import vn.loalang.systemtests.support.ToneDetector;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A relay in the morning session, end to end (issue 17 points 1, 3 and 7): the province is an
 * ffmpeg playing {@link MarkerSignal} into a real Icecast2; the controller pulls it once and serves
 * it to two simulated stations (its relay plan starts the fetch before the slot), which play it
 * inside their session into WAV files. The markers are
 * in the relay's window of the WAV and nowhere else. The province dies: after {@code maxSilence}
 * the stations play the relay's fallback (a 600 Hz tone); it comes back: the markers again, and
 * the fallback is cut. The play log shows ITEM_STARTED, ITEM_DROPPED, ITEM_STARTED (FALLBACK),
 * ITEM_RESUMED and ITEM_FINISHED with the milliseconds heard.
 */
class RelayPlaybackTest {
    static final ZonedDateTime MORNING = ZonedDateTime.of(2026, 11, 24, 5, 30, 0, 0, ZoneId.of(TestCommune.ZONE));
    static final String SESSION = "2026-11-24.morning";
    static final String ADMIN_PASSWORD = "mat-khau-quan-tri";
    static final List<String> STATIONS = List.of("thon-dong-1", "thon-dong-2");
    static final String RELAY_START = "05:30:03";
    static final String RELAY_END = "05:31:00";
    static final int MAX_SILENCE_SECONDS = 3;
    static final int FALLBACK_HZ = 3500;
    static final long WARMUP_MS = 500;
    static final long TAIL_MS = 200;

    @TempDir
    Path dir;
    TestClock clock;
    IcecastUnderTest ice;
    Upstream province;
    Controller controller;
    final Map<String, SimulatedStation> stations = new LinkedHashMap<>();
    String fallbackId;

    @BeforeEach
    void startTheCommune() throws Exception {
        clock = new TestClock(MORNING.minusMinutes(30).toInstant());
        ice = IcecastUnderTest.start();
        province = Upstream.mp3(ice, "/province.mp3", MarkerSignal.lavfi(44_100));
        await("the province is on the air").atMost(Duration.ofSeconds(10)).until(() -> ice.hasSource("/province.mp3"));

        ControllerConfig config = ControllerConfig.of(TestCommune.write(dir.resolve("commune"), 1), dir.resolve("controller"))
                .withEmbeddedBroker("127.0.0.1", Ports.free()).withHttp("127.0.0.1", Ports.free(), null);
        controller = Controller.start(config, clock, new PasswordHasher(1000), () -> ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream()));
        ApiClient api = new ApiClient(controller.contentPort());
        String token = api.login("admin", ADMIN_PASSWORD);

        // The fallback: 40 s of 3500 Hz (far from the items, the bed and the markers), longer than the province stays away.
        Path tone = dir.resolve("nhac-nen-3500hz.wav");
        WavWriter.write(tone, sine(FALLBACK_HZ, Duration.ofSeconds(40)));
        ApiClient.Answer uploaded = api.upload(token, tone, "nhac-nen-3500hz.wav", Map.of("title", "Nhạc nền"));
        assertEquals(201, uploaded.status(), String.valueOf(uploaded.json()));
        fallbackId = uploaded.json().get("id").asText();

        ApiClient.Answer source = api.call("POST", "/api/live/sources", token, Map.of("id", "tinh", "name", "Đài tỉnh",
                "url", province.url().toString()));
        assertEquals(201, source.status(), String.valueOf(source.json()));

        // Thôn Đông's morning: a 440 Hz item, the relay, a 660 Hz item. Neither tone is a marker's frequency.
        Map<String, Object> relay = new LinkedHashMap<>();
        relay.put("relay", "tinh");
        relay.put("start", RELAY_START);
        relay.put("end", RELAY_END);
        relay.put("maxSilenceSeconds", MAX_SILENCE_SECONDS);
        relay.put("fallback", "ITEM_THEN_REST");
        relay.put("fallbackItem", fallbackId);
        Map<String, Object> morning = Map.of("id", "morning", "name", "Buổi sáng", "start", "05:30", "end", "06:30",
                "items", List.of("tone-440", relay, "tone-660"));
        ApiClient.Answer program = api.call("PUT", "/api/program", token,
                Map.of("daily", List.of(morning), "oneOff", List.of()));
        assertEquals(200, program.status(), String.valueOf(program.json()));

        for (String id : STATIONS) {
            ApiClient.Answer issued = api.call("POST", "/api/stations/" + id + "/credentials", token, Map.of());
            assertEquals(201, issued.status(), String.valueOf(issued.json()));
            Path stationDir = dir.resolve(id);
            AgentConfig agent = new AgentConfig(id, controller.brokerUrl(), id, issued.json().get("password").asText(),
                    null, stationDir, Map.of(controller.keyId(), controller.publicKeyPem()),
                    new GpioConfig("mock", List.of(new RelayConfig("amp", 17, true))),
                    AudioConfig.wavFiles(stationDir.resolve("rendered")), WARMUP_MS, TAIL_MS, null,
                    new ReconnectConfig(100L, 1000L), 2000L);
            stations.put(id, new SimulatedStation(agent, clock).start());
        }
        await("the morning's files cached on both stations").atMost(Duration.ofSeconds(30))
                .until(() -> STATIONS.stream().allMatch(id -> controller.monitor().eventLog().events(id).stream()
                        .anyMatch(e -> e.type() == EventType.CONTENT_READY && SESSION.equals(e.sessionId()))));
    }

    @AfterEach
    void stopTheCommune() throws Exception {
        Closing.inOrder(() -> stations.values().forEach(SimulatedStation::close), controller, province, ice);
    }

    @Test
    void theRelayPlaysInItsWindowFallsBackWhenTheProvinceDiesAndRejoinsWhenItReturns() throws Exception {
        // Before the relay plan's lead, so that the province is pulled as it will be in the morning.
        clock.jumpTo(MORNING.toInstant().minus(RelayPlan.LEAD).minusSeconds(5));

        await("both stations play the relay").atMost(Duration.ofSeconds(45))
                .until(() -> STATIONS.stream().allMatch(id -> relayEvent(id, EventType.ITEM_STARTED) != null));
        // Three or four markers of the province, then it dies.
        Instant playing = clock.instant();
        await().atMost(Duration.ofSeconds(15)).until(() -> clock.instant().isAfter(playing.plusSeconds(10)));
        province.kill();
        await("both stations drop the relay and play the fallback").atMost(Duration.ofSeconds(15))
                .until(() -> STATIONS.stream().allMatch(id -> relayEvent(id, EventType.ITEM_DROPPED) != null
                        && has(id, EventType.ITEM_STARTED, fallbackId)));
        province.restart();
        await("both stations rejoin the relay").atMost(Duration.ofSeconds(30))
                .until(() -> STATIONS.stream().allMatch(id -> relayEvent(id, EventType.ITEM_RESUMED) != null));
        await("both sessions end").atMost(Duration.ofSeconds(60))
                .until(() -> STATIONS.stream().allMatch(id -> has(id, EventType.SESSION_FINISHED, null)));

        for (String id : STATIONS) {
            verify(id);
        }
    }

    private void verify(String id) throws Exception {
        List<StationEvent> session = controller.monitor().eventLog().events(id).stream()
                .filter(e -> SESSION.equals(e.sessionId())).toList();
        String relay = relayEvent(id, EventType.ITEM_STARTED).contentId();
        List<String> order = session.stream()
                .filter(e -> relay.equals(e.contentId()) || fallbackId.equals(e.contentId()))
                .filter(e -> e.type() != EventType.CONTENT_READY)
                .map(e -> e.type() + (fallbackId.equals(e.contentId()) ? " fallback" : "")
                        + (e.reason() != null ? " " + e.reason() : ""))
                .toList();
        assertEquals("ITEM_STARTED", order.get(0), id + " " + order);
        assertTrue(order.get(1).startsWith("ITEM_DROPPED"), id + " " + order);
        assertEquals("ITEM_STARTED fallback " + EventReason.FALLBACK, order.get(2), id + " " + order);
        assertEquals("ITEM_RESUMED", order.stream().filter(s -> s.startsWith("ITEM_RESUMED")).findFirst()
                .map(s -> "ITEM_RESUMED").orElse(null), id + " " + order);
        assertTrue(order.indexOf(order.stream().filter(s -> s.startsWith("ITEM_RESUMED")).findFirst().orElseThrow()) > 2,
                id + " " + order);
        assertTrue(order.get(order.size() - 1).startsWith("ITEM_FINISHED") && !order.get(order.size() - 1).contains("fallback"),
                id + " " + order);

        StationEvent started = relayEvent(id, EventType.ITEM_STARTED);
        StationEvent dropped = relayEvent(id, EventType.ITEM_DROPPED);
        StationEvent resumed = relayEvent(id, EventType.ITEM_RESUMED);
        StationEvent finished = relayEvent(id, EventType.ITEM_FINISHED);

        // The WAV starts when the output opened: the session's start is its first sound (the 440 Hz item).
        Pcm pcm = vn.loalang.audio.AudioDecoder.decodeAll(stations.get(id).wav(SESSION));
        List<PcmAnalysis.Segment> sound = PcmAnalysis.soundSegments(pcm, -45, Duration.ofMillis(20));
        long lead = sound.get(0).start().toMillis();
        Instant start = MORNING.toInstant();
        long relayFrom = lead + Duration.between(start, started.at()).toMillis();
        long droppedAt = lead + Duration.between(start, dropped.at()).toMillis();
        long resumedAt = lead + Duration.between(start, resumed.at()).toMillis();
        long relayTo = lead + Duration.between(start, finished.at()).toMillis();

        List<Marker> markers = MarkerSignal.find(new ToneDetector(pcm), MarkerSignal.THRESHOLD_DB);
        List<Marker> before = new ArrayList<>();
        List<Marker> after = new ArrayList<>();
        for (Marker m : markers) {
            long at = m.at().toMillis();
            if (Math.abs(at - resumedAt) <= 200) {
                // The fallback's fade-out meets the relay's fade-in here; what splashes across the
                // markers' frequencies in those few windows is not a marker (a stale one would come later).
                continue;
            }
            assertTrue(at >= relayFrom - 100 && at <= relayTo + 100,
                    id + ": marker at " + at + " ms outside the relay (" + relayFrom + "–" + relayTo + " ms): " + markers);
            assertFalse(at > droppedAt && at < resumedAt - 100,
                    id + ": marker at " + at + " ms while the relay was dropped (" + droppedAt + "–" + resumedAt + " ms)");
            (at <= droppedAt ? before : after).add(m);
        }
        assertTrue(before.size() >= 3, id + " heard the province before it died: " + before);
        assertTrue(after.size() >= 2, id + " heard the province after it came back: " + after);
        assertTrue(MarkerSignal.consecutive(before), id + " " + before);
        assertTrue(MarkerSignal.consecutive(after), id + " " + after);

        // Between the drop and the resume: the fallback, then cut when the province is back.
        long rate = pcm.format().sampleRate();
        assertEquals(FALLBACK_HZ, PcmAnalysis.dominantOf(pcm, (droppedAt + 300) * rate / 1000,
                (resumedAt - 300) * rate / 1000, 440, FALLBACK_HZ, 660), 0.01, id + " fallback");
        ToneDetector d = new ToneDetector(pcm);
        assertTrue(d.onsets(FALLBACK_HZ, -30).stream().allMatch(t -> t.toMillis() >= droppedAt - 100
                && t.toMillis() <= resumedAt), id + ": the fallback only while dropped");

        // Proof of play: what was heard of the relay, within a second of the time it sounded.
        long heard = (droppedAt - MAX_SILENCE_SECONDS * 1000L - relayFrom) + (relayTo - resumedAt);
        assertTrue(finished.playedMillis() != null && Math.abs(finished.playedMillis() - heard) <= 1500,
                id + ": playedMillis " + finished.playedMillis() + ", heard about " + heard + " ms");
    }

    private StationEvent relayEvent(String station, EventType type) {
        return controller.monitor().eventLog().events(station).stream()
                .filter(e -> SESSION.equals(e.sessionId()) && e.type() == type && e.contentId() != null
                        && !e.contentId().equals(fallbackId) && !e.contentId().startsWith("tone-"))
                .findFirst().orElse(null);
    }

    private boolean has(String station, EventType type, String contentId) {
        return controller.monitor().eventLog().events(station).stream()
                .anyMatch(e -> e.type() == type && (contentId == null || contentId.equals(e.contentId())));
    }

    private static Pcm sine(int hz, Duration length) {
        int rate = 44_100;
        int frames = (int) (length.toMillis() * rate / 1000);
        ByteBuffer b = ByteBuffer.allocate(frames * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < frames; i++) {
            b.putShort((short) Math.round(0.25 * 32767 * Math.sin(2 * Math.PI * hz * i / rate)));
        }
        return new Pcm(new PcmFormat(rate, 1), b.array());
    }
}
