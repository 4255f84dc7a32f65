package vn.loalang.controller.testing;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/** A plain Paho client standing in for a station: it records what arrives and publishes what a test says. */
public final class MqttProbe implements AutoCloseable {
    public record Message(String topic, byte[] payload, boolean retained) {
    }

    private final MqttClient client;
    private final List<Message> received = new CopyOnWriteArrayList<>();

    private MqttProbe(MqttClient client) {
        this.client = client;
    }

    /** Connects (clean session, QoS 1) and, when {@code filter} is not null, subscribes to it before returning. */
    public static MqttProbe connect(String brokerUrl, String filter) throws MqttException {
        MqttClient client = new MqttClient(brokerUrl, "probe-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setConnectionTimeout(5);
        client.setTimeToWait(5_000);
        client.connect(options);
        MqttProbe probe = new MqttProbe(client);
        if (filter != null) {
            client.subscribe(filter, 1, (topic, m) -> probe.received.add(new Message(topic, m.getPayload(), m.isRetained())));
        }
        return probe;
    }

    public List<Message> received() {
        return List.copyOf(received);
    }

    public List<Message> received(String topic) {
        return received.stream().filter(m -> m.topic().equals(topic)).toList();
    }

    public void publish(String topic, byte[] payload) throws MqttException {
        client.publish(topic, payload, 1, false);
    }

    @Override
    public void close() {
        try {
            if (client.isConnected()) {
                client.disconnect(1_000);
            }
            client.close(true);
        } catch (MqttException e) {
            // Closing after the broker went away: nothing left to release.
        }
    }
}
