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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
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
    /** The longest headline or instruction kept (issue 19): more than a CAP sender writes, bounded for the API's. */
    static final int MAX_WORDS = 2000;

    /** Publishes on the broker: QoS 1; {@code retained} for alerts. */
    @FunctionalInterface
    public interface Publisher {
        void publish(String topic, byte[] payload, boolean retained) throws Exception;
    }

    /** An alert as asked for. {@code villages} may be {@code ["*"]}: the whole commune (operators and admins). */
    public record Request(List<String> villages, String contentId, String text, String language, String priority,
                          String title, String reason, String preamble, Integer repeats, Integer intervalSeconds,
                          Instant expiresAt, Integer durationMinutes, String headline, String instruction) {
        /** A request with no CAP headline or instruction (the API's, the console's). */
        public Request(List<String> villages, String contentId, String text, String language, String priority,
                       String title, String reason, String preamble, Integer repeats, Integer intervalSeconds,
                       Instant expiresAt, Integer durationMinutes) {
            this(villages, contentId, text, language, priority, title, reason, preamble, repeats, intervalSeconds,
                    expiresAt, durationMinutes, null, null);
        }

        public Request(List<String> villages, String contentId, String priority, String title, String reason,
                       String preamble, Integer repeats, Integer intervalSeconds, Instant expiresAt,
                       Integer durationMinutes) {
            this(villages, contentId, null, null, priority, title, reason, preamble, repeats, intervalSeconds, expiresAt,
                    durationMinutes);
        }
    }

    /**
     * An alert that has just been handed to the broker, for those who carry it further (issue 19: the chat and SMS
     * mirror). {@code spokenText} is the typed text spoken (null for a recording); {@code headline} and
     * {@code instruction} are a CAP alert's (null otherwise); {@code contentId} the library item played.
     */
    public record Published(String id, List<String> villages, String priority, String title, String spokenText,
                            String headline, String instruction, String contentId, Instant expiresAt) {
    }

    /** An alert withdrawn by {@code by} at {@code at}; {@code expiresAt} is when it would have ended. */
    public record Cancelled(String id, List<String> villages, String priority, String title, String by, Instant at,
                            Instant expiresAt) {
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
    // issue 19: the mirror. Told after the broker has the alert; a listener only hands the record to its own thread.
    private final List<Consumer<Published>> publishedListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<Cancelled>> cancelledListeners = new CopyOnWriteArrayList<>();

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

    /**
     * Tells {@code listener} of every alert once it is on the broker. It is called on the trigger's thread, after the
     * publish: it must only hand the record to a thread of its own (no store, no lock, no I/O), as the mirror does.
     */
    public void onPublished(Consumer<Published> listener) {
        publishedListeners.add(listener);
    }

    /** Tells {@code listener} of every cancel once it is on the broker; the same rule as {@link #onPublished}. */
    public void onCancelled(Consumer<Cancelled> listener) {
        cancelledListeners.add(listener);
    }

    private static <T> void tell(List<Consumer<T>> listeners, T what, String id) {
        for (Consumer<T> l : listeners) {
            try {
                l.accept(what);
            } catch (RuntimeException e) {
                // The loudspeakers have it already; whoever carries it further must not undo the trigger.
                log.error("Alert {}: a listener failed ({}); the alert itself went out", id, e.toString(), e);
            }
        }
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
        String spokenText = checked.typed() ? req.text().strip() : null;
        store.add(user.username(), alert, villages, signed, stations, content.id(),
                new AlertStore.Words(spokenText, blankToNull(req.headline()), blankToNull(req.instruction())));
        long storedAt = System.nanoTime();
        dispatcher.publish(alert.id(), signed);
        tell(publishedListeners, new Published(alert.id(), villages, alert.priority().name(), title, spokenText,
                blankToNull(req.headline()), blankToNull(req.instruction()), content.id(), alert.expiresAt()),
                alert.id());
        log.info("Alert {} '{}' triggered by {} for {} village(s) {} ({} station(s)), until {}; checked and signed in"
                        + " {} ms (text spoken in {} ms), stored in {} ms, handed to the broker in {} ms", alert.id(),
                title, user.username(), villages.size(), villages, stations.size(), alert.expiresAt(),
                (checkedAt - asked - spokenNanos) / 1_000_000, spokenNanos / 1_000_000,
                (storedAt - checkedAt) / 1_000_000, (System.nanoTime() - storedAt) / 1_000_000);
        return new Triggered(alert.id(), AlertStore.ACTIVE, villages, alert.priority().name(), title, alert.expiresAt(),
                stations.size());
    }

    /**
     * A CAP headline or instruction as kept and mirrored: null when blank, at most {@value #MAX_WORDS} characters
     * (cut, never refused: a long instruction must not stop a warning that is otherwise fine).
     */
    private static String blankToNull(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String t = s.strip();
        return t.length() <= MAX_WORDS ? t : t.substring(0, MAX_WORDS) + " …";
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
        tell(cancelledListeners, new Cancelled(id, s.villages(), s.priority(), s.title(), user.username(), now,
                s.expiresAt()), id);
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
