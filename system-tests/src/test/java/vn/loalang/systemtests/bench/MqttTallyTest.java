package vn.loalang.systemtests.bench;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.Topics;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.MosquittoBroker;
import vn.loalang.systemtests.support.ShapingProxy;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The data bench's packet reader on a real Paho client and Mosquitto: every byte in one kind, each kind right. */
class MqttTallyTest {
    @TempDir
    Path dir;
    MosquittoBroker mosquitto;
    ShapingProxy relay;
    MqttClient client;

    @AfterEach
    void stop() throws Exception {
        if (client != null && client.isConnected()) {
            client.disconnect();
        }
        Closing.inOrder(relay, mosquitto);
    }

    @Test
    void packetsAreCountedByKindAndAddUpToTheBytesOnTheWire() throws Exception {
        mosquitto = MosquittoBroker.start(dir);
        relay = ShapingProxy.start(URI.create(mosquitto.url()).getPort(), ShapingProxy.Shape.LOOPBACK);
        MqttTally tally = new MqttTally();
        relay.tap(tally);
        Topics topics = Topics.defaults();
        client = new MqttClient(relay.url("tcp"), "tally-test", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        client.connect(options);
        client.subscribe(topics.ack("st-1"), 1);
        client.publish(topics.telemetry("st-1"), new byte[500], 1, false);
        client.publish(topics.telemetry("st-1"), new byte[300], 1, false);
        client.publish(topics.event("st-1"), new byte[200], 1, false);
        client.publish(topics.ack("st-1"), new byte[100], 1, false); // comes back to it: the broker's copy too

        await().until(() -> tally.snapshot().getOrDefault("ack", new MqttTally.Kind(0, 0, 0)).messages() == 2);
        await("every byte read").until(() -> tally.total() == relay.bytesFromClients() + relay.bytesToClients());
        Map<String, MqttTally.Kind> kinds = tally.snapshot();
        String telemetryTopic = topics.telemetry("st-1");
        // PUBLISH: 1 + remaining length (2 bytes past 127) + 2 + topic + packet id 2 + payload; PUBACK: 4.
        long expected = (1 + 2 + 2 + telemetryTopic.length() + 2 + 500) + (1 + 2 + 2 + telemetryTopic.length() + 2 + 300) + 2 * 4;
        assertEquals(new MqttTally.Kind(expected, 4, 2), kinds.get("telemetry"));
        assertEquals(1, kinds.get("event").messages());
        assertEquals(4, kinds.get("connect").packets(), "CONNECT, CONNACK, SUBSCRIBE and SUBACK: " + kinds.get("connect"));
    }

    @Test
    void topicsAreNamedByWhatTheyCarry() {
        Topics t = Topics.defaults();
        assertEquals("telemetry", MqttTally.kindOf(t.telemetry("st-1")));
        assertEquals("schedule", MqttTally.kindOf(t.schedule("st-1")));
        assertEquals("alert", MqttTally.kindOf(t.zoneAlert("thon-dong", "a-1")));
        assertEquals("controller-state", MqttTally.kindOf(t.controllerState()));
    }
}
