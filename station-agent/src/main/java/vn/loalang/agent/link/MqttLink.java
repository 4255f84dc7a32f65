package vn.loalang.agent.link;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * The station's one connection to the broker, kept alive by its own loop rather than Paho's
 * automatic reconnect, because every connection needs a fresh Last Will: the Will carries the
 * connection number, so that a Will from a dead connection that the broker fires late cannot mark
 * the station offline after it is back. After every connect the link subscribes again (a clean
 * session forgets subscriptions; Paho does not restore them) and publishes its birth.
 */
public final class MqttLink implements AutoCloseable {
    /** Presence payloads for a given connection number. */
    public interface Presence {
        String topic();

        byte[] birth(long connection);

        byte[] will(long connection);

        /** What a clean shutdown publishes before disconnecting, when the Will will not fire. */
        byte[] goodbye(long connection);
    }

    /** What a subscription hears, told whether the broker sent it as the topic's retained copy. */
    @FunctionalInterface
    public interface Receiver {
        /**
         * @param retained true for the copy the broker keeps and sends on subscribing, which may be old (or the
         *                 first message after subscribing, whatever its flag: see {@link #listener}); false for a
         *                 message published while the station was subscribed
         */
        void accept(String topic, byte[] payload, boolean retained);
    }

    private static final Logger log = LoggerFactory.getLogger(MqttLink.class);

    private final String name;
    private final String brokerUrl;
    private final ReconnectConfig backoff;
    private final MqttConnectOptions baseOptions;
    private final Presence presence;
    private final MqttClient client;
    private final Map<String, Receiver> subscriptions = new ConcurrentHashMap<>();
    /** Subscriptions changed while connected are made here, one at a time, off the caller's thread. */
    private final java.util.concurrent.ExecutorService changes = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mqtt-subscribe");
        t.setDaemon(true);
        return t;
    });
    private final List<Runnable> connectedListeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread loop;
    private volatile CountDownLatch lost = new CountDownLatch(1);
    private volatile long connection;
    private volatile long connects;
    /**
     * The connection whose subscriptions are all made and whose connect listeners have run; what
     * {@link #isReady} compares with the current one.
     */
    private volatile long readyOn;

    public MqttLink(String name, String brokerUrl, String username, String password, ReconnectConfig backoff,
                    Presence presence) {
        this(name, brokerUrl, username, password, null, backoff, presence);
    }

    /** @param tls for an {@code ssl://} broker, the socket factory that trusts the commune's CA; null for tcp:// */
    public MqttLink(String name, String brokerUrl, String username, String password,
                    javax.net.ssl.SSLSocketFactory tls, ReconnectConfig backoff, Presence presence) {
        this.name = name;
        this.brokerUrl = brokerUrl;
        this.backoff = backoff;
        this.presence = presence;
        this.baseOptions = new MqttConnectOptions();
        baseOptions.setCleanSession(true);
        baseOptions.setAutomaticReconnect(false);
        baseOptions.setKeepAliveInterval(backoff.keepAliveSeconds());
        baseOptions.setConnectionTimeout(10);
        baseOptions.setMaxInflight(64);
        baseOptions.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        if (username != null) {
            baseOptions.setUserName(username);
            baseOptions.setPassword(password == null ? new char[0] : password.toCharArray());
        }
        if (tls != null) {
            // Paho checks the broker's name against its certificate (HTTPS-style), on by default; kept on.
            baseOptions.setSocketFactory(tls);
            baseOptions.setHttpsHostnameVerificationEnabled(true);
        }
        try {
            this.client = new MqttClient(brokerUrl, "loalang-" + name, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException("broker address '" + brokerUrl + "' is not usable: " + e.getMessage(), e);
        }
        client.setTimeToWait(10_000);
        client.setCallback(new MqttCallback() {
            @Override
            public void connectionLost(Throwable cause) {
                log.warn("Station {} lost its broker connection {}: {}", name, brokerUrl, cause.toString());
                lost.countDown();
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // Every subscription has its own listener; nothing arrives here.
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
        this.loop = new Thread(this::run, "mqtt-link-" + name);
        loop.setDaemon(true);
    }

    /**
     * Registers a subscription (QoS 1), made again after every connect; made at once too when the
     * link is up (a station moved to another village follows its new village's alerts).
     */
    public void subscribe(String filter, BiConsumer<String, byte[]> handler) {
        subscribeNotingRetained(filter, (topic, payload, retained) -> handler.accept(topic, payload));
    }

    /** As {@link #subscribe(String, BiConsumer)}, the handler told whether each message is the retained copy. */
    public void subscribeNotingRetained(String filter, Receiver handler) {
        subscriptions.put(filter, handler);
        if (client.isConnected()) {
            // Not on the caller's thread: it may be Paho's own callback thread, which must not wait for a SUBACK.
            changes.execute(() -> {
                try {
                    if (client.isConnected() && subscriptions.get(filter) == handler) {
                        client.subscribe(filter, 1, listener(handler));
                    }
                } catch (MqttException e) {
                    // Made at the next connect, with the others.
                    log.warn("Station {} could not subscribe to {} now ({}); it will at the next connect", name, filter,
                            e.getMessage());
                }
            });
        }
    }

    /**
     * Subscribes again to every topic, so that the broker sends their retained messages again (MQTT 3.1.1
     * §3.8.4: a subscription replaced re-sends them): what the station refused while its clock was wrong
     * comes back once it is right. Nothing to do while disconnected: the next connect subscribes anew.
     */
    public void resubscribeAll() {
        if (!client.isConnected()) {
            return;
        }
        changes.execute(() -> {
            for (var sub : subscriptions.entrySet()) {
                Receiver handler = sub.getValue();
                try {
                    if (client.isConnected()) {
                        client.subscribe(sub.getKey(), 1, listener(handler));
                    }
                } catch (MqttException e) {
                    log.warn("Station {} could not subscribe again to {} ({}); it will at the next connect", name,
                            sub.getKey(), e.getMessage());
                }
            }
            log.info("Station {} subscribed again to {} topic(s) to receive their retained messages", name,
                    subscriptions.size());
        });
    }

    public void unsubscribe(String filter) {
        if (subscriptions.remove(filter) != null && client.isConnected()) {
            changes.execute(() -> {
                try {
                    if (client.isConnected() && !subscriptions.containsKey(filter)) {
                        client.unsubscribe(filter);
                    }
                } catch (MqttException e) {
                    log.warn("Station {} could not unsubscribe from {}: {}", name, filter, e.getMessage());
                }
            });
        }
    }

    /** Runs after every successful connect, subscriptions and birth done. Must not block for long. */
    public void onConnected(Runnable listener) {
        connectedListeners.add(listener);
    }

    public void start() {
        loop.start();
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    /**
     * Connected, subscribed to every topic on this connection, and its connect listeners done: what is
     * sent now is answered where the station listens (a receipt published before the station subscribed
     * to its receipts would be lost), and the event outbox has marked what the last connection left
     * unacknowledged for sending again, so the play log goes out in order (sending the events recorded
     * offline first put them ahead of older ones in the controller's log).
     */
    public boolean isReady() {
        return client.isConnected() && readyOn == connection;
    }

    /** False once the connect loop has ended: the station would never reconnect. Not whether it is connected. */
    public boolean alive() {
        return loop.isAlive();
    }

    /** Successful connections so far (1 after the first connect). */
    public long connects() {
        return connects;
    }

    /** Publishes at QoS 1 and waits for the broker's acknowledgement. */
    public void publish(String topic, byte[] payload, boolean retained) throws MqttException {
        client.publish(topic, payload, 1, retained);
    }

    /** What went wrong, in the words a technician acts on: a refused password is not a network fault. */
    private String refusal(MqttException e) {
        return switch (e.getReasonCode()) {
            case MqttException.REASON_CODE_FAILED_AUTHENTICATION, MqttException.REASON_CODE_NOT_AUTHORIZED ->
                    "was refused by broker " + brokerUrl + " (" + e.getMessage() + "): its user name or password "
                            + "is not accepted; it may have been rotated or revoked, install the station's new bundle";
            case MqttException.REASON_CODE_SUBSCRIBE_FAILED ->
                    "was refused a subscription by broker " + brokerUrl + ": the broker's access list does not let "
                            + "this station read its own topics; check on the commune server that the station is in "
                            + "the directory and this Pi has its latest bundle";
            default -> "cannot reach broker " + brokerUrl + " (" + e.getMessage()
                    + (e.getCause() != null ? ": " + e.getCause().getMessage() : "") + ")";
        };
    }

    private void run() {
        long delay = backoff.minMillis();
        while (closed.getCount() > 0) {
            long number = ++connection;
            MqttConnectOptions options = optionsFor(number);
            try {
                lost = new CountDownLatch(1);
                client.connect(options);
                for (var sub : subscriptions.entrySet()) {
                    Receiver handler = sub.getValue();
                    client.subscribe(sub.getKey(), 1, listener(handler));
                }
                client.publish(presence.topic(), presence.birth(number), 1, true);
                connects++;
                log.info("Station {} connected to {} (connection {}), subscribed to {} topic(s)", name, brokerUrl,
                        number, subscriptions.size());
                long upSince = System.nanoTime();
                connectedListeners.forEach(MqttLink::runSafely);
                readyOn = number;
                awaitLossOrClose();
                // A link that held is a new outage and starts the back-off again; one lost at once (a broker
                // or NAT that takes the connection and drops it) keeps backing off, or it would storm.
                if (System.nanoTime() - upSince >= TimeUnit.SECONDS.toNanos(backoff.keepAliveSeconds())) {
                    delay = backoff.minMillis();
                }
            } catch (MqttException e) {
                if (closed.getCount() == 0) {
                    break;
                }
                log.warn("Station {} {}; trying again in at most {} ms", name, refusal(e), delay);
                disconnectQuietly();
            }
            if (waitClosed(Duration.ofMillis(jittered(delay)))) {
                break;
            }
            delay = Math.min(delay * 2, backoff.maxMillis());
        }
    }

    /**
     * Between half the pause and the whole of it, at random: 2,000 stations that lost the broker at
     * the same moment do not all come back in the same second, and again at each doubling.
     */
    static long jittered(long delay) {
        return delay / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(delay - delay / 2 + 1);
    }

    private MqttConnectOptions optionsFor(long number) {
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(baseOptions.isCleanSession());
        options.setAutomaticReconnect(false);
        options.setKeepAliveInterval(baseOptions.getKeepAliveInterval());
        options.setConnectionTimeout(baseOptions.getConnectionTimeout());
        options.setMaxInflight(baseOptions.getMaxInflight());
        options.setMqttVersion(baseOptions.getMqttVersion());
        if (baseOptions.getUserName() != null) {
            options.setUserName(baseOptions.getUserName());
            options.setPassword(baseOptions.getPassword());
        }
        if (baseOptions.getSocketFactory() != null) {
            options.setSocketFactory(baseOptions.getSocketFactory());
            options.setHttpsHostnameVerificationEnabled(baseOptions.isHttpsHostnameVerificationEnabled());
        }
        options.setWill(presence.topic(), presence.will(number), 1, true);
        return options;
    }

    /**
     * The listener of one subscription as made now. The first message it hears is taken as the retained copy
     * even when not flagged so: Moquette 0.17 (the controller's embedded broker) sends the retained copy on
     * subscribing with the flag cleared, against MQTT 3.1.1 §3.3.1.3; Mosquitto sets it. Exact for a filter
     * of one topic; for a wildcard only the first copy is caught.
     */
    private IMqttMessageListener listener(Receiver handler) {
        AtomicBoolean first = new AtomicBoolean(true);
        return (topic, message) -> deliver(handler, topic, message, first.getAndSet(false) || message.isRetained());
    }

    private void deliver(Receiver handler, String topic, MqttMessage message, boolean retained) {
        // An exception thrown back into Paho would close the connection: a bad message must cost
        // that message only.
        try {
            handler.accept(topic, message.getPayload(), retained);
        } catch (RuntimeException e) {
            log.error("Station {} failed to handle a message on {}: {}", name, topic, e.toString(), e);
        } catch (Error e) {
            // Paho would catch it, drop the connection and carry on with an agent in no state to play
            // (out of memory, a bug): the thread's handler (FailSafeExit under Main) switches the relays
            // OFF and ends the agent. Thrown on when a test runs without one, as Paho had it before.
            Thread self = Thread.currentThread();
            self.getUncaughtExceptionHandler().uncaughtException(self, e);
            throw e;
        }
    }

    private void awaitLossOrClose() {
        while (closed.getCount() > 0) {
            try {
                if (lost.await(200, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private boolean waitClosed(Duration d) {
        try {
            return closed.await(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static void runSafely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.error("A connection listener failed: {}", e.toString(), e);
        }
    }

    private void disconnectQuietly() {
        try {
            if (client.isConnected()) {
                client.disconnectForcibly(1000, 1000);
            }
        } catch (MqttException ignored) {
            // Already gone: nothing to release.
        }
    }

    /** Publishes the goodbye state (so the controller knows this was a clean stop) and disconnects. */
    @Override
    public void close() {
        closed.countDown();
        changes.shutdownNow();
        try {
            if (client.isConnected()) {
                client.publish(presence.topic(), presence.goodbye(connection), 1, true);
                client.disconnect(2000);
            }
        } catch (MqttException e) {
            log.warn("Station {} could not say goodbye to the broker: {}", name, e.getMessage());
        }
        try {
            loop.join(5000);
            client.close(true);
        } catch (MqttException e) {
            log.debug("Closing the MQTT client of {}: {}", name, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
