package vn.loalang.controller.schedule;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.content.ContentLibrary;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.Commune.DailySession;
import vn.loalang.controller.directory.Commune.LibraryEntry;
import vn.loalang.controller.directory.Commune.Program;
import vn.loalang.controller.directory.Commune.Station;
import vn.loalang.controller.directory.Commune.Village;
import vn.loalang.controller.directory.PlaylistEntry;
import vn.loalang.controller.directory.ProgramUse;
import vn.loalang.controller.testing.TestFiles;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The day's market-prices bulletin in a session ({@code {"latestBulletin": "gia-ca"}}, issue 19): the item dated the
 * session's date, and none that day a notice while the session plays the rest. Asia/Ho_Chi_Minh, 24 November 2026.
 */
class ScheduleCompilerBulletinTest {
    private static final URI BASE = URI.create("http://192.168.1.10:8080");
    private static final Instant NIGHT_BEFORE = Instant.parse("2026-11-23T20:00:00Z");
    private static final PlaylistEntry BULLETIN = new PlaylistEntry.LatestBulletin("gia-ca");

    @TempDir
    static Path base;
    static ContentLibrary library;

    @BeforeAll
    static void loadLibrary() throws IOException {
        for (String f : List.of(Fixtures.ITEM_440HZ_2S, Fixtures.ITEM_660HZ_1S)) {
            TestFiles.copyFixture(f, base);
        }
        library = ContentLibrary.load(List.of(
                new LibraryEntry("nhac-hieu", "Nhạc hiệu", "other", Fixtures.ITEM_660HZ_1S, 0.0),
                new LibraryEntry("gia-ca-20261123", "Giá cả nông sản 23/11/2026", "market-prices", Fixtures.ITEM_440HZ_2S,
                        0.0),
                new LibraryEntry("gia-ca-20261124", "Giá cả nông sản 24/11/2026", "market-prices", Fixtures.ITEM_440HZ_2S,
                        0.0)), base);
    }

    @Test
    void theSessionPlaysTheBulletinDatedItsDay() throws ProgramException {
        ScheduleCompiler compiler = new ScheduleCompiler(commune(morning("nhac-hieu", BULLETIN)), library, BASE);

        Schedule s = compiler.compile(NIGHT_BEFORE, 1).get("tram-1");

        assertEquals(List.of("nhac-hieu", "gia-ca-20261124"), s.sessions().get(0).items().stream()
                .map(Item::contentId).toList(), "the 24th's bulletin, not the 23rd's");
        assertEquals(List.of(), compiler.notices());
    }

    @Test
    void aDayWithoutItsBulletinIsANoticeAndTheSessionStillPlays() throws ProgramException {
        ScheduleCompiler compiler = new ScheduleCompiler(commune(morning("nhac-hieu", new PlaylistEntry.LatestBulletin(
                "gia-lua"))), library, BASE);

        Schedule s = compiler.compile(NIGHT_BEFORE, 1).get("tram-1");

        assertEquals(List.of("nhac-hieu"), s.sessions().get(0).items().stream().map(Item::contentId).toList());
        assertEquals(List.of("village thon-dong: session 'morning' on 2026-11-24 plays no bulletin gia-lua: gia-lua-20261124"
                + " is not in the library (chưa có bản tin hôm nay)"), compiler.notices());
    }

    @Test
    void theEntryIsWrittenAndReadAsLatestBulletinAndProgramsThatPlayItAreFound() throws Exception {
        assertEquals("{\"latestBulletin\":\"gia-ca\"}", Json.mapper().writeValueAsString(BULLETIN));
        assertEquals(BULLETIN, Json.mapper().readValue("{\"latestBulletin\":\"gia-ca\"}", PlaylistEntry.class));
        assertEquals("gia-ca-20261206", ((PlaylistEntry.LatestBulletin) BULLETIN).itemFor(LocalDate.of(2026, 12, 6)));
        assertTrue(ProgramUse.bulletins(commune(morning("nhac-hieu", BULLETIN)), "gia-ca"));
        assertFalse(ProgramUse.bulletins(commune(morning("nhac-hieu")), "gia-ca"));
    }

    private static Program morning(Object... items) {
        return new Program(List.of(new DailySession("morning", "Buổi sáng", LocalTime.of(5, 30), LocalTime.of(6, 30),
                List.of(items))), List.of());
    }

    private static Commune commune(Program program) {
        return new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", "Asia/Ho_Chi_Minh", 1, null),
                List.of(new Village("thon-dong", "Thôn Đông", null)),
                List.of(new Station("tram-1", "Loa Thôn Đông", "thon-dong")), List.of(), program);
    }
}
