package vn.loalang.controller.report;

import vn.loalang.protocol.Json;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Keeps the plan for the reports: the sessions of each published schedule. Sessions that have not
 * ended are replaced by the new schedule (a cancelled session disappears from the plan); sessions
 * already over stay as they were planned.
 */
public final class PlannedSessions {
    private PlannedSessions() {
    }

    /** Writes the plan of {@code schedule} inside the caller's transaction. */
    public static void write(Connection c, Schedule schedule) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement(
                "DELETE FROM planned_session WHERE station_id = ? AND end_ms > ?")) {
            delete.setString(1, schedule.stationId());
            delete.setLong(2, schedule.validFrom().toEpochMilli());
            delete.executeUpdate();
        }
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO planned_session (station_id, session_id, village, name, start_ms, end_ms, items_json, version,
                                             relay_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (station_id, session_id) DO UPDATE SET village = excluded.village, name = excluded.name,
                    start_ms = excluded.start_ms, end_ms = excluded.end_ms, items_json = excluded.items_json,
                    version = excluded.version, relay_ms = excluded.relay_ms""")) {
            for (Session s : schedule.sessions()) {
                insert.setString(1, schedule.stationId());
                insert.setString(2, s.id());
                insert.setString(3, schedule.zone());
                insert.setString(4, s.name());
                insert.setLong(5, s.start().toEpochMilli());
                insert.setLong(6, s.end().toEpochMilli());
                insert.setString(7, new String(Json.write(s.items().stream().map(Item::contentId).toList()),
                        StandardCharsets.UTF_8));
                insert.setLong(8, schedule.version());
                insert.setLong(9, s.items().stream().filter(Item::live).mapToLong(Item::durationMillis).sum());
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }
}
