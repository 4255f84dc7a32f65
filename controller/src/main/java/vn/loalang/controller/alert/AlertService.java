package vn.loalang.controller.alert;

import com.fasterxml.jackson.core.type.TypeReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.ChangeException;
import vn.loalang.controller.ChangeException.Kind;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.CommuneFile;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.SessionOutcome;
import vn.loalang.protocol.station.StationEvent;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Emergency and warning announcements: who may trigger one for which villages, one signed
 * retained publish per village (the broker fans it out to every loudspeaker there, and keeps it
 * for a station that connects late), each station's progress from its events (received, relay on,
 * playing, completed or failed), a re-send to the stations that have not said they received it,
 * cancel everywhere at once, and the retained message cleared when the alert expires. Everything
 * is in the store and the audit log.
 */
public final class AlertService {
    private static final Logger log = LoggerFactory.getLogger(AlertService.class);
    /** A station that has not said "received" by then is sent the alert again. */
    static final Duration RESEND_AFTER = Duration.ofSeconds(10);
    static final Duration LONGEST = Duration.ofHours(24);
    /** A cancel is sent again this often until the alert would have expired. */
    static final Duration RESEND_CANCEL_AFTER = Duration.ofMinutes(1);

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

    /** Where an alert stands on one loudspeaker. */
    public record Delivery(String stationId, String village, String status, Instant updatedAt, String detail) {
    }

    /** An alert with every loudspeaker's progress. */
    public record Status(String id, Instant createdAt, String actor, List<String> villages, String priority,
                         String title, String reason, String preamble, List<Item> items, int repeats,
                         int intervalSeconds, Instant expiresAt, String state, Instant endedAt, String endedBy,
                         List<Delivery> deliveries) {
        public List<String> notAcknowledged() {
            return deliveries.stream().filter(d -> d.status().equals("PENDING")).map(Delivery::stationId).toList();
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

    private static final List<String> PROGRESS = List.of("PENDING", "RECEIVED", "RELAY_ON", "PLAYING");

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final Supplier<CommuneFile> commune;
    private final Function<String, Optional<LibraryItem>> library;
    private final Supplier<URI> contentBase;
    private final Topics topics;
    private final EnvelopeSigner signer;
    private final Publisher publisher;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Instant> lastSent = new LinkedHashMap<>();
    private volatile SpokenText speech;

    public AlertService(Store store, AuditLog audit, Clock clock, Supplier<CommuneFile> commune,
                        Function<String, Optional<LibraryItem>> library, Supplier<URI> contentBase, Topics topics,
                        EnvelopeSigner signer, Publisher publisher) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.commune = commune;
        this.library = library;
        this.contentBase = contentBase;
        this.topics = topics;
        this.signer = signer;
        this.publisher = publisher;
    }

    /** Typed text is spoken by this; without it only recordings can be sent. */
    public void speakWith(SpokenText speech) {
        this.speech = speech;
    }

    /** Checks, stores, signs and publishes an alert; refused with the reason when the caller may not or it cannot be. */
    public Triggered trigger(User user, Request req) {
        long askedNanos = System.nanoTime();
        CommuneFile c = commune.get();
        List<String> villages = villagesFor(user, req.villages(), c);
        boolean typed = (req.contentId() == null || req.contentId().isBlank()) && req.text() != null
                && !req.text().isBlank();
        if (!typed && (req.contentId() == null || req.contentId().isBlank())) {
            throw new ChangeException(Kind.INVALID, "contentId", "Chưa chọn nội dung / choose a recorded warning, upload"
                    + " a clip or type a text");
        }
        if (req.reason() == null || req.reason().isBlank()) {
            throw new ChangeException(Kind.INVALID, "reason", "Cần lý do / a reason is required (it goes in the audit log)");
        }
        Instant now = clock.instant();
        // Everything that can be checked is checked before the text is spoken: no orphan recording.
        Instant expires = req.expiresAt() != null ? req.expiresAt()
                : now.plus(Duration.ofMinutes(req.durationMinutes() == null ? 30 : req.durationMinutes()));
        if (!expires.isAfter(now)) {
            throw new ChangeException(Kind.INVALID, "expiresAt", "Thời hạn đã qua / the expiry " + expires
                    + " is in the past");
        }
        if (expires.isAfter(now.plus(LONGEST))) {
            throw new ChangeException(Kind.INVALID, "expiresAt", "an alert lasts at most 24 hours; trigger it again"
                    + " tomorrow if it must go on");
        }
        checkShape(req, villages.get(0), now, expires);
        LibraryItem content;
        if (typed) {
            if (speech == null) {
                throw new ChangeException(Kind.REFUSED, "text", "this controller has no speech engine: choose a recording");
            }
            String spokenTitle = req.title() == null || req.title().isBlank() ? "Thông báo khẩn" : req.title().strip();
            content = speech.speak(user.username(), spokenTitle, req.text().strip(), req.language(),
                    java.time.LocalDate.ofInstant(now, c.commune().zone()).plusDays(2));
        } else {
            content = library.apply(req.contentId()).orElseThrow(() -> new ChangeException(Kind.INVALID,
                    "contentId", "Không có bản tin / no library item with id " + req.contentId()));
        }
        if (content.expiredOn(java.time.LocalDate.ofInstant(now, c.commune().zone()))) {
            throw new ChangeException(Kind.INVALID, "contentId", "Bản tin " + content.id() + " đã hết hạn / the item"
                    + " expired on " + content.expires());
        }
        String id = "a-" + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(now) + "-"
                + Integer.toHexString(0x1000 + random.nextInt(0xf000));
        List<Item> items = List.of(content.toItem(contentBase.get()));
        String title = req.title() == null || req.title().isBlank() ? content.title() : req.title().strip();
        Alert template;
        try {
            template = new Alert(SchemaVersion.CURRENT, id, villages.get(0),
                    req.priority() == null ? "EMERGENCY" : req.priority(), title, req.reason().strip(), now, expires,
                    req.preamble(), items, req.repeats() == null ? 1 : req.repeats(),
                    req.intervalSeconds() == null ? 30 : req.intervalSeconds(), false);
        } catch (IllegalArgumentException e) {
            throw new ChangeException(Kind.INVALID, null, e.getMessage());
        }
        // Speech and validation above run unlocked; storing and publishing below are one step at a time.
        synchronized (this) {
            return store(user, template, villages, c, now, content, askedNanos);
        }
    }

    /** The alert's own rules (priority, preamble, repeats, interval), before anything is spoken or stored. */
    private static void checkShape(Request req, String zone, Instant now, Instant expires) {
        try {
            new Alert(SchemaVersion.CURRENT, "a-check", zone, req.priority() == null ? "EMERGENCY" : req.priority(),
                    "check", "check", now, expires, req.preamble(), List.of(), req.repeats() == null ? 1 : req.repeats(),
                    req.intervalSeconds() == null ? 30 : req.intervalSeconds(), false);
        } catch (IllegalArgumentException e) {
            throw new ChangeException(Kind.INVALID, null, e.getMessage());
        }
    }

    private Triggered store(User user, Alert template, List<String> villages, CommuneFile c, Instant now,
                            LibraryItem content, long askedNanos) {
        String id = template.id();
        Instant expires = template.expiresAt();
        String title = template.title();
        Map<String, byte[]> signed = new LinkedHashMap<>();
        for (String village : villages) {
            signed.put(village, sign(withZone(template, village, false)));
        }
        List<String> stations = c.stations().stream().filter(st -> villages.contains(st.village()))
                .map(CommuneFile.Station::id).toList();
        store.transaction(conn -> {
            insert(conn, template, user.username(), villages);
            for (Map.Entry<String, byte[]> z : signed.entrySet()) {
                try (PreparedStatement s = conn.prepareStatement(
                        "INSERT INTO alert_zone (alert_id, zone, signed) VALUES (?, ?, ?)")) {
                    s.setString(1, id);
                    s.setString(2, z.getKey());
                    s.setBytes(3, z.getValue());
                    s.executeUpdate();
                }
            }
            // One statement for the village: a thousand rows are a few milliseconds, not a prepare each.
            try (PreparedStatement s = conn.prepareStatement("""
                    INSERT INTO alert_delivery (alert_id, station_id, status, updated_at, detail)
                    VALUES (?, ?, 'PENDING', ?, 'sent')""")) {
                for (String station : stations) {
                    s.setString(1, id);
                    s.setString(2, station);
                    s.setString(3, now.toString());
                    s.addBatch();
                }
                s.executeBatch();
            }
            audit.record(conn, user.username(), "alert.trigger", id, null, Map.of("villages", villages, "content",
                    content.id(), "priority", template.priority(), "reason", template.reason(), "expiresAt",
                    expires.toString()));
            return null;
        });
        long storedNanos = System.nanoTime();
        signed.forEach((village, bytes) -> send(id, village, bytes));
        log.info("Alert {} '{}' triggered by {} for {} village(s) {} ({} station(s)), until {}; checked and stored"
                        + " in {} ms, handed to the broker in {} ms", id, title, user.username(), villages.size(), villages,
                stations.size(), expires, (storedNanos - askedNanos) / 1_000_000,
                (System.nanoTime() - storedNanos) / 1_000_000);
        return new Triggered(id, "ACTIVE", villages, template.priority(), title, expires, stations.size());
    }

    /** Withdraws an active alert on every loudspeaker at once. */
    public synchronized Status cancel(User user, String id) {
        Status s = status(id).orElseThrow(() -> new ChangeException(Kind.NOT_FOUND, null, "Không có cảnh báo / no"
                + " alert with id " + id));
        mayAct(user, s.villages());
        if (!s.state().equals("ACTIVE")) {
            throw new ChangeException(Kind.CONFLICT, null, "alert " + id + " is already " + s.state().toLowerCase(Locale.ROOT));
        }
        Instant now = clock.instant();
        Alert cancelled = new Alert(SchemaVersion.CURRENT, id, s.villages().get(0), s.priority(), s.title(), s.reason(),
                now, s.expiresAt().isAfter(now) ? s.expiresAt() : now.plusSeconds(60), s.preamble(), s.items(),
                s.repeats(), s.intervalSeconds(), true);
        Map<String, byte[]> signed = new LinkedHashMap<>();
        for (String village : s.villages()) {
            signed.put(village, sign(withZone(cancelled, village, true)));
        }
        store.transaction(conn -> {
            end(conn, id, "CANCELLED", user.username(), now);
            for (Map.Entry<String, byte[]> z : signed.entrySet()) {
                try (PreparedStatement st = conn.prepareStatement(
                        "UPDATE alert_zone SET signed = ? WHERE alert_id = ? AND zone = ?")) {
                    st.setBytes(1, z.getValue());
                    st.setString(2, id);
                    st.setString(3, z.getKey());
                    st.executeUpdate();
                }
            }
            audit.record(conn, user.username(), "alert.cancel", id, Map.of("state", "ACTIVE"), Map.of("state", "CANCELLED"));
            return null;
        });
        // Retained until the alert would have expired: a station that connects late learns it was withdrawn.
        signed.forEach((village, bytes) -> send(id, village, bytes));
        log.info("Alert {} cancelled by {}", id, user.username());
        return status(id).orElseThrow();
    }

    /**
     * Every few seconds: alerts past their expiry end and their retained messages are cleared; the
     * villages of an active alert where some station has not said "received" get it again; a cancel
     * is sent again now and then until the alert would have expired (a cancel that did not get out
     * must not leave the alert retained).
     */
    public synchronized void tick() {
        Instant now = clock.instant();
        for (Status s : live()) {
            if (!s.expiresAt().isAfter(now)) {
                store.transaction(conn -> {
                    if (s.state().equals("ACTIVE")) {
                        end(conn, s.id(), "EXPIRED", "system", now);
                        audit.record(conn, "system", "alert.expire", s.id(), Map.of("state", "ACTIVE"),
                                Map.of("state", "EXPIRED"));
                    }
                    try (PreparedStatement st = conn.prepareStatement("UPDATE alert SET cleared = 1 WHERE id = ?")) {
                        st.setString(1, s.id());
                        st.executeUpdate();
                    }
                    return null;
                });
                for (String village : s.villages()) {
                    send(s.id(), village, new byte[0]);
                }
                log.info("Alert {} is over; its retained messages are cleared", s.id());
                continue;
            }
            Set<String> behind = new LinkedHashSet<>();
            for (Delivery d : s.deliveries()) {
                if (s.state().equals("CANCELLED") || d.status().equals("PENDING")) {
                    behind.add(d.village());
                }
            }
            Duration every = s.state().equals("CANCELLED") ? RESEND_CANCEL_AFTER : RESEND_AFTER;
            for (String village : behind) {
                Instant last = lastSent.get(s.id() + "/" + village);
                if (last == null || !now.isBefore(last.plus(every))) {
                    signedFor(s.id(), village).ifPresent(bytes -> {
                        log.info("Alert {}: sent again to {} ({})", s.id(), village,
                                s.state().equals("CANCELLED") ? "its cancel" : "a station has not said it received it");
                        send(s.id(), village, bytes);
                    });
                }
            }
        }
    }

    /** Publishes every live alert (and cancel) again, after the broker restarted with empty memory. */
    public synchronized void republishActive() {
        for (Status s : live()) {
            for (String village : s.villages()) {
                signedFor(s.id(), village).ifPresent(bytes -> send(s.id(), village, bytes));
            }
        }
    }

    /** A station's event: its progress on an alert, when the event is about one. Never throws into the intake. */
    public void onEvent(StationEvent e) {
        if (e.sessionId() == null || !e.sessionId().startsWith("a-")) {
            return;
        }
        String id = e.sessionId().split("~", 2)[0];
        String status = switch (e.type()) {
            case ALERT_RECEIVED -> "RECEIVED";
            case SESSION_STARTED -> "RELAY_ON";
            case ITEM_STARTED -> "PLAYING";
            case SESSION_FINISHED -> switch (SessionOutcome.of(e)) {
                case COMPLETED -> "COMPLETED";
                case CANCELLED -> "CANCELLED";
                case HELD_BACK, FAILED -> "FAILED";
            };
            case ALERT_ENDED -> "CANCELLED";
            default -> null;
        };
        if (status == null) {
            return;
        }
        try {
            store.transaction(conn -> {
                // The one station's row, not the alert's every delivery: a village's reports cost O(1) each.
                Optional<String> current = deliveryStatus(conn, id, e.stationId());
                if (current.isEmpty()) {
                    return null;
                }
                String next = next(current.get(), status);
                if (!next.equals(current.get())) {
                    setDelivery(conn, id, e.stationId(), next, (e.reason() == null ? "" : e.reason() + ": ")
                            + (e.detail() == null ? "" : e.detail()), clock.instant());
                    audit.record(conn, e.stationId(), "alert.delivery", id, Map.of("status", current.get()),
                            Map.of("status", next));
                }
                return null;
            });
        } catch (RuntimeException ex) {
            log.error("Progress of alert {} on station {} not recorded ({}): {}", id, e.stationId(), e.type(), ex.toString());
        }
    }

    /**
     * Progress only moves forward. COMPLETED is the first play heard in full (repeats after it add
     * nothing a village head needs to see); it, FAILED and CANCELLED are final.
     */
    private static String next(String current, String event) {
        if (current.equals("COMPLETED") || current.equals("FAILED") || current.equals("CANCELLED")) {
            return current;
        }
        if (event.equals("FAILED") || event.equals("CANCELLED") || event.equals("COMPLETED")) {
            return event;
        }
        return PROGRESS.indexOf(event) > PROGRESS.indexOf(current) ? event : current;
    }

    public Optional<Status> status(String id) {
        return store.query(c -> status(c, id));
    }

    /** The newest first, at most {@code limit}. */
    public List<Status> recent(int limit) {
        return statuses("SELECT id FROM alert ORDER BY created_at DESC LIMIT " + Math.max(1, limit));
    }

    /** The library items of the alerts still on the broker: a sweep of old clips must leave them. */
    public Set<String> contentOfLiveAlerts() {
        Set<String> ids = new java.util.HashSet<>();
        live().forEach(s -> s.items().forEach(i -> ids.add(i.contentId())));
        return ids;
    }

    /** Alerts whose messages are still on the broker: active ones, and cancelled ones until they would have expired. */
    private List<Status> live() {
        return statuses("SELECT id FROM alert WHERE cleared = 0 AND state IN ('ACTIVE', 'CANCELLED') ORDER BY created_at");
    }

    /** The alerts whose ids {@code idQuery} selects, in its order. */
    private List<Status> statuses(String idQuery) {
        return store.query(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(idQuery); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            List<Status> out = new ArrayList<>();
            for (String id : ids) {
                status(c, id).ifPresent(out::add);
            }
            return out;
        });
    }

    /**
     * The villages {@code user} may alert among {@code asked}: a village head only their own, an
     * operator or administrator any, or the whole commune as {@code "*"}; nobody else any.
     */
    private static List<String> villagesFor(User user, List<String> asked, CommuneFile c) {
        if (asked == null || asked.isEmpty() || asked.stream().anyMatch(java.util.Objects::isNull)) {
            throw new ChangeException(Kind.INVALID, "villages", "Chọn thôn / name at least one village");
        }
        List<String> all = c.villages().stream().map(CommuneFile.Village::id).toList();
        boolean whole = asked.equals(List.of("*"));
        List<String> villages = whole ? all : List.copyOf(new LinkedHashSet<>(asked));
        if (villages.isEmpty()) {
            throw new ChangeException(Kind.INVALID, "villages", "the commune has no village yet");
        }
        if (whole && user.role() == Role.VILLAGE_HEAD) {
            throw new RightsException("Trưởng thôn chỉ phát cho thôn mình / a village head alerts only their own"
                    + " villages, not the whole commune");
        }
        for (String v : villages) {
            if (!all.contains(v)) {
                throw new ChangeException(Kind.INVALID, "villages", "Không có thôn / no village with id " + v);
            }
        }
        mayAct(user, villages);
        return villages;
    }

    /** Whether {@code user} may trigger or cancel an alert for {@code villages} (which may no longer all exist). */
    private static void mayAct(User user, List<String> villages) {
        // A CAP feed's account broadcasts only through CapIntake: the API lets it post CAP and nothing else.
        if (user.role() != Role.VILLAGE_HEAD && user.role() != Role.OPERATOR && user.role() != Role.ADMIN
                && user.role() != Role.CAP_SENDER) {
            throw new RightsException("Vai trò " + user.role() + " không phát cảnh báo / role " + user.role()
                    + " may not trigger or cancel alerts");
        }
        if (user.role() == Role.VILLAGE_HEAD) {
            for (String v : villages) {
                if (!user.villages().contains(v)) {
                    throw new RightsException("Thôn " + v + " không thuộc quyền của " + user.username() + " / village "
                            + v + " is not one of " + user.username() + "'s villages");
                }
            }
        }
    }

    /** A request outside the caller's rights: answered 403. */
    public static final class RightsException extends RuntimeException {
        RightsException(String message) {
            super(message);
        }
    }

    private static Alert withZone(Alert a, String zone, boolean cancelled) {
        return new Alert(a.schema(), a.id(), zone, a.priority(), a.title(), a.reason(), a.issuedAt(), a.expiresAt(),
                a.preamble(), a.items(), a.repeats(), a.intervalSeconds(), cancelled);
    }

    private byte[] sign(Alert a) {
        return signer.sign(MessageType.ALERT, topics.zoneAlert(a.zone(), a.id()), a, a.expiresAt());
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

    private Optional<byte[]> signedFor(String id, String village) {
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT signed FROM alert_zone WHERE alert_id = ? AND zone = ?")) {
                s.setString(1, id);
                s.setString(2, village);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
                }
            }
        });
    }

    private void insert(Connection c, Alert a, String actor, List<String> villages) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO alert (id, created_at, actor, villages_json, priority, title, reason, preamble, items_json,
                                   repeats, interval_seconds, expires_at, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE')""")) {
            s.setString(1, a.id());
            s.setString(2, a.issuedAt().toString());
            s.setString(3, actor);
            s.setString(4, json(villages));
            s.setString(5, a.priority());
            s.setString(6, a.title());
            s.setString(7, a.reason());
            s.setString(8, a.preamble());
            s.setString(9, json(a.items()));
            s.setInt(10, a.repeats());
            s.setInt(11, a.intervalSeconds());
            s.setString(12, a.expiresAt().toString());
            s.executeUpdate();
        }
    }

    private static void end(Connection c, String id, String state, String by, Instant at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE alert SET state = ?, ended_at = ?, ended_by = ? WHERE id = ? AND state = 'ACTIVE'")) {
            s.setString(1, state);
            s.setString(2, at.toString());
            s.setString(3, by);
            s.setString(4, id);
            s.executeUpdate();
        }
    }

    private static void setDelivery(Connection c, String id, String station, String status, String detail, Instant at)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO alert_delivery (alert_id, station_id, status, updated_at, detail) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (alert_id, station_id) DO UPDATE SET status = excluded.status,
                    updated_at = excluded.updated_at, detail = excluded.detail""")) {
            s.setString(1, id);
            s.setString(2, station);
            s.setString(3, status);
            s.setString(4, at.toString());
            s.setString(5, detail);
            s.executeUpdate();
        }
    }

    private static Optional<String> deliveryStatus(Connection c, String id, String station) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT status FROM alert_delivery WHERE alert_id = ? AND station_id = ?")) {
            s.setString(1, id);
            s.setString(2, station);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private Optional<Status> status(Connection c, String id) throws SQLException {
        Map<String, String> villageOf = new LinkedHashMap<>();
        commune.get().stations().forEach(s -> villageOf.put(s.id(), s.village()));
        try (PreparedStatement s = c.prepareStatement("""
                SELECT id, created_at, actor, villages_json, priority, title, reason, preamble, items_json, repeats,
                       interval_seconds, expires_at, state, ended_at, ended_by FROM alert WHERE id = ?""")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                List<Delivery> deliveries = new ArrayList<>();
                try (PreparedStatement d = c.prepareStatement("""
                        SELECT station_id, status, updated_at, detail FROM alert_delivery WHERE alert_id = ?
                        ORDER BY station_id""")) {
                    d.setString(1, id);
                    try (ResultSet drs = d.executeQuery()) {
                        while (drs.next()) {
                            deliveries.add(new Delivery(drs.getString(1), villageOf.get(drs.getString(1)),
                                    drs.getString(2), Instant.parse(drs.getString(3)), drs.getString(4)));
                        }
                    }
                }
                return Optional.of(new Status(rs.getString(1), Instant.parse(rs.getString(2)), rs.getString(3),
                        read(rs.getString(4), new TypeReference<List<String>>() { }), rs.getString(5), rs.getString(6),
                        rs.getString(7), rs.getString(8), read(rs.getString(9), new TypeReference<List<Item>>() { }),
                        rs.getInt(10), rs.getInt(11), Instant.parse(rs.getString(12)), rs.getString(13),
                        rs.getString(14) == null ? null : Instant.parse(rs.getString(14)), rs.getString(15), deliveries));
            }
        }
    }

    private static String json(Object value) {
        return new String(Json.write(value), StandardCharsets.UTF_8);
    }

    private static <T> T read(String json, TypeReference<T> type) throws SQLException {
        try {
            return Json.mapper().readValue(json, type);
        } catch (java.io.IOException e) {
            throw new SQLException("a stored alert is not readable: " + e.getMessage(), e);
        }
    }
}
