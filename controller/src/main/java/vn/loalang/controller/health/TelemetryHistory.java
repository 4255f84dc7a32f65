package vn.loalang.controller.health;

import vn.loalang.controller.store.Store;
import vn.loalang.protocol.station.Telemetry;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Each station's telemetry kept for finding what breaks: every snapshot for a day, then 5-minute
 * buckets for a month, then hourly buckets for a year — a commune server's disk holds years of a
 * hundred stations this way. Buckets keep what a technician looks for: the hottest moment, the
 * lowest memory and disk, the worst clock offset, the average load and signal, and how many
 * snapshots said the station did not trust its clock.
 */
public final class TelemetryHistory {
    static final Duration RAW_FOR = Duration.ofDays(1);
    static final Duration FIVE_MINUTES_FOR = Duration.ofDays(30);
    static final Duration HOURS_FOR = Duration.ofDays(365);
    private static final DateTimeFormatter FIXED = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    /**
     * One point of a station's history.
     *
     * @param clockUntrusted samples in which the station did not trust its clock (it played no scheduled
     *                       session); null when none of them said (agents before issue 16)
     */
    public record Point(String resolution, Instant at, int samples, Double cpuTemperatureMaxC, Double load1Avg,
                        Long memoryMinMb, Long diskMinMb, Double signalAvgDbm, Long clockOffsetMaxMs, int relaysOn,
                        Integer clockUntrusted) {
        /** A point of agents that do not say whether they trust their clock. */
        public Point(String resolution, Instant at, int samples, Double cpuTemperatureMaxC, Double load1Avg,
                     Long memoryMinMb, Long diskMinMb, Double signalAvgDbm, Long clockOffsetMaxMs, int relaysOn) {
            this(resolution, at, samples, cpuTemperatureMaxC, load1Avg, memoryMinMb, diskMinMb, signalAvgDbm,
                    clockOffsetMaxMs, relaysOn, null);
        }
    }

    /** One day of a station: how much of it the station was heard from, and how many sessions it played. */
    public record Day(LocalDate date, double uptimeShare, int sessionsPlayed) {
    }

    private final Store store;
    private final Clock clock;

    public TelemetryHistory(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    public void record(Telemetry t) {
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT OR REPLACE INTO telemetry_sample (station_id, resolution, bucket_start, samples, cpu_temp_max,
                        load1_avg, memory_min_mb, disk_min_mb, signal_avg_dbm, clock_offset_max_ms, relays_on,
                        clock_untrusted)
                    VALUES (?, 'raw', ?, 1, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                s.setString(1, t.stationId());
                s.setString(2, FIXED.format(t.at()));
                real(s, 3, t.cpuTemperatureC());
                real(s, 4, t.load1());
                integer(s, 5, t.memoryAvailableMb());
                integer(s, 6, t.diskFreeMb());
                real(s, 7, t.signalDbm() == null ? null : t.signalDbm().doubleValue());
                integer(s, 8, t.clockOffsetMillis() == null ? null : Math.abs(t.clockOffsetMillis()));
                s.setInt(9, t.relays().containsValue(true) ? 1 : 0);
                integer(s, 10, t.clock() == null ? null : t.clock().trusted() ? 0L : 1L);
                s.executeUpdate();
            }
            return null;
        });
    }

    /** Folds raw samples older than a day into 5-minute buckets, those older than a month into hours, and forgets the oldest. */
    public void downsample() {
        Instant now = clock.instant();
        store.transaction(c -> {
            fold(c, "raw", "5m", now.minus(RAW_FOR), 300);
            fold(c, "5m", "1h", now.minus(FIVE_MINUTES_FOR), 3600);
            try (PreparedStatement s = c.prepareStatement(
                    "DELETE FROM telemetry_sample WHERE resolution = '1h' AND bucket_start < ?")) {
                s.setString(1, FIXED.format(now.minus(HOURS_FOR)));
                s.executeUpdate();
            }
            return null;
        });
    }

    private static void fold(Connection c, String from, String to, Instant before, int seconds) throws SQLException {
        // SQLite's strftime('%s') turns the fixed-width instant into epoch seconds; the bucket is its floor.
        String bucket = "strftime('%Y-%m-%dT%H:%M:%S.000000000Z', (CAST(strftime('%s', substr(bucket_start, 1, 19)) AS INTEGER) / "
                + seconds + ") * " + seconds + ", 'unixepoch')";
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO telemetry_sample (station_id, resolution, bucket_start, samples, cpu_temp_max, load1_avg,
                    memory_min_mb, disk_min_mb, signal_avg_dbm, clock_offset_max_ms, relays_on, clock_untrusted)
                SELECT station_id, ?, %s, sum(samples), max(cpu_temp_max), sum(load1_avg * samples) / sum(samples),
                    min(memory_min_mb), min(disk_min_mb), sum(signal_avg_dbm * samples) / sum(samples),
                    max(clock_offset_max_ms), sum(relays_on), sum(clock_untrusted)
                FROM telemetry_sample WHERE resolution = ? AND bucket_start < ?
                GROUP BY station_id, %s
                ON CONFLICT (station_id, resolution, bucket_start) DO UPDATE SET
                    samples = samples + excluded.samples,
                    cpu_temp_max = max(coalesce(cpu_temp_max, excluded.cpu_temp_max), coalesce(excluded.cpu_temp_max, cpu_temp_max)),
                    memory_min_mb = min(coalesce(memory_min_mb, excluded.memory_min_mb), coalesce(excluded.memory_min_mb, memory_min_mb)),
                    disk_min_mb = min(coalesce(disk_min_mb, excluded.disk_min_mb), coalesce(excluded.disk_min_mb, disk_min_mb)),
                    clock_offset_max_ms = max(coalesce(clock_offset_max_ms, excluded.clock_offset_max_ms),
                                              coalesce(excluded.clock_offset_max_ms, clock_offset_max_ms)),
                    relays_on = relays_on + excluded.relays_on,
                    clock_untrusted = CASE WHEN clock_untrusted IS NULL AND excluded.clock_untrusted IS NULL THEN NULL
                                      ELSE coalesce(clock_untrusted, 0) + coalesce(excluded.clock_untrusted, 0) END"""
                .formatted(bucket, bucket))) {
            s.setString(1, to);
            s.setString(2, from);
            s.setString(3, FIXED.format(before));
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement(
                "DELETE FROM telemetry_sample WHERE resolution = ? AND bucket_start < ?")) {
            s.setString(1, from);
            s.setString(2, FIXED.format(before));
            s.executeUpdate();
        }
    }

    /** The station's history from {@code from} to {@code to}, at whatever resolution each part is kept in. */
    public List<Point> series(String stationId, Instant from, Instant to) {
        return store.query(c -> {
            List<Point> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT resolution, bucket_start, samples, cpu_temp_max, load1_avg, memory_min_mb, disk_min_mb,
                           signal_avg_dbm, clock_offset_max_ms, relays_on, clock_untrusted
                    FROM telemetry_sample WHERE station_id = ? AND bucket_start >= ? AND bucket_start < ?
                    ORDER BY bucket_start""")) {
                s.setString(1, stationId);
                s.setString(2, FIXED.format(from));
                s.setString(3, FIXED.format(to));
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Point(rs.getString(1), Instant.parse(rs.getString(2)), rs.getInt(3),
                                Store.nullableDouble(rs, 4), Store.nullableDouble(rs, 5), longOrNull(rs, 6),
                                longOrNull(rs, 7), Store.nullableDouble(rs, 8), longOrNull(rs, 9), rs.getInt(10),
                                longOrNull(rs, 11) == null ? null : rs.getInt(11)));
                    }
                }
            }
            return out;
        });
    }

    /** CSV of {@link #series}, for a spreadsheet. */
    public static String csv(List<Point> points) {
        StringBuilder b = new StringBuilder("resolution,at,samples,cpu_temp_max_c,load1_avg,memory_min_mb,disk_min_mb,"
                + "signal_avg_dbm,clock_offset_max_ms,relays_on,clock_untrusted\n");
        for (Point p : points) {
            b.append(vn.loalang.controller.report.Csv.text(p.resolution())).append(',')
                    .append(vn.loalang.controller.report.Csv.text(String.valueOf(p.at()))).append(',').append(p.samples()).append(',')
                    .append(v(p.cpuTemperatureMaxC())).append(',').append(v(p.load1Avg())).append(',')
                    .append(v(p.memoryMinMb())).append(',').append(v(p.diskMinMb())).append(',')
                    .append(v(p.signalAvgDbm())).append(',').append(v(p.clockOffsetMaxMs())).append(',')
                    .append(p.relaysOn()).append(',').append(v(p.clockUntrusted())).append('\n');
        }
        return b.toString();
    }

    /**
     * Per day in {@code zone}: the share of 5-minute periods in which the station was heard, and the
     * sessions it reported played in full.
     */
    public List<Day> daily(String stationId, LocalDate from, LocalDate to, ZoneId zone) {
        return store.query(c -> {
            List<Day> out = new ArrayList<>();
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                Instant start = d.atStartOfDay(zone).toInstant();
                Instant end = d.plusDays(1).atStartOfDay(zone).toInstant();
                java.util.Set<Long> periods = new java.util.HashSet<>();
                try (PreparedStatement s = c.prepareStatement("""
                        SELECT bucket_start, resolution FROM telemetry_sample
                        WHERE station_id = ? AND bucket_start >= ? AND bucket_start < ?""")) {
                    s.setString(1, stationId);
                    s.setString(2, FIXED.format(start));
                    s.setString(3, FIXED.format(end));
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            long at = Instant.parse(rs.getString(1)).getEpochSecond();
                            if (rs.getString(2).equals("1h")) {
                                for (int k = 0; k < 12; k++) {
                                    periods.add(at / 300 + k); // an hour heard from counts whole
                                }
                            } else {
                                periods.add(at / 300);
                            }
                        }
                    }
                }
                int played;
                try (PreparedStatement s = c.prepareStatement("""
                        SELECT count(*) FROM station_event WHERE station_id = ? AND type = 'SESSION_FINISHED'
                        AND reason IS NULL AND at >= ? AND at < ?""")) {
                    s.setString(1, stationId);
                    s.setString(2, FIXED.format(start));
                    s.setString(3, FIXED.format(end));
                    try (ResultSet rs = s.executeQuery()) {
                        played = rs.next() ? rs.getInt(1) : 0;
                    }
                }
                long dayPeriods = Duration.between(start, end).getSeconds() / 300;
                out.add(new Day(d, Math.min(1.0, periods.size() / (double) dayPeriods), played));
            }
            return out;
        });
    }

    private static String v(Object o) {
        return o == null ? "" : o instanceof Double d ? String.format(Locale.ROOT, "%.2f", d) : o.toString();
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    private static void real(PreparedStatement s, int i, Double v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.REAL);
        } else {
            s.setDouble(i, v);
        }
    }

    private static void integer(PreparedStatement s, int i, Long v) throws SQLException {
        if (v == null) {
            s.setNull(i, Types.INTEGER);
        } else {
            s.setLong(i, v);
        }
    }
}
