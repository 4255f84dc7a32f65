package vn.loalang.systemtests.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.AgentConfig;
import vn.loalang.agent.audio.AudioConfig;
import vn.loalang.agent.link.ReconnectConfig;
import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.RelayConfig;
import vn.loalang.controller.live.RelayPlan;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.testing.IcecastUnderTest;
import vn.loalang.controller.testing.Upstream;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.Json;
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
import java.nio.file.Files;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A station whose link was down through a relay plays its recording late, or skips it, by the commune's
 * {@code live.missedRelay} (issue 17 point 4), end to end: the province is an ffmpeg playing {@link MarkerSignal}
 * into a real Icecast2, the controller pulls and records it, and two simulated stations of Thôn Đông have the
 * relay in their morning session. Thôn Đông 1 plays it live. Thôn Đông 2 is switched off (its agent stopped,
 * as a power cut or a dead modem leaves it) from before the relay's lead until after the morning: it hears
 * none of the slot. It comes back before the noon session.
 *
 * <p>With NEXT_SESSION its noon session opens with the morning's recording: the province's markers are in its
 * noon WAV, before the noon item, and the play log and the day's report say it was played late. With SKIP its
 * noon session is only the noon item: no marker, no late play; the report shows the relay seconds it did not hear.
 */
class MissedRelayTest {
    static final ZonedDateTime MORNING = ZonedDateTime.of(2026, 11, 24, 5, 30, 0, 0, ZoneId.of(TestCommune.ZONE));
    static final ZonedDateTime NOON = MORNING.withHour(6).withMinute(0);
    static final String DAY = "2026-11-24";
    static final String MORNING_SESSION = DAY + ".morning";
    static final String NOON_SESSION = DAY + ".noon";
    static final String ADMIN_PASSWORD = "mat-khau-quan-tri";
    static final String LIVE = "thon-dong-1";
    static final String DOWN = "thon-dong-2";
    /** 21 s of relay: seven of the province's markers, 3 s apart. */
    static final String RELAY_START = "05:30:03";
    static final String RELAY_END = "05:30:24";
    static final long RELAY_MILLIS = 21_000;
    /** The recording's library id: {@code rec-{source}-{local start to the minute}}. */
    static final String RECORDING = "rec-tinh-20261124-0530";
    static final int NOON_HZ = 660;

    @TempDir
    Path dir;
    TestClock clock;
    IcecastUnderTest ice;
    Upstream province;
    Controller controller;
    ApiClient api;
    String token;
    final Map<String, SimulatedStation> stations = new LinkedHashMap<>();

    @AfterEach
    void stopTheCommune() throws Exception {
        Closing.inOrder(() -> stations.values().forEach(SimulatedStation::close), controller, province, ice);
    }

    @Test
    void withNextSessionTheStationThatWasDownOpensItsNextSessionWithTheRecordingMarkedLate() throws Exception {
        startTheCommune("NEXT_SESSION");
        theMorningWithThonDong2Down();
        await("the recording opens Thôn Đông 2's noon session, late").atMost(Duration.ofSeconds(30))
                .until(() -> noonItems(DOWN).size() == 2 && RECORDING.equals(noonItems(DOWN).get(0).path("contentId").asText())
                        && noonItems(DOWN).get(0).path("late").asBoolean(false));
        theNoonWithThonDong2Back();

        // Thôn Đông 2: the province's markers, in order, then the noon item; its play log says late.
        ToneDetector down = ToneDetector.of(stations.get(DOWN).wav(NOON_SESSION));
        List<Marker> replayed = MarkerSignal.find(down, MarkerSignal.THRESHOLD_DB);
        long noonItemAt = firstOnset(down, NOON_HZ);
        assertTrue(replayed.size() >= 6 && replayed.size() <= 8, DOWN + " replayed " + replayed);
        assertTrue(MarkerSignal.consecutive(replayed), DOWN + " replayed " + replayed);
        assertTrue(replayed.stream().allMatch(m -> m.at().toMillis() < noonItemAt),
                DOWN + ": the recording opens the session, before the noon item at " + noonItemAt + " ms: " + replayed);
        assertSameSlot(MarkerSignal.find(ToneDetector.of(stations.get(LIVE).wav(MORNING_SESSION)),
                MarkerSignal.THRESHOLD_DB), replayed);

        JsonNode finished = event(DOWN, "ITEM_FINISHED", NOON_SESSION, RECORDING);
        assertNotNull(finished, DOWN + " reported the recording played: " + events(DOWN));
        assertTrue(finished.path("late").asBoolean(false), DOWN + ": marked late " + finished);
        assertEquals(RELAY_MILLIS, finished.path("playedMillis").asLong(), 1500, DOWN + ": played the whole slot " + finished);
        assertTrue(event(DOWN, "ITEM_STARTED", NOON_SESSION, RECORDING).path("late").asBoolean(false),
                DOWN + ": its start marked late too");

        // Thôn Đông 1 heard it live: its noon is the noon item alone.
        assertNoRecordingAtNoon(LIVE);

        JsonNode noon = report("noon");
        assertEquals(1, noon.path("latePlays").asInt(), "one late play at noon: " + noon);
        assertEquals(2, noon.path("stationsComplete").asInt(), "both stations played their noon: " + noon);
        assertTheMorningReportShowsOneStationHeardTheRelay();
    }

    @Test
    void withSkipTheStationThatWasDownDoesNotPlayTheRecording() throws Exception {
        startTheCommune("SKIP");
        theMorningWithThonDong2Down();
        theNoonWithThonDong2Back();

        // The recording is kept for the evening's replay all the same; it is only not pushed to the station.
        assertNoRecordingAtNoon(DOWN);
        assertNoRecordingAtNoon(LIVE);
        JsonNode noon = report("noon");
        assertEquals(0, noon.path("latePlays").asInt(), "nothing played late: " + noon);
        assertTheMorningReportShowsOneStationHeardTheRelay();
    }

    /** The province on the air, the controller with the commune's policy, the program, and both stations caching it. */
    private void startTheCommune(String missedRelay) throws Exception {
        clock = new TestClock(MORNING.minusMinutes(30).toInstant());
        ice = IcecastUnderTest.start();
        province = Upstream.mp3(ice, "/province.mp3", MarkerSignal.lavfi(44_100));
        await("the province is on the air").atMost(Duration.ofSeconds(10)).until(() -> ice.hasSource("/province.mp3"));

        Path communeFile = TestCommune.write(dir.resolve("commune"), 1);
        ObjectNode root = (ObjectNode) Json.mapper().readTree(communeFile.toFile());
        ((ObjectNode) root.get("commune")).putObject("live").put("missedRelay", missedRelay);
        Files.write(communeFile, Json.mapper().writeValueAsBytes(root));
        ControllerConfig config = ControllerConfig.of(communeFile, dir.resolve("controller"))
                .withEmbeddedBroker("127.0.0.1", Ports.free()).withHttp("127.0.0.1", Ports.free(), null);
        controller = Controller.start(config, clock, new PasswordHasher(1000), () -> ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream()));
        api = new ApiClient(controller.contentPort());
        token = api.login("admin", ADMIN_PASSWORD);

        ApiClient.Answer source = api.call("POST", "/api/live/sources", token, Map.of("id", "tinh", "name", "Đài tỉnh",
                "url", province.url().toString()));
        assertEquals(201, source.status(), String.valueOf(source.json()));
        // The morning: a 440 Hz item, the relay, a 660 Hz item. Noon: the 660 Hz item. Neither tone is a marker's.
        Map<String, Object> relay = Map.of("relay", "tinh", "start", RELAY_START, "end", RELAY_END);
        Map<String, Object> morning = Map.of("id", "morning", "name", "Buổi sáng", "start", "05:30", "end", "05:35",
                "items", List.of("tone-440", relay, "tone-660"));
        Map<String, Object> noon = Map.of("id", "noon", "name", "Buổi trưa", "start", "06:00", "end", "06:10",
                "items", List.of("tone-660"));
        ApiClient.Answer program = api.call("PUT", "/api/program", token,
                Map.of("daily", List.of(morning, noon), "oneOff", List.of()));
        assertEquals(200, program.status(), String.valueOf(program.json()));

        for (String id : List.of(LIVE, DOWN)) {
            ApiClient.Answer issued = api.call("POST", "/api/stations/" + id + "/credentials", token, Map.of());
            assertEquals(201, issued.status(), String.valueOf(issued.json()));
            Path stationDir = dir.resolve(id);
            AgentConfig agent = new AgentConfig(id, controller.brokerUrl(), id, issued.json().get("password").asText(),
                    null, stationDir, Map.of(controller.keyId(), controller.publicKeyPem()),
                    new GpioConfig("mock", List.of(new RelayConfig("amp", 17, true))),
                    AudioConfig.wavFiles(stationDir.resolve("rendered")), 500L, 200L, null,
                    new ReconnectConfig(100L, 1000L), 2000L);
            stations.put(id, new SimulatedStation(agent, clock).start());
        }
        // Both have reported (so both are known to play relays, and both have the relay in their plan) and cached.
        await("the morning's files cached on both stations").atMost(Duration.ofSeconds(30))
                .until(() -> event(LIVE, "CONTENT_READY", MORNING_SESSION, null) != null
                        && event(DOWN, "CONTENT_READY", MORNING_SESSION, null) != null);
        assertTrue(scheduleOf(DOWN).path("sessions").findValuesAsText("contentId").contains("relay-tinh"),
                DOWN + " has the relay in its plan");
    }

    /**
     * Thôn Đông 2 goes down before the relay's fetch starts; Thôn Đông 1 plays the morning; the recording is kept.
     * Thôn Đông 2 stays down until well after the morning's window (the clock is moved to five minutes before noon).
     */
    private void theMorningWithThonDong2Down() throws Exception {
        stations.get(DOWN).stopAgent();
        clock.jumpTo(MORNING.toInstant().minus(RelayPlan.LEAD).minusSeconds(1));
        await("Thôn Đông 1 plays the relay").atMost(Duration.ofSeconds(45))
                .until(() -> event(LIVE, "ITEM_STARTED", MORNING_SESSION, "relay-tinh") != null);
        await("Thôn Đông 1's morning ends").atMost(Duration.ofSeconds(45))
                .until(() -> event(LIVE, "SESSION_FINISHED", MORNING_SESSION, null) != null);
        await("the morning's relay is kept in the library").atMost(Duration.ofSeconds(30))
                .until(() -> libraryIds().contains(RECORDING));
        // The catch-up judges the slot once the stations' reports had a minute to come in: the clock moves on.
        clock.jumpTo(NOON.toInstant().minusSeconds(300));
        JsonNode heard = event(LIVE, "ITEM_FINISHED", MORNING_SESSION, "relay-tinh");
        assertEquals(RELAY_MILLIS, heard.path("playedMillis").asLong(), 1500, LIVE + " heard the whole slot: " + heard);
        assertTrue(MarkerSignal.find(ToneDetector.of(stations.get(LIVE).wav(MORNING_SESSION)), MarkerSignal.THRESHOLD_DB)
                .size() >= 6, LIVE + " played the province live");
    }

    /** Thôn Đông 2 comes back before noon, fetches what its noon needs, and both stations play their noon. */
    private void theNoonWithThonDong2Back() throws Exception {
        stations.get(DOWN).start();
        long version = scheduleOf(DOWN).path("version").asLong();
        await("Thôn Đông 2 is back and has cached its noon").atMost(Duration.ofSeconds(30))
                .until(() -> events(DOWN).stream().anyMatch(e -> "CONTENT_READY".equals(e.path("type").asText())
                        && NOON_SESSION.equals(e.path("sessionId").asText())
                        && e.path("scheduleVersion").asLong() == version));
        assertFalse(Files.exists(stations.get(DOWN).wav(MORNING_SESSION)), DOWN + " played nothing of its morning");
        clock.jumpTo(NOON.toInstant().minusSeconds(3));
        await("both noon sessions end").atMost(Duration.ofSeconds(60))
                .until(() -> event(LIVE, "SESSION_FINISHED", NOON_SESSION, null) != null
                        && event(DOWN, "SESSION_FINISHED", NOON_SESSION, null) != null);
    }

    private void assertNoRecordingAtNoon(String station) throws Exception {
        List<String> items = new ArrayList<>();
        noonItems(station).forEach(i -> items.add(i.path("contentId").asText()));
        assertEquals(List.of("tone-660"), items, station + "'s noon as published");
        assertNull(event(station, "ITEM_STARTED", NOON_SESSION, RECORDING), station + " did not play the recording");
        ToneDetector d = ToneDetector.of(stations.get(station).wav(NOON_SESSION));
        assertEquals(List.of(), MarkerSignal.find(d, MarkerSignal.THRESHOLD_DB), station + ": no marker at noon");
        firstOnset(d, NOON_HZ);
    }

    /** Thôn Đông's morning: both stations had the slot, one heard it; one complete station. */
    private void assertTheMorningReportShowsOneStationHeardTheRelay() throws Exception {
        JsonNode morning = report("morning");
        assertEquals(2, morning.path("stations").asInt(), String.valueOf(morning));
        assertEquals(1, morning.path("stationsComplete").asInt(), "one station played the whole morning: " + morning);
        assertEquals(2 * RELAY_MILLIS / 1000, morning.path("relaySecondsPlanned").asLong(), String.valueOf(morning));
        assertEquals(RELAY_MILLIS / 1000, morning.path("relaySecondsPlayed").asLong(), 2,
                "only Thôn Đông 1's seconds were heard: " + morning);
        assertEquals(0, morning.path("latePlays").asInt(), String.valueOf(morning));
    }

    /**
     * The late play is the morning's slot: the markers Thôn Đông 2 replayed are the ones Thôn Đông 1 heard live, in
     * the same order (a marker at either edge of the slot may be cut in one and not the other).
     */
    private static void assertSameSlot(List<Marker> live, List<Marker> replayed) {
        assertTrue(live.size() >= 6 && MarkerSignal.consecutive(live), LIVE + " heard " + live);
        List<Integer> heard = live.stream().map(Marker::index).toList();
        List<Integer> again = replayed.stream().map(Marker::index).toList();
        int shift = Math.floorMod(again.get(0) - heard.get(0), MarkerSignal.FREQUENCIES.length);
        assertTrue(shift <= 1 || shift == MarkerSignal.FREQUENCIES.length - 1,
                "the replay starts where the live relay did: live " + heard + ", replayed " + again);
        assertTrue(Math.abs(heard.size() - again.size()) <= 1, "live " + heard + ", replayed " + again);
    }

    /** When the noon item's tone starts in {@code audio}, in ms; fails if it never does. */
    private static long firstOnset(ToneDetector audio, int hz) {
        List<Duration> onsets = audio.onsets(hz, -30);
        assertFalse(onsets.isEmpty(), "the " + hz + " Hz noon item played");
        return onsets.get(0).toMillis();
    }

    private JsonNode report(String session) throws Exception {
        ApiClient.Answer r = api.call("GET", "/api/reports?day=" + DAY, token, null);
        assertEquals(200, r.status(), String.valueOf(r.json()));
        for (JsonNode row : r.json().path("sessions")) {
            if ((DAY + "." + session).equals(row.path("sessionId").asText()) && "thon-dong".equals(row.path("village").asText())) {
                return row;
            }
        }
        throw new AssertionError("no report row for Thôn Đông's " + session + ": " + r.json());
    }

    private JsonNode scheduleOf(String station) throws Exception {
        ApiClient.Answer s = api.call("GET", "/api/schedules/" + station, token, null);
        assertEquals(200, s.status(), String.valueOf(s.json()));
        return s.json();
    }

    private List<JsonNode> noonItems(String station) throws Exception {
        for (JsonNode session : scheduleOf(station).path("sessions")) {
            if (NOON_SESSION.equals(session.path("id").asText())) {
                List<JsonNode> items = new ArrayList<>();
                session.path("items").forEach(items::add);
                return items;
            }
        }
        throw new AssertionError(station + " has no noon session: " + scheduleOf(station));
    }

    private List<String> libraryIds() throws Exception {
        ApiClient.Answer l = api.call("GET", "/api/library", token, null);
        assertEquals(200, l.status(), String.valueOf(l.json()));
        return l.json().path("items").findValuesAsText("id");
    }

    /** The station's play log as the API gives it (newest first). */
    private List<JsonNode> events(String station) throws Exception {
        ApiClient.Answer e = api.call("GET", "/api/events?station=" + station + "&limit=500", token, null);
        assertEquals(200, e.status(), String.valueOf(e.json()));
        List<JsonNode> out = new ArrayList<>();
        e.json().forEach(out::add);
        return out;
    }

    private JsonNode event(String station, String type, String session, String content) throws Exception {
        return events(station).stream().filter(e -> type.equals(e.path("type").asText())
                        && session.equals(e.path("sessionId").asText())
                        && (content == null || content.equals(e.path("contentId").asText())))
                .findFirst().orElse(null);
    }
}
