package vn.loalang.controller.schedule;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.content.ContentLibrary;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.PlaylistEntry;
import vn.loalang.controller.directory.Commune.DailySession;
import vn.loalang.controller.directory.Commune.LibraryEntry;
import vn.loalang.controller.directory.Commune.OneOffSession;
import vn.loalang.controller.directory.Commune.Program;
import vn.loalang.controller.directory.Commune.Station;
import vn.loalang.controller.directory.Commune.Village;
import vn.loalang.controller.testing.TestFiles;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A commune in Asia/Ho_Chi_Minh (UTC+7, no summer time): morning 05:30–06:30 and evening
 * 17:00–18:00, three days ahead. Thôn Đông has two stations and plays the commune's program;
 * Thôn Tây has its own.
 */
class ScheduleCompilerTest {
    private static final URI BASE = URI.create("http://192.168.1.10:8080");
    /** 03:00 on 24 November 2026 in the commune, before the morning session. */
    private static final Instant NIGHT_BEFORE = Instant.parse("2026-11-23T20:00:00Z");
    private static final LocalDate NOV_24 = LocalDate.of(2026, 11, 24);
    private static final LocalDate NOV_25 = LocalDate.of(2026, 11, 25);

    @TempDir
    static Path base;
    static ContentLibrary library;

    @BeforeAll
    static void loadLibrary() throws IOException {
        for (String f : List.of(Fixtures.ITEM_440HZ_2S, Fixtures.ITEM_1000HZ_1500MS, Fixtures.ITEM_660HZ_1S, "truncated.mp3")) {
            TestFiles.copyFixture(f, base);
        }
        library = ContentLibrary.load(List.of(
                new LibraryEntry("gia-lua", "Giá lúa hôm nay", "market-prices", Fixtures.ITEM_440HZ_2S, -2.0),
                new LibraryEntry("bao-hiem", "Bảo hiểm y tế", null, Fixtures.ITEM_1000HZ_1500MS, 0.0),
                new LibraryEntry("thoi-tiet", "Thời tiết", "warning", Fixtures.ITEM_660HZ_1S, 1.5),
                new LibraryEntry("cat-ngang", "Bản tin bị cắt", null, "truncated.mp3", 0.0)), base);
        assertEquals(3, library.items().size(), "fixture library");
    }

    // ---- what a good program becomes ----------------------------------------------------------

    @Test
    void givesEachStationEverySessionOfTheComingDays() throws ProgramException {
        Map<String, Schedule> schedules = compiler(commune(communeProgram(List.of()))).compile(NIGHT_BEFORE, 42);

        assertEquals(List.of("thon-dong-1", "thon-dong-2", "thon-tay-1"), List.copyOf(schedules.keySet()));
        assertEquals(List.of("2026-11-24.morning", "2026-11-24.evening", "2026-11-25.morning", "2026-11-25.evening",
                "2026-11-26.morning", "2026-11-26.evening"), ids(schedules.get("thon-dong-1")));
    }

    @Test
    void sessionTimesAreTheLocalTimesOfTheCommuneAsInstants() throws ProgramException {
        Schedule s = compiler(commune(communeProgram(List.of()))).compile(NIGHT_BEFORE, 42).get("thon-dong-1");

        Session morning = s.sessions().get(0);
        Session evening = s.sessions().get(1);
        assertAll(
                () -> assertEquals(Instant.parse("2026-11-23T22:30:00Z"), morning.start(), "05:30+07:00 is 22:30Z the day before"),
                () -> assertEquals(Instant.parse("2026-11-23T23:30:00Z"), morning.end()),
                () -> assertEquals("Buổi sáng", morning.name()),
                () -> assertEquals(Instant.parse("2026-11-24T10:00:00Z"), evening.start()),
                () -> assertEquals(Instant.parse("2026-11-24T11:00:00Z"), evening.end()),
                () -> assertEquals(Instant.parse("2026-11-25T22:30:00Z"), s.sessions().get(4).start()));
    }

    @Test
    void theScheduleNamesItsStationVillageVersionZoneAndValidity() throws ProgramException {
        Schedule s = compiler(commune(communeProgram(List.of()))).compile(NIGHT_BEFORE, 42).get("thon-dong-2");

        assertAll(
                () -> assertEquals(1, s.schema()),
                () -> assertEquals("thon-dong-2", s.stationId()),
                () -> assertEquals("thon-dong", s.zone()),
                () -> assertEquals(42, s.version()),
                () -> assertEquals("Asia/Ho_Chi_Minh", s.timeZone()),
                () -> assertEquals(NIGHT_BEFORE, s.validFrom()),
                () -> assertEquals(Instant.parse("2026-11-26T17:00:00Z"), s.validUntil(),
                        "valid to the end of the last day of the horizon, commune time"));
    }

    @Test
    void resolvesEachItemToItsLibraryFileAtTheContentServer() throws ProgramException {
        Session morning = compiler(commune(communeProgram(List.of()))).compile(NIGHT_BEFORE, 1).get("thon-dong-1")
                .sessions().get(0);

        assertEquals(List.of("gia-lua", "bao-hiem"), morning.items().stream().map(Item::contentId).toList());
        for (Item item : morning.items()) {
            LibraryItem l = library.byId(item.contentId()).orElseThrow();
            assertAll(item.contentId(),
                    () -> assertEquals(l.title(), item.title()),
                    () -> assertEquals(l.sha256(), item.sha256()),
                    () -> assertEquals(URI.create("http://192.168.1.10:8080/content/" + l.sha256()), item.url()),
                    () -> assertEquals(l.sizeBytes(), item.sizeBytes()),
                    () -> assertEquals(l.duration().toMillis(), item.durationMillis()),
                    () -> assertEquals(l.gainDb(), item.gainDb()));
        }
        assertTrue(Math.abs(morning.items().get(0).durationMillis() - 2000) <= 50);
        assertTrue(Math.abs(morning.items().get(1).durationMillis() - 1500) <= 50);
    }

    @Test
    void contentUrlsKeepThePathOfAPublicUrlBehindAReverseProxy() throws ProgramException {
        for (String base : List.of("https://xa-an-binh.example/loalang", "https://xa-an-binh.example/loalang/")) {
            Item item = new ScheduleCompiler(commune(communeProgram(List.of())), library, URI.create(base))
                    .compile(NIGHT_BEFORE, 1).get("thon-dong-1").sessions().get(0).items().get(0);

            assertEquals(URI.create("https://xa-an-binh.example/loalang/content/" + item.sha256()), item.url(), base);
        }
    }

    @Test
    void leavesOutSessionsThatHaveEnded() throws ProgramException {
        Instant sevenAm = Instant.parse("2026-11-24T00:00:00Z");

        Schedule s = compiler(commune(communeProgram(List.of()))).compile(sevenAm, 1).get("thon-dong-1");

        assertEquals(List.of("2026-11-24.evening", "2026-11-25.morning", "2026-11-25.evening", "2026-11-26.morning",
                "2026-11-26.evening"), ids(s));
    }

    @Test
    void keepsASessionUnderWayAndDropsItTheMomentItsWindowEnds() throws ProgramException {
        ScheduleCompiler compiler = compiler(commune(communeProgram(List.of())));
        Instant morningEnd = Instant.parse("2026-11-23T23:30:00Z");

        assertEquals("2026-11-24.morning", compiler.compile(morningEnd.minusSeconds(1), 1).get("thon-dong-1").sessions().get(0).id());
        assertEquals("2026-11-24.evening", compiler.compile(morningEnd, 1).get("thon-dong-1").sessions().get(0).id());
    }

    @Test
    void aVillageWithItsOwnProgramGetsItsOwnSessions() throws ProgramException {
        Schedule tay = compiler(commune(communeProgram(List.of()))).compile(NIGHT_BEFORE, 1).get("thon-tay-1");

        assertEquals("thon-tay", tay.zone());
        assertEquals(List.of("2026-11-24.morning", "2026-11-25.morning", "2026-11-26.morning"), ids(tay));
        Session first = tay.sessions().get(0);
        assertEquals(Instant.parse("2026-11-23T22:00:00Z"), first.start(), "05:00 in Thôn Tây");
        assertEquals(List.of("thoi-tiet"), first.items().stream().map(Item::contentId).toList());
    }

    @Test
    void stationsOfOneVillageGetTheSameSessions() throws ProgramException {
        Map<String, Schedule> schedules = compiler(commune(communeProgram(List.of()))).compile(NIGHT_BEFORE, 1);

        assertEquals(schedules.get("thon-dong-1").sessions(), schedules.get("thon-dong-2").sessions());
    }

    @Test
    void includesAOneOffSessionOnItsDateInTimeOrder() throws ProgramException {
        OneOffSession meeting = new OneOffSession("hop-dan", "Họp dân", NOV_25, LocalTime.of(19, 0), LocalTime.of(19, 30),
                PlaylistEntry.library("thoi-tiet", "gia-lua"));

        Schedule s = compiler(commune(communeProgram(List.of(meeting)))).compile(NIGHT_BEFORE, 1).get("thon-dong-1");

        assertEquals(List.of("2026-11-24.morning", "2026-11-24.evening", "2026-11-25.morning", "2026-11-25.evening",
                "2026-11-25.hop-dan", "2026-11-26.morning", "2026-11-26.evening"), ids(s));
        Session hop = s.sessions().get(4);
        assertEquals("Họp dân", hop.name());
        assertEquals(Instant.parse("2026-11-25T12:00:00Z"), hop.start());
        assertEquals(Instant.parse("2026-11-25T12:30:00Z"), hop.end());
    }

    @Test
    void leavesOutAOneOffSessionOfAPastDate() throws ProgramException {
        OneOffSession past = new OneOffSession("hop-dan", "Họp dân", LocalDate.of(2026, 11, 20), LocalTime.of(19, 0),
                LocalTime.of(19, 30), PlaylistEntry.library("thoi-tiet"));

        Schedule s = compiler(commune(communeProgram(List.of(past)))).compile(NIGHT_BEFORE, 1).get("thon-dong-1");

        assertTrue(ids(s).stream().noneMatch(id -> id.endsWith(".hop-dan")), ids(s).toString());
    }

    @Test
    void aSessionRightAfterAnotherDoesNotOverlapIt() throws ProgramException {
        OneOffSession after = new OneOffSession("them", null, NOV_24, LocalTime.of(6, 30), LocalTime.of(7, 0),
                PlaylistEntry.library("thoi-tiet"));

        Schedule s = compiler(commune(communeProgram(List.of(after)))).compile(NIGHT_BEFORE, 1).get("thon-dong-1");

        assertEquals("2026-11-24.them", s.sessions().get(1).id());
        assertEquals("them", s.sessions().get(1).name(), "a session without a name is called by its id");
    }

    // ---- what an operator is told when the program is wrong ------------------------------------

    @Test
    void refusesAOneOffSessionThatOverlapsADailySession() {
        OneOffSession clash = new OneOffSession("hop-dan", "Họp dân", NOV_25, LocalTime.of(6, 0), LocalTime.of(6, 45),
                PlaylistEntry.library("thoi-tiet"));

        List<String> problems = problems(commune(communeProgram(List.of(clash))));

        assertEquals(List.of("village thon-dong: sessions 2026-11-25.morning and 2026-11-25.hop-dan overlap"), problems);
    }

    @Test
    void refusesAPlaylistLongerThanItsWindowAndSaysBothLengths() {
        DailySession tooShort = new DailySession("tin-nhanh", "Tin nhanh", LocalTime.of(12, 0), LocalTime.of(12, 0, 3),
                List.of("gia-lua", "bao-hiem"));

        List<String> problems = problems(commune(communeProgram(List.of()), tooShort));

        assertEquals(1, problems.size(), problems.toString());
        String p = problems.get(0);
        assertTrue(p.startsWith("village thon-dong: session 'tin-nhanh' (12:00–12:00:03) has a playlist of 0 min 3."), p);
        assertTrue(p.endsWith(", longer than its window of 0 min 3 s"), p);
        assertFalse(p.contains("playlist of 0 min 3 s,"), "the playlist must not look as long as the window: " + p);
    }

    @Test
    void refusesAnItemThatIsNotInTheLibrary() {
        DailySession noon = new DailySession("trua", "Buổi trưa", LocalTime.of(11, 0), LocalTime.of(11, 30),
                List.of("gia-lua", "khong-co"));

        assertEquals(List.of("village thon-dong: session 'trua' uses 'khong-co', which is not in the library"),
                problems(commune(communeProgram(List.of()), noon)));
    }

    @Test
    void refusesAnItemTheLibraryRefusedAndSaysWhy() {
        DailySession noon = new DailySession("trua", "Buổi trưa", LocalTime.of(11, 0), LocalTime.of(11, 30),
                List.of("cat-ngang"));

        List<String> problems = problems(commune(communeProgram(List.of()), noon));

        assertEquals(1, problems.size(), problems.toString());
        String p = problems.get(0);
        assertTrue(p.startsWith("village thon-dong: session 'trua' uses 'cat-ngang', which was refused by the library: "), p);
        assertTrue(p.endsWith(library.refused().get("cat-ngang")), p);
        assertTrue(p.contains("truncated.mp3 is truncated"), p);
    }

    @Test
    void refusesASessionThatDoesNotEndAfterItStarts() {
        DailySession overnight = new DailySession("dem", "Ban đêm", LocalTime.of(22, 0), LocalTime.of(1, 0), List.of("gia-lua"));
        DailySession instant = new DailySession("chop", null, LocalTime.of(12, 0), LocalTime.of(12, 0), List.of("gia-lua"));

        assertEquals(List.of(
                        "village thon-dong: session 'dem' ends at 01:00, not after it starts at 22:00",
                        "village thon-dong: session 'chop' ends at 12:00, not after it starts at 12:00"),
                problems(commune(communeProgram(List.of()), overnight, instant)));
    }

    @Test
    void refusesASessionWithNoItems() {
        DailySession empty = new DailySession("trua", "Buổi trưa", LocalTime.of(11, 0), LocalTime.of(11, 30), List.of());

        assertEquals(List.of("village thon-dong: session 'trua' has no items"),
                problems(commune(communeProgram(List.of()), empty)));
    }

    @Test
    void refusesASessionIdUsedTwice() {
        DailySession again = new DailySession("morning", "Buổi sáng 2", LocalTime.of(8, 0), LocalTime.of(9, 0),
                List.of("gia-lua"));
        OneOffSession oneOffAgain = new OneOffSession("evening", "Buổi chiều đặc biệt", NOV_25, LocalTime.of(20, 0),
                LocalTime.of(21, 0), PlaylistEntry.library("gia-lua"));

        List<String> problems = problems(commune(communeProgram(List.of(oneOffAgain)), again));

        assertTrue(problems.contains("village thon-dong: session id 'morning' is used twice"), problems.toString());
        assertTrue(problems.contains("village thon-dong: session id 'evening' is used twice"), problems.toString());
    }

    @Test
    void collectsEveryProblemOfEveryVillageAndReportsEachOnceNotOncePerDay() {
        DailySession empty = new DailySession("trua", "Buổi trưa", LocalTime.of(11, 0), LocalTime.of(11, 30), List.of());
        DailySession unknown = new DailySession("toi", "Buổi tối", LocalTime.of(20, 0), LocalTime.of(20, 30),
                List.of("khong-co"));
        Program tay = new Program(List.of(new DailySession("morning", null, LocalTime.of(5, 0), LocalTime.of(6, 0),
                List.of("cat-ngang"))), List.of());
        Commune c = commune(new Program(List.of(daily("morning", 5, 30, 6, 30, "gia-lua"), empty, unknown), List.of()), tay);

        ProgramException e = assertThrows(ProgramException.class, () -> compiler(c).compile(NIGHT_BEFORE, 1));

        assertEquals(List.of(
                "village thon-dong: session 'trua' has no items",
                "village thon-dong: session 'toi' uses 'khong-co', which is not in the library",
                "village thon-tay: session 'morning' uses 'cat-ngang', which was refused by the library: "
                        + library.refused().get("cat-ngang")), e.problems());
        assertTrue(e.getMessage().startsWith("the program cannot be published (3 problem(s)):"), e.getMessage());
        for (String p : e.problems()) {
            assertTrue(e.getMessage().contains("\n  - " + p), e.getMessage());
        }
    }

    @Test
    void aProblemOnlyInThePastDoesNotBlockTheProgram() throws ProgramException {
        OneOffSession past = new OneOffSession("cu", "Cũ", LocalDate.of(2026, 11, 1), LocalTime.of(8, 0), LocalTime.of(9, 0),
                PlaylistEntry.library("khong-co"));

        Schedule s = compiler(commune(communeProgram(List.of(past)))).compile(NIGHT_BEFORE, 1).get("thon-dong-1");

        assertEquals(6, s.sessions().size());
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static List<String> problems(Commune c) {
        return assertThrows(ProgramException.class, () -> compiler(c).compile(NIGHT_BEFORE, 1)).problems();
    }

    private static ScheduleCompiler compiler(Commune c) {
        return new ScheduleCompiler(c, library, BASE);
    }

    private static Program communeProgram(List<OneOffSession> oneOff) {
        return new Program(List.of(daily("morning", 5, 30, 6, 30, "gia-lua", "bao-hiem"),
                new DailySession("evening", "Buổi chiều", LocalTime.of(17, 0), LocalTime.of(18, 0), List.of("thoi-tiet"))),
                oneOff);
    }

    private static DailySession daily(String id, int h1, int m1, int h2, int m2, String... items) {
        return new DailySession(id, id.equals("morning") ? "Buổi sáng" : null, LocalTime.of(h1, m1), LocalTime.of(h2, m2),
                List.of(items));
    }

    /** The commune's program, plus {@code extra} daily sessions for it. */
    private static Commune commune(Program program, DailySession... extra) {
        List<DailySession> daily = new ArrayList<>(program.daily());
        daily.addAll(List.of(extra));
        Program tay = new Program(List.of(daily("morning", 5, 0, 6, 0, "thoi-tiet")), List.of());
        return commune(new Program(daily, program.oneOff()), tay);
    }

    private static Commune commune(Program program, Program tayProgram) {
        return new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", "Asia/Ho_Chi_Minh", 3, null),
                List.of(new Village("thon-dong", "Thôn Đông", null), new Village("thon-tay", "Thôn Tây", tayProgram)),
                List.of(new Station("thon-dong-1", null, "thon-dong"), new Station("thon-dong-2", null, "thon-dong"),
                        new Station("thon-tay-1", null, "thon-tay")),
                List.of(), program);
    }

    private static List<String> ids(Schedule s) {
        return s.sessions().stream().map(Session::id).toList();
    }
}
