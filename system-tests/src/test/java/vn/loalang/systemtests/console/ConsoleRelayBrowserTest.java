package vn.loalang.systemtests.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.support.ui.Select;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.systemtests.support.Browser;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Relays in the console (issue 17), in Debian's headless Chromium against a running controller: an operator
 * names a live source (a bad address is refused with the reason), then puts a relay of it into the morning's
 * playlist. No station has reported an agent version yet, so the schedule carries the relay's fallback item in
 * its place, and the program says so. On a phone, the evening replays the latest recording of VOV1.
 */
class ConsoleRelayBrowserTest {
    static final String ADMIN_PASSWORD = "mat-khau-quan-tri";
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private Controller controller;
    private ApiClient api;
    private String admin;
    private Browser browser;

    @BeforeEach
    void start() throws Exception {
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                        .withHttp("127.0.0.1", Ports.free(), null).withEmbeddedBroker("127.0.0.1", Ports.free()),
                new TestClock(ConsoleBrowserTest.EARLY), new PasswordHasher(1000), () -> ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream()));
        api = new ApiClient(controller.contentPort());
        admin = api.login("admin", ADMIN_PASSWORD);
        assertEquals(201, api.call("POST", "/api/users", admin, Map.of("username", "can.bo", "role", "OPERATOR",
                "villages", List.of(), "password", "mat-khau-can-bo")).status());
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        controller.close();
    }

    @Test
    void anOperatorNamesASourceAndPutsARelayOfItIntoTheMorning() throws Exception {
        Browser b = browser = Browser.open("http://127.0.0.1:" + controller.contentPort(), 1280, 900);
        b.logIn("can.bo", "mat-khau-can-bo");
        b.click(By.linkText("Nguồn tiếp sóng"));
        b.until("the sources page", d -> b.find(By.tagName("h1")).getText().equals("Nguồn tiếp sóng") ? true : null);

        b.type("source-id", "vov1");
        b.type("source-name", "VOV1");
        b.type("source-url", "rtmp://stream.example.vn/vov1");
        new Select(b.find(By.id("source-end-rule"))).selectByValue("PROGRAMME_END");
        b.click(By.id("source-save"));
        String refused = b.until("the address refused", d -> {
            String text = b.find(By.cssSelector("#source-form [role=alert]")).getText();
            return text.isEmpty() ? null : text;
        });
        assertTrue(refused.contains("Địa chỉ nguồn phải là một URL http:// hoặc https://")
                && refused.contains("the source's url must be a full http:// or https:// URL"), refused);

        b.find(By.id("source-url")).clear();
        b.type("source-url", "https://stream.example.vn/vov1.aac");
        b.click(By.id("source-save"));
        b.until("the source listed", d -> b.all(By.cssSelector("tr[data-source='vov1']")).isEmpty() ? null : true);
        assertTrue(b.find(By.cssSelector("tr[data-source='vov1']")).getText().contains("khi chương trình kết thúc"));
        ((JavascriptExecutor) b.driver()).executeScript("window.scrollTo(0, 0)");
        b.screenshot("relay-sources");
        String lowest = b.lowestContrast();
        assertTrue(Double.parseDouble(lowest.split(" ")[0]) >= 4.5, "lowest contrast on the page: " + lowest);

        b.click(By.linkText("Lịch phát"));
        b.click(By.cssSelector("a[href='#/calendar/edit/morning']"));
        b.until("the morning playlist with the relay form", d -> b.all(By.cssSelector("ol.playlist li")).size() == 3
                && !b.all(By.id("relay-add")).isEmpty() ? true : null);
        // A time field's typing differs by locale: its value is set as the page would read it.
        ((JavascriptExecutor) b.driver()).executeScript("arguments[0].value = '06:00'", b.find(By.id("relay-start")));
        b.type("relay-max", "10");
        new Select(b.find(By.id("relay-fallback"))).selectByValue("ITEM_THEN_REST");
        new Select(b.find(By.id("relay-fallback-item"))).selectByValue("tone-660");
        b.click(By.id("relay-add"));
        String entry = b.find(By.cssSelector("ol.playlist li[data-relay='vov1']")).getText();
        assertTrue(entry.contains("Tiếp sóng vov1 06:00–≤ 10 min") && entry.contains("Thời tiết"), entry);
        b.click(By.id("save"));

        JsonNode relay = await("the program holds the relay").atMost(WAIT).until(() -> api.call("GET", "/api/program",
                admin, null).json().get("commune").get("daily").get(0).get("items").get(3), r -> r != null);
        assertEquals("vov1", relay.get("relay").asText());
        assertEquals(10, relay.get("maxMinutes").asInt());
        assertEquals("tone-660", relay.get("fallbackItem").asText());
        assertEquals("ITEM_THEN_REST", relay.get("fallback").asText());

        // No station has said which agent it runs: it gets the fallback in the relay's place, and the program says so.
        await("thôn Đông's schedule published with the fallback in the relay's place").atMost(WAIT)
                .until(() -> morning("thon-dong-1"), m -> m.equals(List.of("tone-440", "tone-1000", "tone-660", "tone-660")));
        JsonNode notices = api.call("GET", "/api/program", admin, null).json().get("notices");
        assertTrue(notices.toString().contains("station thon-dong-1") && notices.toString().contains("vov1"),
                notices.toString());
        b.screenshot("playlist-relay");
    }

    /**
     * The evening replays the morning's news (issue 17, point 4): on a phone, the operator adds "the latest recording
     * of VOV1" to the evening's playlist; the check says what the station plays while no recording is kept yet, and
     * the stored program holds the entry where it was put. A replay set through the API reads by its source's name.
     */
    @Test
    void anOperatorPutsTheLatestRecordingOfVov1IntoTheEveningOnAPhone() throws Exception {
        for (List<String> source : List.of(List.of("dai-tinh", "Đài tỉnh"), List.of("vov1", "VOV1"))) {
            assertEquals(201, api.call("POST", "/api/live/sources", admin, Map.of("id", source.get(0), "name", source.get(1),
                    "url", "https://stream.example.vn/" + source.get(0) + ".aac")).status());
        }
        ObjectNode program = (ObjectNode) api.call("GET", "/api/program", admin, null).json().get("commune");
        ((ArrayNode) program.get("daily").get(0).get("items")).addObject().put("latestRecording", "dai-tinh");
        ApiClient.Answer put = api.call("PUT", "/api/program", admin, program);
        assertEquals(200, put.status(), String.valueOf(put.json()));

        Browser b = browser = Browser.open("http://127.0.0.1:" + controller.contentPort(), 360, 800);
        b.logIn("can.bo", "mat-khau-can-bo");
        b.click(By.linkText("Lịch phát"));
        b.click(By.cssSelector("a[href='#/calendar/edit/morning']"));
        String set = b.until("the replay set through the API, by its source's name", d -> b.all(
                By.cssSelector("ol.playlist li[data-latest='dai-tinh']")).isEmpty() ? null
                : b.find(By.cssSelector("ol.playlist li[data-latest='dai-tinh']")).getText());
        assertTrue(set.startsWith("● Bản ghi mới nhất: Đài tỉnh"), set);

        b.click(By.cssSelector("a[href='#/calendar']"));
        b.click(By.cssSelector("a[href='#/calendar/edit/evening']"));
        b.until("the evening playlist", d -> b.all(By.cssSelector("ol.playlist li")).size() == 1
                && !b.all(By.id("latest-add")).isEmpty() ? true : null);
        new Select(b.find(By.id("latest-source"))).selectByVisibleText("VOV1");
        b.click(By.id("latest-add"));
        String added = b.find(By.cssSelector("ol.playlist li[data-latest='vov1']")).getText();
        assertTrue(added.startsWith("● Bản ghi mới nhất: VOV1"), added);
        String said = b.until("the check's word on the replay, under the playlist", d -> {
            String text = b.find(By.id("playlist-check")).getText();
            return text.isEmpty() ? null : text;
        });
        assertEquals("Lưu ý (2026-11-24): chưa có bản ghi nào của VOV1 trước giờ phát: cụm loa phát các bản tin khác của"
                + " buổi, không có bản ghi.", said);
        assertTrue(b.fitsWidth(), "the editor scrolls sideways at 360 px: " + b.widthReport());
        assertTrue(b.smallestTarget() >= 44, "a touch target under 44 px: " + b.smallestTargetReport());
        b.click(By.id("save"));

        JsonNode evening = await("the program holds the replay at the end of the evening").atMost(WAIT).until(() -> api.call(
                "GET", "/api/program", admin, null).json().get("commune").get("daily").get(1), e -> e.get("items").size() == 2);
        assertEquals("evening", evening.get("id").asText());
        assertEquals("tone-440", evening.get("items").get(0).asText());
        assertEquals("vov1", evening.get("items").get(1).get("latestRecording").asText());
        // The save is answered once the program compiled: it says what the check said, and the station's evening
        // is its other item (a recording kept later is replayed from the next compile on).
        JsonNode view = api.call("GET", "/api/program", admin, null).json();
        assertEquals(0, view.get("problems").size(), view.toString());
        assertTrue(view.get("notices").toString().contains("village thon-dong: session 'evening' on 2026-11-24 plays no"
                + " recording of vov1: none was kept before it starts; its other items play without it"), view.toString());
        assertEquals(List.of("tone-440"), session("thon-dong-1", ".evening"));
        ((JavascriptExecutor) b.driver()).executeScript("document.querySelector('h1').scrollIntoView()");
        b.screenshot("relay-latest-recording");

        // The operator's language the other way round: the same entry in English.
        b.click(By.id("lang"));
        String english = b.until("the entry in English", d -> {
            var li = b.all(By.cssSelector("ol.playlist li[data-latest='vov1']"));
            return li.isEmpty() || !li.get(0).getText().startsWith("● Latest recording") ? null : li.get(0).getText();
        });
        assertTrue(english.startsWith("● Latest recording: VOV1"), english);
    }

    private List<String> session(String station, String suffix) {
        return controller.schedules().get(station).sessions().stream().filter(s -> s.id().endsWith(suffix))
                .findFirst().map(Session::items).orElseThrow().stream().map(Item::contentId).toList();
    }

    private List<String> morning(String station) {
        return controller.schedules().get(station).sessions().stream().filter(s -> s.id().endsWith(".morning"))
                .findFirst().map(Session::items).orElseThrow().stream().map(Item::contentId).toList();
    }
}
