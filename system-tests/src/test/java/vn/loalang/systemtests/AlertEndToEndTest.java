package vn.loalang.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.analysis.PcmAnalysis;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.alert.AlertPriority;
import vn.loalang.protocol.alert.AlertPreamble;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.MosquittoBroker;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A village head's alarm, end to end on Mosquitto: triggered over the API, one signed retained
 * publish for the village, the siren and the warning on its loudspeakers (also on one that comes
 * online late), nothing on the next village's, each station's progress seen by the controller; and
 * the attacker who publishes alerts straight to the broker: forged, from an unknown key, played
 * back, expired — refused, reported, and no relay moves.
 */
class AlertEndToEndTest {
    static final ZonedDateTime NIGHT = ZonedDateTime.of(2026, 11, 24, 21, 0, 0, 0, ZoneId.of(TestCommune.ZONE));
    static final String PASSWORD = "mat-khau-quan-tri";
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    TestClock clock;
    MosquittoBroker mosquitto;
    Controller controller;
    final List<SimulatedStation> stations = new ArrayList<>();
    MqttClient attacker;
    ApiClient api;
    String head;

    @BeforeEach
    void start() throws Exception {
        clock = new TestClock(NIGHT.toInstant());
        mosquitto = MosquittoBroker.start(dir.resolve("broker"));
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                        .withHttp("127.0.0.1", Ports.free(), null).withExternalBroker(mosquitto.url(), null, null), clock,
                new PasswordHasher(1000), () -> PASSWORD, new PrintStream(OutputStream.nullOutputStream()));
        api = new ApiClient(controller.contentPort());
        String admin = api.login("admin", PASSWORD);
        assertEquals(201, api.call("POST", "/api/users", admin, Map.of("username", "truong.tay", "role", "VILLAGE_HEAD",
                "villages", List.of("thon-tay"), "password", "mat-khau-truong-thon")).status());
        head = api.login("truong.tay", "mat-khau-truong-thon");
    }

    @AfterEach
    void stop() throws Exception {
        if (attacker != null) {
            attacker.disconnect();
            attacker.close();
        }
        for (SimulatedStation s : stations) {
            s.close();
        }
        Closing.inOrder(controller, mosquitto);
    }

    private SimulatedStation station(String id) throws Exception {
        SimulatedStation s = new SimulatedStation(id, mosquitto.url(), controller.keyId(), controller.publicKeyPem(),
                dir.resolve(id), clock, false, 300, 100).start();
        stations.add(s);
        await(id + " holds its schedule").atMost(WAIT).until(() -> s.agent().schedule().isPresent());
        return s;
    }

    private List<StationEvent> events(SimulatedStation s, EventType type) {
        return controller.monitor().eventLog().events(s.id()).stream().filter(e -> e.type() == type).toList();
    }

    private JsonNode trigger(String token, List<String> villages) throws Exception {
        ApiClient.Answer a = api.call("POST", "/api/alerts", token, Map.of("villages", villages, "contentId", "tone-660",
                "reason", "Nước lũ tràn đê", "durationMinutes", 10));
        assertEquals(201, a.status(), String.valueOf(a.json()));
        return a.json();
    }

    private Pcm rendered(SimulatedStation s, String label) throws Exception {
        Path file;
        try (Stream<Path> files = Files.list(dir.resolve(s.id()).resolve("rendered"))) {
            file = files.filter(p -> p.getFileName().toString().equals(s.id() + "_" + label + ".wav")).findFirst()
                    .orElseThrow();
        }
        return AudioDecoder.decodeAll(file);
    }

    @Test
    void aVillageHeadsAlarmSoundsOnEveryLoudspeakerOfTheVillageAndIsSeenToWork() throws Exception {
        SimulatedStation tay = station("thon-tay-1");
        SimulatedStation dong = station("thon-dong-1");
        String admin = api.login("admin", PASSWORD);
        assertEquals(201, api.call("POST", "/api/stations", admin, Map.of("id", "thon-tay-2", "village", "thon-tay"))
                .status(), "a second loudspeaker in thôn Tây, still off");
        assertEquals(403, api.call("POST", "/api/alerts", head, Map.of("villages", List.of("thon-dong"),
                "contentId", "tone-660", "reason", "x")).status(), "not the head's village");

        JsonNode alert = trigger(head, List.of("thon-tay"));
        String id = alert.get("id").asText();
        await("the alarm played on thôn Tây's loudspeaker").atMost(WAIT)
                .until(() -> events(tay, EventType.SESSION_FINISHED).stream().anyMatch(e -> id.equals(e.sessionId())));

        Pcm pcm = rendered(tay, id);
        List<PcmAnalysis.Segment> sound = PcmAnalysis.soundSegments(pcm, -45, Duration.ofMillis(20));
        long siren = sound.get(0).fromFrame();
        long ms = pcm.format().sampleRate() / 1000;
        assertEquals(1200.0, PcmAnalysis.dominantOf(pcm, siren + 500 * ms, siren + 700 * ms, 600, 1200), 400,
                "it opens with the siren sweeping high");
        long end = sound.get(sound.size() - 1).toFrame();
        assertEquals(660.0, PcmAnalysis.dominantOf(pcm, end - 600 * ms, end - 400 * ms, 440, 660, 1000),
                "and says the warning after it");
        assertTrue(dong.relayEdges().stream().noneMatch(SimulatedStation.Edge::on), "the next village heard nothing");

        await("the controller sees it completed on thôn Tây's first loudspeaker").atMost(WAIT)
                .until(() -> delivery(id, "thon-tay-1").equals("COMPLETED"));
        assertEquals("PENDING", delivery(id, "thon-tay-2"), "the other is not on yet: the controller shows it");

        // A loudspeaker that comes online while the alert is active still plays it: it is retained.
        SimulatedStation late = station("thon-tay-2");
        await("the late station plays it too").atMost(WAIT)
                .until(() -> events(late, EventType.SESSION_FINISHED).stream().anyMatch(e -> id.equals(e.sessionId())));
        assertTrue(events(late, EventType.ALERT_RECEIVED).stream().anyMatch(e -> id.equals(e.sessionId())));
        await().atMost(WAIT).until(() -> delivery(id, "thon-tay-2").equals("COMPLETED"));
    }

    private String delivery(String alertId, String station) throws Exception {
        for (JsonNode d : api.call("GET", "/api/alerts/" + alertId, head, null).json().get("deliveries")) {
            if (d.get("stationId").asText().equals(station)) {
                return d.get("status").asText();
            }
        }
        throw new AssertionError("no delivery for " + station);
    }

    @Test
    void forgedPlayedBackAndExpiredAlertsAreRefusedReportedAndNoRelayMoves() throws Exception {
        SimulatedStation tay = station("thon-tay-1");
        String villageAlerts = Topics.defaults().zoneAlerts("thon-tay");
        attacker = new MqttClient(mosquitto.url(), "intruder", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        attacker.connect(options);
        List<byte[]> captured = new CopyOnWriteArrayList<>();
        attacker.subscribe(villageAlerts, 1, (t, m) -> {
            if (m.getPayload().length > 0) {
                captured.add(m.getPayload());
            }
        });

        // A genuine alert, heard and captured by the attacker, then cancelled: its capture is now old.
        String first = trigger(head, List.of("thon-tay")).get("id").asText();
        await().atMost(WAIT).until(() -> events(tay, EventType.SESSION_FINISHED).stream()
                .anyMatch(e -> first.equals(e.sessionId())) && !captured.isEmpty() && !tay.relayOn());
        byte[] old = captured.get(0);
        assertEquals(200, api.call("POST", "/api/alerts/" + first + "/cancel", head, null).status());
        await().atMost(WAIT).until(() -> events(tay, EventType.ALERT_ENDED).stream()
                .anyMatch(e -> first.equals(e.sessionId())));
        int edgesBefore = tay.relayEdges().size();

        Instant now = clock.instant();
        String fakeTopic = Topics.defaults().zoneAlert("thon-tay", "a-fake-1");
        Alert fake = new Alert(SchemaVersion.CURRENT, "a-fake-1", "thon-tay", AlertPriority.EMERGENCY, "Sơ tán ngay", "gia mao", now,
                now.plusSeconds(600), AlertPreamble.SIREN, List.of(), 3, 0, false);
        KeyPair attackerKeys = Ed25519Keys.generate();
        publish(fakeTopic, new EnvelopeSigner(controller.keyId(), attackerKeys.getPrivate(), clock)
                .sign(MessageType.ALERT, fakeTopic, fake, fake.expiresAt()));
        publish(fakeTopic, new EnvelopeSigner("so-chi-huy-phong-chong-thien-tai", attackerKeys.getPrivate(), clock)
                .sign(MessageType.ALERT, fakeTopic, fake, fake.expiresAt()));
        publish(Topics.defaults().zoneAlert("thon-tay", first), old);
        await("three forgeries refused and reported").atMost(WAIT).until(() -> rejections(tay).size() >= 3);
        assertEquals(List.of("BAD_SIGNATURE", "UNKNOWN_KEY", "REPLAYED"), rejections(tay).subList(0, 3),
                "the cancelled alert played back is older than its cancel");

        // The cancelled alert's message an hour later: its signature has expired too.
        clock.jumpTo(now.plus(Duration.ofHours(1)));
        publish(Topics.defaults().zoneAlert("thon-tay", first), old);
        await("the expired one refused and reported").atMost(WAIT).until(() -> rejections(tay).contains("EXPIRED"));
        assertEquals(edgesBefore, tay.relayEdges().size(), "no relay moved for any of them");
        assertFalse(tay.relayOn());
    }

    private void publish(String topic, byte[] payload) throws Exception {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        attacker.publish(topic, m);
    }

    private List<String> rejections(SimulatedStation s) {
        return events(s, EventType.MESSAGE_REJECTED).stream().map(StationEvent::reason).toList();
    }
}
