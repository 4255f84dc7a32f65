package vn.loalang.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.schedule.ScheduleCompiler;
import vn.loalang.controller.testing.ApiClient.Answer;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code POST /api/program/check}, the console's dry run before Save: the real compiler on a real store, over
 * HTTP. The commune has two villages following its program; the library holds one 2-second item.
 */
class ProgramCheckTest {
    private static final String ADMIN_PASSWORD = "admin-password-1";

    @TempDir
    Path dir;

    private ApiFixture fixture;
    private String operator;
    private final AtomicInteger saved = new AtomicInteger();
    private final Clock clock = Clock.systemUTC();

    @BeforeEach
    void start() throws Exception {
        fixture = new ApiFixture(dir, clock, ADMIN_PASSWORD);
        ScheduleCompiler compiler = new ScheduleCompiler(fixture.directory::current, fixture.library.index(),
                URI.create("http://127.0.0.1"));
        fixture.directory.checkProgramsWith((before, after) -> compiler.newProblems(before, after, clock.instant()));
        fixture.problemsIf = (candidate, notices) -> compiler.problems(candidate, clock.instant(), notices);
        fixture.directory.onChange(c -> saved.incrementAndGet());
        String admin = fixture.api.login("admin", ADMIN_PASSWORD);
        assertEquals(201, fixture.api.call("POST", "/api/users", admin, Map.of("username", "van.thu", "role", "OPERATOR",
                "password", "mat-khau-dai-du")).status());
        operator = fixture.api.login("van.thu", "mat-khau-dai-du");
        assertEquals(201, fixture.api.upload(operator, Fixtures.path(Fixtures.ITEM_440HZ_2S), "gia-lua.mp3",
                Map.of("id", "gia-lua", "title", "Giá lúa")).status());
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private static Map<String, Object> session(String id, String start, String end) {
        return Map.of("id", id, "start", start, "end", end, "items", List.of("gia-lua"));
    }

    private JsonNode check(Object body) throws Exception {
        Answer a = fixture.api.call("POST", "/api/program/check", operator, body);
        assertEquals(200, a.status(), String.valueOf(a.json()));
        return a.json().get("problems");
    }

    private static JsonNode problemContaining(JsonNode problems, String words) {
        for (JsonNode p : problems) {
            if (p.get("text").asText().contains(words)) {
                return p;
            }
        }
        throw new AssertionError("no problem with '" + words + "' in " + problems);
    }

    private static String place(JsonNode place) {
        return place.path("village").asText(null) + "/" + place.path("session").asText(null) + "/"
                + place.path("date").asText(null) + "/" + place.path("field").asText(null);
    }

    @Test
    void anOverlapIsPlacedAtTheEarlierSessionsEndAndTheLaterSessionsStart() throws Exception {
        JsonNode problems = check(Map.of("program", Map.of("daily", List.of(session("morning", "05:30", "06:30"),
                session("extra", "06:00", "06:15")))));

        JsonNode overlap = problemContaining(problems, "village thon-dong: sessions ");
        assertTrue(overlap.get("text").asText().endsWith(".extra overlap"), overlap.toString());
        assertTrue(overlap.get("blocking").asBoolean(), "a save would be refused for it");
        assertEquals(2, overlap.get("places").size(), overlap.toString());
        String date = overlap.get("places").get(0).get("date").asText();
        assertEquals("thon-dong/morning/" + date + "/end", place(overlap.get("places").get(0)));
        assertEquals("thon-dong/extra/" + date + "/start", place(overlap.get("places").get(1)));
        assertTrue(problems.toString().contains("village thon-tay: sessions "), "both villages follow the commune's program");
    }

    @Test
    void aReplayWithNoRecordingYetIsANoticeAtThePlaylistOncePerVillageNotAProblem() throws Exception {
        Answer a = fixture.api.call("POST", "/api/program/check", operator, Map.of("program", Map.of("daily", List.of(
                Map.of("id", "evening", "start", "17:00", "end", "18:00",
                        "items", List.of("gia-lua", Map.of("latestRecording", "vov1")))))));
        assertEquals(200, a.status(), String.valueOf(a.json()));
        assertEquals(0, a.json().get("problems").size(), a.json().toString());

        List<String> said = new ArrayList<>();
        a.json().get("notices").forEach(n -> said.add(n.get("text").asText().replaceAll("\\d{4}-\\d{2}-\\d{2}", "DATE")
                + " @ " + place(n.get("places").get(0)).replaceAll("\\d{4}-\\d{2}-\\d{2}|null", "")));
        assertEquals(List.of("village thon-dong: session 'evening' on DATE plays no recording of vov1: none was kept"
                        + " before it starts; its other items play without it @ thon-dong/evening//items",
                "village thon-tay: session 'evening' on DATE plays no recording of vov1: none was kept"
                        + " before it starts; its other items play without it @ thon-tay/evening//items"), said,
                "once per village, not once a day: " + a.json());
    }

    @Test
    void aCancellationNamingASessionTheProgramDoesNotHaveIsPlacedAtItsDate() throws Exception {
        String tomorrow = LocalDate.now(ZoneId.of("Asia/Ho_Chi_Minh")).plusDays(1).toString();
        JsonNode problems = check(Map.of("program", Map.of("daily", List.of(session("morning", "05:30", "06:30")),
                "cancellations", List.of(Map.of("date", tomorrow, "session", "noon", "reason", "Tết")))));

        JsonNode p = problemContaining(problems, "the cancellation on " + tomorrow + " names session 'noon'");
        assertEquals("thon-dong/noon/" + tomorrow + "/cancellation", place(p.get("places").get(0)));
    }

    @Test
    void aVillagesOwnProgramIsCheckedForThatVillageOnlyAndAnUnknownVillageIs404() throws Exception {
        JsonNode problems = check(Map.of("village", "thon-tay", "program", Map.of("daily",
                List.of(session("morning", "05:30", "06:30"), session("late", "06:00", "06:40")))));

        assertEquals("thon-tay", problemContaining(problems, "overlap").get("places").get(0).get("village").asText());
        assertFalse(problems.toString().contains("village thon-dong"), problems.toString());
        assertEquals(404, fixture.api.call("POST", "/api/program/check", operator, Map.of("village", "thon-bac",
                "program", Map.of("daily", List.of()))).status());
        assertTrue(check(Map.of("village", "thon-tay", "program", Map.of("daily",
                List.of(session("morning", "05:30", "06:30"))))).isEmpty(), "a program that publishes has no problems");
    }

    @Test
    void aValueTheProgramRefusesIsAPlacedProblemNotA400() throws Exception {
        Map<String, Object> backwards = new java.util.HashMap<>(session("mua-vu", "07:00", "07:30"));
        backwards.put("validFrom", "2027-03-01");
        backwards.put("validUntil", "2027-02-01");
        JsonNode window = check(Map.of("program", Map.of("daily", List.of(backwards))));
        assertEquals(1, window.size(), window.toString());
        assertEquals("null/mua-vu/null/validUntil", place(window.get(0).get("places").get(0)));
        assertTrue(window.get(0).get("blocking").asBoolean());

        JsonNode hour = check(Map.of("program", Map.of("daily", List.of(session("morning", "05:30", "06:30"),
                session("evening", "25:00", "18:00")))));
        assertEquals(1, hour.size(), hour.toString());
        assertEquals("null/evening/null/start", place(hour.get(0).get("places").get(0)));
    }

    @Test
    void aProblemTheProgramAlreadyHasIsShownButDoesNotBlockTheSave() throws Exception {
        // A program saved before the check existed (or whose item since became unusable): it has a problem now.
        fixture.directory.checkProgramsWith((before, after) -> List.of());
        assertEquals(200, fixture.api.call("PUT", "/api/program", operator, Map.of("daily",
                List.of(Map.of("id", "morning", "start", "05:30", "end", "06:30", "items", List.of())))).status());
        ScheduleCompiler compiler = new ScheduleCompiler(fixture.directory::current, fixture.library.index(),
                URI.create("http://127.0.0.1"));
        fixture.directory.checkProgramsWith((before, after) -> compiler.newProblems(before, after, clock.instant()));

        JsonNode problems = check(Map.of("program", Map.of("daily", List.of(
                Map.of("id", "morning", "start", "05:30", "end", "06:30", "items", List.of()),
                session("evening", "17:00", "16:00")))));

        JsonNode empty = problemContaining(problems, "session 'morning' has no items");
        assertFalse(empty.get("blocking").asBoolean(), "already there: a save is not refused for it");
        assertEquals("thon-dong/morning/null/items", place(empty.get("places").get(0)));
        JsonNode order = problemContaining(problems, "session 'evening' ends at 16:00");
        assertTrue(order.get("blocking").asBoolean(), "new: a save would be refused for it");
        assertEquals("thon-dong/evening/null/end", place(order.get("places").get(0)));
    }

    @Test
    void aCheckChangesNothingAndOnlyTheProgramsEditorsMayCallIt() throws Exception {
        String revision = fixture.api.call("GET", "/api/program", operator, null).json().get("revision").asText();
        int audited = auditActions().size();
        int before = saved.get();

        check(Map.of("program", Map.of("daily", List.of(session("morning", "05:30", "06:30")))));
        check(Map.of("program", Map.of("daily", List.of(session("morning", "05:30", "06:30"),
                session("extra", "06:00", "06:15")))));

        assertEquals(revision, fixture.api.call("GET", "/api/program", operator, null).json().get("revision").asText());
        assertEquals(0, fixture.api.call("GET", "/api/program", operator, null).json().get("commune").get("daily").size());
        assertEquals(audited, auditActions().size(), "nothing audited: nothing was done");
        assertEquals(before, saved.get(), "no change reached the listeners (the schedule service publishes from them)");

        String admin = fixture.api.login("admin", ADMIN_PASSWORD);
        assertEquals(201, fixture.api.call("POST", "/api/users", admin, Map.of("username", "truong.tay",
                "role", "VILLAGE_HEAD", "villages", List.of("thon-tay"), "password", "mat-khau-dai-du")).status());
        String head = fixture.api.login("truong.tay", "mat-khau-dai-du");
        assertEquals(403, fixture.api.call("POST", "/api/program/check", head, Map.of("program",
                Map.of("daily", List.of()))).status());
        assertEquals(400, fixture.api.call("POST", "/api/program/check", operator, Map.of()).status(),
                "neither a program nor a village");
    }

    private List<String> auditActions() {
        List<String> actions = new ArrayList<>();
        fixture.store.query(c -> new AuditLog(clock).latest(c, 1000)).forEach(e -> actions.add(e.action()));
        return actions;
    }
}
