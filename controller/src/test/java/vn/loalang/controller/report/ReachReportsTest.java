package vn.loalang.controller.report;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.station.EventLog;
import vn.loalang.controller.station.SqliteEventLog;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.net.URI;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * On 24 November thôn Đông (two stations) and thôn Tây (one) have the morning session, thôn Đông also the evening.
 * The listen counter and the mirror wrote their rows as they would (inserted here directly): every number of the
 * reach report is checked against them, and what belongs elsewhere (another day's feed, an alert's listens, a
 * failed or cancelled message, the commune's own feed) is checked to stay out.
 */
class ReachReportsTest {
    static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
    static final LocalDate NOV_24 = LocalDate.of(2026, 11, 24);
    static final Instant MORNING = NOV_24.atTime(5, 30).atZone(ZONE).toInstant();
    static final Instant EVENING = NOV_24.atTime(17, 0).atZone(ZONE).toInstant();
    static final Instant NEXT_DAY = MORNING.plusSeconds(86_400);
    static final String AM = "2026-11-24.morning";
    static final String PM = "2026-11-24.evening";

    @TempDir
    Path dir;
    Store store;
    EventLog log;
    final Map<String, Long> seq = new HashMap<>();

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("loalang.db"));
        log = new SqliteEventLog(store, java.time.Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void everyNumberOfAVillageSessionComesFromTheListenAndMirrorTables() {
        morningAndEvening();
        // Listens of the morning in thôn Đông: from the page and from chat and SMS links (5 + 3 + 2 + 1 + 1 + 1), the
        // next morning's too (2), and through podcast apps (4).
        listen("2026-11-24", "thon-dong", AM, "gia-lua", "LISTEN", "page", 5);
        listen("2026-11-24", "thon-dong", AM, "gia-lua", "LISTEN", "zalo", 3);
        listen("2026-11-25", "thon-dong", AM, "thoi-tiet", "LISTEN", "telegram", 2);
        listen("2026-11-24", "thon-dong", AM, "thoi-tiet", "LISTEN", "sms", 1);
        listen("2026-11-24", "thon-dong", AM, "thoi-tiet", "LISTEN", "webhook", 1);
        listen("2026-11-24", "thon-dong", AM, "thoi-tiet", "LISTEN", "other", 1);
        listen("2026-11-24", "thon-dong", AM, "gia-lua", "LISTEN", "feed", 4);
        listen("2026-11-24", "thon-dong", PM, "gia-lua", "LISTEN", "page", 6);
        // Feeds fetched: thôn Đông's on the 24th (7) counts for both its sessions that day; the 25th's and the
        // commune's own feed ('*') belong to no session of the 24th.
        listen("2026-11-24", "thon-dong", "", "", "FEED", "feed", 7);
        listen("2026-11-25", "thon-dong", "", "", "FEED", "feed", 100);
        listen("2026-11-24", "*", "", "", "FEED", "feed", 9);
        // An alert's listens and a listen of a session not in the report are not the morning's.
        listen("2026-11-24", "thon-dong", "alert", "a-1", "LISTEN", "page", 50);
        listen("2026-11-24", "thon-dong", "2026-11-23.evening", "gia-lua", "LISTEN", "page", 40);
        channelsAndTargets();
        // thôn Đông's morning: Telegram got the summary and the bulletin (one group of 120, counted once), Zalo the
        // bulletin (its summary failed; 300 members typed by the operator), the webhook the summary (no members
        // known); three SMS, one delivered, one sent, one still waiting; a cancelled and a skipped row.
        outbox("SESSION", "2026-11-24/" + AM, "thon-dong", AM, "tg", "tg-dong", "SENT");
        outbox("BULLETIN", "gia-ca-20261124", "thon-dong", AM, "tg", "tg-dong", "SENT");
        outbox("SESSION", "2026-11-24/" + AM, "thon-dong", AM, "zl", "zl-dong", "FAILED");
        outbox("BULLETIN", "gia-ca-20261124", "thon-dong", AM, "zl", "zl-dong", "SENT");
        outbox("SESSION", "2026-11-24/" + AM, "thon-dong", AM, "wh", "wh-dong", "DELIVERED");
        outbox("SESSION", "2026-11-24/" + AM, "thon-dong", AM, "es", "sms-1", "SENT");
        outbox("SESSION", "2026-11-24/" + AM, "thon-dong", AM, "an", "sms-2", "DELIVERED");
        outbox("SESSION", "2026-11-24/" + AM, "thon-dong", AM, "an", "sms-3", "PENDING");
        outbox("BULLETIN", "gia-ca-20261124", "thon-dong", AM, "es", "sms-1", "CANCELLED");
        outbox("BULLETIN", "gia-ca-20261124", "thon-dong", AM, "an", "sms-2", "SKIPPED");
        // The evening's one summary; an alert's message is not a session's.
        outbox("SESSION", "2026-11-24/" + PM, "thon-dong", PM, "tg", "tg-dong", "SENT");
        outbox("ALERT", "a-1", "thon-dong", null, "tg", "tg-dong", "SENT");

        List<SessionReport> rows = new PlayReports(store, ZONE).day(NOV_24, NEXT_DAY);
        List<Reach> reach = new ReachReports(store, ZONE).of(rows);

        assertEquals(List.of("thon-dong " + AM, "thon-tay " + AM, "thon-dong " + PM),
                rows.stream().map(r -> r.village() + " " + r.sessionId()).toList());
        assertEquals(List.of(
                new Reach(2, 1, 13, 4, 7, 4, 420, 2, 1),
                new Reach(1, 0, 0, 0, 0, 0, 0, 0, 0),
                new Reach(1, 1, 6, 0, 7, 1, 120, 0, 0)), reach);
        assertEquals(new Reach(4, 2, 19, 4, 7, 5, 540, 2, 1), ReachReports.total(rows, reach),
                "thôn Đông's feed fetches of the 24th count once in the total");
    }

    @Test
    void aSessionNobodyListenedToAndNoMessageReachedIsZerosNotMissing() {
        morningAndEvening();

        List<SessionReport> rows = new PlayReports(store, ZONE).day(NOV_24, NEXT_DAY);
        List<Reach> reach = new ReachReports(store, ZONE).of(rows);

        assertEquals(List.of(new Reach(2, 1, 0, 0, 0, 0, 0, 0, 0), new Reach(1, 0, 0, 0, 0, 0, 0, 0, 0),
                new Reach(1, 1, 0, 0, 0, 0, 0, 0, 0)), reach);
        assertEquals(List.of(), new ReachReports(store, ZONE).of(List.of()));
        assertEquals(new Reach(0, 0, 0, 0, 0, 0, 0, 0, 0), ReachReports.total(List.of(), List.of()));
    }

    @Test
    void theCsvKeepsThePlayColumnsAndAppendsTheReachColumnsInOrder() {
        morningAndEvening();
        listen("2026-11-24", "thon-dong", AM, "gia-lua", "LISTEN", "page", 5);
        listen("2026-11-24", "thon-dong", AM, "gia-lua", "LISTEN", "feed", 2);
        listen("2026-11-24", "thon-dong", "", "", "FEED", "feed", 3);
        channelsAndTargets();
        outbox("SESSION", "2026-11-24/" + AM, "thon-dong", AM, "tg", "tg-dong", "SENT");
        outbox("SESSION", "2026-11-24/" + AM, "thon-dong", AM, "an", "sms-2", "DELIVERED");

        List<SessionReport> rows = new PlayReports(store, ZONE).day(NOV_24, NEXT_DAY);
        String csv = ReachReports.csv(rows, new ReachReports(store, ZONE).of(rows));

        assertEquals("""
                date,session,name,village,stations,stations_complete,planned_items,played_items,reached,\
                relay_seconds_planned,relay_seconds_played,late_plays,loudspeakers_planned,loudspeakers_played,\
                page_listens,feed_downloads,feed_fetches,chat_messages,chat_members,sms_sent,sms_delivered
                2026-11-24,2026-11-24.morning,Buổi sáng,thon-dong,2,1,4,3,yes,0,0,0,2,1,5,2,3,1,120,1,1
                2026-11-24,2026-11-24.morning,Buổi sáng,thon-tay,1,0,2,0,no,0,0,0,1,0,0,0,0,0,0,0,0
                2026-11-24,2026-11-24.evening,Buổi sáng,thon-dong,1,1,1,1,yes,0,0,0,1,1,0,0,3,0,0,0,0
                """, csv);
        String playOnly = PlayReports.csv(rows);
        String[] before = playOnly.split("\n");
        String[] after = csv.split("\n");
        for (int i = 0; i < before.length; i++) {
            assertEquals(before[i], after[i].substring(0, before[i].length()), "line " + i + " starts as it did");
        }
    }

    @Test
    void namesASpreadsheetWouldRunAsFormulasAreWrittenAsTextInBothFiles() {
        List<SessionReport> rows = List.of(new SessionReport(NOV_24, "-2+3", "=HYPERLINK(\"http://x.example\")",
                "@SUM(A1:A9)", 1, 1, 1, 1, true));
        listen("2026-11-24", "@SUM(A1:A9)", "-2+3", "gia-lua", "LISTEN", "page", 1);

        String csv = ReachReports.csv(rows, new ReachReports(store, ZONE).of(rows));

        assertEquals("2026-11-24,'-2+3,\"'=HYPERLINK(\"\"http://x.example\"\")\",'@SUM(A1:A9),1,1,1,1,yes,0,0,0,"
                + "1,1,1,0,0,0,0,0,0", csv.split("\n")[1]);

        alert("a-9", "2026-11-24T03:00:00Z", List.of("=thon", "thon-tay"), "+CẢNH BÁO, lũ");
        ReachReports reports = new ReachReports(store, ZONE);
        String alerts = reports.alertsCsv(reports.alerts(NOV_24, NOV_24));
        assertEquals("a-9,2026-11-24 10:00,EMERGENCY,\"'+CẢNH BÁO, lũ\",ACTIVE,'=thon thon-tay,0,0,0,0,0,0,0",
                alerts.split("\n")[1]);
    }

    @Test
    void perAlertTheLoudspeakersThatPlayedItItsListensAndItsMessagesWithTheDayByTheCommuneClock() {
        channelsAndTargets();
        // 23:59:59.5 on the 23rd in the commune, 10:00 and 00:00:00.25 on the 24th, 00:00 on the 25th.
        alert("a-0", "2026-11-23T16:59:59.500Z", List.of("thon-dong"), "Hôm trước");
        alert("a-1", "2026-11-24T03:00:00Z", List.of("thon-dong", "thon-tay"), "Lũ quét");
        alert("a-2", "2026-11-23T17:00:00.250Z", List.of("thon-tay"), "Nửa đêm");
        alert("a-3", "2026-11-24T17:00:00Z", List.of("thon-tay"), "Hôm sau");
        delivery("a-1", "thon-dong-1", "COMPLETED");
        delivery("a-1", "thon-dong-2", "PLAYING");
        delivery("a-1", "thon-tay-1", "COMPLETED");
        delivery("a-1", "thon-tay-2", "FAILED");
        delivery("a-0", "thon-dong-1", "COMPLETED");
        listen("2026-11-24", "*", "alert", "a-1", "LISTEN", "page", 11);
        listen("2026-11-25", "thon-dong", "alert", "a-1", "LISTEN", "sms", 4);
        listen("2026-11-24", "thon-dong", "alert", "a-1", "LISTEN", "feed", 2);
        listen("2026-11-24", "thon-dong", AM, "a-1", "LISTEN", "page", 30); // not the alert: a session's item
        outbox("ALERT", "a-1", "thon-dong", null, "tg", "tg-dong", "SENT");
        outbox("ALERT", "a-1", "thon-dong", null, "zl", "zl-dong", "DELIVERED");
        outbox("ALERT", "a-1", "thon-dong", null, "es", "sms-1", "DELIVERED");
        outbox("ALERT", "a-1", "thon-dong", null, "an", "sms-2", "SENT");
        outbox("ALERT", "a-1", "thon-dong", null, "an", "sms-3", "FAILED");
        outbox("CANCEL", "a-1", "thon-dong", null, "tg", "tg-dong", "SENT");
        outbox("ALERT", "a-0", "thon-dong", null, "tg", "tg-dong", "SENT");

        List<AlertReach> alerts = new ReachReports(store, ZONE).alerts(NOV_24, NOV_24);

        assertEquals(List.of(
                new AlertReach("a-2", Instant.parse("2026-11-23T17:00:00.250Z"), "EMERGENCY", "Nửa đêm", "ACTIVE",
                        List.of("thon-tay"), 0, 0, 0, 0, 0, 0, 0),
                new AlertReach("a-1", Instant.parse("2026-11-24T03:00:00Z"), "EMERGENCY", "Lũ quét", "ACTIVE",
                        List.of("thon-dong", "thon-tay"), 4, 2, 17, 2, 420, 2, 1)), alerts);
        assertEquals(List.of("a-0", "a-2", "a-1", "a-3"), new ReachReports(store, ZONE)
                .alerts(NOV_24.minusDays(1), NOV_24.plusDays(1)).stream().map(AlertReach::alertId).toList());
        assertEquals("""
                alert,issued_at,priority,title,state,villages,loudspeakers,loudspeakers_completed,listens,\
                chat_messages,chat_members,sms_sent,sms_delivered
                a-2,2026-11-24 00:00,EMERGENCY,Nửa đêm,ACTIVE,thon-tay,0,0,0,0,0,0,0
                a-1,2026-11-24 10:00,EMERGENCY,Lũ quét,ACTIVE,thon-dong thon-tay,4,2,17,2,420,2,1
                """, new ReachReports(store, ZONE).alertsCsv(alerts));
    }

    /**
     * The mirror's settings delete a removed channel with its targets, and an operator retypes a group's size: a
     * past message keeps its channel's kind and the members its group had when it went (V30's triggers).
     */
    @Test
    void aChannelRemovedOrAGroupResizedLaterChangesNoPastNumber() {
        morningAndEvening();
        channelsAndTargets();
        outbox("SESSION", "2026-11-24/" + AM, "thon-dong", AM, "tg", "tg-dong", "SENT");
        // The sender's way: written PENDING, then marked SENT (the Zalo group had 300 members then).
        outbox("SESSION", "2026-11-24/" + AM, "thon-dong", AM, "zl", "zl-dong", "PENDING");
        sql("UPDATE mirror_outbox SET state = 'SENT' WHERE target_id = 'zl-dong'");
        outbox("SESSION", "2026-11-24/" + AM, "thon-dong", AM, "an", "sms-2", "PENDING");
        sql("UPDATE mirror_outbox SET state = 'SENDING' WHERE target_id = 'sms-2'");
        sql("UPDATE mirror_outbox SET state = 'DELIVERED' WHERE target_id = 'sms-2'");
        List<SessionReport> rows = new PlayReports(store, ZONE).day(NOV_24, NEXT_DAY);
        Reach before = new ReachReports(store, ZONE).of(rows).get(0);
        assertEquals(new Reach(2, 1, 0, 0, 0, 2, 420, 1, 1), before);

        sql("UPDATE mirror_target SET members = 5 WHERE id = 'zl-dong'");
        sql("DELETE FROM mirror_target WHERE channel_id = 'an'");
        sql("DELETE FROM mirror_channel WHERE id = 'an'");
        sql("DELETE FROM mirror_target WHERE channel_id = 'tg'");
        sql("DELETE FROM mirror_channel WHERE id = 'tg'");

        assertEquals(before, new ReachReports(store, ZONE).of(rows).get(0));
    }

    // --- the rows others' code writes, inserted as it writes them ---

    /** thôn Đông: the morning on two stations (one plays it all, one half), the evening on one; thôn Tây: nothing. */
    private void morningAndEvening() {
        plan("thon-dong-1", "thon-dong", session(AM, MORNING, "gia-lua", "thoi-tiet"), session(PM, EVENING, "gia-lua"));
        plan("thon-dong-2", "thon-dong", session(AM, MORNING, "gia-lua", "thoi-tiet"));
        plan("thon-tay-1", "thon-tay", session(AM, MORNING, "gia-lua", "thoi-tiet"));
        played("thon-dong-1", AM, "gia-lua", "thoi-tiet");
        played("thon-dong-1", PM, "gia-lua");
        played("thon-dong-2", AM, "gia-lua");
    }

    private void channelsAndTargets() {
        channel("tg", "TELEGRAM");
        channel("zl", "ZALO");
        channel("wh", "WEBHOOK");
        channel("es", "ESMS");
        channel("an", "ANDROID_SMS");
        target("tg-dong", "tg", "thon-dong", "-100123", 120);
        target("zl-dong", "zl", "thon-dong", "g-55", 300);
        target("wh-dong", "wh", "thon-dong", "https://x.example/hook", null);
        target("sms-1", "es", "thon-dong", "+84900000001", null);
        target("sms-2", "an", "thon-dong", "+84900000002", null);
        target("sms-3", "an", "thon-dong", "+84900000003", null);
    }

    private void sql(String statement, Object... values) {
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(statement)) {
                for (int i = 0; i < values.length; i++) {
                    s.setObject(i + 1, values[i]);
                }
                s.executeUpdate();
            }
            return null;
        });
    }

    private void listen(String day, String village, String session, String item, String kind, String source,
                        int count) {
        sql("INSERT INTO listen_count (day, village, session_id, item_id, kind, source, count) VALUES (?,?,?,?,?,?,?)",
                day, village, session, item, kind, source, count);
    }

    private void channel(String id, String kind) {
        sql("""
                INSERT INTO mirror_channel (id, kind, name, settings_json, created_at, created_by)
                VALUES (?, ?, ?, '{}', '2026-11-01T00:00:00Z', 'admin')""", id, kind, "Kênh " + id);
    }

    private void target(String id, String channel, String village, String address, Integer members) {
        sql("""
                INSERT INTO mirror_target (id, channel_id, village, address, label, categories_json, members, created_at,
                                           created_by)
                VALUES (?, ?, ?, ?, ?, '[]', ?, '2026-11-01T00:00:00Z', 'admin')""",
                id, channel, village, address, "Nhóm " + id, members);
    }

    private void outbox(String kind, String ref, String village, String session, String channel, String target,
                        String state) {
        sql("""
                INSERT INTO mirror_outbox (kind, ref, village, session_id, channel_id, target_id, priority, payload_json,
                                           state, next_at, give_up_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, 3, '{}', ?, '2026-11-24T00:00:00Z', '2026-11-25T00:00:00Z',
                        '2026-11-24T00:00:00Z')""", kind, ref, village, session, channel, target, state);
    }

    private void alert(String id, String createdAt, List<String> villages, String title) {
        sql("""
                INSERT INTO alert (id, created_at, actor, villages_json, priority, title, reason, preamble, items_json,
                                   repeats, interval_seconds, expires_at, state)
                VALUES (?, ?, 'van.thu', ?, 'EMERGENCY', ?, 'lũ', 'SIREN', '[]', 1, 0, '2026-11-30T00:00:00Z', 'ACTIVE')""",
                id, createdAt, "[\"" + String.join("\",\"", villages) + "\"]", title);
    }

    private void delivery(String alert, String station, String status) {
        sql("INSERT INTO alert_delivery (alert_id, station_id, status, updated_at) VALUES (?, ?, ?, '2026-11-24T03:01:00Z')",
                alert, station, status);
    }

    private Session session(String id, Instant start, String... items) {
        List<Item> list = Arrays.stream(items).map(i -> new Item(i, i, "a".repeat(64),
                URI.create("http://127.0.0.1/content/x"), 100, 1000, 0)).toList();
        return new Session(id, "Buổi sáng", start, start.plusSeconds(3600), list);
    }

    private void plan(String station, String village, Session... sessions) {
        Schedule schedule = new Schedule(SchemaVersion.CURRENT, station, village, 1, ZONE.getId(),
                MORNING.minusSeconds(3 * 3600), MORNING.plusSeconds(7 * 86_400), List.of(sessions));
        store.transaction(c -> {
            PlannedSessions.write(c, schedule);
            return null;
        });
    }

    private void played(String station, String session, String... items) {
        for (String item : items) {
            long n = seq.merge(station, 1L, Long::sum);
            StationEvent e = StationEvent.of(EventType.ITEM_FINISHED).session(session).content(item)
                    .numbered(station, "sd-1", n, MORNING.plusSeconds(n));
            log.record(e, new EventLog.Position(station, "sd-1", n, List.of()));
        }
    }
}
