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
import vn.loalang.controller.directory.PlaylistEntry.RelayRef;
import vn.loalang.controller.live.LiveSource;
import vn.loalang.controller.testing.TestFiles;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.Fallback;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.schedule.RelaySpec;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Relays in the program, compiled for one day in Asia/Ho_Chi_Minh (UTC+7): the morning session 05:30–06:30 of
 * 24 November 2026, seen at 03:00. Station {@code tram-moi} runs an agent that plays live items, {@code tram-cu}
 * one from before issue 17.
 */
class ScheduleCompilerRelayTest {
    private static final URI BASE = URI.create("http://192.168.1.10:8080");
    private static final Instant NIGHT_BEFORE = Instant.parse("2026-11-23T20:00:00Z");
    private static final Instant MORNING = Instant.parse("2026-11-23T22:30:00Z");
    private static final Map<String, LiveSource> SOURCES = Map.of(
            "vov1", new LiveSource("vov1", "VOV1", "https://stream.vov.vn/vov1.aac", null, EndRule.PROGRAMME_END, 12, true),
            "tat", new LiveSource("tat", "Đài cũ", "http://example.org/old.mp3", null, null, null, false));

    @TempDir
    static Path base;
    static ContentLibrary library;

    @BeforeAll
    static void loadLibrary() throws IOException {
        for (String f : List.of(Fixtures.ITEM_440HZ_2S, Fixtures.ITEM_660HZ_1S, Fixtures.ITEM_1000HZ_1500MS)) {
            TestFiles.copyFixture(f, base);
        }
        library = ContentLibrary.load(List.of(
                new LibraryEntry("gia-lua", "Giá lúa hôm nay", "market-prices", Fixtures.ITEM_440HZ_2S, 0.0),
                new LibraryEntry("nhac-nen", "Nhạc nền", "other", Fixtures.ITEM_660HZ_1S, 0.0),
                // Recordings of VOV1 as the recorder names them: rec-<source>-<local start>.
                new LibraryEntry("rec-vov1-20261123-0530", "VOV1 05:30 23/11 — ghi lại", "relay-recording",
                        Fixtures.ITEM_660HZ_1S, 0.0),
                new LibraryEntry("rec-vov1-20261123-1800", "VOV1 18:00 23/11 — ghi lại", "relay-recording",
                        Fixtures.ITEM_1000HZ_1500MS, 0.0),
                new LibraryEntry("rec-vov1-20261124-0600", "VOV1 06:00 24/11 — ghi lại", "relay-recording",
                        Fixtures.ITEM_440HZ_2S, 0.0)), base);
        assertEquals(5, library.items().size(), "fixture library");
    }

    @Test
    void aRelayBecomesALiveItemWithTheSourcesDefaultsAndTheChannelsUrl() throws ProgramException {
        Schedule s = compiler(morning("gia-lua", relay("vov1", 5, 35, 30, "nhac-nen"), "gia-lua"))
                .compile(NIGHT_BEFORE, 1).get("tram-moi");

        Session morning = s.sessions().get(0);
        Item live = morning.items().get(1);
        RelaySpec r = live.relay();
        assertAll(
                () -> assertEquals(3, morning.items().size()),
                () -> assertEquals("relay-vov1", live.contentId()),
                () -> assertEquals("VOV1", live.title()),
                () -> assertEquals(Duration.ofMinutes(30), live.duration()),
                () -> assertEquals(LiveChannelId.relay("vov1"), r.channel()),
                () -> assertEquals(URI.create("http://127.0.0.1:9/live/relay-vov1.mp3"), r.url()),
                () -> assertEquals(Instant.parse("2026-11-23T22:35:00Z"), r.start()),
                () -> assertEquals(Instant.parse("2026-11-23T23:05:00Z"), r.end()),
                () -> assertEquals(EndRule.PROGRAMME_END, r.endRule(), "the source's default"),
                () -> assertEquals(12, r.maxSilenceSeconds(), "the source's default"),
                () -> assertEquals(Fallback.ITEM_THEN_REST, r.fallback(), "a fallback item given: it is played"),
                () -> assertEquals("nhac-nen", r.fallbackItem().contentId()),
                () -> assertEquals(RelaySpec.RELAY_JITTER_MILLIS, r.jitterTargetMillis()));
    }

    @Test
    void theSlotsOwnEndRuleSilenceAndEndWin() throws ProgramException {
        RelayRef own = new RelayRef("vov1", LocalTime.of(6, 0), LocalTime.of(6, 15), null, EndRule.FIXED, 30,
                Fallback.WAIT, null);
        RelaySpec r = compiler(morning(own)).compile(NIGHT_BEFORE, 1).get("tram-moi").sessions().get(0)
                .items().get(0).relay();

        assertEquals(List.of(EndRule.FIXED, 30, Fallback.WAIT, Duration.ofMinutes(15)),
                List.of(r.endRule(), r.maxSilenceSeconds(), r.fallback(), r.slot()));
    }

    @Test
    void everyFaultOfARelayIsAProblem() {
        List<String> problems = assertThrows(ProgramException.class, () -> compiler(morning(
                "gia-lua",
                relay("vov1", 5, 30, 10, null),                   // before gia-lua is over
                relay("vov9", 5, 45, 5, null),                    // no such source
                relay("tat", 5, 50, 5, null),                     // disabled
                new RelayRef("vov1", LocalTime.of(5, 56), null, 1, null, null, Fallback.ITEM_THEN_REST, null),
                relay("vov1", 5, 58, 1, "khong-co"),              // its fallback is not in the library
                relay("vov1", 6, 20, 20, null)))                  // runs past 06:30
                .compile(NIGHT_BEFORE, 1)).problems();

        assertEquals(List.of(
                "village thon-dong: session 'morning' relays vov1 at 05:30, but the items before it play until 05:30:02",
                "village thon-dong: session 'morning' relays vov9 at 05:45, which is not one of the commune's live sources",
                "village thon-dong: session 'morning' relays tat at 05:50, which is disabled",
                "village thon-dong: session 'morning' relays vov1 at 05:56 with fallback ITEM_THEN_REST, but names no"
                        + " fallbackItem",
                "village thon-dong: session 'morning' uses 'khong-co', which is not in the library",
                "village thon-dong: session 'morning' relays vov1 at 06:20 until 06:40, outside the session's window"
                        + " 05:30–06:30"), problems);
    }

    @Test
    void itemsAfterARelayStartAtItsHardEnd() {
        // Until 06:29:00, then 2 s of gia-lua: fits. Until 06:30, then gia-lua: does not.
        assertEquals(List.of(), compiler(morning(relay("vov1", 5, 30, 59, null), "gia-lua")).problems(commune(
                morning(relay("vov1", 5, 30, 59, null), "gia-lua")), NIGHT_BEFORE));
        RelayRef toTheEnd = new RelayRef("vov1", LocalTime.of(5, 31), LocalTime.of(6, 30), null, null, null, null, null);
        List<String> problems = compiler(morning(toTheEnd, "gia-lua")).problems(commune(morning(toTheEnd, "gia-lua")),
                NIGHT_BEFORE);
        assertEquals(List.of("village thon-dong: session 'morning' (05:30–06:30) has a playlist of 60 min 2 s, longer"
                + " than its window of 60 min 0 s"), problems);
    }

    @Test
    void anOldAgentGetsTheFallbackInPlaceAndTheOperatorANotice() throws ProgramException {
        ScheduleCompiler compiler = compiler(morning("gia-lua", relay("vov1", 5, 35, 30, "nhac-nen"),
                relay("vov1", 6, 10, 10, null)));
        Map<String, Schedule> schedules = compiler.compile(NIGHT_BEFORE, 1);

        assertEquals(List.of("gia-lua", "relay-vov1", "relay-vov1"), ids(schedules.get("tram-moi")));
        assertEquals(List.of("gia-lua", "nhac-nen"), ids(schedules.get("tram-cu")),
                "the first relay's fallback item in its place; the second has none and is left out");
        assertTrue(schedules.get("tram-cu").sessions().get(0).items().stream().noneMatch(Item::live));
        assertEquals(1, compiler.notices().size(), compiler.notices().toString());
        assertTrue(compiler.notices().get(0).startsWith("station tram-cu (agent 0.1.0-SNAPSHOT, before "
                + LiveAgents.FIRST_LIVE_VERSION + ") cannot play relays"), compiler.notices().get(0));
    }

    @Test
    void aStationLeftWithoutItemsLosesTheSessionNotItsSchedule() throws ProgramException {
        Map<String, Schedule> schedules = compiler(morning(relay("vov1", 5, 35, 30, null))).compile(NIGHT_BEFORE, 1);

        assertEquals(1, schedules.get("tram-moi").sessions().size());
        assertEquals(0, schedules.get("tram-cu").sessions().size());
    }

    @Test
    void agentVersionsFromTheFirstLiveOnePlayLiveItems() {
        assertAll(
                () -> assertTrue(LiveAgents.plays("dev")),
                () -> assertTrue(LiveAgents.plays(LiveAgents.FIRST_LIVE_VERSION)),
                () -> assertTrue(LiveAgents.plays("0.2.0-SNAPSHOT")),
                () -> assertTrue(LiveAgents.plays("0.10.1")),
                () -> assertTrue(LiveAgents.plays("1.0")),
                () -> assertEquals(false, LiveAgents.plays("0.1.0-SNAPSHOT")),
                () -> assertEquals(false, LiveAgents.plays("0.1.9")),
                () -> assertEquals(false, LiveAgents.plays("nightly")),
                () -> assertEquals(false, LiveAgents.plays(null), "not reported yet: an old agent is the safe guess"));
    }

    @Test
    void theReplayIsTheNewestRecordingBeforeTheSession() throws ProgramException {
        ScheduleCompiler compiler = compiler(morning("gia-lua", new PlaylistEntry.LatestRecording("vov1")));
        assertEquals(List.of("gia-lua", "rec-vov1-20261123-1800"), ids(compiler.compile(NIGHT_BEFORE, 1).get("tram-moi")),
                "not the one recorded at 06:00 the same day, after the session starts");

        ScheduleCompiler none = compiler(morning("gia-lua", new PlaylistEntry.LatestRecording("dai-tinh")));
        assertEquals(List.of("gia-lua"), ids(none.compile(NIGHT_BEFORE, 1).get("tram-moi")));
        assertEquals(List.of("village thon-dong: session 'morning' on 2026-11-24 plays no recording of dai-tinh: none"
                + " was kept before it starts; its other items play without it"), none.notices());
    }

    @Test
    void removingARelayedSourceIsANewProblem() {
        ScheduleCompiler compiler = compiler(morning(relay("vov1", 5, 35, 30, null)));
        Map<String, LiveSource> withoutVov1 = Map.of("tat", SOURCES.get("tat"));

        assertEquals(List.of("village thon-dong: session 'morning' relays vov1 at 05:35, which is not one of the"
                + " commune's live sources"), compiler.newProblems(SOURCES, withoutVov1, NIGHT_BEFORE));
        assertEquals(List.of(), compiler.newProblems(SOURCES, SOURCES, NIGHT_BEFORE));
    }

    @Test
    void withoutLiveSourcesARelayIsAProblemNotACrash() {
        ScheduleCompiler plain = new ScheduleCompiler(commune(morning(relay("vov1", 5, 35, 30, null))), library, BASE);
        assertEquals(List.of("village thon-dong: session 'morning' relays vov1 at 05:35, which is not one of the"
                + " commune's live sources"), assertThrows(ProgramException.class,
                () -> plain.compile(NIGHT_BEFORE, 1)).problems());
    }

    @Test
    void aMissedRelaysRecordingOpensTheStationsNextSessionMarkedLate() throws ProgramException {
        Map<String, Map<String, List<String>>> late = Map.of("tram-moi", Map.of("2026-11-24.morning",
                List.of("rec-vov1-20261123-1800")), "tram-cu", Map.of("2026-11-24.morning", List.of("khong-con")));
        ScheduleCompiler compiler = new ScheduleCompiler(commune(morning("gia-lua", relay("vov1", 5, 35, 30, "nhac-nen"))),
                library, BASE).relayWith(new LiveInputs(() -> SOURCES,
                channel -> URI.create("http://127.0.0.1:9/live/" + channel.mount()), LiveAgents.all(), () -> late));

        Map<String, Schedule> schedules = compiler.compile(NIGHT_BEFORE, 1);

        List<Item> items = schedules.get("tram-moi").sessions().get(0).items();
        assertEquals(List.of("rec-vov1-20261123-1800", "gia-lua", "relay-vov1"), items.stream().map(Item::contentId).toList());
        assertTrue(items.get(0).playedLate());
        assertEquals(List.of("gia-lua", "relay-vov1"), ids(schedules.get("tram-cu")));
        assertEquals(List.of("station tram-cu: the recording khong-con of a missed relay is no longer in the library;"
                + " session 2026-11-24.morning plays without it"), compiler.notices());
    }

    @Test
    void aLateRecordingThatWouldPushARelayBackIsNotPlayed() throws ProgramException {
        // gia-lua (2 s) ends at 05:30:02; a 1.5 s recording before it would still fit, but the relay starts at 05:30:03.
        Map<String, Map<String, List<String>>> late = Map.of("tram-moi", Map.of("2026-11-24.morning",
                List.of("rec-vov1-20261123-1800")));
        RelayRef tight = new RelayRef("vov1", LocalTime.of(5, 30, 3), null, 30, null, null, null, null);
        ScheduleCompiler compiler = new ScheduleCompiler(commune(morning("gia-lua", tight)), library, BASE)
                .relayWith(new LiveInputs(() -> SOURCES, channel -> URI.create("http://127.0.0.1:9/" + channel.mount()),
                        LiveAgents.all(), () -> late));

        assertEquals(List.of("gia-lua", "relay-vov1"), ids(compiler.compile(NIGHT_BEFORE, 1).get("tram-moi")));
        assertEquals(List.of("station tram-moi: the recording of a missed relay does not fit session 2026-11-24.morning;"
                + " it is not played late"), compiler.notices());
    }

    // ---- helpers ----------------------------------------------------------------------------------

    private static RelayRef relay(String source, int h, int m, int maxMinutes, String fallbackItem) {
        return new RelayRef(source, LocalTime.of(h, m), null, maxMinutes, null, null, null, fallbackItem);
    }

    private static Program morning(Object... items) {
        return new Program(List.of(new DailySession("morning", "Buổi sáng", LocalTime.of(5, 30), LocalTime.of(6, 30),
                List.of(items))), List.of());
    }

    private static Commune commune(Program program) {
        return new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", "Asia/Ho_Chi_Minh", 1, null),
                List.of(new Village("thon-dong", "Thôn Đông", null)),
                List.of(new Station("tram-moi", "Loa mới", "thon-dong"), new Station("tram-cu", "Loa cũ", "thon-dong")),
                List.of(), program);
    }

    private static ScheduleCompiler compiler(Program program) {
        LiveAgents agents = new LiveAgents(station -> Optional.of(station.equals("tram-moi") ? "0.2.0" : "0.1.0-SNAPSHOT"));
        return new ScheduleCompiler(commune(program), library, BASE).relayWith(new LiveInputs(() -> SOURCES,
                channel -> URI.create("http://127.0.0.1:9/live/" + channel.mount()), agents));
    }

    private static List<String> ids(Schedule s) {
        return s.sessions().stream().flatMap(x -> x.items().stream()).map(Item::contentId).toList();
    }
}
