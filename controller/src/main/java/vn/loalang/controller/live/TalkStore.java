package vn.loalang.controller.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.live.LatePolicy;
import vn.loalang.protocol.live.TalkState;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The live talk tables ({@code live_talk}, {@code live_talk_zone}, {@code live_talk_delivery}; migration
 * V19) and the audit record of each change of a talk, written in the same transaction. It keeps what the
 * others decided; nothing here signs or sends.
 */
final class TalkStore {
    /** A talk as stored, without its deliveries. */
    record Talk(String id, Instant createdAt, String actor, String speaker, List<String> villages, String title,
                LatePolicy late, TalkState state, Instant maxEnd, Instant onAirAt, Instant endedAt, String endedBy,
                String endReason, Instant lateUntil, String recordingId, boolean cleared) {
        boolean live() {
            return state == TalkState.STARTING || state == TalkState.ON_AIR;
        }
    }

    /** A village's message the broker has not taken yet. */
    record Unsent(String talkId, String zone, byte[] signed) {
    }

    private static final String COLUMNS = "id, created_at, actor, speaker, villages_json, title, late_policy, state,"
            + " max_end, on_air_at, ended_at, ended_by, end_reason, late_until, recording_id, cleared";

    private final Store store;
    private final AuditLog audit;

    TalkStore(Store store, AuditLog audit) {
        this.store = store;
        this.audit = audit;
    }

    /** A new talk, each village's signed message (not yet sent) and every station's delivery, PENDING. */
    void add(Talk t, Map<String, byte[]> signed, List<String> stations) {
        store.transaction(conn -> {
            try (PreparedStatement s = conn.prepareStatement("INSERT INTO live_talk (" + COLUMNS
                    + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)")) {
                s.setString(1, t.id());
                s.setString(2, t.createdAt().toString());
                s.setString(3, t.actor());
                s.setString(4, t.speaker());
                s.setString(5, json(t.villages()));
                s.setString(6, t.title());
                s.setString(7, t.late().name());
                s.setString(8, t.state().name());
                s.setString(9, t.maxEnd().toString());
                s.setString(10, text(t.onAirAt()));
                s.setString(11, text(t.endedAt()));
                s.setString(12, t.endedBy());
                s.setString(13, t.endReason());
                s.setString(14, t.lateUntil().toString());
                s.setString(15, t.recordingId());
                s.executeUpdate();
            }
            putSigned(conn, t.id(), signed);
            try (PreparedStatement s = conn.prepareStatement("""
                    INSERT INTO live_talk_delivery (talk_id, station_id, status, updated_at, detail)
                    VALUES (?, ?, 'PENDING', ?, 'sent')""")) {
                for (String station : stations) {
                    s.setString(1, t.id());
                    s.setString(2, station);
                    s.setString(3, t.createdAt().toString());
                    s.addBatch();
                }
                s.executeBatch();
            }
            audit.record(conn, t.actor(), "talk.start", t.id(), null, Map.of("villages", t.villages(), "title",
                    t.title(), "late", t.late().name(), "maxEnd", t.maxEnd().toString()));
            return null;
        });
    }

    /**
     * Moves the talk from {@code from} to the state of {@code now} (its times, who ended it, its recording) with
     * each village's new signed message, audited as {@code action} by {@code actor}; false when the talk was no
     * longer in {@code from} (someone else moved it first), and then nothing is written.
     */
    boolean move(Talk now, TalkState from, Map<String, byte[]> signed, String actor, String action) {
        return store.transaction(conn -> {
            try (PreparedStatement s = conn.prepareStatement("""
                    UPDATE live_talk SET state = ?, on_air_at = ?, ended_at = ?, ended_by = ?, end_reason = ?,
                                         late_until = ?, recording_id = ?
                    WHERE id = ? AND state = ?""")) {
                s.setString(1, now.state().name());
                s.setString(2, text(now.onAirAt()));
                s.setString(3, text(now.endedAt()));
                s.setString(4, now.endedBy());
                s.setString(5, now.endReason());
                s.setString(6, now.lateUntil().toString());
                s.setString(7, now.recordingId());
                s.setString(8, now.id());
                s.setString(9, from.name());
                if (s.executeUpdate() == 0) {
                    return false;
                }
            }
            putSigned(conn, now.id(), signed);
            Map<String, Object> after = new LinkedHashMap<>();
            after.put("state", now.state().name());
            if (now.endReason() != null) {
                after.put("reason", now.endReason());
            }
            if (now.recordingId() != null) {
                after.put("recording", now.recordingId());
            }
            audit.record(conn, actor, action, now.id(), Map.of("state", from.name()), after);
            return true;
        });
    }

    void sent(String talkId, String zone, byte[] signed) {
        store.transaction(conn -> {
            try (PreparedStatement s = conn.prepareStatement(
                    "UPDATE live_talk_zone SET sent = 1 WHERE talk_id = ? AND zone = ? AND signed = ?")) {
                s.setString(1, talkId);
                s.setString(2, zone);
                s.setBytes(3, signed);
                s.executeUpdate();
            }
            return null;
        });
    }

    /** Messages of talks still on the broker that it has not taken. */
    List<Unsent> unsent() {
        return store.query(c -> {
            List<Unsent> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT z.talk_id, z.zone, z.signed FROM live_talk_zone z JOIN live_talk t ON t.id = z.talk_id
                    WHERE z.sent = 0 AND t.cleared = 0 ORDER BY t.created_at"""); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Unsent(rs.getString(1), rs.getString(2), rs.getBytes(3)));
                }
            }
            return out;
        });
    }

    /** Each village's current message of talk {@code id}. */
    Map<String, byte[]> signed(String id) {
        return store.query(c -> {
            Map<String, byte[]> out = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT zone, signed FROM live_talk_zone WHERE talk_id = ?")) {
                s.setString(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getBytes(2));
                    }
                }
            }
            return out;
        });
    }

    /** Talks whose retained messages are still on the broker. */
    List<Talk> uncleared() {
        return store.query(c -> talks(c, "WHERE cleared = 0 ORDER BY created_at", null));
    }

    void cleared(String id) {
        store.transaction(conn -> {
            try (PreparedStatement s = conn.prepareStatement("UPDATE live_talk SET cleared = 1 WHERE id = ?")) {
                s.setString(1, id);
                s.executeUpdate();
            }
            return null;
        });
    }

    Optional<Talk> talk(String id) {
        return store.query(c -> talks(c, "WHERE id = ?", id).stream().findFirst());
    }

    /** The newest first. */
    List<Talk> recent(int limit) {
        return store.query(c -> talks(c, "ORDER BY created_at DESC LIMIT " + Math.max(1, limit), null));
    }

    /** One station's progress on a talk; false when it has no delivery of it (not one of its villages'). */
    boolean deliver(String talkId, String station, String status, String detail, Instant at) {
        return store.transaction(conn -> {
            try (PreparedStatement s = conn.prepareStatement("""
                    UPDATE live_talk_delivery SET status = ?, updated_at = ?, detail = ?
                    WHERE talk_id = ? AND station_id = ?""")) {
                s.setString(1, status);
                s.setString(2, at.toString());
                s.setString(3, detail);
                s.setString(4, talkId);
                s.setString(5, station);
                return s.executeUpdate() > 0;
            }
        });
    }

    List<TalkService.Delivery> deliveries(String talkId) {
        return store.query(c -> {
            List<TalkService.Delivery> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT station_id, status, updated_at, detail FROM live_talk_delivery WHERE talk_id = ?
                    ORDER BY station_id""")) {
                s.setString(1, talkId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new TalkService.Delivery(rs.getString(1), rs.getString(2),
                                Instant.parse(rs.getString(3)), rs.getString(4)));
                    }
                }
            }
            return out;
        });
    }

    int count(String talkId, String status) {
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT COUNT(*) FROM live_talk_delivery WHERE talk_id = ? AND status = ?")) {
                s.setString(1, talkId);
                s.setString(2, status);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        });
    }

    private static void putSigned(Connection conn, String id, Map<String, byte[]> signed) throws SQLException {
        try (PreparedStatement s = conn.prepareStatement("""
                INSERT INTO live_talk_zone (talk_id, zone, signed, sent) VALUES (?, ?, ?, 0)
                ON CONFLICT (talk_id, zone) DO UPDATE SET signed = excluded.signed, sent = 0""")) {
            for (Map.Entry<String, byte[]> z : signed.entrySet()) {
                s.setString(1, id);
                s.setString(2, z.getKey());
                s.setBytes(3, z.getValue());
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    private static List<Talk> talks(Connection c, String where, String param) throws SQLException {
        List<Talk> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT " + COLUMNS + " FROM live_talk " + where)) {
            if (param != null) {
                s.setString(1, param);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Talk(rs.getString(1), Instant.parse(rs.getString(2)), rs.getString(3), rs.getString(4),
                            read(rs.getString(5)), rs.getString(6), LatePolicy.valueOf(rs.getString(7)),
                            TalkState.valueOf(rs.getString(8)), Instant.parse(rs.getString(9)), instant(rs.getString(10)),
                            instant(rs.getString(11)), rs.getString(12), rs.getString(13), Instant.parse(rs.getString(14)),
                            rs.getString(15), rs.getInt(16) != 0));
                }
            }
        }
        return out;
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }

    private static Instant instant(String text) {
        return text == null ? null : Instant.parse(text);
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new ChangeException(Kind.INVALID, null, "cannot write " + value + " as JSON: " + e.getMessage());
        }
    }

    private static List<String> read(String json) throws SQLException {
        try {
            return Json.mapper().readValue(json, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("a stored talk's villages are not JSON: " + e.getMessage(), e);
        }
    }
}
