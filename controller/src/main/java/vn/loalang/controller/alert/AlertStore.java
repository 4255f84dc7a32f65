package vn.loalang.controller.alert;

import com.fasterxml.jackson.core.type.TypeReference;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.alert.DeliveryState;
import vn.loalang.protocol.schedule.Item;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The alert tables ({@code alert}, {@code alert_zone}, {@code alert_delivery}; migration V6) and
 * the audit record of each change, written in the same transaction. Nothing here signs, sends or
 * decides; it keeps what the others decided.
 */
final class AlertStore {
    /** An alert whose messages are still on the broker: what the upkeep needs, without its deliveries. */
    record Live(String id, String state, List<String> villages, Instant expiresAt) {
        boolean cancelled() {
            return state.equals(CANCELLED);
        }
    }

    /** A loudspeaker's progress moved by an event. */
    record Move(DeliveryState from, DeliveryState to) {
    }

    /** What an alert said, for its public page and the mirror (issue 19); each may be null. */
    record Words(String spokenText, String headline, String instruction) {
        static final Words NONE = new Words(null, null, null);
    }

    static final String ACTIVE = "ACTIVE";
    static final String CANCELLED = "CANCELLED";
    static final String EXPIRED = "EXPIRED";
    private static final String LIVE = "cleared = 0 AND state IN ('ACTIVE', 'CANCELLED')";

    private final Store store;
    private final AuditLog audit;
    private final Supplier<Commune> commune;

    AlertStore(Store store, AuditLog audit, Supplier<Commune> commune) {
        this.store = store;
        this.audit = audit;
        this.commune = commune;
    }

    /**
     * A new alert with each village's signed message and every station's delivery, PENDING, in one
     * transaction. The deliveries go in one batched statement: a village of a thousand stations costs
     * a few milliseconds, not a statement each.
     */
    void add(String actor, Alert alert, List<String> villages, Map<String, byte[]> signed, List<String> stations,
             String contentId) {
        add(actor, alert, villages, signed, stations, contentId, Words.NONE);
    }

    /** As above, with the words the alert said (the typed text spoken, a CAP headline and instruction). */
    void add(String actor, Alert alert, List<String> villages, Map<String, byte[]> signed, List<String> stations,
             String contentId, Words words) {
        store.transaction(conn -> {
            try (PreparedStatement s = conn.prepareStatement("""
                    INSERT INTO alert (id, created_at, actor, villages_json, priority, title, reason, preamble, items_json,
                                       repeats, interval_seconds, expires_at, state, spoken_text, headline, instruction)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'ACTIVE', ?, ?, ?)""")) {
                s.setString(1, alert.id());
                s.setString(2, alert.issuedAt().toString());
                s.setString(3, actor);
                s.setString(4, json(villages));
                s.setString(5, alert.priority().name());
                s.setString(6, alert.title());
                s.setString(7, alert.reason());
                s.setString(8, alert.preamble().name());
                s.setString(9, json(alert.items()));
                s.setInt(10, alert.repeats());
                s.setInt(11, alert.intervalSeconds());
                s.setString(12, alert.expiresAt().toString());
                s.setString(13, words.spokenText());
                s.setString(14, words.headline());
                s.setString(15, words.instruction());
                s.executeUpdate();
            }
            try (PreparedStatement s = conn.prepareStatement(
                    "INSERT INTO alert_zone (alert_id, zone, signed) VALUES (?, ?, ?)")) {
                for (Map.Entry<String, byte[]> z : signed.entrySet()) {
                    s.setString(1, alert.id());
                    s.setString(2, z.getKey());
                    s.setBytes(3, z.getValue());
                    s.addBatch();
                }
                s.executeBatch();
            }
            try (PreparedStatement s = conn.prepareStatement("""
                    INSERT INTO alert_delivery (alert_id, station_id, status, updated_at, detail)
                    VALUES (?, ?, ?, ?, 'sent')""")) {
                for (String station : stations) {
                    s.setString(1, alert.id());
                    s.setString(2, station);
                    s.setString(3, DeliveryState.PENDING.name());
                    s.setString(4, alert.issuedAt().toString());
                    s.addBatch();
                }
                s.executeBatch();
            }
            audit.record(conn, actor, "alert.trigger", alert.id(), null, Map.of("villages", villages, "content",
                    contentId, "priority", alert.priority().name(), "reason", alert.reason(), "expiresAt",
                    alert.expiresAt().toString()));
            return null;
        });
    }

    /** Ends an active alert as cancelled, with each village's signed cancel; refused when it is not active (any more). */
    void cancel(String actor, String id, Map<String, byte[]> signed, Instant at) {
        store.transaction(conn -> {
            if (end(conn, id, CANCELLED, actor, at) == 0) {
                throw new ChangeException(Kind.CONFLICT, null, "alert " + id + " is no longer active");
            }
            try (PreparedStatement st = conn.prepareStatement(
                    "UPDATE alert_zone SET signed = ? WHERE alert_id = ? AND zone = ?")) {
                for (Map.Entry<String, byte[]> z : signed.entrySet()) {
                    st.setBytes(1, z.getValue());
                    st.setString(2, id);
                    st.setString(3, z.getKey());
                    st.addBatch();
                }
                st.executeBatch();
            }
            audit.record(conn, actor, "alert.cancel", id, Map.of("state", ACTIVE), Map.of("state", CANCELLED));
            return null;
        });
    }

    /** The alert's messages are off the broker: an active one has expired (audited), a cancelled one is over. */
    void clear(Live alert, Instant at) {
        store.transaction(conn -> {
            if (alert.state().equals(ACTIVE)) {
                end(conn, alert.id(), EXPIRED, "system", at);
                audit.record(conn, "system", "alert.expire", alert.id(), Map.of("state", ACTIVE),
                        Map.of("state", EXPIRED));
            }
            try (PreparedStatement st = conn.prepareStatement("UPDATE alert SET cleared = 1 WHERE id = ?")) {
                st.setString(1, alert.id());
                st.executeUpdate();
            }
            return null;
        });
    }

    /** The signed message of {@code village}, byte for byte as published (the alert, or its cancel). */
    Optional<byte[]> signed(String id, String village) {
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

    /** Alerts whose messages are still on the broker: active ones, and cancelled ones until they would have expired. */
    List<Live> live() {
        return store.query(c -> {
            List<Live> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id, state, villages_json, expires_at FROM alert WHERE "
                    + LIVE + " ORDER BY created_at"); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Live(rs.getString(1), rs.getString(2), read(rs.getString(3),
                            new TypeReference<List<String>>() { }), Instant.parse(rs.getString(4))));
                }
            }
            return out;
        });
    }

    /** The library items the live alerts play. */
    Set<String> contentOfLive() {
        return store.query(c -> {
            Set<String> ids = new HashSet<>();
            try (PreparedStatement s = c.prepareStatement("SELECT items_json FROM alert WHERE " + LIVE);
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    read(rs.getString(1), new TypeReference<List<Item>>() { }).forEach(i -> ids.add(i.contentId()));
                }
            }
            return ids;
        });
    }

    /** The stations that have not said they received alert {@code id}. */
    List<String> pending(String id) {
        return store.query(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT station_id FROM alert_delivery WHERE alert_id = ? AND status = ?")) {
                s.setString(1, id);
                s.setString(2, DeliveryState.PENDING.name());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Moves one station's delivery on to what an event {@code said}, if the state allows it
     * ({@link DeliveryState#canMoveTo}), audited. Reads and writes that station's row only: a
     * village's reports cost O(1) each. Empty when the station has no delivery of this alert, or
     * the event moves nothing.
     */
    Optional<Move> move(String id, String station, DeliveryState said, String detail, Instant at) {
        return store.transaction(conn -> {
            DeliveryState current;
            try (PreparedStatement s = conn.prepareStatement(
                    "SELECT status FROM alert_delivery WHERE alert_id = ? AND station_id = ?")) {
                s.setString(1, id);
                s.setString(2, station);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    current = DeliveryState.valueOf(rs.getString(1));
                }
            }
            if (!current.canMoveTo(said)) {
                return Optional.empty();
            }
            try (PreparedStatement s = conn.prepareStatement(
                    "UPDATE alert_delivery SET status = ?, updated_at = ?, detail = ? WHERE alert_id = ? AND station_id = ?")) {
                s.setString(1, said.name());
                s.setString(2, at.toString());
                s.setString(3, detail);
                s.setString(4, id);
                s.setString(5, station);
                s.executeUpdate();
            }
            audit.record(conn, station, "alert.delivery", id, Map.of("status", current.name()),
                    Map.of("status", said.name()));
            return Optional.of(new Move(current, said));
        });
    }

    Optional<AlertService.Status> status(String id) {
        return store.query(c -> status(c, id, villageOfStations()));
    }

    /** The newest first, at most {@code limit}. */
    List<AlertService.Status> recent(int limit) {
        Map<String, String> villageOf = villageOfStations();
        return store.query(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM alert ORDER BY created_at DESC LIMIT ?")) {
                s.setInt(1, Math.max(1, limit));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            List<AlertService.Status> out = new ArrayList<>();
            for (String id : ids) {
                status(c, id, villageOf).ifPresent(out::add);
            }
            return out;
        });
    }

    private Map<String, String> villageOfStations() {
        Map<String, String> villageOf = new HashMap<>();
        commune.get().stations().forEach(s -> villageOf.put(s.id(), s.village()));
        return villageOf;
    }

    private static Optional<AlertService.Status> status(Connection c, String id, Map<String, String> villageOf)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT id, created_at, actor, villages_json, priority, title, reason, preamble, items_json, repeats,
                       interval_seconds, expires_at, state, ended_at, ended_by FROM alert WHERE id = ?""")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                List<AlertService.Delivery> deliveries = new ArrayList<>();
                try (PreparedStatement d = c.prepareStatement("""
                        SELECT station_id, status, updated_at, detail FROM alert_delivery WHERE alert_id = ?
                        ORDER BY station_id""")) {
                    d.setString(1, id);
                    try (ResultSet drs = d.executeQuery()) {
                        while (drs.next()) {
                            deliveries.add(AlertService.Delivery.of(drs.getString(1), villageOf.get(drs.getString(1)),
                                    DeliveryState.valueOf(drs.getString(2)), Instant.parse(drs.getString(3)),
                                    drs.getString(4)));
                        }
                    }
                }
                return Optional.of(new AlertService.Status(rs.getString(1), Instant.parse(rs.getString(2)),
                        rs.getString(3), read(rs.getString(4), new TypeReference<List<String>>() { }), rs.getString(5),
                        rs.getString(6), rs.getString(7), rs.getString(8),
                        read(rs.getString(9), new TypeReference<List<Item>>() { }), rs.getInt(10), rs.getInt(11),
                        Instant.parse(rs.getString(12)), rs.getString(13),
                        rs.getString(14) == null ? null : Instant.parse(rs.getString(14)), rs.getString(15), deliveries));
            }
        }
    }

    /** Ends an active alert; returns 1 when it was active, 0 when it had ended already. */
    private static int end(Connection c, String id, String state, String by, Instant at) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE alert SET state = ?, ended_at = ?, ended_by = ? WHERE id = ? AND state = 'ACTIVE'")) {
            s.setString(1, state);
            s.setString(2, at.toString());
            s.setString(3, by);
            s.setString(4, id);
            return s.executeUpdate();
        }
    }

    private static String json(Object value) {
        return new String(Json.write(value), StandardCharsets.UTF_8);
    }

    private static <T> T read(String json, TypeReference<T> type) throws SQLException {
        try {
            return Json.mapper().readValue(json, type);
        } catch (IOException e) {
            throw new SQLException("a stored alert is not readable: " + e.getMessage(), e);
        }
    }
}
