package vn.loalang.controller.alert;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.priority.AlertWindow;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.alert.AlertPreamble;
import vn.loalang.protocol.alert.AlertPriority;
import vn.loalang.protocol.alert.AlertId;
import vn.loalang.protocol.alert.DeliveryState;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.station.StationEvent;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Emergency and warning announcements, as the API, the CAP intake and the controller's upkeep see
 * them. It only puts the parts in order: {@link AlertRequests} checks the request (rights, content,
 * reason, expiry), {@link SpokenText} speaks a typed text, {@link AlertStore} keeps the alert,
 * {@link AlertDispatcher} signs, publishes, re-sends and clears it, {@link DeliveryTracker} follows
 * each loudspeaker's progress. Nothing here touches the schedules: an alert never waits for a
 * compile (docs/decisions/0018-the-alert-path.md).
 */
public final class AlertService {
    private static final Logger log = LoggerFactory.getLogger(AlertService.class);
    /** A station that has not said "received" by then is sent the alert again. */
    static final Duration RESEND_AFTER = AlertDispatcher.RESEND_AFTER;
    /** A cancel is sent again this often until the alert would have expired. */
    static final Duration RESEND_CANCEL_AFTER = AlertDispatcher.RESEND_CANCEL_AFTER;

    /** Publishes on the broker: QoS 1; {@code retained} for alerts. */
    @FunctionalInterface
    public interface Publisher {
        void publish(String topic, byte[] payload, boolean retained) throws Exception;
    }

    /** An alert as asked for. {@code villages} may be {@code ["*"]}: the whole commune (operators and admins). */
    public record Request(List<String> villages, String contentId, String text, String language, String priority,
                          String title, String reason, String preamble, Integer repeats, Integer intervalSeconds,
                          Instant expiresAt, Integer durationMinutes) {
        public Request(List<String> villages, String contentId, String priority, String title, String reason,
                       String preamble, Integer repeats, Integer intervalSeconds, Instant expiresAt,
                       Integer durationMinutes) {
            this(villages, contentId, null, null, priority, title, reason, preamble, repeats, intervalSeconds, expiresAt,
                    durationMinutes);
        }
    }

    /** Where an alert stands on one loudspeaker; {@code status} is a {@link DeliveryState}'s name. */
    public record Delivery(String stationId, String village, String status, Instant updatedAt, String detail) {
        public Delivery {
            DeliveryState.valueOf(status);
        }

        static Delivery of(String stationId, String village, DeliveryState state, Instant updatedAt, String detail) {
            return new Delivery(stationId, village, state.name(), updatedAt, detail);
        }

        @JsonIgnore
        public DeliveryState state() {
            return DeliveryState.valueOf(status);
        }
    }

    /** An alert with every loudspeaker's progress. */
    public record Status(String id, Instant createdAt, String actor, List<String> villages, String priority,
                         String title, String reason, String preamble, List<Item> items, int repeats,
                         int intervalSeconds, Instant expiresAt, String state, Instant endedAt, String endedBy,
                         List<Delivery> deliveries) {
        public List<String> notAcknowledged() {
            return deliveries.stream().filter(d -> d.state() == DeliveryState.PENDING).map(Delivery::stationId).toList();
        }
    }

    /**
     * What the trigger call answers as soon as the alert is out: not each loudspeaker's progress, which
     * is at {@code GET /api/alerts/{id}}. A village of a thousand stations would otherwise make the
     * answer (and its CPU) grow with the village while the stations are still taking the alert.
     */
    public record Triggered(String id, String state, List<String> villages, String priority, String title,
                            Instant expiresAt, int stations) {
    }

    /** A request outside the caller's rights: answered 403. */
    public static final class RightsException extends RuntimeException {
        RightsException(String message) {
            super(message);
        }
    }

    private final Clock clock;
    private final Supplier<Commune> commune;
    private final Supplier<URI> contentBase;
    private final AlertRequests requests;
    private final AlertStore store;
    private final AlertDispatcher dispatcher;
    private final DeliveryTracker tracker;
    private final SecureRandom random = new SecureRandom();
    private volatile SpokenText speech;
    private volatile AlertWindow window = new AlertWindow();

    public AlertService(Store store, AuditLog audit, Clock clock, Supplier<Commune> commune,
                        Function<String, Optional<LibraryItem>> library, Supplier<URI> contentBase, Topics topics,
                        EnvelopeSigner signer, Publisher publisher) {
        this.clock = clock;
        this.commune = commune;
        this.contentBase = contentBase;
        this.requests = new AlertRequests(library);
        this.store = new AlertStore(store, audit, commune);
        this.dispatcher = new AlertDispatcher(this.store, clock, commune, topics, signer, publisher);
        this.tracker = new DeliveryTracker(this.store, clock);
    }

    /**
     * Opens {@code window} at every trigger that passed its checks, so that the controller's background
     * work (the schedules' publishing) gives way while the alert goes out (decision 0028).
     */
    public void openOnTrigger(AlertWindow window) {
        this.window = window;
    }

    /** Typed text is spoken by this; without it only recordings can be sent. */
    public void speakWith(SpokenText speech) {
        this.speech = speech;
    }

    /**
     * Checks, stores, signs and publishes an alert; refused with the reason when the caller may not or
     * it cannot be. Only speaking a typed text takes long; nothing here waits for anything but the
     * store and the broker.
     */
    public Triggered trigger(User user, Request req) {
        long asked = System.nanoTime();
        Commune c = commune.get();
        Instant now = clock.instant();
        AlertRequests.Checked checked = requests.check(user, req, c, now);
        window.open(); // before the speech, the store and the publish: background work gives way from here
        long spokenNanos = 0;
        LibraryItem content;
        if (checked.typed()) {
            long t = System.nanoTime();
            content = speak(user, req, c, now);
            spokenNanos = System.nanoTime() - t;
        } else {
            content = requests.recording(req.contentId());
        }
        AlertRequests.requireCurrent(content, c, now);
        String title = checked.title(content);
        Alert alert = checked.alert(AlertId.next(now, random), checked.villages().get(0), title,
                List.of(content.toItem(contentBase.get())));
        List<String> villages = checked.villages();
        List<String> stations = c.stations().stream().filter(st -> villages.contains(st.village()))
                .map(Commune.Station::id).toList();
        Map<String, byte[]> signed = dispatcher.sign(alert, villages, false);
        long checkedAt = System.nanoTime();
        store.add(user.username(), alert, villages, signed, stations, content.id());
        long storedAt = System.nanoTime();
        dispatcher.publish(alert.id(), signed);
        log.info("Alert {} '{}' triggered by {} for {} village(s) {} ({} station(s)), until {}; checked and signed in"
                        + " {} ms (text spoken in {} ms), stored in {} ms, handed to the broker in {} ms", alert.id(),
                title, user.username(), villages.size(), villages, stations.size(), alert.expiresAt(),
                (checkedAt - asked - spokenNanos) / 1_000_000, spokenNanos / 1_000_000,
                (storedAt - checkedAt) / 1_000_000, (System.nanoTime() - storedAt) / 1_000_000);
        return new Triggered(alert.id(), AlertStore.ACTIVE, villages, alert.priority().name(), title, alert.expiresAt(),
                stations.size());
    }

    private LibraryItem speak(User user, Request req, Commune c, Instant now) {
        SpokenText engine = speech;
        if (engine == null) {
            throw new ChangeException(Kind.REFUSED, "text", "this controller has no speech engine: choose a recording");
        }
        String spokenTitle = req.title() == null || req.title().isBlank() ? "Thông báo khẩn" : req.title().strip();
        return engine.speak(user.username(), spokenTitle, req.text().strip(), req.language(),
                LocalDate.ofInstant(now, c.commune().zone()).plusDays(2));
    }

    /** Withdraws an active alert on every loudspeaker at once. */
    public Status cancel(User user, String id) {
        Status s = status(id).orElseThrow(() -> new ChangeException(Kind.NOT_FOUND, null, "Không có cảnh báo / no"
                + " alert with id " + id));
        AlertRequests.mayAct(user, s.villages());
        if (!s.state().equals(AlertStore.ACTIVE)) {
            throw new ChangeException(Kind.CONFLICT, null, "alert " + id + " is already "
                    + s.state().toLowerCase(Locale.ROOT));
        }
        Instant now = clock.instant();
        Alert cancelled = new Alert(SchemaVersion.CURRENT, id, s.villages().get(0), AlertPriority.of(s.priority()),
                s.title(), s.reason(), now, s.expiresAt().isAfter(now) ? s.expiresAt() : now.plusSeconds(60),
                AlertPreamble.of(s.preamble()), s.items(),
                s.repeats(), s.intervalSeconds(), true);
        dispatcher.withdraw(user.username(), id, cancelled, s.villages());
        log.info("Alert {} cancelled by {}", id, user.username());
        return status(id).orElseThrow();
    }

    /** Re-sends, cancels sent again, expiry: see {@link AlertDispatcher#tick()}. */
    public void tick() {
        dispatcher.tick();
    }

    /** Publishes every live alert (and cancel) again, after the broker restarted with empty memory. */
    public void republishActive() {
        dispatcher.republishActive();
    }

    /** A station's event: its progress on an alert, when the event is about one. Never throws into the intake. */
    public void onEvent(StationEvent e) {
        tracker.onEvent(e);
    }

    public Optional<Status> status(String id) {
        return store.status(id);
    }

    /** The newest first, at most {@code limit}. */
    public List<Status> recent(int limit) {
        return store.recent(limit);
    }

    /** The library items of the alerts still on the broker: a sweep of old clips must leave them. */
    public Set<String> contentOfLiveAlerts() {
        return store.contentOfLive();
    }
}
