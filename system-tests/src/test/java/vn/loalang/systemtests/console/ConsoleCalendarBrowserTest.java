package vn.loalang.systemtests.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.Json;
import vn.loalang.systemtests.support.Browser;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The calendar's exceptions in the console (issue 18), in Debian's headless Chromium against a running
 * controller at 04:00 on Tuesday 24 November 2026: an operator adds a one-off session, cancels tomorrow's
 * morning and all of Friday, moves the evening to 18:00 on weekdays only, and sees each problem next to its field before
 * anything is sent. Thôn Đông has two stations; only thon-dong-2 runs an agent that plays relays, so with a
 * relay in the morning the two are sent different sessions and the calendar shows a row for each.
 */
class ConsoleCalendarBrowserTest {
    static final String ADMIN_PASSWORD = "mat-khau-quan-tri";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final int PHONE_WIDTH = 360, PHONE_HEIGHT = 740, DESKTOP_WIDTH = 1280, DESKTOP_HEIGHT = 800;

    @TempDir
    Path dir;
    private TestClock clock;
    private Controller controller;
    private ApiClient api;
    private String admin;
    private final List<AutoCloseable> running = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        clock = new TestClock(ConsoleBrowserTest.EARLY);
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune"), 1),
                        dir.resolve("controller")).withHttp("127.0.0.1", Ports.free(), null)
                        .withEmbeddedBroker("127.0.0.1", Ports.free()), clock, new PasswordHasher(1000),
                () -> ADMIN_PASSWORD, new PrintStream(OutputStream.nullOutputStream()));
        api = new ApiClient(controller.contentPort());
        admin = api.login("admin", ADMIN_PASSWORD);
        assertEquals(201, api.call("POST", "/api/users", admin, Map.of("username", "can.bo", "role", "OPERATOR",
                "villages", List.of(), "password", "mat-khau-can-bo")).status());
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        controller.close();
    }

    private Browser browser(int width, int height) {
        Browser b = Browser.open("http://127.0.0.1:" + controller.contentPort(), width, height);
        running.add(b);
        return b;
    }

    /** A date or time field's value set as the page reads it: typing into one differs by the browser's locale. */
    private static void set(Browser b, String css, String value) {
        WebElement field = b.find(By.cssSelector(css));
        ((JavascriptExecutor) b.driver()).executeScript("arguments[0].value = arguments[1];"
                + " arguments[0].dispatchEvent(new Event('input', {bubbles: true}))", field, value);
    }

    /** The problems shown inside the field of {@code session} named {@code field} (its .field box). */
    private static String problemAt(Browser b, String session, String field) {
        List<WebElement> found = b.all(By.cssSelector("fieldset[data-session='" + session + "'] [data-field='" + field
                + "']"));
        if (found.isEmpty() || !"true".equals(found.get(0).getAttribute("aria-invalid"))) {
            return null;
        }
        String described = found.get(0).getAttribute("aria-describedby");
        StringBuilder text = new StringBuilder();
        for (String id : described.split(" ")) {
            text.append(b.driver().findElement(By.id(id)).getText()).append('\n');
        }
        return text.toString();
    }

    private static void assertReadable(Browser b) {
        String lowest = b.lowestContrast();
        assertTrue(Double.parseDouble(lowest.split(" ")[0]) >= 4.5, "lowest contrast on the page: " + lowest);
    }

    private static void assertFitsWidth(Browser b) {
        assertTrue((Boolean) ((JavascriptExecutor) b.driver()).executeScript(
                "return document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scroll of the page");
    }

    @Test
    void twoStationsOfAVillageThatDifferShowARowEachAndTheOperatorEditsTheExceptionsOnADesktop() throws Exception {
        // A relay in the morning: thon-dong-2's agent reports a version that plays it, thon-dong-1 has not reported.
        assertEquals(201, api.call("POST", "/api/live/sources", admin, Map.of("id", "vov1", "name", "VOV1",
                "url", "https://stream.example.vn/vov1.aac")).status());
        ObjectNode commune = (ObjectNode) api.call("GET", "/api/program", admin, null).json().get("commune");
        ((com.fasterxml.jackson.databind.node.ArrayNode) commune.get("daily").get(0).get("items")).add(Json.mapper()
                .valueToTree(Map.of("relay", "vov1", "start", "06:00", "maxMinutes", 10, "fallback", "ITEM_THEN_REST",
                        "fallbackItem", "tone-660")));
        assertEquals(200, api.call("PUT", "/api/program", admin, commune).status());
        SimulatedStation newer = new SimulatedStation("thon-dong-2", controller.brokerUrl(), controller.keyId(),
                controller.publicKeyPem(), dir.resolve("thon-dong-2"), clock, false, 300, 100).reportingEvery(1).start();
        running.add(newer);
        await("the two stations of thôn Đông are sent different mornings").atMost(WAIT).until(() ->
                !morningItems("thon-dong-1").equals(morningItems("thon-dong-2")));

        Browser b = browser(DESKTOP_WIDTH, DESKTOP_HEIGHT);
        b.logIn("can.bo", "mat-khau-can-bo");
        b.until("a row for each station of thôn Đông", d -> b.all(By.cssSelector("[data-row='thon-dong/thon-dong-1']"))
                .size() == 1 && b.all(By.cssSelector("[data-row='thon-dong/thon-dong-2']")).size() == 1 ? true : null);
        assertTrue(b.find(By.cssSelector("[data-row='thon-dong/thon-dong-1']")).getText().contains("cannot play relays"),
                "why the row differs: " + b.find(By.cssSelector("[data-row='thon-dong/thon-dong-1']")).getText());
        assertEquals(1, b.all(By.cssSelector("[data-row='thon-tay']")).size(), "thôn Tây's one station: one row");
        assertEquals(7, b.all(By.cssSelector("[data-station='thon-dong-2'][data-village='thon-dong']")).size());
        b.screenshot("calendar-stations");
        assertReadable(b);

        b.click(By.id("program-link"));
        b.until("the commune's program", d -> b.all(By.cssSelector("fieldset[data-session='evening']")).size() == 1
                && b.find(By.id("check-state")).getText().equals("Không có vấn đề.") ? true : null);

        // A one-off session on Thursday, 09:00–09:30, with the price of rice.
        b.click(By.id("add-one-off"));
        b.type("o0-name", "Họp dân");
        set(b, "#o0-date", "2026-11-26");
        set(b, "#o0-start", "09:00");
        set(b, "#o0-end", "09:30");
        new Select(b.find(By.id("o0-pick"))).selectByValue("tone-440");
        b.click(By.id("o0-add"));
        // Tomorrow's morning cancelled.
        b.click(By.id("add-cancel"));
        set(b, "#c0-date", "2026-11-25");
        new Select(b.find(By.id("c0-session"))).selectByValue("morning");
        b.type("c0-reason", "Sửa đường dây");
        // The evening at 18:00–18:30, weekdays only.
        set(b, "#d1-start", "18:00");
        set(b, "#d1-end", "18:30");
        b.click(By.cssSelector("label[for='d1-SATURDAY']"));
        b.click(By.cssSelector("label[for='d1-SUNDAY']"));
        b.until("the edit checked by the server", d -> b.find(By.id("check-state")).getText()
                .equals("Không có vấn đề.") ? true : null);

        // The one-off moved into the evening: flagged at the evening's end and its own start, before any Save.
        set(b, "#o0-date", "2026-11-27");
        set(b, "#o0-start", "18:10");
        set(b, "#o0-end", "18:20");
        String atEnd = b.until("the overlap next to the evening's end", d -> problemAt(b, "evening", "end"));
        assertTrue(atEnd.contains("Trùng giờ: Buổi chiều (18:00–18:30) — Họp dân (18:10–18:20)"), atEnd);
        assertTrue(problemAt(b, "mot-lan-1", "start") != null, "and next to the one-off's start");
        assertFalse(b.find(By.id("save-program")).isEnabled(), "nothing can be sent while it overlaps");
        ((JavascriptExecutor) b.driver()).executeScript("arguments[0].scrollIntoView({block: 'start'})",
                b.find(By.cssSelector("fieldset[data-session='evening']")));
        b.screenshot("calendar-exceptions");
        assertReadable(b);
        set(b, "#o0-date", "2026-11-26");
        set(b, "#o0-start", "09:00");
        set(b, "#o0-end", "09:30");
        b.until("the overlap gone", d -> problemAt(b, "evening", "end") == null
                && b.find(By.id("save-program")).isEnabled() ? true : null);

        // A problem only the compiler knows (a session with no items) comes from the dry run, next to the playlist.
        b.click(By.id("add-daily"));
        set(b, "#d2-start", "12:00");
        set(b, "#d2-end", "12:30");
        String empty = b.until("the server's problem next to the playlist", d -> problemAt(b, "buoi-1", "items"));
        assertTrue(empty.contains("session 'buoi-1' has no items"), empty);
        assertFalse(b.find(By.id("save-program")).isEnabled());
        assertEquals(2, api.call("GET", "/api/program", admin, null).json().get("commune").get("daily").size(),
                "nothing was sent");
        b.click(By.id("d2-remove"));
        b.until("checked again", d -> b.find(By.id("check-state")).getText().equals("Không có vấn đề.")
                && b.find(By.id("save-program")).isEnabled() ? true : null);
        // Friday off for the whole day ("Cả ngày", a new cancellation's first choice): no session at all that day.
        b.click(By.id("add-cancel"));
        set(b, "#c1-date", "2026-11-27");
        Select whole = new Select(b.find(By.id("c1-session")));
        assertEquals("Cả ngày", whole.getFirstSelectedOption().getText(), "a new cancellation is for the whole day");
        whole.selectByVisibleText("Cả ngày");
        b.type("c1-reason", "Hội làng");
        b.until("the day off checked", d -> b.find(By.id("check-state")).getText().equals("Không có vấn đề.")
                && b.find(By.id("save-program")).isEnabled() ? true : null);

        b.click(By.id("save-program"));
        JsonNode saved = await("the program saved").atMost(WAIT).until(() -> api.call("GET", "/api/program", admin, null)
                .json().get("commune"), c -> c.get("oneOff").size() == 1);
        JsonNode oneOff = saved.get("oneOff").get(0);
        assertEquals("mot-lan-1", oneOff.get("id").asText());
        assertEquals("Họp dân", oneOff.get("name").asText());
        assertEquals("2026-11-26", oneOff.get("date").asText());
        assertEquals("tone-440", oneOff.get("items").get(0).asText());
        assertEquals("2026-11-25", saved.get("cancellations").get(0).get("date").asText());
        assertEquals("morning", saved.get("cancellations").get(0).get("session").asText());
        JsonNode dayOff = saved.get("cancellations").get(1);
        assertEquals("2026-11-27", dayOff.get("date").asText(), saved.get("cancellations").toString());
        assertFalse(dayOff.hasNonNull("session"), "the whole day, no session named: " + dayOff);
        assertEquals("Hội làng", dayOff.get("reason").asText());
        JsonNode evening = saved.get("daily").get(1);
        assertEquals("18:00", evening.get("start").asText().substring(0, 5));
        List<String> weekdays = new ArrayList<>();
        evening.get("weekdays").forEach(w -> weekdays.add(w.asText()));
        assertEquals(List.of("FRIDAY", "MONDAY", "THURSDAY", "TUESDAY", "WEDNESDAY"), weekdays.stream().sorted().toList());

        // What the stations are sent: no morning tomorrow, the one-off on Thursday, nothing on Friday, no evening on
        // Saturday.
        for (String station : List.of("thon-dong-2", "thon-dong-1")) {
            List<String> ids = await("the new schedule published to " + station).atMost(WAIT).until(() ->
                    sessionIds(station), s -> s.contains("2026-11-26.mot-lan-1"));
            assertFalse(ids.contains("2026-11-25.morning"), ids.toString());
            assertTrue(ids.contains("2026-11-24.morning") && ids.contains("2026-11-26.evening")
                    && ids.contains("2026-11-28.morning"), station + ": " + ids);
            assertTrue(ids.stream().noneMatch(id -> id.startsWith("2026-11-27.")), station + ", Friday off: " + ids);
            assertFalse(ids.contains("2026-11-28.evening"), station + ", Saturday: " + ids);
        }
    }

    @Test
    void onAPhoneAnOverlapIsFlaggedAtTheEndFieldAndAVillageTakesAndDropsItsOwnProgram() throws Exception {
        Browser b = browser(PHONE_WIDTH, PHONE_HEIGHT);
        b.logIn("can.bo", "mat-khau-can-bo");
        b.until("the week", d -> b.all(By.cssSelector("[data-row='thon-dong']")).size() == 1 ? true : null);
        b.click(By.id("program-link"));
        b.until("the commune's program checked", d -> b.find(By.id("check-state")).getText()
                .equals("Không có vấn đề.") ? true : null);

        set(b, "#d0-end", "17:30");
        String atEnd = b.until("the overlap next to the morning's end", d -> problemAt(b, "morning", "end"));
        assertTrue(atEnd.contains("Trùng giờ: Buổi sáng (05:30–17:30) — Buổi chiều (17:00–18:00)"), atEnd);
        assertTrue(problemAt(b, "evening", "start") != null, "and next to the evening's start");
        assertFalse(b.find(By.id("save-program")).isEnabled());
        ((JavascriptExecutor) b.driver()).executeScript("arguments[0].scrollIntoView({block: 'center'})",
                b.find(By.cssSelector("fieldset[data-session='morning'] [data-field='end']")));
        b.screenshot("calendar-problem-phone");
        assertReadable(b);
        assertFitsWidth(b);
        assertEquals("06:30", api.call("GET", "/api/program", admin, null).json().get("commune").get("daily").get(0)
                .get("end").asText().substring(0, 5), "nothing was sent");

        // Thôn Đông follows the commune: it is given its own program (a copy), then follows the commune again.
        b.go("/#/calendar/program/thon-dong");
        b.click(By.id("make-own"));
        b.until("thôn Đông's own program", d -> b.all(By.cssSelector("#program-form fieldset[data-session='morning']"))
                .size() == 1 ? true : null);
        assertTrue(b.find(By.tagName("h1")).getText().contains("Thôn Đông"));
        assertEquals("morning", villageProgram("thon-dong").get("daily").get(0).get("id").asText());
        assertFitsWidth(b);
        b.click(By.id("follow-commune"));
        b.click(By.id("follow-commune"));
        await("thôn Đông follows the commune again").atMost(WAIT).until(() -> villageProgram("thon-dong") == null);
    }

    private List<String> morningItems(String station) throws Exception {
        JsonNode schedule = api.call("GET", "/api/schedules/" + station, admin, null).json();
        List<String> items = new ArrayList<>();
        if (schedule.has("sessions")) {
            schedule.get("sessions").get(0).get("items").forEach(i -> items.add(i.get("contentId").asText()));
        }
        return items;
    }

    private List<String> sessionIds(String station) throws Exception {
        List<String> ids = new ArrayList<>();
        api.call("GET", "/api/schedules/" + station, admin, null).json().path("sessions")
                .forEach(s -> ids.add(s.get("id").asText()));
        return ids;
    }

    private JsonNode villageProgram(String village) throws Exception {
        for (JsonNode v : api.call("GET", "/api/program", admin, null).json().get("villages")) {
            if (v.get("id").asText().equals(village)) {
                return v.get("program") == null || v.get("program").isNull() ? null : v.get("program");
            }
        }
        throw new AssertionError("no village " + village);
    }
}
