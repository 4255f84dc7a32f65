package vn.loalang.controller.mirror;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.content.LibraryItem;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Summaries of what each village's session played, from the plan and the stations' reports in a real store. */
class SessionSummariesTest {
    @TempDir
    Path dir;
    private MirrorParts m;
    private SessionSummaries summaries;
    /** The morning session, 05:30–06:00 in the commune (T0 is 05:00). */
    private final Instant start = MirrorParts.T0.plus(Duration.ofMinutes(30));
    private final Instant end = MirrorParts.T0.plus(Duration.ofMinutes(60));

    private static LibraryItem item(String id, String title, String category) {
        return new LibraryItem(id, title, category, Path.of("/nowhere"), "0".repeat(64), 1, Duration.ofSeconds(60), -16,
                -1, 0, "mp3", null, "vi", 0);
    }

    @BeforeEach
    void parts() {
        m = new MirrorParts(dir, null);
        Map<String, LibraryItem> library = Map.of("gia-lua", item("gia-lua", "Giá cả nông sản", "market-prices"),
                "bao-hiem", item("bao-hiem", "Bảo hiểm y tế", "health"));
        summaries = new SessionSummaries(m.store, m.clock, m.outbox, m.messages,
                id -> Optional.ofNullable(library.get(id)));
        m.channel("hook", "OK");
        m.target("t1", "hook", "thon-dong", "/dong", "[\"market-prices\"]");
        m.target("t2", "hook", "thon-dong", "/dong-health", "[\"warning\"]");
        m.target("t3", "hook", "thon-tay", "/tay", "[\"market-prices\",\"health\"]");
        plan("thon-dong-1", "thon-dong");
        plan("thon-tay-1", "thon-tay");
    }

    @AfterEach
    void close() {
        m.close();
    }

    private void plan(String station, String village) {
        m.sql("""
                INSERT INTO planned_session (station_id, session_id, village, name, start_ms, end_ms, items_json, version)
                VALUES (?, '2026-12-06.sang', ?, 'Buổi sáng', ?, ?, '["gia-lua","bao-hiem"]', 1)""",
                station, village, start.toEpochMilli(), end.toEpochMilli());
    }

    private void finished(String station, long seq, String content) {
        m.sql("""
                INSERT INTO station_event (station_id, stream, seq, at, type, session_id, content_id, received_at)
                VALUES (?, 'boot-1', ?, '2026-12-05T22:40:00Z', 'ITEM_FINISHED', '2026-12-06.sang', ?,
                        '2026-12-05T22:40:01Z')""", station, seq, content);
    }

    @Test
    void twoMinutesAfterAVillagesSessionItsSummaryGoesToTargetsTakingWhatPlayedOnce() {
        finished("thon-dong-1", 1, "bao-hiem");
        finished("thon-dong-1", 2, "gia-lua");

        m.clock.set(end.plus(Duration.ofSeconds(90)));
        assertEquals(0, summaries.tick(), "the stations' last reports may still be on their way");
        m.clock.set(end.plus(Duration.ofMinutes(2)));
        assertEquals(1, summaries.tick(), "thon-dong's market-prices target; its warning-only target gets nothing");
        assertEquals(0, summaries.tick(), "once");
        assertEquals(0, new SessionSummaries(m.store, m.clock, m.outbox, m.messages, id -> Optional.empty()).tick(),
                "nor again after a restart");

        List<Outbox.Delivery> rows = m.outbox.about("2026-12-06/2026-12-06.sang");
        assertEquals(1, rows.size());
        assertEquals("t1", rows.get(0).targetId());
        assertEquals("2026-12-06.sang", rows.get(0).sessionId());
        assertTrue(rows.get(0).payload().text().startsWith(
                "Buổi sáng 06/12 thôn Đông đã phát: Giá cả nông sản; Bảo hiểm y tế.\n"), "in the session's order: "
                + rows.get(0).payload().text());
        assertEquals(end.plus(Duration.ofMinutes(2)).plus(Outbox.SUMMARY_LIFE), rows.get(0).giveUpAt());
    }

    @Test
    void aBulletinSentBeforeTheSessionThatPlayedItIsCountedAsThatSessionsOnceItEnded() {
        // 04:30: the price bulletin goes out before the compile that puts it into the 05:30 session.
        m.outbox.bulletin("7", List.of("thon-dong", "thon-tay"), "Bản tin giá cả", "Lúa: 7.200 đ/kg.", "gia-lua");
        m.outbox.bulletin("8", List.of("thon-dong"), "Bản tin khác", "x", "not-in-the-session");
        finished("thon-dong-1", 1, "gia-lua");
        m.clock.set(end.plus(Duration.ofMinutes(2)));

        summaries.tick();

        assertEquals("2026-12-06.sang", m.one("SELECT session_id FROM mirror_outbox WHERE kind = 'BULLETIN'"
                + " AND ref = '7' AND village = 'thon-dong'"), "thôn Đông's session played it");
        assertEquals("2026-12-06.sang", m.one("SELECT session_id FROM mirror_outbox WHERE kind = 'BULLETIN'"
                + " AND ref = '7' AND village = 'thon-tay'"), "so did thôn Tây's: both sessions planned it");
        assertEquals("0", m.one("SELECT count(*) FROM mirror_outbox WHERE ref = '8' AND session_id IS NOT NULL"),
                "a bulletin the session did not plan stays its own");
    }

    @Test
    void anItemAStationReportsPlayedButTheSessionDidNotPlanIsNeverNamed() {
        // A stolen Pi's password lets it report anything finished in its session: only the plan is trusted.
        finished("thon-dong-1", 1, "gia-lua");
        finished("thon-dong-1", 2, "danh-sach-ho-ngheo");
        m.clock.set(end.plus(Duration.ofMinutes(2)));

        assertEquals(1, summaries.tick());

        String text = m.outbox.about("2026-12-06/2026-12-06.sang").get(0).payload().text();
        assertTrue(text.startsWith("Buổi sáng 06/12 thôn Đông đã phát: Giá cả nông sản.\n"), text);
        assertFalse(text.contains("danh-sach-ho-ngheo"), text);
    }

    @Test
    void aSessionNothingWasPlayedOfSendsNothing() {
        m.clock.set(end.plus(Duration.ofMinutes(5)));
        assertEquals(0, summaries.tick(), "thon-tay's station reported nothing: no message says it played");
        assertEquals("0", m.one("SELECT count(*) FROM mirror_outbox"));
    }

    @Test
    void sessionsOlderThanASummarysLifeAreLeftAlone() {
        finished("thon-dong-1", 1, "gia-lua");
        m.clock.set(end.plus(Outbox.SUMMARY_LIFE).plusSeconds(1));
        assertEquals(0, summaries.tick(), "a controller started the next day does not send yesterday's news");
    }
}
