package vn.loalang.systemtests.security;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.station.WireLimits;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.MosquittoBroker;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attack that opened issue 14, on a real broker: a stolen Pi, with its station's own password,
 * publishes on its own event topic a real play-log event with {@code seq} and {@code pendingFrom} set
 * to 10^15, then floods. The controller once counted towards 10^15 on the MQTT client's thread, lost
 * the broker and never came back, and an alert triggered afterwards reached no loudspeaker. Now the
 * message is refused at once and the radio goes on: receipts still flow, the alert still sounds.
 */
class StolenStationTest {
    static final ZonedDateTime NIGHT = ZonedDateTime.of(2026, 11, 24, 21, 0, 0, 0, ZoneId.of(TestCommune.ZONE));
    static final String PASSWORD = "mat-khau-quan-tri";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String TAY = "thon-tay-1";

    @TempDir
    Path dir;
    TestClock clock;
    MosquittoBroker mosquitto;
    Controller controller;
    SimulatedStation tay;
    MqttClient thief;
    ApiClient api;

    @BeforeEach
    void start() throws Exception {
        clock = new TestClock(NIGHT.toInstant());
        mosquitto = MosquittoBroker.start(dir.resolve("broker"));
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                        .withHttp("127.0.0.1", Ports.free(), null).withExternalBroker(mosquitto.url(), null, null), clock,
                new PasswordHasher(1000), () -> PASSWORD, new PrintStream(OutputStream.nullOutputStream()));
        api = new ApiClient(controller.contentPort());
        tay = new SimulatedStation(TAY, mosquitto.url(), controller.keyId(), controller.publicKeyPem(),
                dir.resolve(TAY), clock, false, 300, 100).start();
        await("the station holds its schedule and its first events are acknowledged").atMost(WAIT)
                .until(() -> tay.agent().schedule().isPresent() && tay.agent().pendingEvents() == 0
                        && !controller.monitor().eventLog().events(TAY).isEmpty());
    }

    @AfterEach
    void stop() throws Exception {
        if (thief != null && thief.isConnected()) {
            thief.disconnect();
        }
        if (thief != null) {
            thief.close();
        }
        if (tay != null) {
            tay.close();
        }
        Closing.inOrder(controller, mosquitto);
    }

    @Test
    void aForgedEventNumberAndAFloodOnTheStationsOwnTopicStopNothing() throws Exception {
        String topic = Topics.defaults().event(TAY);
        StationEvent real = controller.monitor().eventLog().events(TAY).get(0);
        thief = new MqttClient(mosquitto.url(), "stolen-" + TAY, new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMaxInflight(1000);
        thief.connect(options);

        long enormous = 1_000_000_000_000_000L;
        StationEvent forged = new StationEvent(real.schema(), real.stationId(), real.stream(), enormous, real.at(),
                real.type(), real.sessionId(), real.contentId(), real.scheduleVersion(), real.reason(), real.detail(),
                enormous);
        thief.publish(topic, Json.write(forged), 1, false);
        thief.publish(topic, new byte[WireLimits.MAX_EVENT_BYTES * 4], 1, false);
        for (int i = 0; i < 2000; i++) {
            thief.publish(topic, Json.write(forged), 0, false);
        }

        await("every forged message refused").atMost(WAIT).until(() -> controller.monitor().refused(TAY) >= 100);

        // The radio goes on: an alarm triggered now sounds on the village's loudspeaker.
        String head = api.login("admin", PASSWORD);
        ApiClient.Answer a = api.call("POST", "/api/alerts", head, Map.of("villages", List.of("thon-tay"),
                "contentId", "tone-660", "reason", "Nước lũ tràn đê", "durationMinutes", 10));
        assertEquals(201, a.status(), String.valueOf(a.json()));
        String id = a.json().get("id").asText();
        await("the alarm played on thôn Tây's loudspeaker").atMost(WAIT).until(() -> controller.monitor().eventLog()
                .events(TAY).stream().anyMatch(e -> e.type() == EventType.SESSION_FINISHED && id.equals(e.sessionId())));
        await("and its events are acknowledged: the controller is still on the broker").atMost(WAIT)
                .until(() -> tay.agent().pendingEvents() == 0);
        assertTrue(controller.monitor().eventLog().events(TAY).stream().noneMatch(e -> e.seq() == enormous),
                "nothing of the forged number was kept");
    }
}
