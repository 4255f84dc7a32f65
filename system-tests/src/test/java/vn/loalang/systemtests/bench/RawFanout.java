package vn.loalang.systemtests.bench;

import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The broker's own fan-out, with nothing of Loa Làng on top: plain Paho clients, connected and
 * subscribed as the agents are (clean session, QoS 1, MQTT 3.1.1, keep-alive 30 s), and one more
 * client that publishes a message to all of them. Measured: from just before the publish call to
 * the moment each subscriber's Paho callback is handed the message.
 */
final class RawFanout implements AutoCloseable {
    private static final String TOPIC = "loalang/v1/bench/fanout";
    private static final int CONNECTING_THREADS = 16;
    private static final int SUBSCRIBE_ATTEMPTS = 3;
    private static final long WAIT_MILLIS = 10_000;
    private static final long DISCONNECT_MILLIS = 200;

    /** One publish: when each subscriber got it (-1: not yet), and how many have not. */
    private record Round(AtomicLongArray receivedNanos, AtomicInteger left) {
    }

    private final String brokerUrl;
    private final List<MqttClient> subscribers = new ArrayList<>();
    private MqttClient publisher;
    private volatile Round round;

    private RawFanout(String brokerUrl) {
        this.brokerUrl = brokerUrl;
    }

    /** Connects {@code count} subscribers and a publisher; whatever connected is closed on failure. */
    static RawFanout connect(String brokerUrl, int count) throws BenchException {
        RawFanout fanout = new RawFanout(brokerUrl);
        try {
            fanout.connectAll(count);
            return fanout;
        } catch (BenchException | RuntimeException e) {
            fanout.close();
            throw e;
        }
    }

    private void connectAll(int count) throws BenchException {
        List<Callable<?>> connecting = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int index = i;
            connecting.add(() -> subscriber(index));
        }
        Parallel.all(CONNECTING_THREADS, connecting, "connecting the raw subscribers");
        publisher = plainClient(brokerUrl, "bench-raw-publisher");
    }

    private MqttClient subscriber(int index) throws BenchException {
        MqttClient c = subscribed(brokerUrl, "bench-raw-" + index, TOPIC, (topic, message) -> {
            long now = System.nanoTime();
            Round r = round;
            if (r != null && r.receivedNanos().compareAndSet(index, -1, now)) {
                r.left().decrementAndGet();
            }
        });
        synchronized (subscribers) {
            subscribers.add(c);
        }
        return c;
    }

    /** A Paho client connected as the agent's link connects (without its Will and birth). */
    static MqttClient plainClient(String brokerUrl, String id) throws BenchException {
        return plainClient(brokerUrl, id, null, null);
    }

    /** As {@link #plainClient(String, String)}, with a Last Will (retained, QoS 1) as a station leaves one. */
    static MqttClient plainClient(String brokerUrl, String id, String willTopic, byte[] will) throws BenchException {
        try {
            MqttClient c = new MqttClient(brokerUrl, id, new MemoryPersistence());
            // As the agent's link: no call waits for the broker for ever.
            c.setTimeToWait(WAIT_MILLIS);
            MqttConnectOptions o = options();
            if (willTopic != null) {
                o.setWill(willTopic, will, 1, true);
            }
            try {
                c.connect(o);
            } catch (MqttException e) {
                closeQuietly(c);
                throw e;
            }
            return c;
        } catch (MqttException e) {
            throw new BenchException("client " + id + " could not connect to " + brokerUrl + ": " + e.getMessage());
        }
    }

    /**
     * A plain client subscribed to {@code topic} at QoS 1. Under a burst of connections Moquette
     * now and then closes one that subscribes right after connecting ("SUBSCRIBE received on already
     * closed connection"); like the agent's link, the client then connects again.
     */
    static MqttClient subscribed(String brokerUrl, String id, String topic, IMqttMessageListener listener)
            throws BenchException {
        String why = null;
        for (int attempt = 1; attempt <= SUBSCRIBE_ATTEMPTS; attempt++) {
            MqttClient c = plainClient(brokerUrl, id);
            try {
                c.subscribe(topic, 1, listener);
                return c;
            } catch (MqttException e) {
                why = e.getMessage();
                closeQuietly(c);
                Wait.pause(Duration.ofMillis(200L * attempt));
            }
        }
        throw new BenchException("client " + id + " could not subscribe to " + topic + " in " + SUBSCRIBE_ATTEMPTS
                + " attempts: " + why);
    }

    private static MqttConnectOptions options() {
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(30);
        o.setConnectionTimeout(10);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        return o;
    }

    /**
     * Sends DISCONNECT and releases the client's threads. Nothing is in flight to wait for, and
     * Moquette, busy removing a thousand subscriptions, may take seconds to close its end: the
     * client closes its own after a short while.
     */
    static void closeQuietly(MqttClient c) {
        try {
            if (c.isConnected()) {
                c.disconnectForcibly(0, DISCONNECT_MILLIS);
            }
            c.close();
        } catch (MqttException e) {
            // Closed or closing already; the broker drops the connection when it goes.
        }
    }

    /** Closes many clients, several at a time: one by one, a thousand take minutes. */
    static void closeAll(List<MqttClient> clients) {
        Parallel.allQuietly(CONNECTING_THREADS, clients.stream().<Runnable>map(c -> () -> closeQuietly(c)).toList(),
                Duration.ofMinutes(2), "MQTT clients closed");
    }

    /**
     * Publishes {@code payload} once (QoS 1, retained, as the controller publishes an alert) and
     * waits until every subscriber has it.
     *
     * @return each subscriber's time from the publish call to its receipt
     */
    List<Long> publishOnce(byte[] payload, long timeoutMillis) throws BenchException {
        int n = subscriberCount();
        AtomicLongArray received = new AtomicLongArray(n);
        for (int i = 0; i < n; i++) {
            received.set(i, -1);
        }
        Round r = new Round(received, new AtomicInteger(n));
        round = r;
        long sent = System.nanoTime();
        try {
            publisher.publish(TOPIC, payload, 1, true);
        } catch (MqttException e) {
            throw new BenchException("the raw publish failed: " + e.getMessage());
        }
        long deadline = sent + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (r.left().get() > 0) {
            if (System.nanoTime() > deadline) {
                throw new BenchException(r.left().get() + " of " + n + " raw subscribers did not receive the publish"
                        + " within " + timeoutMillis + " ms");
            }
            Wait.pause(Duration.ofMillis(5));
        }
        round = null;
        List<Long> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(received.get(i) - sent);
        }
        return out;
    }

    private int subscriberCount() {
        synchronized (subscribers) {
            return subscribers.size();
        }
    }

    @Override
    public void close() {
        List<MqttClient> all;
        synchronized (subscribers) {
            all = new ArrayList<>(subscribers);
            subscribers.clear();
        }
        if (publisher != null) {
            all.add(publisher);
        }
        closeAll(all);
    }
}
