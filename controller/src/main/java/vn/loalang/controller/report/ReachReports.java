package vn.loalang.controller.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The commune's answer to "how many did we reach": beside each village session of {@link PlayReports}, its
 * loudspeakers, its listens on "Nghe lại" and through podcast apps, its chat and SMS messages; and the same per
 * alert. Read with SQL from the tables the listen counter (listen_count) and the mirror (mirror_outbox,
 * mirror_target, mirror_channel) fill. Every number is a count of plays, fetches or messages, never of people
 * (decision 0044); nothing reported is 0, never missing.
 */
public final class ReachReports {
    /** Channels whose message lands in a group that several people read. */
    static final Set<String> CHAT = Set.of("TELEGRAM", "ZALO", "WEBHOOK");
    /** Channels whose message is one SMS to one phone. */
    static final Set<String> SMS = Set.of("ESMS", "ANDROID_SMS");
    /** A page listen: from the public page itself, or from the link a chat or SMS message carried. */
    static final Set<String> PAGE_SOURCES = Set.of("page", "zalo", "telegram", "sms", "webhook", "other");
    static final String FEED_SOURCE = "feed";
    /** listen_count's session id of an alert's audio. */
    static final String ALERT_SESSION = "alert";
    static final String ALERTS_CSV_HEADER = "alert,issued_at,priority,title,state,villages,loudspeakers,"
            + "loudspeakers_completed,listens,chat_messages,chat_members,sms_sent,sms_delivered";
    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final Store store;
    private final ZoneId zone;

    public ReachReports(Store store, ZoneId zone) {
        this.store = store;
        this.zone = zone;
    }

    /** The reach of each of {@code rows}, in their order. */
    public List<Reach> of(List<SessionReport> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        LocalDate first = rows.stream().map(SessionReport::date).min(Comparator.naturalOrder()).orElseThrow();
        LocalDate last = rows.stream().map(SessionReport::date).max(Comparator.naturalOrder()).orElseThrow();
        Set<String> wanted = new HashSet<>();
        Set<String> sessions = new HashSet<>();
        rows.forEach(r -> {
            wanted.add(key(r.village(), r.sessionId()));
            sessions.add(r.sessionId());
        });
        return store.query(c -> {
            Map<String, long[]> listens = sessionListens(c, first, wanted);
            Map<String, Long> fetches = feedFetches(c, first, last);
            Map<String, Messages> messages = sessionMessages(c, sessions, wanted);
            List<Reach> out = new ArrayList<>(rows.size());
            for (SessionReport r : rows) {
                String k = key(r.village(), r.sessionId());
                long[] l = listens.getOrDefault(k, new long[2]);
                Messages m = messages.getOrDefault(k, new Messages());
                out.add(new Reach(r.stations(), r.stationsComplete(), l[0], l[1],
                        fetches.getOrDefault(key(r.village(), r.date().toString()), 0L),
                        m.chat, m.members(), m.smsSent, m.smsDelivered));
            }
            return out;
        });
    }

    /**
     * The sum of {@code reach} over {@code rows} (the same length, in the same order). A village's feed fetches
     * of a day count once, however many sessions it had that day; chat members add up per message (a group that
     * got thirty summaries counts thirty times: readings offered, not readers).
     */
    public static Reach total(List<SessionReport> rows, List<Reach> reach) {
        if (rows.size() != reach.size()) {
            throw new IllegalArgumentException(rows.size() + " sessions but " + reach.size() + " reach rows");
        }
        int planned = 0;
        int played = 0;
        long page = 0;
        long feed = 0;
        long fetches = 0;
        long chat = 0;
        long members = 0;
        long smsSent = 0;
        long smsDelivered = 0;
        Set<String> villageDays = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            Reach r = reach.get(i);
            planned += r.loudspeakersPlanned();
            played += r.loudspeakersPlayed();
            page += r.pageListens();
            feed += r.feedDownloads();
            if (villageDays.add(key(rows.get(i).village(), rows.get(i).date().toString()))) {
                fetches += r.feedFetches();
            }
            chat += r.chatMessages();
            members += r.chatMembers();
            smsSent += r.smsSent();
            smsDelivered += r.smsDelivered();
        }
        return new Reach(planned, played, page, feed, fetches, chat, members, smsSent, smsDelivered);
    }

    /**
     * The play report's CSV ({@link PlayReports#csv}) with the reach columns appended after its own, which stay
     * as they were: a spreadsheet built on the old columns keeps working.
     */
    public static String csv(List<SessionReport> rows, List<Reach> reach) {
        if (rows.size() != reach.size()) {
            throw new IllegalArgumentException(rows.size() + " sessions but " + reach.size() + " reach rows");
        }
        StringBuilder sb = new StringBuilder(PlayReports.CSV_HEADER).append(',').append(Reach.CSV_HEADER).append('\n');
        for (int i = 0; i < rows.size(); i++) {
            PlayReports.csvLine(sb, rows.get(i));
            sb.append(',');
            reach.get(i).csvCells(sb);
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Every alert issued on {@code from} to {@code to} (commune dates, inclusive), oldest first, with its reach. */
    public List<AlertReach> alerts(LocalDate from, LocalDate to) {
        // created_at is Instant.toString(): whole seconds or more digits, always with seconds, so the bounds
        // without their "Z" compare right as text whatever fraction follows.
        String lower = from.atStartOfDay(zone).toInstant().toString().replace("Z", "");
        String upper = to.plusDays(1).atStartOfDay(zone).toInstant().toString().replace("Z", "");
        return store.query(c -> {
            Map<String, Long> listens = alertListens(c, from);
            List<AlertReach> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT id, created_at, priority, title, state, villages_json FROM alert
                    WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id""")) {
                s.setString(1, lower);
                s.setString(2, upper);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        String id = rs.getString(1);
                        int[] delivered = deliveries(c, id);
                        Messages m = alertMessages(c, id);
                        out.add(new AlertReach(id, Instant.parse(rs.getString(2)), rs.getString(3), rs.getString(4),
                                rs.getString(5), villages(rs.getString(6)), delivered[0], delivered[1],
                                listens.getOrDefault(id, 0L), m.chat, m.members(), m.smsSent, m.smsDelivered));
                    }
                }
            }
            return out;
        });
    }

    /** The alerts as CSV: one line each, the time in the commune's zone, text cells formula-safe ({@link Csv}). */
    public String alertsCsv(List<AlertReach> alerts) {
        StringBuilder sb = new StringBuilder(ALERTS_CSV_HEADER).append('\n');
        for (AlertReach a : alerts) {
            sb.append(Csv.text(a.alertId())).append(',').append(LOCAL_TIME.format(a.issuedAt().atZone(zone)))
                    .append(',').append(Csv.text(a.priority())).append(',').append(Csv.text(a.title())).append(',')
                    .append(Csv.text(a.state())).append(',').append(Csv.text(String.join(" ", a.villages())))
                    .append(',').append(a.loudspeakers()).append(',').append(a.loudspeakersCompleted()).append(',')
                    .append(a.listens()).append(',').append(a.chatMessages()).append(',').append(a.chatMembers())
                    .append(',').append(a.smsSent()).append(',').append(a.smsDelivered()).append('\n');
        }
        return sb.toString();
    }

    private static String key(String a, String b) {
        return a + "|" + b;
    }

    /**
     * Listens per village session, [page, feed]: those of any day since {@code since} (a listen the next
     * morning still belongs to the session it plays; session ids carry their date, so it is never mistaken).
     */
    private static Map<String, long[]> sessionListens(Connection c, LocalDate since, Set<String> wanted)
            throws SQLException {
        Map<String, long[]> out = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT village, session_id, source, SUM(count) FROM listen_count
                WHERE kind = 'LISTEN' AND day >= ? AND session_id NOT IN ('', ?)
                GROUP BY village, session_id, source""")) {
            s.setString(1, since.toString());
            s.setString(2, ALERT_SESSION);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String k = key(rs.getString(1), rs.getString(2));
                    String source = rs.getString(3);
                    if (!wanted.contains(k)) {
                        continue;
                    }
                    long[] counts = out.computeIfAbsent(k, x -> new long[2]);
                    if (PAGE_SOURCES.contains(source)) {
                        counts[0] += rs.getLong(4);
                    } else if (FEED_SOURCE.equals(source)) {
                        counts[1] += rs.getLong(4);
                    }
                }
            }
        }
        return out;
    }

    /** Feed fetches per village and day ({@code village|yyyy-MM-dd}). */
    private static Map<String, Long> feedFetches(Connection c, LocalDate from, LocalDate to) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT village, day, SUM(count) FROM listen_count
                WHERE kind = 'FEED' AND day >= ? AND day <= ? GROUP BY village, day""")) {
            s.setString(1, from.toString());
            s.setString(2, to.toString());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(key(rs.getString(1), rs.getString(2)), rs.getLong(3));
                }
            }
        }
        return out;
    }

    /**
     * The session summaries and bulletins that went out, per village session: the rows of the report's sessions
     * only, found through the index on session_id (V30), the ids passed as one JSON array.
     */
    private static Map<String, Messages> sessionMessages(Connection c, Set<String> sessions, Set<String> wanted)
            throws SQLException {
        Map<String, Messages> out = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT o.village, o.session_id, COALESCE(o.channel_kind, ch.kind), o.state, o.target_id,
                       COALESCE(o.members, t.members)
                FROM mirror_outbox o LEFT JOIN mirror_channel ch ON ch.id = o.channel_id
                LEFT JOIN mirror_target t ON t.id = o.target_id
                WHERE o.session_id IN (SELECT value FROM json_each(?))
                  AND o.kind IN ('SESSION', 'BULLETIN') AND o.state IN ('SENT', 'DELIVERED')""")) {
            s.setString(1, json(sessions));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String k = key(rs.getString(1), rs.getString(2));
                    if (wanted.contains(k)) {
                        out.computeIfAbsent(k, x -> new Messages()).add(rs);
                    }
                }
            }
        }
        return out;
    }

    private static String json(Set<String> values) {
        try {
            return Json.mapper().writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a set of session ids did not turn into JSON", e);
        }
    }

    private static Messages alertMessages(Connection c, String alertId) throws SQLException {
        Messages m = new Messages();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT o.village, o.session_id, COALESCE(o.channel_kind, ch.kind), o.state, o.target_id,
                       COALESCE(o.members, t.members)
                FROM mirror_outbox o LEFT JOIN mirror_channel ch ON ch.id = o.channel_id
                LEFT JOIN mirror_target t ON t.id = o.target_id
                WHERE o.ref = ? AND o.kind = 'ALERT' AND o.state IN ('SENT', 'DELIVERED')""")) {
            s.setString(1, alertId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    m.add(rs);
                }
            }
        }
        return m;
    }

    /** Listens of each alert's audio since {@code since}, by alert id. */
    private static Map<String, Long> alertListens(Connection c, LocalDate since) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT item_id, SUM(count) FROM listen_count WHERE kind = 'LISTEN' AND session_id = ? AND day >= ?
                GROUP BY item_id""")) {
            s.setString(1, ALERT_SESSION);
            s.setString(2, since.toString());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return out;
    }

    /** [stations it was sent to, stations that played it through]. */
    private static int[] deliveries(Connection c, String alertId) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("""
                SELECT COUNT(*), COALESCE(SUM(status = 'COMPLETED'), 0) FROM alert_delivery WHERE alert_id = ?""")) {
            s.setString(1, alertId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new int[] {rs.getInt(1), rs.getInt(2)};
            }
        }
    }

    private static List<String> villages(String json) {
        try {
            return Json.mapper().readValue(json, new TypeReference<List<String>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("alert.villages_json is not a list of villages: " + json, e);
        }
    }

    /**
     * Messages that went out, counted by the kind of their channel; chat groups counted once for their members.
     * Both come from the message's own row (V30: copied when written and when sent), so a channel or a target
     * removed since changes no past number; the channel's and target's rows only stand in for older rows.
     */
    private static final class Messages {
        long chat;
        long smsSent;
        long smsDelivered;
        /** Each chat target once, with its members (0 when nobody knows). */
        final Map<String, Long> chatTargets = new HashMap<>();

        /** A row of (village, session, channel kind, state, target, members). */
        void add(ResultSet rs) throws SQLException {
            String kind = rs.getString(3);
            String state = rs.getString(4);
            if (kind == null) {
                return; // a row older than V30 whose channel is gone: neither chat nor SMS can be told
            }
            if (CHAT.contains(kind)) {
                chat++;
                long members = rs.getLong(6);
                chatTargets.merge(rs.getString(5), rs.wasNull() ? 0 : Math.max(0, members), Math::max);
            } else if (SMS.contains(kind)) {
                smsSent++;
                if ("DELIVERED".equals(state)) {
                    smsDelivered++;
                }
            }
        }

        long members() {
            return chatTargets.values().stream().mapToLong(Long::longValue).sum();
        }
    }
}
