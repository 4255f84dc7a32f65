package vn.loalang.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.testing.ApiClient.Answer;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.UserDirectory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who sets which level, over real HTTP on a real store: the technician a station's (and not a session's),
 * the operator a session's (and not a station's); a level outside the commune's range refused with the range,
 * in Vietnamese and English, and nothing changed; every accepted change in the audit log.
 */
class VolumeRightsTest {
    private static final String ADMIN_PASSWORD = "admin-password-1";
    private static final String PASSWORD = "mat-khau-dai-du";

    @TempDir
    Path dir;

    private static String login(ApiFixture api, String username, Role role) throws Exception {
        api.users.create("admin", new UserDirectory.NewUser(username, null, role, List.of(), "vi", PASSWORD));
        return api.api.login(username, PASSWORD);
    }

    private static Map<String, Object> program(Double morningDb) {
        Map<String, Object> morning = new LinkedHashMap<>();
        morning.put("id", "morning");
        morning.put("name", "Buổi sáng");
        morning.put("start", "05:30");
        morning.put("end", "06:30");
        morning.put("items", List.of());
        morning.put("volumeDb", morningDb);
        return Map.of("daily", List.of(morning), "oneOff", List.of(Map.of("id", "hop-dan", "date", "2026-12-20",
                "start", "19:00", "end", "20:00", "items", List.of(), "volumeDb", -3.0)));
    }

    private static List<String> audit(ApiFixture api) {
        return api.store.query(c -> new AuditLog(Clock.systemUTC()).latest(c, 200)).stream()
                .map(e -> e.actor() + " " + e.action() + " " + e.target()).toList();
    }

    private static void assertRefusedWithTheRange(Answer a, String what) {
        assertEquals(400, a.status(), what + ": " + a.json());
        String message = a.json().get("message").asText();
        assertTrue(message.startsWith("Âm lượng"), "Vietnamese first: " + message);
        assertTrue(message.contains("từ −30 đến +6 dB") && message.contains("between −30 and +6 dB"),
                "the range in both languages: " + message);
    }

    @Test
    void aTechnicianSetsAStationsLevelButNotASessions() throws Exception {
        try (ApiFixture api = new ApiFixture(dir, Clock.systemUTC(), ADMIN_PASSWORD)) {
            String tech = login(api, "ky.thuat", Role.TECHNICIAN);

            Answer set = api.api.call("PUT", "/api/stations/thon-dong-1", tech, Map.of("volumeDb", -4.5));
            assertEquals(200, set.status(), String.valueOf(set.json()));
            assertEquals(-4.5, set.json().get("volumeDb").asDouble(), 1e-9);
            assertEquals(-4.5, set.json().get("effectiveVolumeDb").asDouble(), 1e-9);
            assertEquals(-4.5, api.directory.current().stations().get(0).volumeDb(), 1e-9);
            assertTrue(audit(api).contains("ky.thuat station.update thon-dong-1"), audit(api).toString());

            assertEquals(403, api.api.call("PUT", "/api/program", tech, program(-12.0)).status());
            assertTrue(api.directory.current().program().daily().isEmpty(), "the program is unchanged");
        }
    }

    @Test
    void anOperatorSetsASessionsLevelButNotAStations() throws Exception {
        try (ApiFixture api = new ApiFixture(dir, Clock.systemUTC(), ADMIN_PASSWORD)) {
            String operator = login(api, "van.hanh", Role.OPERATOR);

            Answer set = api.api.call("PUT", "/api/program", operator, program(-12.0));
            assertEquals(200, set.status(), String.valueOf(set.json()));
            Commune.Program program = api.directory.current().program();
            assertEquals(-12.0, program.daily().get(0).volumeDb(), 1e-9);
            assertEquals(-3.0, program.oneOff().get(0).volumeDb(), 1e-9);
            JsonNode shown = api.api.call("GET", "/api/program", operator, null).json();
            assertEquals(-12.0, shown.get("commune").get("daily").get(0).get("volumeDb").asDouble(), 1e-9);
            assertTrue(audit(api).contains("van.hanh program.commune xa-an-binh"), audit(api).toString());

            assertEquals(403, api.api.call("PUT", "/api/stations/thon-dong-1", operator, Map.of("volumeDb", -4.0))
                    .status());
            assertNull(api.directory.current().stations().get(0).volumeDb());
        }
    }

    @Test
    void aLevelOutsideTheCommunesRangeIsRefusedWithTheRangeNotClamped() throws Exception {
        try (ApiFixture api = new ApiFixture(dir, Clock.systemUTC(), ADMIN_PASSWORD)) {
            String tech = login(api, "ky.thuat", Role.TECHNICIAN);
            String operator = login(api, "van.hanh", Role.OPERATOR);
            String admin = api.api.login("admin", ADMIN_PASSWORD);

            assertRefusedWithTheRange(api.api.call("PUT", "/api/stations/thon-dong-1", tech, Map.of("volumeDb", 9.0)),
                    "station at +9");
            assertRefusedWithTheRange(api.api.call("PUT", "/api/program", operator, program(-31.0)), "session at −31");
            assertRefusedWithTheRange(api.api.call("PUT", "/api/villages/thon-tay/program", operator, program(7.0)),
                    "a village's session at +7");
            assertNull(api.directory.current().stations().get(0).volumeDb(), "nothing clamped, nothing saved");
            assertTrue(api.directory.current().program().daily().isEmpty());

            // The range is the commune's: an administrator widens it, and +9 is then allowed.
            Answer widened = api.api.call("PUT", "/api/commune", admin,
                    Map.of("volume", Map.of("minDb", -40.0, "maxDb", 10.0)));
            assertEquals(200, widened.status(), String.valueOf(widened.json()));
            assertEquals(10.0, widened.json().get("volume").get("maxDb").asDouble(), 1e-9);
            assertEquals(200, api.api.call("PUT", "/api/stations/thon-dong-1", tech, Map.of("volumeDb", 9.0)).status());
            // Narrowing it past a level already set is refused too, naming that station.
            Answer narrowed = api.api.call("PUT", "/api/commune", admin, Map.of("volume", Map.of("maxDb", 6.0)));
            assertEquals(400, narrowed.status());
            assertTrue(narrowed.json().get("message").asText().contains("thon-dong-1"), narrowed.json().toString());
            assertEquals(10.0, api.directory.current().commune().volume().maxDb(), 1e-9);
        }
    }
}
