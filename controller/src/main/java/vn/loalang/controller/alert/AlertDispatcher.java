package vn.loalang.controller.alert;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.directory.Commune;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.MessageType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What goes on the broker for alerts: one signed message per village, published retained on
 * {@link Topics#zoneAlert} (the broker fans it out to every loudspeaker there, and keeps it for a
 * station that connects late); sent again to villages where a station has not said it received it,
 * and a cancel now and then until the alert would have expired; the retained message cleared when
 * the alert is over. One alert's publishes are made one at a time (a re-send read before a cancel
 * must not land after it); different alerts never wait for each other, so a new alert waits for
 * nothing here.
 */
final class AlertDispatcher {
    private static final Logger log = LoggerFactory.getLogger(AlertDispatcher.class);
    /** A station that has not said "received" by then is sent the alert again. */
    static final Duration RESEND_AFTER = Duration.ofSeconds(10);
    /** A cancel is sent again this often until the alert would have expired. */
    static final Duration RESEND_CANCEL_AFTER = Duration.ofMinutes(1);

    private final AlertStore store;
    private final Clock clock;
    private final Supplier<Commune> commune;
    private final Topics topics;
    private final EnvelopeSigner signer;
    private final AlertService.Publisher publisher;
    /** When each alert's village was last sent its message, by "id/village". */
    private final Map<String, Instant> lastSent = new ConcurrentHashMap<>();
    /** One lock per alert, dropped once its messages are cleared. */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    AlertDispatcher(AlertStore store, Clock clock, Supplier<Commune> commune, Topics topics, EnvelopeSigner signer,
                    AlertService.Publisher publisher) {
        this.store = store;
        this.clock = clock;
        this.commune = commune;
        this.topics = topics;
        this.signer = signer;
        this.publisher = publisher;
    }

    /** {@code alert} signed for each of {@code villages} (its zone replaced), in their order. */
    Map<String, byte[]> sign(Alert alert, List<String> villages, boolean cancelled) {
        Map<String, byte[]> signed = new LinkedHashMap<>();
        for (String village : villages) {
            Alert a = new Alert(alert.schema(), alert.id(), village, alert.priority(), alert.title(), alert.reason(),
                    alert.issuedAt(), alert.expiresAt(), alert.preamble(), alert.items(), alert.repeats(),
                    alert.intervalSeconds(), cancelled);
            signed.put(village, signer.sign(MessageType.ALERT, topics.zoneAlert(village, a.id()), a, a.expiresAt()));
        }
        return signed;
    }

    /** Publishes a new alert's stored messages. */
    void publish(String id, Map<String, byte[]> signed) {
        synchronized (lockOf(id)) {
            signed.forEach((village, bytes) -> send(id, village, bytes));
        }
    }

    /**
     * Withdraws alert {@code id} everywhere at once: its cancel is stored (refused when it is no longer
     * active) and published, retained until the alert would have expired, so that a station that
     * connects late learns it was withdrawn.
     */
    void withdraw(String actor, String id, Alert cancelled, List<String> villages) {
        synchronized (lockOf(id)) {
            Map<String, byte[]> signed = sign(cancelled, villages, true);
            store.cancel(actor, id, signed, cancelled.issuedAt());
            signed.forEach((village, bytes) -> send(id, village, bytes));
        }
    }

    /**
     * Every few seconds: alerts past their expiry end and their retained messages are cleared; the
     * villages of an active alert where some station has not said "received" get it again; a cancel
     * is sent again now and then until the alert would have expired (a cancel that did not get out
     * must not leave the alert retained).
     */
    synchronized void tick() {
        Instant now = clock.instant();
        for (AlertStore.Live a : store.live()) {
            synchronized (lockOf(a.id())) {
                if (!a.expiresAt().isAfter(now)) {
                    store.clear(a, now);
                    for (String village : a.villages()) {
                        send(a.id(), village, new byte[0]);
                        lastSent.remove(a.id() + "/" + village);
                    }
                    log.info("Alert {} is over; its retained messages are cleared", a.id());
                    locks.remove(a.id());
                    continue;
                }
                Set<String> behind = a.cancelled() ? new LinkedHashSet<>(a.villages()) : villagesOf(store.pending(a.id()));
                Duration every = a.cancelled() ? RESEND_CANCEL_AFTER : RESEND_AFTER;
                for (String village : behind) {
                    Instant last = lastSent.get(a.id() + "/" + village);
                    if (last == null || !now.isBefore(last.plus(every))) {
                        store.signed(a.id(), village).ifPresent(bytes -> {
                            log.info("Alert {}: sent again to village {} ({})", a.id(), village,
                                    a.cancelled() ? "its cancel" : "a station has not said it received it");
                            send(a.id(), village, bytes);
                        });
                    }
                }
            }
        }
    }

    /** Publishes every live alert (and cancel) again, after the broker restarted with empty memory. */
    synchronized void republishActive() {
        for (AlertStore.Live a : store.live()) {
            synchronized (lockOf(a.id())) {
                for (String village : a.villages()) {
                    store.signed(a.id(), village).ifPresent(bytes -> send(a.id(), village, bytes));
                }
            }
        }
    }

    /** The villages of {@code stations} as the commune has them now (a station removed since is no village's). */
    private Set<String> villagesOf(List<String> stations) {
        if (stations.isEmpty()) {
            return Set.of();
        }
        Map<String, String> villageOf = new HashMap<>();
        commune.get().stations().forEach(s -> villageOf.put(s.id(), s.village()));
        Set<String> out = new LinkedHashSet<>();
        for (String station : stations) {
            String village = villageOf.get(station);
            if (village != null) {
                out.add(village);
            }
        }
        return out;
    }

    private Object lockOf(String id) {
        return locks.computeIfAbsent(id, k -> new Object());
    }

    private void send(String id, String village, byte[] bytes) {
        lastSent.put(id + "/" + village, clock.instant());
        try {
            publisher.publish(topics.zoneAlert(village, id), bytes, true);
        } catch (Exception e) {
            // Sent again by tick() and after a reconnect.
            log.warn("Alert {} for village {} not published now ({}); it is sent again shortly", id, village,
                    e.getMessage());
        }
    }
}
