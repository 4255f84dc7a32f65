package vn.loalang.controller.schedule;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.content.ContentLibrary;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.Commune.Cancellation;
import vn.loalang.controller.directory.Commune.DailySession;
import vn.loalang.controller.directory.Commune.LibraryEntry;
import vn.loalang.controller.directory.Commune.OneOffSession;
import vn.loalang.controller.directory.Commune.Program;
import vn.loalang.controller.directory.PlaylistEntry;
import vn.loalang.controller.directory.VolumeLimits;
import vn.loalang.controller.live.LiveSource;
import vn.loalang.controller.schedule.ProblemPlace.Place;
import vn.loalang.controller.testing.TestFiles;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.Fallback;
import vn.loalang.protocol.schedule.QuietHours;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Each problem the compiler can report, made by the real compiler from a program that has it, read back into
 * its place. Thôn Đông in Asia/Ho_Chi_Minh, one day ahead from 03:00 on 24 November 2026, quiet hours
 * 22:00–05:00; the library holds a 2-second item and a file it refused.
 */
class ProblemPlaceTest {
    private static final Instant NIGHT_BEFORE = Instant.parse("2026-11-23T20:00:00Z");
    private static final LocalDate NOV_24 = LocalDate.of(2026, 11, 24);
    private static final Map<String, LiveSource> SOURCES = Map.of(
            "vov1", new LiveSource("vov1", "VOV1", "https://stream.vov.vn/vov1.aac", null, EndRule.PROGRAMME_END, 12, true),
            "tat", new LiveSource("tat", "Đài cũ", "http://example.org/old.mp3", null, null, null, false));

    @TempDir
    static Path base;
    static ContentLibrary library;

    @BeforeAll
    static void loadLibrary() throws IOException {
        for (String f : List.of(Fixtures.ITEM_440HZ_2S, "truncated.mp3")) {
            TestFiles.copyFixture(f, base);
        }
        library = ContentLibrary.load(List.of(
                new LibraryEntry("gia-lua", "Giá lúa hôm nay", "market-prices", Fixtures.ITEM_440HZ_2S, 0.0),
                new LibraryEntry("cat-ngang", "Bản tin bị cắt", null, "truncated.mp3", 0.0)), base);
    }

    private static DailySession daily(String id, String start, String end, List<?> items) {
        return new DailySession(id, id, LocalTime.parse(start), LocalTime.parse(end), items);
    }

    /** The one problem {@code program} has that begins with {@code words} (after "village thon-dong: "), and its places. */
    private static List<Place> placesOf(Program program, String words) {
        Commune commune = new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", "Asia/Ho_Chi_Minh", 1, null,
                new QuietHours(LocalTime.of(22, 0), LocalTime.of(5, 0))),
                List.of(new Commune.Village("thon-dong", "Thôn Đông", null)),
                List.of(new Commune.Station("thon-dong-1", "Loa", "thon-dong")), List.of(), program);
        ScheduleCompiler compiler = new ScheduleCompiler(commune, library, URI.create("http://127.0.0.1"))
                .relayWith(new LiveInputs(() -> SOURCES, channel -> URI.create("http://127.0.0.1:9/" + channel.mount()),
                        new LiveAgents(station -> Optional.of("0.2.0"))));
        List<String> found = compiler.problems(commune, NIGHT_BEFORE).stream()
                .filter(p -> p.startsWith("village thon-dong: " + words)).toList();
        assertEquals(1, found.size(), "'" + words + "' in " + compiler.problems(commune, NIGHT_BEFORE));
        return ProblemPlace.of(found.get(0));
    }

    private static Place at(String session, String field) {
        return new Place("thon-dong", session, null, field);
    }

    @Test
    void aSessionIdUsedTwiceIsPlacedAtTheId() {
        assertEquals(List.of(at("sang", "id")), placesOf(new Program(List.of(daily("sang", "05:30", "06:30",
                List.of("gia-lua")), daily("sang", "07:00", "07:30", List.of("gia-lua"))), List.of()), "session id 'sang'"));
        assertEquals(List.of(at("hop", "id")), placesOf(new Program(List.of(daily("hop", "05:30", "06:30",
                List.of("gia-lua"))), List.of(new OneOffSession("hop", "Họp", NOV_24, LocalTime.of(9, 0),
                LocalTime.of(9, 30), List.of("gia-lua")))), "session id 'hop'"));
    }

    @Test
    void aCancellationNamingAnUnknownSessionIsPlacedAtItsDate() {
        assertEquals(List.of(new Place("thon-dong", "trua", NOV_24, "cancellation")), placesOf(new Program(
                List.of(daily("sang", "05:30", "06:30", List.of("gia-lua"))), List.of(),
                List.of(new Cancellation(NOV_24, "trua", "Tết"))), "the cancellation on"));
    }

    @Test
    void timesInTheQuietHoursOrBackwardsArePlacedAtTheStartAndTheEnd() {
        assertEquals(List.of(at("khuya", "start")), placesOf(new Program(List.of(daily("khuya", "04:00", "04:30",
                List.of("gia-lua"))), List.of()), "session 'khuya' (04:00–04:30) falls in the commune's quiet hours"));
        assertEquals(List.of(at("chieu", "end")), placesOf(new Program(List.of(daily("chieu", "17:00", "16:00",
                List.of("gia-lua"))), List.of()), "session 'chieu' ends at 16:00"));
    }

    @Test
    void playlistProblemsArePlacedAtTheItems() {
        assertEquals(List.of(at("sang", "items")), placesOf(new Program(List.of(daily("sang", "05:30", "06:30",
                List.of())), List.of()), "session 'sang' has no items"));
        assertEquals(List.of(at("ngan", "items")), placesOf(new Program(List.of(daily("ngan", "07:00", "07:00:01",
                List.of("gia-lua"))), List.of()), "session 'ngan' (07:00–07:00:01) has a playlist of"));
        assertEquals(List.of(at("sang", "items")), placesOf(new Program(List.of(daily("sang", "05:30", "06:30",
                List.of("khong-co"))), List.of()), "session 'sang' uses 'khong-co', which is not in the library"));
        assertEquals(List.of(at("sang", "items")), placesOf(new Program(List.of(daily("sang", "05:30", "06:30",
                List.of("cat-ngang"))), List.of()), "session 'sang' uses 'cat-ngang', which was refused by the library"));
    }

    @Test
    void relayProblemsArePlacedAtTheItems() {
        assertEquals(List.of(at("sang", "items")), placesOf(relay(relay("vo-danh", "05:40", null, null)),
                "session 'sang' relays vo-danh at 05:40, which is not one of"));
        assertEquals(List.of(at("sang", "items")), placesOf(relay(relay("tat", "05:40", null, null)),
                "session 'sang' relays tat at 05:40, which is disabled"));
        assertEquals(List.of(at("sang", "items")), placesOf(relay(relay("vov1", "06:20", null, null)),
                "session 'sang' relays vov1 at 06:20 until 06:40, outside the session's window"));
        assertEquals(List.of(at("sang", "items")), placesOf(new Program(List.of(daily("sang", "05:30", "06:30",
                List.of(PlaylistEntry.of(List.of("gia-lua")).get(0), relay("vov1", "05:30", null, null)))), List.of()),
                "session 'sang' relays vov1 at 05:30, but the items before it play until"));
        assertEquals(List.of(at("sang", "items")), placesOf(relay(relay("vov1", "05:40", Fallback.ITEM_THEN_REST, null)),
                "session 'sang' relays vov1 at 05:40 with fallback ITEM_THEN_REST, but names no fallbackItem"));
    }

    private static PlaylistEntry.RelayRef relay(String source, String start, Fallback fallback, String item) {
        return new PlaylistEntry.RelayRef(source, LocalTime.parse(start), null, 20, null, null, fallback, item);
    }

    private static Program relay(PlaylistEntry.RelayRef relay) {
        return new Program(List.of(daily("sang", "05:30", "06:30", List.of(relay))), List.of());
    }

    @Test
    void anOverlapIsPlacedAtTheEarlierEndAndTheLaterStartOnItsDay() {
        assertEquals(List.of(new Place("thon-dong", "sang", NOV_24, "end"), new Place("thon-dong", "them", NOV_24, "start")),
                placesOf(new Program(List.of(daily("sang", "05:30", "06:30", List.of("gia-lua")),
                        daily("them", "06:00", "06:15", List.of("gia-lua"))), List.of()), "sessions 2026-11-24.sang and"));
    }

    @Test
    void valuesTheProgramsRecordsRefuseArePlacedAtTheirField() {
        IllegalArgumentException window = assertThrows(IllegalArgumentException.class, () -> new DailySession("mua",
                "Mùa vụ", LocalTime.of(7, 0), LocalTime.of(7, 30), List.of("gia-lua"), null, null,
                LocalDate.of(2027, 3, 1), LocalDate.of(2027, 2, 1)));
        assertEquals(List.of(new Place(null, "mua", null, "validUntil")), ProblemPlace.of(window.getMessage()));
        NullPointerException end = assertThrows(NullPointerException.class, () -> new OneOffSession("hop", "Họp", NOV_24,
                LocalTime.of(9, 0), null, List.of()));
        assertEquals(List.of(new Place(null, "hop", null, "end")), ProblemPlace.of(end.getMessage()));
        IllegalArgumentException loud = assertThrows(IllegalArgumentException.class,
                () -> VolumeLimits.DEFAULTS.check("buổi phát sang (thôn/ấp thon-tay)", "session sang (village thon-tay)", 99.0));
        assertEquals(List.of(new Place("thon-tay", "sang", null, "volume")), ProblemPlace.of(loud.getMessage()));
    }

    @Test
    void wordsItDoesNotKnowHaveNoPlaceAndAreNotLost() {
        assertEquals(List.of(), ProblemPlace.of("the disk is full"));
        assertEquals(List.of(new Place("thon-dong", null, null, null)), ProblemPlace.of("village thon-dong: something new"));
        assertEquals(List.of(at("sang", null)), ProblemPlace.of("village thon-dong: session 'sang' does something new"));
    }

    /** A problem added to the compiler without a place here fails this test, not an operator's search for it. */
    @Test
    void everyProblemTheCompilerCanReportIsCoveredAbove() throws IOException {
        String source = Files.readString(Path.of("src/main/java/vn/loalang/controller/schedule/ScheduleCompiler.java"));
        Matcher m = Pattern.compile("problems\\.add\\(").matcher(source);
        int sites = 0;
        while (m.find()) {
            sites++;
        }
        // used twice ×2, cancellation, quiet hours, backwards, too long, overlap, no items, missing item,
        // relay source, relay window, relay behind the items, relay without its fallback item.
        assertEquals(13, sites, "ScheduleCompiler reports a problem this test does not make: add it here and to ProblemPlace");
    }
}
