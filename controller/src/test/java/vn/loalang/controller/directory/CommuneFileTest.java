package vn.loalang.controller.directory;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommuneFileTest {

    private static final String VALID = """
            {
              "commune": {"id": "xa-an-binh", "name": "Xã An Bình", "timeZone": "Asia/Ho_Chi_Minh", "horizonDays": 3},
              "villages": [
                {"id": "thon-dong", "name": "Thôn Đông"},
                {"id": "thon-tay", "name": "Thôn Tây",
                 "program": {"daily": [{"id": "morning", "start": "05:00", "end": "06:00", "items": ["thoi-tiet"]}]}}
              ],
              "stations": [
                {"id": "thon-dong-1", "name": "Loa chợ", "village": "thon-dong"},
                {"id": "thon-tay-1", "village": "thon-tay"}
              ],
              "library": [
                {"id": "gia-lua", "title": "Giá lúa hôm nay", "category": "market-prices", "file": "library/gia-lua.mp3", "gainDb": -3.5},
                {"id": "thoi-tiet", "title": "Thời tiết", "file": "library/thoi-tiet.mp3"}
              ],
              "program": {
                "daily": [
                  {"id": "morning", "name": "Buổi sáng", "start": "05:30", "end": "06:30", "items": ["gia-lua", "thoi-tiet"]},
                  {"id": "evening", "name": "Buổi chiều", "start": "17:00", "end": "18:00", "items": ["gia-lua"]}
                ],
                "oneOff": [
                  {"id": "hop-dan", "name": "Họp dân", "date": "2026-11-25", "start": "19:00", "end": "19:30", "items": ["thoi-tiet"]}
                ]
              }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void aCommuneWithoutAProgramGetsTheTwoDailySessionsToFillIn() throws IOException {
        ObjectNode root = (ObjectNode) Json.mapper().readTree(VALID);
        root.remove("program");
        Commune c = CommuneFile.read(write(root));
        assertEquals(List.of("morning", "evening"), c.program().daily().stream().map(Commune.DailySession::id).toList());
        assertEquals(java.time.LocalTime.of(5, 30), c.program().daily().get(0).start());
        assertEquals(java.time.LocalTime.of(17, 0), c.program().daily().get(1).start());
        assertTrue(c.program().daily().get(0).items().isEmpty(), "the operator fills the playlists");
    }

    @Test
    void readsAValidCommuneWithItsVillagesStationsLibraryAndProgram() throws IOException {
        Commune c = CommuneFile.read(write(VALID));

        assertAll(
                () -> assertEquals("xa-an-binh", c.commune().id()),
                () -> assertEquals("Xã An Bình", c.commune().name()),
                () -> assertEquals(ZoneId.of("Asia/Ho_Chi_Minh"), c.commune().zone()),
                () -> assertEquals(3, c.commune().horizonDays()),
                () -> assertEquals(List.of("thon-dong", "thon-tay"), c.villages().stream().map(Commune.Village::id).toList()),
                () -> assertEquals("Thôn Tây", c.village("thon-tay").orElseThrow().name()),
                () -> assertEquals(List.of("thon-dong-1", "thon-tay-1"), c.stations().stream().map(Commune.Station::id).toList()),
                () -> assertEquals("thon-dong", c.stations().get(0).village()),
                () -> assertEquals("Loa chợ", c.stations().get(0).name()),
                () -> assertEquals(-3.5, c.library().get(0).gainDb()),
                () -> assertEquals("market-prices", c.library().get(0).category()),
                () -> assertEquals("library/gia-lua.mp3", c.library().get(0).file()),
                () -> assertEquals(2, c.program().daily().size()),
                () -> assertEquals(LocalTime.of(5, 30), c.program().daily().get(0).start()),
                () -> assertEquals(LocalTime.of(6, 30), c.program().daily().get(0).end()),
                () -> assertEquals(PlaylistEntry.library("gia-lua", "thoi-tiet"), c.program().daily().get(0).items()),
                () -> assertEquals(LocalDate.of(2026, 11, 25), c.program().oneOff().get(0).date()),
                () -> assertEquals("Họp dân", c.program().oneOff().get(0).name()));
    }

    @Test
    void fillsTheDefaultsTheOperatorMayLeaveOut() throws IOException {
        ObjectNode root = valid();
        ((ObjectNode) root.get("commune")).remove(List.of("timeZone", "horizonDays"));
        ((ObjectNode) root.get("program")).remove("oneOff");

        Commune c = CommuneFile.read(write(root));

        assertAll(
                () -> assertEquals(ZoneId.of("Asia/Ho_Chi_Minh"), c.commune().zone()),
                () -> assertEquals(7, c.commune().horizonDays()),
                () -> assertEquals("thon-tay-1", c.stations().get(1).name(), "a station without a name is called by its id"),
                () -> assertEquals(0.0, c.library().get(1).gainDb()),
                () -> assertEquals("local-news", c.library().get(1).category()),
                () -> assertEquals("morning", c.village("thon-tay").orElseThrow().program().daily().get(0).name()),
                () -> assertEquals(List.of(), c.program().oneOff()));
    }

    @Test
    void aVillageWithItsOwnProgramGetsItAndTheOthersGetTheCommunes() throws IOException {
        Commune c = CommuneFile.read(write(VALID));

        Commune.Village dong = c.village("thon-dong").orElseThrow();
        Commune.Village tay = c.village("thon-tay").orElseThrow();
        assertSame(c.program(), c.programOf(dong));
        assertEquals(PlaylistEntry.library("thoi-tiet"), c.programOf(tay).daily().get(0).items());
        assertEquals(LocalTime.of(5, 0), c.programOf(tay).daily().get(0).start());
    }

    @Test
    void refusesAVillageIdThatAppearsTwice() {
        refuses(root -> villages(root).addObject().put("id", "thon-dong").put("name", "Thôn Đông mới"),
                "village id 'thon-dong' appears twice");
    }

    @Test
    void refusesAStationIdThatAppearsTwice() {
        refuses(root -> stations(root).addObject().put("id", "thon-dong-1").put("village", "thon-tay"),
                "station id 'thon-dong-1' appears twice");
    }

    @Test
    void refusesALibraryIdThatAppearsTwice() {
        refuses(root -> ((ArrayNode) root.get("library")).addObject().put("id", "gia-lua").put("title", "Giá lúa (cũ)")
                .put("file", "library/old.mp3"), "library entry id 'gia-lua' appears twice");
    }

    @Test
    void refusesAStationInAVillageThatIsNotListed() {
        refuses(root -> stations(root).addObject().put("id", "thon-bac-1").put("village", "thon-bac"),
                "station thon-bac-1 belongs to village 'thon-bac', which is not in the villages list");
    }

    @Test
    void refusesATimeZoneThatDoesNotExist() {
        refuses(root -> ((ObjectNode) root.get("commune")).put("timeZone", "Asia/Ha_Noi"), "Asia/Ha_Noi");
    }

    @Test
    void readsTheCommunesHealthThresholdsAndFillsTheOnesLeftOut() throws IOException {
        ObjectNode root = valid();
        ((ObjectNode) root.get("commune")).putObject("health").put("maxTemperatureC", 65).put("offlineAfterSeconds", 60);

        HealthThresholds h = CommuneFile.read(write(root)).commune().health();

        assertEquals(new HealthThresholds(60, 120, 10, 2000, 65.0, 200, 50), h);
        assertEquals(HealthThresholds.DEFAULTS, CommuneFile.read(write(valid())).commune().health(), "none given: defaults");
    }

    @Test
    void refusesAHealthThresholdThatWouldMakeEveryStationLookBroken() {
        refuses(root -> ((ObjectNode) root.get("commune")).putObject("health").put("offlineAfterSeconds", 5),
                "health.offlineAfterSeconds must be from 30 to 86400, not 5");
        refuses(root -> ((ObjectNode) root.get("commune")).putObject("health").put("maxTemperatureC", 20),
                "health.maxTemperatureC must be from 30 to 110");
    }

    @Test
    void refusesAHorizonOutsideOneToSixtyDays() {
        refuses(root -> ((ObjectNode) root.get("commune")).put("horizonDays", 0), "horizonDays must be between 1 and 60");
        refuses(root -> ((ObjectNode) root.get("commune")).put("horizonDays", 61), "horizonDays must be between 1 and 60");
    }

    @Test
    void refusesAnUpperCaseVillageId() {
        refuses(root -> villages(root).addObject().put("id", "Thon-Bac").put("name", "Thôn Bắc"),
                "village id 'Thon-Bac' is not valid");
    }

    @Test
    void refusesAStationIdWithASlashBecauseItWouldBreakTheTopicTree() {
        refuses(root -> stations(root).addObject().put("id", "thon-dong/2").put("village", "thon-dong"),
                "station id 'thon-dong/2' is not valid");
    }

    @Test
    void refusesABadCommuneSessionOrLibraryId() {
        refuses(root -> ((ObjectNode) root.get("commune")).put("id", "Xã An Bình"), "commune id 'Xã An Bình' is not valid");
        refuses(root -> ((ObjectNode) root.get("program").get("daily").get(0)).put("id", "sáng"),
                "session id 'sáng' is not valid");
        refuses(root -> ((ObjectNode) root.get("library").get(0)).put("id", "+"), "library entry id '+' is not valid");
    }

    @Test
    void refusesAFileWithARequiredPartMissing() {
        refuses(root -> root.remove("commune"), "commune is missing");
        refuses(root -> root.remove("villages"), "villages is missing");
    }

    @Test
    void aCommuneMayStartWithItsVillagesAloneAndEnrolItsStationsLater() throws IOException {
        ObjectNode root = valid();
        root.remove("stations");
        root.remove("library");
        root.remove("program");
        Commune c = CommuneFile.read(write(root));
        assertEquals(List.of(), c.stations());
        assertEquals(List.of(), c.library());
        assertEquals(Commune.Program.TWO_DAILY_SESSIONS, c.program());
    }

    @Test
    void refusesAnEntryWithARequiredFieldMissingAndNamesTheEntry() {
        refuses(root -> ((ObjectNode) root.get("commune")).remove("name"), "commune name");
        refuses(root -> ((ObjectNode) root.get("commune")).remove("id"), "commune id 'null' is not valid");
        refuses(root -> ((ObjectNode) villages(root).get(0)).remove("name"), "village thon-dong: name");
        refuses(root -> ((ObjectNode) stations(root).get(0)).remove("village"), "station thon-dong-1: village");
        refuses(root -> ((ObjectNode) root.get("library").get(0)).remove("file"), "library entry gia-lua: file");
        refuses(root -> ((ObjectNode) root.get("library").get(0)).remove("title"), "library entry gia-lua: title");
        refuses(root -> ((ObjectNode) root.get("program").get("daily").get(0)).remove("start"), "session morning: start");
        refuses(root -> ((ObjectNode) root.get("program").get("daily").get(1)).remove("end"), "session evening: end");
        refuses(root -> ((ObjectNode) root.get("program").get("daily").get(0)).remove("items"), "session morning: items");
        refuses(root -> ((ObjectNode) root.get("program").get("oneOff").get(0)).remove("date"), "session hop-dan: date");
    }

    @Test
    void refusesMalformedJsonAndNamesTheFile() throws IOException {
        Path file = write(VALID.substring(0, VALID.length() / 2));

        IOException e = assertThrows(IOException.class, () -> CommuneFile.read(file));

        assertTrue(e.getMessage().startsWith("commune file " + file + " is not usable: "), e.getMessage());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
    }

    @Test
    void refusesATimeOfDayThatIsNotATime() {
        refuses(root -> ((ObjectNode) root.get("program").get("daily").get(0)).put("start", "5h30"), "5h30");
    }

    @Test
    void refusesAnEmptyFileAndAJsonNull() throws IOException {
        for (String text : List.of("", "null")) {
            Path file = write(text);
            IOException e = assertThrows(IOException.class, () -> CommuneFile.read(file), "for '" + text + "'");
            assertTrue(e.getMessage().contains("is not usable"), e.getMessage());
        }
    }

    @Test
    void aMissingFileIsAnIoErrorThatNamesIt() {
        Path missing = dir.resolve("nowhere.json");
        IOException e = assertThrows(IOException.class, () -> CommuneFile.read(missing));
        assertTrue(e.getMessage().contains("nowhere.json"), e.getMessage());
    }

    private void refuses(Consumer<ObjectNode> change, String expected) {
        ObjectNode root = valid();
        change.accept(root);
        Path file;
        try {
            file = write(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        IOException e = assertThrows(IOException.class, () -> CommuneFile.read(file), "expected a refusal: " + expected);
        assertTrue(e.getMessage().contains(expected), () -> "message should contain \"" + expected + "\" but is: " + e.getMessage());
        assertTrue(e.getMessage().startsWith("commune file " + file + " is not usable"), e.getMessage());
    }

    private static ObjectNode valid() {
        try {
            return (ObjectNode) Json.mapper().readTree(VALID);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ArrayNode villages(ObjectNode root) {
        return (ArrayNode) root.get("villages");
    }

    private static ArrayNode stations(ObjectNode root) {
        return (ArrayNode) root.get("stations");
    }

    private Path write(ObjectNode root) throws IOException {
        return write(Json.mapper().writeValueAsString(root));
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "commune", ".json");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
