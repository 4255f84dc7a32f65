package vn.loalang.systemtests;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.MosquittoBroker;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attacker's view: anyone who can reach the broker (no ACLs yet) publishes schedules straight
 * to a station's topic. The station refuses every one, reports each refusal to the controller,
 * keeps the commune's schedule, and its relay never switches.
 */
class ForgedScheduleTest {
    static final ZonedDateTime MORNING = ZonedDateTime.of(2026, 11, 24, 5, 30, 0, 0, ZoneId.of(TestCommune.ZONE));

    @TempDir
    Path dir;
    TestClock clock;
    MosquittoBroker mosquitto;
    Controller controller;
    SimulatedStation station;
    MqttClient attacker;
    String topic;

    @BeforeEach
    void start() throws Exception {
        clock = new TestClock(MORNING.minusMinutes(30).toInstant());
        mosquitto = MosquittoBroker.start(dir.resolve("broker"));
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                .withHttp("127.0.0.1", 0, null).withExternalBroker(mosquitto.url(), null, null), clock);
        station = new SimulatedStation("thon-dong-1", mosquitto.url(), controller.keyId(), controller.publicKeyPem(),
                dir.resolve("station"), clock, true, 500, 200).start();
        topic = new Topics(Topics.DEFAULT_ROOT).schedule("thon-dong-1");
        await("the commune's schedule accepted").atMost(Duration.ofSeconds(20))
                .until(() -> count(EventType.SCHEDULE_ACCEPTED) == 1);
        attacker = new MqttClient(mosquitto.url(), "intruder", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        attacker.connect(options);
    }

    @AfterEach
    void stop() throws Exception {
        if (attacker != null && attacker.isConnected()) {
            attacker.disconnect();
        }
        if (attacker != null) {
            attacker.close();
        }
        Closing.inOrder(station, controller, mosquitto);
    }

    @Test
    void forgedReplayedAndMalformedSchedulesAreRefusedReportedAndNeverPlayed() throws Exception {
        long legitVersion = station.agent().schedule().orElseThrow().version();
        byte[] capturedLegit = captureRetained(topic);
        Schedule fake = fakeScheduleStartingIn(Duration.ofSeconds(2));

        KeyPair attackerKeys = Ed25519Keys.generate();
        publish(new EnvelopeSigner(controller.keyId(), attackerKeys.getPrivate(), clock)
                .sign(MessageType.SCHEDULE, topic, fake, fake.validUntil()));
        publish(new EnvelopeSigner("tinh-uy-khan-cap", attackerKeys.getPrivate(), clock)
                .sign(MessageType.SCHEDULE, topic, fake, fake.validUntil()));
        publish("{\"schema\":1,\"keyId\":".getBytes(StandardCharsets.UTF_8));
        publish(new byte[0]);
        await("the four forgeries reported and acknowledged").atMost(Duration.ofSeconds(20))
                .until(() -> rejections().size() == 4 && station.agent().pendingEvents() == 0);

        // A genuine newer schedule a day later, then the captured older one played back. (Receipts in
        // flight across the jump would arrive expired; hence the wait above.)
        clock.jumpTo(MORNING.plusDays(1).minusHours(2).toInstant());
        controller.recompile();
        await("the newer genuine schedule accepted").atMost(Duration.ofSeconds(20))
                .until(() -> count(EventType.SCHEDULE_ACCEPTED) == 2);
        long newerVersion = station.agent().schedule().orElseThrow().version();
        publish(capturedLegit);

        await("every forgery reported to the controller").atMost(Duration.ofSeconds(20))
                .until(() -> rejections().size() >= 5);
        assertEquals(List.of("BAD_SIGNATURE", "UNKNOWN_KEY", "MALFORMED", "MALFORMED", "REPLAYED"), rejections());
        assertTrue(newerVersion > legitVersion);
        assertEquals(newerVersion, station.agent().schedule().orElseThrow().version(), "the station keeps the genuine schedule");
        assertTrue(station.agent().schedule().orElseThrow().sessions().stream()
                .noneMatch(s -> s.id().startsWith("evil")), "no forged session was taken");
        assertTrue(station.relayEdges().stream().noneMatch(SimulatedStation.Edge::on), "the relay never switched on");
    }

    private List<String> rejections() {
        return controller.monitor().eventLog().events("thon-dong-1").stream()
                .filter(e -> e.type() == EventType.MESSAGE_REJECTED).map(StationEvent::reason).toList();
    }

    private long count(EventType type) {
        return controller.monitor().eventLog().events("thon-dong-1").stream().filter(e -> e.type() == type).count();
    }

    private void publish(byte[] payload) throws Exception {
        attacker.publish(topic, payload, 1, false);
    }

    /** What the broker holds retained for the topic: a genuine signed schedule an attacker can record. */
    private byte[] captureRetained(String t) throws Exception {
        CompletableFuture<byte[]> retained = new CompletableFuture<>();
        MqttClient eavesdropper = new MqttClient(mosquitto.url(), "eavesdropper", new MemoryPersistence());
        try {
            eavesdropper.connect();
            eavesdropper.subscribe(t, 1, (topic, message) -> retained.complete(message.getPayload()));
            return retained.get(10, TimeUnit.SECONDS);
        } finally {
            eavesdropper.disconnect();
            eavesdropper.close();
        }
    }

    private Schedule fakeScheduleStartingIn(Duration in) {
        Instant start = clock.instant().plus(in);
        String sha = "0".repeat(64);
        Item siren = new Item("evil", "Sơ tán ngay!", sha, URI.create("http://127.0.0.1:9/evil.mp3"), 1000, 5000, 10);
        return new Schedule(SchemaVersion.CURRENT, "thon-dong-1", "thon-dong", Long.MAX_VALUE / 2, TestCommune.ZONE,
                clock.instant(), start.plus(Duration.ofDays(1)),
                List.of(new Session("evil-now", "Khẩn cấp", start, start.plusSeconds(60), List.of(siren))));
    }
}
