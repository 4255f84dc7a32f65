package vn.loalang.controller.listen;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.store.Store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vn.loalang.controller.listen.ListenFixture.NOON;
import static vn.loalang.controller.listen.ListenFixture.ZONE;

/** Counts, never people: what a listen is, once per client and day, and nothing of the client in the store. */
class ListenCountsTest {
    static final String PHONE = "Mozilla/5.0 (Linux; Android 8.1; Redmi 6A) Chrome/90";
    static final String OTHER_PHONE = "Mozilla/5.0 (Linux; Android 11; SM-A105F) Chrome/118";

    @TempDir
    Path dir;
    Store store;
    ListenFixture.MutableClock clock = new ListenFixture.MutableClock(NOON);
    ListenCounts counts;

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("loalang.db"));
        counts = new ListenCounts(store, clock, () -> ZONE, new SecureRandom());
    }

    @AfterEach
    void close() {
        counts.close();
        store.close();
    }

    @Test
    void aListenIsAFetchFromTheStartAndASeekIsNot() {
        assertTrue(ListenCounts.fromStart(null));
        assertTrue(ListenCounts.fromStart("bytes=0-"));
        assertTrue(ListenCounts.fromStart("bytes=0-65535"));
        assertFalse(ListenCounts.fromStart("bytes=65536-"));
        assertFalse(ListenCounts.fromStart("bytes=-500"));
    }

    @Test
    void oneClientCountsOnceAnItemADayWhateverTheSourceAndAnotherClientCountsAgain() {
        counts.listened("203.0.113.7", PHONE, "thon-dong", "s1", "gia-lua", ListenCounts.Source.ZALO, null);
        counts.listened("203.0.113.7", PHONE, "thon-dong", "s1", "gia-lua", ListenCounts.Source.PAGE, "bytes=0-");
        counts.listened("203.0.113.7", PHONE, "thon-dong", "s1", "gia-lua", ListenCounts.Source.PAGE, "bytes=9000-");
        counts.listened("203.0.113.7", OTHER_PHONE, "thon-dong", "s1", "gia-lua", ListenCounts.Source.PAGE, null);
        counts.listened("198.51.100.2", PHONE, "thon-dong", "s1", "gia-lua", ListenCounts.Source.SMS, null);
        counts.feedFetched("198.51.100.2", "AntennaPod/3.4", "thon-dong", ListenCounts.Source.FEED);
        counts.feedFetched("198.51.100.2", "AntennaPod/3.4", "thon-dong", ListenCounts.Source.FEED);

        assertEquals(4, counts.flush());
        assertEquals(List.of("2026-11-24|thon-dong|s1|gia-lua|LISTEN|page|1", "2026-11-24|thon-dong|s1|gia-lua|LISTEN|sms|1",
                "2026-11-24|thon-dong|s1|gia-lua|LISTEN|zalo|1", "2026-11-24|thon-dong|||FEED|feed|1"), rows());
        assertEquals(new ListenCounts.VillageToday("thon-dong", 3, 1),
                counts.today(List.of("thon-dong", "thon-tay")).get("thon-dong"));

        // The next day the same phone is a new client: the key it was known by is gone.
        clock.set(NOON.plus(Duration.ofDays(1)));
        counts.listened("203.0.113.7", PHONE, "thon-dong", "s1", "gia-lua", ListenCounts.Source.ZALO, null);
        counts.listened("203.0.113.7", PHONE, "thon-dong", "s1", "gia-lua", ListenCounts.Source.ZALO, null);
        counts.flush();
        assertTrue(rows().contains("2026-11-25|thon-dong|s1|gia-lua|LISTEN|zalo|1"), rows().toString());
    }

    @Test
    void countsAddUpAcrossFlushes() {
        counts.listened("203.0.113.7", PHONE, "thon-dong", "s1", "gia-lua", ListenCounts.Source.PAGE, null);
        counts.flush();
        counts.listened("203.0.113.8", PHONE, "thon-dong", "s1", "gia-lua", ListenCounts.Source.PAGE, null);
        counts.close();
        assertEquals(List.of("2026-11-24|thon-dong|s1|gia-lua|LISTEN|page|2"), rows(), "close writes what waits");
    }

    @Test
    void noAddressAndNoUserAgentReachTheStore() throws Exception {
        for (int i = 0; i < 50; i++) {
            counts.listened("203.0.113." + i, PHONE + " build/" + i, "thon-dong", "s1", "gia-lua",
                    ListenCounts.Source.TELEGRAM, null);
            counts.feedFetched("2001:db8::" + i, OTHER_PHONE, "thon-tay", ListenCounts.Source.of("webhook", null));
        }
        counts.flush();
        counts.close();
        store.close();

        // Every cell of every table, and the database file's bytes (free pages and the journal included).
        Store reopened = Store.open(dir.resolve("loalang.db"));
        List<String> cells = new ArrayList<>();
        reopened.query(c -> {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = c.getMetaData().getTables(null, null, "%", new String[]{"TABLE"})) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            for (String t : tables) {
                try (PreparedStatement s = c.prepareStatement("SELECT * FROM \"" + t + "\"");
                     ResultSet rs = s.executeQuery()) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            cells.add(String.valueOf(rs.getObject(i)));
                        }
                    }
                }
            }
            return null;
        });
        reopened.close();
        assertTrue(cells.contains("50"), "the counts are there: " + cells.size() + " cells");
        String all = String.join("\n", cells);
        StringBuilder files = new StringBuilder();
        try (var stream = Files.list(dir)) {
            for (Path p : stream.toList()) {
                files.append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        for (String trace : List.of("203.0.113", "2001:db8", "Android", "Mozilla", "Redmi")) {
            assertFalse(all.contains(trace), trace + " is in a table");
            assertFalse(files.toString().contains(trace), trace + " is in the store's files");
        }
    }

    private List<String> rows() {
        return store.query(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT day, village, session_id, item_id, kind, source, count FROM listen_count
                    ORDER BY day, kind DESC, source""");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "|" + rs.getString(4) + "|"
                            + rs.getString(5) + "|" + rs.getString(6) + "|" + rs.getInt(7));
                }
            }
            return out;
        });
    }
}
