package vn.loalang.controller.audit;

import vn.loalang.protocol.Json;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Who changed what and when, with the record before and after as JSON, in the store's
 * {@code audit_log} table. Written on the connection of the change itself, so that a change and
 * its audit row are stored together or not at all.
 */
public final class AuditLog {
    /** One row of the audit log; {@code before}/{@code after} are JSON text or null. */
    public record Entry(long id, String at, String actor, String action, String target, String before, String after) {
    }

    private final Clock clock;

    public AuditLog(Clock clock) {
        this.clock = clock;
    }

    /** Writes one row inside the caller's transaction; {@code before}/{@code after} are snapshots (records), or null. */
    public void record(Connection c, String actor, String action, String target, Object before, Object after)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO audit_log (at, actor, action, target, before_json, after_json) VALUES (?, ?, ?, ?, ?, ?)")) {
            s.setString(1, clock.instant().toString());
            s.setString(2, actor);
            s.setString(3, action);
            s.setString(4, target);
            s.setString(5, json(before));
            s.setString(6, json(after));
            s.executeUpdate();
        }
    }

    /** The newest rows first. */
    public List<Entry> latest(Connection c, int limit) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT id, at, actor, action, target, before_json, after_json FROM audit_log ORDER BY id DESC LIMIT ?""")) {
            s.setInt(1, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getString(6), rs.getString(7)));
                }
            }
        }
        return out;
    }

    private static String json(Object snapshot) {
        return snapshot == null ? null : new String(Json.write(snapshot), StandardCharsets.UTF_8);
    }
}
