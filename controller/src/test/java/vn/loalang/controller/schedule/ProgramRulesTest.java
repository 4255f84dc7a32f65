package vn.loalang.controller.schedule;

import vn.loalang.protocol.schedule.QuietHours;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.content.ContentLibrary;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.PlaylistEntry;
import vn.loalang.controller.directory.Commune.Cancellation;
import vn.loalang.controller.directory.Commune.DailySession;
import vn.loalang.controller.directory.Commune.LibraryEntry;
import vn.loalang.controller.directory.Commune.Program;
import vn.loalang.controller.directory.Commune.Station;
import vn.loalang.controller.directory.Commune.Village;
import vn.loalang.controller.testing.TestFiles;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The rules of a program beyond "every day": weekdays, chosen dates, validity windows,
 * cancellations, quiet hours and expired items. Monday 23 November 2026, seven days ahead.
 */
class ProgramRulesTest {
    /** 03:00 on Monday 23 November 2026 in Hà Nội. */
    private static final Instant MONDAY_NIGHT = Instant.parse("2026-11-22T20:00:00Z");
    private static final LocalDate MON = LocalDate.of(2026, 11, 23);

    @TempDir
    static Path base;
    static ContentLibrary library;

    @BeforeAll
    static void loadLibrary() throws IOException {
        TestFiles.copyFixture(Fixtures.ITEM_440HZ_2S, base);
        TestFiles.copyFixture(Fixtures.ITEM_660HZ_1S, base);
        library = ContentLibrary.load(List.of(
                new LibraryEntry("gia-lua", "Giá lúa tuần này", "market-prices", Fixtures.ITEM_440HZ_2S, 0.0, MON.plusDays(2)),
                new LibraryEntry("thoi-tiet", "Thời tiết", "warning", Fixtures.ITEM_660HZ_1S, 0.0, null)), base);
    }

    @Test
    void aWeekdaySessionRunsOnlyOnThoseDays() throws ProgramException {
        DailySession market = session("cho", 6, Set.of(DayOfWeek.MONDAY, DayOfWeek.THURSDAY), null, null, null);

        assertEquals(List.of("2026-11-23.cho", "2026-11-26.cho"), ids(compile(program(market), null)));
    }

    @Test
    void aSessionOnChosenDatesRunsOnlyThen() throws ProgramException {
        DailySession vaccination = session("tiem-chung", 6, null, List.of(MON.plusDays(1), MON.plusDays(5)), null, null);

        assertEquals(List.of("2026-11-24.tiem-chung", "2026-11-28.tiem-chung"), ids(compile(program(vaccination), null)));
    }

    @Test
    void aValidityWindowBoundsASeasonalSession() throws ProgramException {
        DailySession harvest = session("thu-hoach", 6, null, null, MON.plusDays(2), MON.plusDays(3));

        assertEquals(List.of("2026-11-25.thu-hoach", "2026-11-26.thu-hoach"), ids(compile(program(harvest), null)));
    }

    @Test
    void aHolidayCancelsEverySessionOfTheDayAndACancelledMorningOnlyThatOne() throws ProgramException {
        DailySession morning = session("morning", 5, null, null, null, null);
        DailySession evening = session("evening", 17, null, null, null, null);
        Program p = new Program(List.of(morning, evening), List.of(), List.of(
                new Cancellation(MON.plusDays(1), null, "Nghỉ lễ"),
                new Cancellation(MON.plusDays(2), "morning", "Mất điện cả xã")));

        List<String> ids = ids(compile(p, null));

        assertTrue(ids.stream().noneMatch(id -> id.startsWith("2026-11-24.")), ids.toString());
        assertTrue(ids.contains("2026-11-25.evening") && !ids.contains("2026-11-25.morning"), ids.toString());
        assertEquals(14 - 3, ids.size());
    }

    @Test
    void aCancellationOfAnUnknownSessionIsAProblem() {
        Program p = new Program(List.of(session("morning", 5, null, null, null, null)), List.of(),
                List.of(new Cancellation(MON.plusDays(1), "buoi-trua", null)));

        ProgramException e = assertThrows(ProgramException.class, () -> compile(p, null));

        assertEquals(List.of("village thon-dong: the cancellation on 2026-11-24 names session 'buoi-trua', "
                + "which the program does not have"), e.problems());
    }

    @Test
    void aSessionInTheQuietHoursIsRefusedEvenAcrossMidnight() {
        QuietHours night = new QuietHours(LocalTime.of(22, 0), LocalTime.of(5, 0));
        Program p = new Program(List.of(session("morning", 4, null, null, null, null),
                session("late", 22, null, null, null, null), session("evening", 17, null, null, null, null)), List.of());

        ProgramException e = assertThrows(ProgramException.class, () -> compile(p, night));

        assertEquals(List.of(
                "village thon-dong: session 'morning' (04:30–05:30) falls in the commune's quiet hours 22:00–05:00, "
                        + "when only emergencies may sound",
                "village thon-dong: session 'late' (22:30–23:30) falls in the commune's quiet hours 22:00–05:00, "
                        + "when only emergencies may sound"), e.problems());
    }

    @Test
    void anExpiredItemDropsOutOfLaterSessionsWithoutAnError() throws ProgramException {
        Program p = new Program(List.of(new DailySession("morning", null, LocalTime.of(5, 30), LocalTime.of(6, 30),
                List.of("gia-lua", "thoi-tiet"))), List.of());

        Schedule s = compile(p, null);

        for (Session session : s.sessions()) {
            List<String> items = session.items().stream().map(i -> i.contentId()).toList();
            boolean beforeExpiry = session.id().compareTo("2026-11-25") < 0;
            assertEquals(beforeExpiry ? List.of("gia-lua", "thoi-tiet") : List.of("thoi-tiet"), items, session.id());
        }
    }

    @Test
    void aSessionWhoseEveryItemExpiredIsLeftOut() throws ProgramException {
        Program p = new Program(List.of(new DailySession("cho", null, LocalTime.of(6, 0), LocalTime.of(7, 0),
                List.of("gia-lua"))), List.of());

        assertEquals(List.of("2026-11-23.cho", "2026-11-24.cho"), ids(compile(p, null)));
    }

    private static DailySession session(String id, int hour, Set<DayOfWeek> weekdays, List<LocalDate> dates,
                                        LocalDate from, LocalDate until) {
        return new DailySession(id, null, LocalTime.of(hour, 30), LocalTime.of(hour + 1, 30), PlaylistEntry.library("thoi-tiet"),
                weekdays, dates, from, until);
    }

    private static Program program(DailySession... sessions) {
        return new Program(List.of(sessions), List.of());
    }

    private static Schedule compile(Program program, QuietHours quiet) throws ProgramException {
        Commune commune = new Commune(
                new Commune.Settings("xa-an-binh", "Xã An Bình", "Asia/Ho_Chi_Minh", 7, null, quiet),
                List.of(new Village("thon-dong", "Thôn Đông", null)), List.of(new Station("thon-dong-1", null, "thon-dong")),
                List.of(), program);
        return new ScheduleCompiler(commune, library, URI.create("http://127.0.0.1:8080")).compile(MONDAY_NIGHT, 1)
                .get("thon-dong-1");
    }

    private static List<String> ids(Schedule s) {
        return s.sessions().stream().map(Session::id).toList();
    }
}
