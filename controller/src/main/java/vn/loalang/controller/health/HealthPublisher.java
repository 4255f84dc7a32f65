package vn.loalang.controller.health;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.Topics;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Publishes each station's {@link Health} on {@code ROOT/health/{station}}, retained, whenever the
 * monitor tells a change, and all of them again after the link connects (a broker that restarted
 * has forgotten them): a console or a chat bot that subscribes later sees every station's state at
 * once. From a thread of its own ({@value #THREAD}): a change is often found on Paho's callback
 * thread, and a blocking publish there would wait for an acknowledgement that this same thread has
 * to deliver.
 */
public final class HealthPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthPublisher.class);
    public static final String THREAD = "health-publish";

    /** Where health goes: the controller's broker link. */
    @FunctionalInterface
    public interface Publisher {
        void publish(String topic, byte[] payload, boolean retained) throws Exception;
    }

    private final HealthMonitor health;
    private final Topics topics;
    private final Publisher publisher;
    private final ExecutorService publishing = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, THREAD);
        t.setDaemon(true);
        return t;
    });

    public HealthPublisher(HealthMonitor health, Topics topics, Publisher publisher) {
        this.health = health;
        this.topics = topics;
        this.publisher = publisher;
        health.onChange(h -> later(() -> publish(h)));
    }

    /** Every station's last told health again: for the link's connect listener. */
    public void republishAll() {
        later(() -> health.lastTold().forEach(this::publish));
    }

    private void later(Runnable task) {
        try {
            publishing.execute(task);
        } catch (RejectedExecutionException e) {
            log.debug("Health not published: the controller is stopping");
        }
    }

    /** A station's health, retained; one not published now (no broker) goes out again after the next connect. */
    private void publish(Health h) {
        try {
            publisher.publish(topics.health(h.stationId()), Json.write(h), true);
        } catch (Exception e) {
            log.warn("Health of station {} ({}) not published on the broker now ({}); it is sent after reconnecting",
                    h.stationId(), h.state(), e.getMessage());
        }
    }

    /**
     * Tells each incident on {@code ROOT/incident} too (not retained), so that a chat bot or an SMS
     * gateway can subscribe instead of being called; one that cannot go out now is logged, not retried.
     */
    public java.util.function.Consumer<Incidents.Incident> incidentNotifier() {
        return i -> {
            try {
                publisher.publish(topics.incidents(), Json.write(i), false);
            } catch (Exception e) {
                log.warn("Incident {} not published on the broker: {}", i.id(), e.getMessage());
            }
        };
    }

    @Override
    public void close() {
        publishing.shutdownNow();
    }
}
