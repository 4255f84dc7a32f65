package vn.loalang.controller.report;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.JsonProcessingException;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;

import java.util.Map;
import java.util.Set;

/**
 * What commune leaders report on: per session and village, planned items against the items the
 * stations reported playing ({@code ITEM_FINISHED}), and the share of villages reached — per day
 * or per month, as records or CSV. Only sessions that have started are counted.
 */
public final class PlayReports {
    private final Store store;
    private final ZoneId zone;

    public PlayReports(Store store, ZoneId zone) {
        this.store = store;
        this.zone = zone;
    }

    private record StationSession(String stationId, String sessionId, String village, String name, Instant start,
                                  List<String> items, long relayMillis) {
    }

    /**
     * What one station reported of one session: the items it finished, how much of each it heard (the most any
     * of its events says: a relay's ITEM_DROPPED, ITEM_RESUMED, ITEM_FINISHED), and how many it played late.
     */
    private record Played(Set<String> finished, Map<String, Long> heardMillis, int late) {
        static final Played NONE = new Played(Set.of(), Map.of(), 0);
    }

    /** Sessions starting on {@code from} to {@code to} (inclusive, commune dates) and before {@code now}. */
    public List<SessionReport> between(LocalDate from, LocalDate to, Instant now) {
        long fromMs = from.atStartOfDay(zone).toInstant().toEpochMilli();
        long toMs = Math.min(to.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli(), now.toEpochMilli());
        List<StationSession> planned = planned(fromMs, toMs);
        Map<String, Played> played = played(planned);
        Map<String, List<StationSession>> byVillageSession = new LinkedHashMap<>();
        for (StationSession s : planned) {
            byVillageSession.computeIfAbsent(s.sessionId() + "|" + s.village(), k -> new ArrayList<>()).add(s);
        }
        List<SessionReport> out = new ArrayList<>();
        for (List<StationSession> group : byVillageSession.values()) {
            StationSession first = group.get(0);
            int plannedItems = 0;
            int playedItems = 0;
            int complete = 0;
            long relayPlanned = 0;
            long relayHeard = 0;
            int late = 0;
            for (StationSession s : group) {
                Played p = played.getOrDefault(s.stationId() + "|" + s.sessionId(), Played.NONE);
                Set<String> done = p.finished();
                int n = (int) s.items().stream().distinct().filter(done::contains).count();
                // A relay counts as an item (finished or not); its seconds heard say how much of the slot got through.
                relayPlanned += s.relayMillis();
                if (s.relayMillis() > 0) {
                    relayHeard += s.items().stream().distinct().filter(LiveItems::isRelay)
                            .mapToLong(id -> p.heardMillis().getOrDefault(id, 0L)).sum();
                }
                late += p.late();
                plannedItems += s.items().size();
                playedItems += n;
                if (n == s.items().stream().distinct().count()) {
                    complete++;
                }
            }
            out.add(new SessionReport(LocalDate.ofInstant(first.start(), zone), first.sessionId(), first.name(),
                    first.village(), group.size(), complete, plannedItems, playedItems, complete > 0,
                    relayPlanned / 1000, relayHeard / 1000, late));
        }
        return out;
    }

    public List<SessionReport> day(LocalDate date, Instant now) {
        return between(date, date, now);
    }

    public List<SessionReport> month(YearMonth month, Instant now) {
        return between(month.atDay(1), month.atEndOfMonth(), now);
    }

    public static ReportSummary summarise(LocalDate from, LocalDate to, List<SessionReport> rows) {
        int reached = (int) rows.stream().filter(SessionReport::reached).count();
        return new ReportSummary(from, to, rows.size(), reached, rows.isEmpty() ? 0 : (double) reached / rows.size(),
                rows.stream().mapToInt(SessionReport::plannedItems).sum(),
                rows.stream().mapToInt(SessionReport::playedItems).sum());
    }

    /**
     * CSV with a header row, comma-separated, quoted where needed (Vietnamese names stay UTF-8); a
     * text cell that a spreadsheet would run as a formula is neutralised ({@link Csv#text}).
     */
    public static String csv(List<SessionReport> rows) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (SessionReport r : rows) {
            csvLine(sb, r);
            sb.append('\n');
        }
        return sb.toString();
    }

    /** The CSV's columns; the reach report appends its own after them ({@link ReachReports#csv}). */
    static final String CSV_HEADER = "date,session,name,village,stations,stations_complete,planned_items,played_items,"
            + "reached,relay_seconds_planned,relay_seconds_played,late_plays";

    /** One row's cells, in {@link #CSV_HEADER}'s order, without the line break. */
    static void csvLine(StringBuilder sb, SessionReport r) {
        sb.append(r.date()).append(',').append(quote(r.sessionId())).append(',').append(quote(r.name())).append(',')
                .append(quote(r.village())).append(',').append(r.stations()).append(',')
                .append(r.stationsComplete()).append(',').append(r.plannedItems()).append(',')
                .append(r.playedItems()).append(',').append(r.reached() ? "yes" : "no").append(',')
                .append(r.relaySecondsPlanned()).append(',').append(r.relaySecondsPlayed()).append(',')
                .append(r.latePlays());
    }

    static String quote(String s) {
        return Csv.text(s);
    }

    private List<StationSession> planned(long fromMs, long toMs) {
        return store.query(c -> {
            List<StationSession> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT station_id, session_id, village, name, start_ms, items_json, relay_ms FROM planned_session
                    WHERE start_ms >= ? AND start_ms < ? ORDER BY start_ms, village, station_id""")) {
                s.setLong(1, fromMs);
                s.setLong(2, toMs);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StationSession(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                                Instant.ofEpochMilli(rs.getLong(5)), items(rs.getString(6)), rs.getLong(7)));
                    }
                }
            }
            return out;
        });
    }

    private Map<String, Played> played(List<StationSession> planned) {
        Set<String> sessions = new HashSet<>();
        planned.forEach(p -> sessions.add(p.sessionId()));
        return store.query(c -> {
            Map<String, Set<String>> finished = new LinkedHashMap<>();
            Map<String, Map<String, Long>> heard = new LinkedHashMap<>();
            Map<String, Integer> late = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT station_id, session_id, content_id, type, played_ms, late FROM station_event
                    WHERE type IN ('ITEM_FINISHED', 'ITEM_DROPPED', 'ITEM_RESUMED', 'ITEM_FAILED') AND session_id = ?""")) {
                for (String session : sessions) {
                    s.setString(1, session);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            String key = rs.getString(1) + "|" + rs.getString(2);
                            String content = rs.getString(3);
                            boolean done = rs.getString(4).equals("ITEM_FINISHED");
                            if (done) {
                                finished.computeIfAbsent(key, k -> new HashSet<>()).add(content);
                                if (rs.getInt(6) == 1) {
                                    late.merge(key, 1, Integer::sum);
                                }
                            }
                            long ms = rs.getLong(5);
                            if (!rs.wasNull() && content != null) {
                                heard.computeIfAbsent(key, k -> new HashMap<>()).merge(content, ms, Math::max);
                            }
                        }
                    }
                }
            }
            Map<String, Played> out = new LinkedHashMap<>();
            Set<String> keys = new HashSet<>(finished.keySet());
            keys.addAll(heard.keySet());
            for (String key : keys) {
                out.put(key, new Played(finished.getOrDefault(key, Set.of()), heard.getOrDefault(key, Map.of()),
                        late.getOrDefault(key, 0)));
            }
            return out;
        });
    }

    private static List<String> items(String json) {
        try {
            return Json.mapper().readValue(json, new TypeReference<List<String>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("planned_session.items_json is not a list of ids: " + json, e);
        }
    }

}
