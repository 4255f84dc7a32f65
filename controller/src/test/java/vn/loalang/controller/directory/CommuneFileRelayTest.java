package vn.loalang.controller.directory;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.live.LatePolicy;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.Fallback;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A session's playlist entries in a commune file: library ids as strings (as before), relays and replays as objects. */
class CommuneFileRelayTest {
    private static final String FILE = """
            {
              "commune": {"id": "xa-an-binh", "name": "Xã An Bình"%s},
              "villages": [{"id": "thon-dong", "name": "Thôn Đông"}],
              "program": {"daily": [{"id": "morning", "start": "05:30", "end": "06:30", "items": [%s]}]}
            }
            """;

    @TempDir
    Path dir;

    private Commune read(String settings, String items) throws IOException {
        Path file = dir.resolve("commune.json");
        Files.writeString(file, FILE.formatted(settings, items), StandardCharsets.UTF_8);
        return CommuneFile.read(file);
    }

    @Test
    void stringsStayLibraryIdsAsInOldFiles() throws IOException {
        Commune c = read("", "\"gia-lua\", \"thoi-tiet\"");
        assertEquals(List.of(new PlaylistEntry.LibraryRef("gia-lua"), new PlaylistEntry.LibraryRef("thoi-tiet")),
                c.program().daily().get(0).items());
        // Written back, the program is the old shape: an old API client reads the strings it wrote.
        String json = new String(Json.write(c.program()), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"items\":[\"gia-lua\",\"thoi-tiet\"]"), json);
        assertEquals(LiveSettings.DEFAULTS, c.commune().live(), "a file without live settings gets the defaults");
    }

    @Test
    void anObjectIsARelayOrAReplay() throws IOException, MalformedMessageException {
        Commune c = read("", """
                "tin-xa",
                {"relay": "vov1", "start": "05:40", "end": "05:55", "until": "PROGRAMME_END", "maxSilenceSeconds": 15,
                 "fallback": "ITEM_THEN_REST", "fallbackItem": "nhac-nen"},
                {"relay": "dai-tinh", "start": "06:00", "maxMinutes": 20},
                {"latestRecording": "vov1"}""");
        List<PlaylistEntry> items = c.program().daily().get(0).items();
        assertEquals(new PlaylistEntry.LibraryRef("tin-xa"), items.get(0));
        assertEquals(new PlaylistEntry.RelayRef("vov1", LocalTime.of(5, 40), LocalTime.of(5, 55), null,
                EndRule.PROGRAMME_END, 15, Fallback.ITEM_THEN_REST, "nhac-nen"), items.get(1));
        PlaylistEntry.RelayRef province = (PlaylistEntry.RelayRef) items.get(2);
        assertEquals(Duration.ofMinutes(20), province.maximum());
        assertEquals(null, province.until(), "the source's default end rule applies when compiled");
        assertEquals(new PlaylistEntry.LatestRecording("vov1"), items.get(3));
        assertEquals(List.of("tin-xa", "nhac-nen"), c.program().daily().get(0).libraryIds(),
                "a relay's fallback item is in use too: the library keeps it");

        // Round trip: what the API answers reads back the same.
        Commune.Program again = Json.read(Json.write(c.program()), Commune.Program.class);
        assertEquals(c.program(), again);
    }

    @Test
    void aRelayGivesItsEndOrItsMaximumAndAKnownShape() {
        assertThrows(IOException.class, () -> read("", "{\"relay\": \"vov1\", \"start\": \"05:40\"}"),
                "neither end nor maxMinutes");
        assertThrows(IOException.class, () -> read("",
                "{\"relay\": \"vov1\", \"start\": \"05:40\", \"end\": \"05:50\", \"maxMinutes\": 10}"), "both");
        assertThrows(IOException.class, () -> read("",
                "{\"relay\": \"vov1\", \"start\": \"05:40\", \"maxMinutes\": 10, \"maxSilenceSeconds\": 1}"));
        assertThrows(IOException.class, () -> read("", "{\"relay\": \"vov1\", \"start\": \"05:40\","
                + " \"maxMinutes\": 10, \"until\": \"WHENEVER\"}"));
        assertThrows(IOException.class, () -> read("", "{\"song\": \"x\"}"), "neither a relay nor a replay");
        assertThrows(IOException.class, () -> read("", "42"));
    }

    @Test
    void liveSettingsAreReadAndKeptInTheStore() throws IOException {
        Commune c = read(", \"live\": {\"missedRelay\": \"SKIP\", \"coverageMinPercent\": 70, \"talkLate\": \"SKIP\","
                + " \"keepRecordingDays\": 3}", "\"gia-lua\"");
        LiveSettings live = c.commune().live();
        assertEquals(new LiveSettings(LiveSettings.MissedRelay.SKIP, 70, LatePolicy.SKIP, 60, 3), live);
        assertThrows(IOException.class, () -> read(", \"live\": {\"coverageMinPercent\": 0}", "\"gia-lua\""));

        Commune withRelay = new Commune(c.commune(), c.villages(), c.stations(), c.library(),
                new Commune.Program(List.of(new Commune.DailySession("morning", null, LocalTime.of(5, 30),
                        LocalTime.of(6, 30), List.of("gia-lua", new PlaylistEntry.RelayRef("vov1", LocalTime.of(6, 0),
                        null, 30, null, null, null, null)))), List.of()));
        Clock clock = Clock.systemUTC();
        try (Store store = Store.open(dir.resolve("store.db"))) {
            Directory.open(store, new AuditLog(clock), clock, null, withRelay, null);
            Commune loaded = Directory.open(store, new AuditLog(clock), clock, null, null, null).current();
            assertEquals(live, loaded.commune().live());
            assertEquals(withRelay.program(), loaded.program());
        }
    }

    @Test
    void jsonThatIsNotAnEntryIsRefusedWithItsReason() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> Json.read(
                "{\"daily\": [{\"id\": \"m\", \"start\": \"05:30\", \"end\": \"06:30\", \"items\": [{\"x\": 1}]}]}"
                        .getBytes(StandardCharsets.UTF_8), Commune.Program.class));
        assertTrue(e.getMessage().contains("relay"), e.getMessage());
    }
}
