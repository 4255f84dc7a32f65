package vn.loalang.systemtests.live;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import vn.loalang.agent.AgentConfig;
import vn.loalang.agent.audio.AudioConfig;
import vn.loalang.agent.link.ReconnectConfig;
import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.RelayConfig;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.analysis.PcmAnalysis;
import vn.loalang.audio.live.Frame;
import vn.loalang.controller.live.FrameListener;
import vn.loalang.controller.live.LiveChannel;
import vn.loalang.controller.live.TalkService;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.systemtests.support.Browser;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A live talk end to end (issue 17 point 7): the village head of Thôn Đông talks on the console's "Nói
 * trực tiếp" page in a real Chromium whose microphone is a {@link MarkerSignal} WAV; the controller takes
 * the browser's audio, and the two simulated stations of Thôn Đông render the chime and then the voice into
 * WAV files. Their WAVs hold the microphone's markers in the order they were spoken; their play events reach
 * the controller; the station of Thôn Tây, another village, says nothing of it.
 */
class LiveTalkToStationsTest {
    static final Instant EARLY = Instant.parse("2026-11-23T21:00:00Z"); // 04:00 in the commune: no session on air
    static final String ADMIN_PASSWORD = "mat-khau-quan-tri";
    static final List<String> VILLAGE_A = List.of("thon-dong-1", "thon-dong-2");
    static final String VILLAGE_B = "thon-tay-1";
    /**
     * The microphone hears only the noise bed this long, then the markers. Chromium plays the file from the moment
     * the page asks for the microphone, but the speaker is on air only once the stations have warmed up and said
     * their chime (about 3.6 s here; the console shows "Chuẩn bị…" meanwhile): what is said before that is not
     * for the loudspeakers (plan §3.2, §3.4). The head speaks after it, as a speaker does.
     */
    static final Duration PREPARATION = Duration.ofSeconds(5);
    /** Four markers (0 to 3, at 5, 8, 11 and 14 s). Chromium loops the file: the next would come at 20 s. */
    static final Duration MICROPHONE = Duration.ofSeconds(15);
    static final List<Integer> SPOKEN_MARKERS = List.of(0, 1, 2, 3);
    /** The talk's audio the controller receives before the head ends it: past the last marker, short of the loop's. */
    static final Duration SPOKEN = Duration.ofMillis(14_600);
    static final Duration WAIT = Duration.ofSeconds(45);

    @TempDir
    Path dir;
    TestClock clock;
    Controller controller;
    ApiClient api;
    String admin;
    Browser browser;
    final Map<String, SimulatedStation> stations = new LinkedHashMap<>();

    @BeforeEach
    void startTheCommune() throws Exception {
        clock = new TestClock(EARLY);
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune"), 1), dir.resolve("controller"))
                        .withHttp("127.0.0.1", Ports.free(), null).withEmbeddedBroker("127.0.0.1", Ports.free()),
                clock, new PasswordHasher(1000), () -> ADMIN_PASSWORD, new PrintStream(OutputStream.nullOutputStream()));
        api = new ApiClient(controller.contentPort());
        admin = api.login("admin", ADMIN_PASSWORD);
        assertEquals(201, api.call("POST", "/api/users", admin, Map.of("username", "truong.dong", "role", "VILLAGE_HEAD",
                "villages", List.of("thon-dong"), "password", "mat-khau-truong-thon")).status());

        // Each station with its own broker account: the talk's live stream is read with it.
        for (String id : List.of(VILLAGE_A.get(0), VILLAGE_A.get(1), VILLAGE_B)) {
            ApiClient.Answer issued = api.call("POST", "/api/stations/" + id + "/credentials", admin, Map.of());
            assertEquals(201, issued.status(), String.valueOf(issued.json()));
            Path stationDir = dir.resolve(id);
            AgentConfig agent = new AgentConfig(id, controller.brokerUrl(), issued.json().get("username").asText(),
                    issued.json().get("password").asText(), null, stationDir,
                    Map.of(controller.keyId(), controller.publicKeyPem()),
                    new GpioConfig("mock", List.of(new RelayConfig("amp", 17, true))),
                    AudioConfig.wavFiles(stationDir.resolve("rendered")), 500L, 200L, null,
                    new ReconnectConfig(100L, 1000L), 2000L);
            stations.put(id, new SimulatedStation(agent, clock).start());
        }
        await("every station online and connected").atMost(WAIT).until(() -> stations.values().stream().allMatch(s ->
                s.agent().connected() && controller.monitor().state(s.id())
                        .filter(x -> x.presence() == Presence.ONLINE).isPresent()));
    }

    @AfterEach
    void stopTheCommune() throws Exception {
        Closing.inOrder(() -> {
            if (browser != null) {
                browser.close();
            }
        }, () -> stations.values().forEach(SimulatedStation::close), controller);
    }

    @Test
    void theHeadsVoiceIsRenderedByTheirVillagesStationsInOrderAndNowhereElse() throws Exception {
        Path microphone = MarkerSignal.wav(dir.resolve("mic.wav"), PREPARATION, MICROPHONE, 48_000);
        List<Marker> spoken = MarkerSignal.find(ToneDetector.of(microphone), MarkerSignal.THRESHOLD_DB);
        assertEquals(SPOKEN_MARKERS, spoken.stream().map(Marker::index).toList(), "the microphone's file");

        browser = Browser.open("http://127.0.0.1:" + controller.contentPort(), 390, 844, List.of(
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                "--use-file-for-fake-audio-capture=" + microphone.toAbsolutePath()));
        browser.logIn("truong.dong", "mat-khau-truong-thon");
        browser.find(By.id("sound"));
        browser.click(By.id("to-talk"));
        List<WebElement> offered = browser.until("the head's villages", d -> {
            List<WebElement> boxes = browser.all(By.cssSelector("input[name=talk-village]"));
            return boxes.isEmpty() ? null : boxes;
        });
        assertEquals(1, offered.size(), "only their own village is offered");
        assertEquals("thon-dong", offered.get(0).getAttribute("value"));
        assertTrue(offered.get(0).isSelected(), "and it is already chosen");
        browser.type("talk-subject", "Họp thôn tối nay");

        browser.click(By.id("talk"));
        TalkService.Status announced = await("the talk announced").atMost(WAIT).until(
                () -> controller.talks().recent(1).stream().findFirst().orElse(null), t -> t != null);
        String talkId = announced.id();
        assertEquals(List.of("thon-dong"), announced.villages());
        LiveChannel channel = controller.liveChannels().get(LiveChannelId.talk(talkId)).orElseThrow();
        AtomicLong receivedMicros = new AtomicLong();
        channel.subscribe(new FrameListener() {
            @Override
            public void frame(Frame frame) {
                receivedMicros.addAndGet(frame.micros());
            }

            @Override
            public void ended() {
            }
        }, Duration.ZERO);
        browser.until("ON AIR on the page", d -> browser.find(By.id("talk-state")).getText().startsWith("ĐANG PHÁT") ? true : null);
        await("the head speaks past the file's last marker").atMost(WAIT)
                .until(() -> receivedMicros.get() >= SPOKEN.toNanos() / 1000);
        browser.click(By.id("talk"));
        browser.until("ended on the page", d -> browser.find(By.id("talk-state")).getText().equals("Đã kết thúc") ? true : null);

        await("both stations of Thôn Đông finish the talk and the controller knows").atMost(WAIT).until(() ->
                VILLAGE_A.stream().allMatch(id -> liveEvent(id, talkId, EventType.ITEM_FINISHED) != null));
        await("the talk's deliveries FINISHED").atMost(WAIT).until(() -> {
            ApiClient.Answer a = api.call("GET", "/api/live/talks/" + talkId, admin, null);
            return a.status() == 200 && VILLAGE_A.stream().allMatch(id -> delivery(a.json(), id).equals("FINISHED"));
        });
        ApiClient.Answer status = api.call("GET", "/api/live/talks/" + talkId, admin, null);
        assertEquals("", delivery(status.json(), VILLAGE_B), "Thôn Tây is not among the talk's loudspeakers: " + status.json());

        for (String id : VILLAGE_A) {
            verifyRendered(id, talkId);
        }
        verifySilent(talkId);
    }

    /** The station's WAV of the talk: the chime, then the microphone's markers in the order spoken. */
    private void verifyRendered(String id, String talkId) throws Exception {
        StationEvent started = liveEvent(id, talkId, EventType.ITEM_STARTED);
        StationEvent finished = liveEvent(id, talkId, EventType.ITEM_FINISHED);
        assertNotNull(started, id + " started the live item");
        assertTrue(finished.playedMillis() != null && finished.playedMillis() > 0,
                id + ": playedMillis " + finished.playedMillis());
        StationEvent chime = controller.monitor().eventLog().events(id).stream()
                .filter(e -> talkId.equals(e.sessionId()) && e.type() == EventType.ITEM_STARTED
                        && !e.contentId().equals(started.contentId()))
                .findFirst().orElseThrow(() -> new AssertionError(id + " played no chime before the talk"));

        Path wav = stations.get(id).wav(talkId);
        assertTrue(Files.exists(wav), id + " rendered " + wav);
        Pcm pcm = AudioDecoder.decodeAll(wav);
        // The WAV opens with the warm-up's silence; the first sound is the chime, and the voice follows it
        // after the time the station's events tell (both on the station's clock).
        long chimeAt = PcmAnalysis.soundSegments(pcm, -45, Duration.ofMillis(20)).get(0).start().toMillis();
        long voiceFrom = chimeAt + Duration.between(chime.at(), started.at()).toMillis();
        List<Marker> voice = MarkerSignal.find(new ToneDetector(pcm), MarkerSignal.THRESHOLD_DB).stream()
                .filter(m -> m.at().toMillis() >= voiceFrom - 100).toList();
        List<Integer> order = voice.stream().map(Marker::index).toList();
        // Every marker spoken, in the order spoken, none twice and none from elsewhere. Marker 0 comes about 2 s
        // after a station that is not loaded joins the talk; on a machine shared by many builds a station may join
        // the talk's live edge later than that, and then marker 0 is lost to start-up (plan §3.4: a late joiner does not
        // catch up). It alone may be missing: a run of at least three, up to the last, must be there.
        assertTrue(voice.size() >= 3, id + " rendered too few of the markers: " + voice);
        assertEquals(SPOKEN_MARKERS.subList(SPOKEN_MARKERS.size() - voice.size(), SPOKEN_MARKERS.size()), order,
                id + ": the markers as spoken: " + voice);
    }

    /** Thôn Tây's station rendered nothing of the talk: no WAV of it, and no marker in any WAV it wrote. */
    private void verifySilent(String talkId) throws Exception {
        SimulatedStation b = stations.get(VILLAGE_B);
        assertFalse(Files.exists(b.wav(talkId)), VILLAGE_B + " rendered the talk of another village");
        Path rendered = b.wav(talkId).getParent();
        if (Files.isDirectory(rendered)) {
            try (var files = Files.list(rendered)) {
                for (Path wav : files.toList()) {
                    assertEquals(List.of(), MarkerSignal.find(ToneDetector.of(wav), MarkerSignal.THRESHOLD_DB),
                            VILLAGE_B + " " + wav.getFileName());
                }
            }
        }
        assertTrue(controller.monitor().eventLog().events(VILLAGE_B).stream().noneMatch(e -> talkId.equals(e.sessionId())),
                VILLAGE_B + " reported events of the talk");
    }

    /** The station's event of {@code type} for the talk's live item (not the chime), as the controller logged it. */
    private StationEvent liveEvent(String station, String talkId, EventType type) {
        return controller.monitor().eventLog().events(station).stream()
                .filter(e -> talkId.equals(e.sessionId()) && e.type() == type && e.contentId() != null
                        && !e.contentId().startsWith("builtin-"))
                .findFirst().orElse(null);
    }

    private static String delivery(JsonNode talk, String stationId) {
        for (JsonNode d : talk.path("deliveries")) {
            if (stationId.equals(d.path("stationId").asText())) {
                return d.path("status").asText();
            }
        }
        return "";
    }
}
