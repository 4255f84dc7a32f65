package vn.loalang.controller.station;

import vn.loalang.controller.store.Store;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.SessionOutcome;
import vn.loalang.protocol.station.StationEvent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The play log in the controller's SQLite store: tables {@code station_event}, {@code event_stream}, {@code event_ahead}. */
public final class SqliteEventLog implements EventLog {
    /** Fixed width, so that text order is time order ({@code Instant.toString()} drops trailing zeros). */
    private static final DateTimeFormatter INSTANT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final Store store;
    private final Clock clock;

    public SqliteEventLog(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public List<Position> positions() {
        return store.query(c -> {
            List<Position> out = new ArrayList<>();
            try (PreparedStatement streams = c.prepareStatement(
                    "SELECT station_id, stream, contiguous FROM event_stream ORDER BY station_id");
                 PreparedStatement ahead = c.prepareStatement(
                         "SELECT seq FROM event_ahead WHERE station_id = ? AND stream = ? ORDER BY seq");
                 ResultSet rs = streams.executeQuery()) {
                while (rs.next()) {
                    String station = rs.getString(1);
                    String stream = rs.getString(2);
                    ahead.setString(1, station);
                    ahead.setString(2, stream);
                    List<Long> seqs = new ArrayList<>();
                    try (ResultSet a = ahead.executeQuery()) {
                        while (a.next()) {
                            seqs.add(a.getLong(1));
                        }
                    }
                    out.add(new Position(station, stream, rs.getLong(3), seqs));
                }
            }
            return out;
        });
    }

    @Override
    public void record(StationEvent event, Position position) {
        store.transaction(c -> {
            if (event != null) {
                insert(c, event);
            }
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO event_stream (station_id, stream, contiguous) VALUES (?, ?, ?)
                    ON CONFLICT (station_id) DO UPDATE SET stream = excluded.stream, contiguous = excluded.contiguous""")) {
                s.setString(1, position.stationId());
                s.setString(2, position.stream());
                s.setLong(3, position.contiguous());
                s.executeUpdate();
            }
            // The set ahead of a gap is a handful of numbers at most: written whole, it cannot drift.
            try (PreparedStatement d = c.prepareStatement("DELETE FROM event_ahead WHERE station_id = ?")) {
                d.setString(1, position.stationId());
                d.executeUpdate();
            }
            try (PreparedStatement a = c.prepareStatement(
                    "INSERT INTO event_ahead (station_id, stream, seq) VALUES (?, ?, ?)")) {
                for (long seq : position.ahead()) {
                    a.setString(1, position.stationId());
                    a.setString(2, position.stream());
                    a.setLong(3, seq);
                    a.executeUpdate();
                }
            }
            return null;
        });
    }

    private void insert(Connection c, StationEvent e) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO station_event (station_id, stream, seq, at, type, session_id, content_id, schedule_version,
                                           reason, detail, pending_from, received_at, played_ms, late)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
            s.setString(1, e.stationId());
            s.setString(2, e.stream());
            s.setLong(3, e.seq());
            s.setString(4, INSTANT.format(e.at()));
            s.setString(5, e.type().name());
            s.setString(6, e.sessionId());
            s.setString(7, e.contentId());
            setLong(s, 8, e.scheduleVersion());
            s.setString(9, e.reason());
            s.setString(10, e.detail());
            setLong(s, 11, e.pendingFrom());
            s.setString(12, INSTANT.format(clock.instant()));
            setLong(s, 13, e.playedMillis());
            setLong(s, 14, e.playedLate() ? 1L : null);
            s.executeUpdate();
        }
    }

    private static void setLong(PreparedStatement s, int index, Long value) throws SQLException {
        if (value == null) {
            s.setNull(index, Types.INTEGER);
        } else {
            s.setLong(index, value);
        }
    }

    /**
     * Which of {@code sessionIds} the station put sound of on the line: at least one item started. A
     * session started whose output then failed, or reported skipped or missed, was not heard. One the
     * station held off the line for something that outranked it (an emergency, a warning, the quiet
     * hours, a cancel) counts as heard here: it is no fault of the station, and must not raise a
     * missed-session incident right after an emergency.
     */
    private static final String NOT_THE_STATIONS_FAULT = java.util.Arrays.stream(EventReason.values())
            .filter(r -> SessionOutcome.of(r) == SessionOutcome.HELD_BACK || SessionOutcome.of(r) == SessionOutcome.CANCELLED)
            .map(r -> "'" + r.name() + "'").collect(java.util.stream.Collectors.joining(", "));

    public java.util.Set<String> sessionsHeard(String stationId, java.util.Collection<String> sessionIds) {
        java.util.Set<String> out = new java.util.HashSet<>();
        if (sessionIds.isEmpty()) {
            return out;
        }
        List<String> ids = List.copyOf(sessionIds);
        String marks = String.join(", ", java.util.Collections.nCopies(ids.size(), "?"));
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT DISTINCT session_id FROM station_event
                    WHERE station_id = ? AND session_id IN (%s)
                      AND (type = 'ITEM_STARTED'
                           OR (type = 'SESSION_FINISHED' AND reason IN (%s)))"""
                    .formatted(marks, NOT_THE_STATIONS_FAULT))) {
                s.setString(1, stationId);
                for (int i = 0; i < ids.size(); i++) {
                    s.setString(i + 2, ids.get(i));
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<StationEvent> events() {
        return store.query(c -> {
            List<StationEvent> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT station_id, stream, seq, at, type, session_id, content_id, schedule_version, reason, detail,
                           pending_from, played_ms, late
                    FROM station_event ORDER BY rowid""");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(event(rs));
                }
            }
            return out;
        });
    }

    @Override
    public List<StationEvent> events(String stationId) {
        return store.query(c -> {
            List<StationEvent> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT station_id, stream, seq, at, type, session_id, content_id, schedule_version, reason, detail,
                           pending_from, played_ms, late
                    FROM station_event WHERE station_id = ? ORDER BY rowid""")) {
                s.setString(1, stationId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(event(rs));
                    }
                }
            }
            return out;
        });
    }

    /** The newest events first, of one station or (null) of all, at most {@code limit}. */
    public List<StationEvent> latest(String stationId, int limit) {
        return store.query(c -> {
            List<StationEvent> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT station_id, stream, seq, at, type, session_id, content_id, schedule_version, reason, detail,
                           pending_from, played_ms, late
                    FROM station_event WHERE ? IS NULL OR station_id = ? ORDER BY at DESC, rowid DESC LIMIT ?""")) {
                s.setString(1, stationId);
                s.setString(2, stationId);
                s.setInt(3, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(event(rs));
                    }
                }
            }
            return out;
        });
    }

    /** For each station, the schedule version of its latest SCHEDULE_ACCEPTED event. */
    public Map<String, Long> acceptedVersions() {
        return store.query(c -> {
            Map<String, Long> out = new HashMap<>();
            // Ordered oldest first, so the latest report of each station is the one left in the map.
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT station_id, schedule_version FROM station_event
                    WHERE type = 'SCHEDULE_ACCEPTED' AND schedule_version IS NOT NULL ORDER BY at, rowid""");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
            return out;
        });
    }

    private static StationEvent event(ResultSet rs) throws SQLException {
        // played_ms and late (issue 17) are null in rows from older agents, and from before the columns.
        Long late = nullableLong(rs, 13);
        return new StationEvent(SchemaVersion.CURRENT, rs.getString(1), rs.getString(2), rs.getLong(3),
                Instant.parse(rs.getString(4)), EventType.valueOf(rs.getString(5)), rs.getString(6),
                rs.getString(7), nullableLong(rs, 8), rs.getString(9), rs.getString(10), nullableLong(rs, 11),
                nullableLong(rs, 12), late != null && late != 0 ? Boolean.TRUE : null);
    }

    private static Long nullableLong(ResultSet rs, int index) throws SQLException {
        long v = rs.getLong(index);
        return rs.wasNull() ? null : v;
    }

    @Override
    public String where() {
        return store.file().toString();
    }
}
