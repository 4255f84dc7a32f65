package vn.loalang.controller.link;

import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The controller's connection to the broker. It uses a clean session: nothing depends on the
 * broker keeping state for the controller, because stations send their events again until the
 * controller's signed receipt arrives (see docs/decisions/0004-end-to-end-event-receipts.md).
 * Subscriptions are made again after every connect (Paho does not restore them), and listeners
 * run after each connect, off Paho's callback thread, to republish what a restarted broker lost.
 */
public final class ControllerLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControllerLink.class);

    private final String brokerUrl;
    private final MqttClient client;
    private final MqttConnectOptions options = new MqttConnectOptions();
    private final Map<String, BiConsumer<String, byte[]>> subscriptions = new ConcurrentHashMap<>();
    private final List<Runnable> connectedListeners = new CopyOnWriteArrayList<>();
    private final ExecutorService afterConnect = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "controller-link");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    public ControllerLink(String brokerUrl, String clientId, String username, String password) {
        this(brokerUrl, clientId, username, password, null);
    }

    /** @param tls for an {@code ssl://} broker, the socket factory trusting the commune's CA; null for tcp:// */
    public ControllerLink(String brokerUrl, String clientId, String username, String password,
                          javax.net.ssl.SSLSocketFactory tls) {
        this.brokerUrl = brokerUrl;
        try {
            this.client = new MqttClient(brokerUrl, clientId, new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException("broker address '" + brokerUrl + "' is not usable: " + e.getMessage(), e);
        }
        options.setCleanSession(true);
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(5_000);
        options.setKeepAliveInterval(30);
        options.setConnectionTimeout(10);
        // Schedules for every station of a merged commune go out at once; Paho's default of 10 in flight fails with 32202.
        options.setMaxInflight(1000);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        if (username != null) {
            options.setUserName(username);
            options.setPassword(password == null ? new char[0] : password.toCharArray());
        }
        if (tls != null) {
            options.setSocketFactory(tls);
            options.setHttpsHostnameVerificationEnabled(true);
        }
        client.setTimeToWait(15_000);
        client.setCallback(new MqttCallbackExtended() {
            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                log.info("Controller {} to broker {}", reconnect ? "reconnected" : "connected", serverURI);
                if (closed) {
                    return; // stopping: no birth after the goodbye
                }
                try {
                    afterConnect.execute(ControllerLink.this::resubscribeAndNotify);
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    log.debug("Controller is stopping; nothing is published after this connect");
                }
            }

            @Override
            public void connectionLost(Throwable cause) {
                log.warn("Controller lost the broker {}: {}; reconnecting", brokerUrl, cause.toString());
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) {
                // Each subscription has its own listener.
            }

            @Override
            public void deliveryComplete(IMqttDeliveryToken token) {
            }
        });
    }

    /** The presence said when the controller stops cleanly (a clean disconnect sends no Last Will). */
    private record Goodbye(String topic, byte[] payload) {
    }

    private volatile Goodbye goodbye;

    /**
     * The controller's own presence: {@code offline} is its Last Will (set before the first connect),
     * and said too when it stops cleanly; {@code online} is published retained after every connect, so
     * stations and a second console see it come back after any reconnect or restart.
     */
    public void presence(String topic, byte[] online, byte[] offline) {
        presence(topic, () -> online, offline);
    }

    /** As {@link #presence(String, byte[], byte[])}, with the birth made afresh at each connect (it carries the time). */
    public void presence(String topic, java.util.function.Supplier<byte[]> online, byte[] offline) {
        options.setWill(topic, offline, 1, true);
        this.goodbye = new Goodbye(topic, offline);
        onConnected(() -> {
            try {
                publish(topic, online.get(), true);
            } catch (PublishException e) {
                log.warn("Controller presence not published on {}: {}", topic, e.getMessage());
            }
        });
    }

    /** Registers a QoS 1 subscription, made again after every connect. Call before {@link #connect()}. */
    public void subscribe(String filter, BiConsumer<String, byte[]> handler) {
        subscriptions.put(filter, handler);
    }

    public void onConnected(Runnable listener) {
        connectedListeners.add(listener);
    }

    /** Connects, retrying until the broker answers (Paho reconnects by itself only after a first success). */
    public void connect() throws InterruptedException {
        long delay = 250;
        while (!closed) {
            try {
                client.connect(options);
                return;
            } catch (MqttException e) {
                log.warn("Controller cannot reach broker {} ({}); trying again in {} ms", brokerUrl, e.getMessage(), delay);
                TimeUnit.MILLISECONDS.sleep(delay);
                delay = Math.min(delay * 2, 5_000);
            }
        }
    }

    public boolean isConnected() {
        return client.isConnected();
    }

    /** Publishes at QoS 1 and waits for the broker's acknowledgement. */
    public void publish(String topic, byte[] payload, boolean retained) throws PublishException {
        try {
            client.publish(topic, payload, 1, retained);
        } catch (MqttException e) {
            throw new PublishException(topic, e);
        }
    }

    private void resubscribeAndNotify() {
        try {
            for (var sub : subscriptions.entrySet()) {
                BiConsumer<String, byte[]> handler = sub.getValue();
                client.subscribe(sub.getKey(), 1, (topic, message) -> {
                    try {
                        handler.accept(topic, message.getPayload());
                    } catch (RuntimeException e) {
                        // Thrown back into Paho it would drop the connection for every station.
                        log.error("Controller failed to handle a message on {}: {}", vn.loalang.protocol.LogText.of(topic, 200), e.toString(), e);
                    }
                });
            }
            log.info("Controller subscribed to {}", subscriptions.keySet());
        } catch (MqttException e) {
            log.error("Controller could not subscribe after connecting: {}", e.getMessage());
            return;
        }
        for (Runnable listener : connectedListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                log.error("Controller connect listener failed: {}", e.toString(), e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        // The birth is published by a connect listener: let a running one end first, or its retained ONLINE (and
        // signed time) could land after the goodbye below and outlive the controller on the broker.
        afterConnect.shutdown();
        try {
            if (!afterConnect.awaitTermination(3, java.util.concurrent.TimeUnit.SECONDS)) {
                afterConnect.shutdownNow();
            }
        } catch (InterruptedException e) {
            afterConnect.shutdownNow();
            Thread.currentThread().interrupt();
        }
        try {
            if (client.isConnected() && goodbye != null) {
                // A clean disconnect sends no Last Will: without this the retained birth, and the signed time in
                // it, would stay on the broker while the controller is down, and a station booting hours later
                // would set its clock by it.
                client.publish(goodbye.topic(), goodbye.payload(), 1, true);
            }
            if (client.isConnected()) {
                client.disconnect(2000);
            }
            client.close(true);
        } catch (MqttException e) {
            log.debug("Closing the controller's MQTT client: {}", e.getMessage());
        }
    }
}
