package vn.loalang.controller.directory;

import vn.loalang.protocol.schedule.QuietHours;
import com.fasterxml.jackson.core.JsonProcessingException;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The commune's rows in the store: {@code commune} (settings and the commune's program),
 * {@code village} and {@code station}. Programs are kept as JSON documents: a program is a tree
 * (sessions, playlists, weekdays, dates, cancellations) that is always read and written whole.
 */
final class CommuneRecords {
    /** Where the store's commune first came from. */
    record Seed(String file, String sha256) {
    }

    private CommuneRecords() {
    }

    static Optional<Commune> load(Connection c) throws SQLException {
        Commune.Settings commune;
        Commune.Program program;
        try (PreparedStatement s = c.prepareStatement("""
                SELECT id, name, time_zone, horizon_days, target_lufs, quiet_start, quiet_end, program_json, health_json,
                       live_json, volume_json
                FROM commune WHERE singleton = 1""");
             ResultSet rs = s.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            QuietHours quiet = rs.getString(6) == null ? null
                    : new QuietHours(LocalTime.parse(rs.getString(6)), LocalTime.parse(rs.getString(7)));
            commune = new Commune.Settings(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4),
                    rs.getDouble(5), quiet, health(rs.getString(9)), live(rs.getString(10)), volume(rs.getString(11)));
            program = program(rs.getString(8), "the commune");
        }
        List<Commune.Village> villages = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(
                "SELECT id, name, program_json, former_commune, geocodes_json FROM village ORDER BY position, id");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                String json = rs.getString(3);
                villages.add(new Commune.Village(rs.getString(1), rs.getString(2),
                        json == null ? null : program(json, "village " + rs.getString(1)), rs.getString(4),
                        geocodes(rs.getString(5))));
            }
        }
        List<Commune.Station> stations = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT id, name, village_id, latitude, longitude, relay_channels, warm_up_ms, volume_db
                FROM station ORDER BY position, id""");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                stations.add(new Commune.Station(rs.getString(1), rs.getString(2), rs.getString(3),
                        Store.nullableDouble(rs, 4), Store.nullableDouble(rs, 5), rs.getInt(6),
                        rs.getInt(7), Store.nullableDouble(rs, 8)));
            }
        }
        return Optional.of(new Commune(commune, villages, stations, List.of(), program));
    }

    static Optional<Seed> seed(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT seeded_from, seeded_sha256 FROM commune WHERE singleton = 1");
             ResultSet rs = s.executeQuery()) {
            return rs.next() && rs.getString(1) != null ? Optional.of(new Seed(rs.getString(1), rs.getString(2)))
                    : Optional.empty();
        }
    }

    /**
     * Writes {@code commune} as the whole of the directory: villages and stations not in it are
     * removed. The tables are small (a commune has tens of villages), so a rewrite is simpler and
     * safer than a diff. {@code seed} is recorded only on the first write.
     */
    static void save(Connection c, Commune commune, Seed seed, Instant now) throws SQLException {
        Commune.Settings k = commune.commune();
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO commune (singleton, id, name, time_zone, horizon_days, target_lufs, quiet_start, quiet_end,
                                     program_json, seeded_from, seeded_sha256, updated_at, health_json, live_json,
                                     volume_json)
                VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (singleton) DO UPDATE SET id = excluded.id, name = excluded.name,
                    time_zone = excluded.time_zone, horizon_days = excluded.horizon_days,
                    target_lufs = excluded.target_lufs, quiet_start = excluded.quiet_start,
                    quiet_end = excluded.quiet_end, program_json = excluded.program_json,
                    updated_at = excluded.updated_at, health_json = excluded.health_json,
                    live_json = excluded.live_json, volume_json = excluded.volume_json""")) {
            s.setString(1, k.id());
            s.setString(2, k.name());
            s.setString(3, k.timeZone());
            s.setInt(4, k.horizonDays());
            s.setDouble(5, k.targetLufs());
            s.setString(6, k.quietHours() == null ? null : k.quietHours().start().toString());
            s.setString(7, k.quietHours() == null ? null : k.quietHours().end().toString());
            s.setString(8, json(commune.program()));
            s.setString(9, seed == null ? null : seed.file());
            s.setString(10, seed == null ? null : seed.sha256());
            s.setString(11, now.toString());
            s.setString(12, json(k.health()));
            s.setString(13, json(k.live()));
            s.setString(14, json(k.volume()));
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM station")) {
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM village")) {
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO village (id, name, former_commune, program_json, position, geocodes_json)"
                        + " VALUES (?, ?, ?, ?, ?, ?)")) {
            int position = 0;
            for (Commune.Village v : commune.villages()) {
                s.setString(1, v.id());
                s.setString(2, v.name());
                s.setString(3, v.formerCommune());
                s.setString(4, v.program() == null ? null : json(v.program()));
                s.setInt(5, position++);
                s.setString(6, new String(Json.write(v.geocodes()), StandardCharsets.UTF_8));
                s.executeUpdate();
            }
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO station (id, name, village_id, latitude, longitude, relay_channels, warm_up_ms, position,
                                     volume_db)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            int position = 0;
            for (Commune.Station st : commune.stations()) {
                s.setString(1, st.id());
                s.setString(2, st.name());
                s.setString(3, st.village());
                setDouble(s, 4, st.latitude());
                setDouble(s, 5, st.longitude());
                s.setInt(6, st.relayChannels());
                s.setInt(7, st.warmUpMs());
                s.setInt(8, position++);
                setDouble(s, 9, st.volumeDb());
                s.executeUpdate();
            }
        }
    }

    private static void setDouble(PreparedStatement s, int index, Double value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.REAL);
        } else {
            s.setDouble(index, value);
        }
    }

    private static String json(Object value) {
        return new String(Json.write(value), StandardCharsets.UTF_8);
    }

    /** Null in a store from before thresholds were settable: the defaults. */
    private static HealthThresholds health(String json) throws SQLException {
        if (json == null) {
            return null;
        }
        try {
            return Json.mapper().readValue(json, HealthThresholds.class);
        } catch (JsonProcessingException e) {
            throw new SQLException("the stored health thresholds are not readable: " + e.getOriginalMessage(), e);
        }
    }

    /** Null in a store from before issue 17: the defaults. */
    private static LiveSettings live(String json) throws SQLException {
        return stored(json, LiveSettings.class, "live settings");
    }

    /** Null in a store from before volumes were settable: the defaults. */
    private static VolumeLimits volume(String json) throws SQLException {
        return stored(json, VolumeLimits.class, "volume range");
    }

    private static <T> T stored(String json, Class<T> type, String what) throws SQLException {
        if (json == null) {
            return null;
        }
        try {
            return Json.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new SQLException("the stored " + what + " cannot be read: " + e.getOriginalMessage(), e);
        }
    }

    private static List<String> geocodes(String json) throws SQLException {
        if (json == null) {
            return List.of();
        }
        try {
            return List.of(Json.mapper().readValue(json, String[].class));
        } catch (JsonProcessingException e) {
            throw new SQLException("stored geocodes are not readable: " + e.getOriginalMessage(), e);
        }
    }

    private static Commune.Program program(String json, String whose) throws SQLException {
        try {
            return Json.mapper().readValue(json, Commune.Program.class);
        } catch (JsonProcessingException e) {
            throw new SQLException("the stored program of " + whose + " is not readable: " + e.getOriginalMessage(), e);
        }
    }
}
