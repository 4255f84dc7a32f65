package vn.loalang.systemtests.console;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import vn.loalang.agent.clock.SimulatedTimeSync;
import vn.loalang.agent.clock.StationClock;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.station.EventType;
import vn.loalang.systemtests.support.Browser;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web console in a real browser (Debian's headless Chromium) against a running controller and
 * simulated stations: each role logs in and does its main task, and the screenshots of the main
 * pages are saved (docs/console.md shows them).
 */
class ConsoleBrowserTest {
    // 04:00 in the commune: before the day's first session, so no station has missed one yet.
    static final Instant EARLY = Instant.parse("2026-11-23T21:00:00Z");
    static final String ADMIN_PASSWORD = "mat-khau-quan-tri";
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    TestClock clock;
    Controller controller;
    ApiClient api;
    String admin;
    String base;
    final List<AutoCloseable> running = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        clock = new TestClock(EARLY);
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                        .withHttp("127.0.0.1", Ports.free(), null).withEmbeddedBroker("127.0.0.1", Ports.free()), clock,
                new PasswordHasher(1000), () -> ADMIN_PASSWORD, new PrintStream(OutputStream.nullOutputStream()));
        api = new ApiClient(controller.contentPort());
        admin = api.login("admin", ADMIN_PASSWORD);
        base = "http://127.0.0.1:" + controller.contentPort();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        controller.close();
    }

    private <T extends AutoCloseable> T keep(T c) {
        running.add(c);
        return c;
    }

    private SimulatedStation station(String id) throws Exception {
        SimulatedStation s = keep(new SimulatedStation(id, controller.brokerUrl(), controller.keyId(),
                controller.publicKeyPem(), dir.resolve(id), clock, false, 300, 100).reportingEvery(1).start());
        await(id + " holds its schedule").atMost(WAIT).until(() -> s.agent().schedule().isPresent());
        return s;
    }

    private void user(String name, String role, List<String> villages, String password) throws Exception {
        assertEquals(201, api.call("POST", "/api/users", admin, Map.of("username", name, "role", role, "villages",
                villages, "password", password)).status());
    }

    private Browser browser(int width, int height) {
        return keep(Browser.open(base, width, height));
    }

    /** WCAG AA for normal text: a contrast of at least 4.5 between every text and its background. */
    private static void assertReadable(Browser b) {
        String lowest = b.lowestContrast();
        assertTrue(Double.parseDouble(lowest.split(" ")[0]) >= 4.5, "lowest contrast on the page: " + lowest);
    }

    private static String badgeOf(Browser b, String station) {
        List<WebElement> found = b.all(By.cssSelector("tr[data-station='" + station + "'] .badge"));
        return found.isEmpty() ? "" : found.get(0).getText();
    }

    @Test
    void aVillageHeadSoundsAnEmergencyFromTheBigButtonToPlayingOnAPhone() throws Exception {
        SimulatedStation tay = station("thon-tay-1");
        assertEquals(200, api.call("PUT", "/api/library/tone-660", admin, Map.of("category", "warning", "title",
                "Cảnh báo nước lũ")).status());
        user("truong.tay", "VILLAGE_HEAD", List.of("thon-tay"), "mat-khau-truong-thon");
        Browser b = browser(390, 844);

        b.logIn("truong.tay", "mat-khau-truong-thon");
        WebElement button = b.find(By.id("sound"));
        assertTrue(button.getText().contains("PHÁT CẢNH BÁO KHẨN"), "Vietnamese first: " + button.getText());
        assertTrue(button.getSize().getHeight() >= 88, "a big target on a phone: " + button.getSize());
        assertTrue(b.all(By.linkText("Cụm loa")).isEmpty(), "a village head has no technician's page");
        b.screenshot("emergency-phone");
        assertReadable(b);

        b.click(By.id("sound"));
        assertTrue(b.find(By.cssSelector("[role=alert]")).getText().contains("lý do"), "the reason is asked for");
        b.type("reason", "Nước lũ tràn đê");
        b.click(By.id("sound"));
        assertTrue(b.find(By.tagName("main")).getText().contains("Cảnh báo nước lũ"), "the confirmation names the warning");
        b.click(By.id("confirm"));

        String state = b.until("thôn Tây's loudspeaker playing the alert", d -> {
            String s = badgeOf(b, "thon-tay-1");
            return s.equals("Đang phát") || s.equals("Đã phát xong") ? s : null;
        });
        String alertId = b.driver().getCurrentUrl().replaceAll(".*#/emergency/", "");
        assertTrue(controller.monitor().eventLog().events("thon-tay-1").stream().anyMatch(e -> e.type() == EventType.ITEM_STARTED
                && alertId.equals(e.sessionId())), "the station itself reported the alert playing (" + state + ")");
        assertTrue(tay.relayEdges().stream().anyMatch(SimulatedStation.Edge::on), "the amplifier was switched on");
        b.screenshot("emergency-status");

        b.click(By.id("cancel"));
        b.acceptDialog();
        b.until("the alert shown cancelled", d -> b.find(By.tagName("main")).getText().contains("Đã hủy") ? true : null);
        assertEquals("CANCELLED", controller.alerts().status(alertId).orElseThrow().state());
    }

    @Test
    void aTechnicianSeesEveryStationLiveOnTheTableAndTheMapAndSendsATestTone() throws Exception {
        station("thon-tay-1");
        SimulatedStation dong = station("thon-dong-1");
        assertEquals(200, api.call("PUT", "/api/stations/thon-tay-1", admin, Map.of("latitude", 21.031, "longitude",
                105.852)).status());
        assertEquals(200, api.call("PUT", "/api/stations/thon-dong-1", admin, Map.of("latitude", 21.036, "longitude",
                105.861)).status());
        user("ky.thuat", "TECHNICIAN", List.of(), "mat-khau-ky-thuat");
        Browser b = browser(1280, 900);

        b.logIn("ky.thuat", "mat-khau-ky-thuat");
        b.until("both stations shown OK", d -> badgeOf(b, "thon-tay-1").equals("Tốt")
                && badgeOf(b, "thon-dong-1").equals("Tốt") ? true : null);
        assertEquals(2, b.all(By.cssSelector("svg.map circle")).size(), "both stations on the map");
        b.screenshot("stations");
        assertReadable(b);

        ((JavascriptExecutor) b.driver()).executeScript("window.loadedOnce = 'yes'");
        dong.close();
        // Past the 90 s offline bound: the controller's next round tells the page over server-sent events.
        clock.jumpTo(clock.instant().plus(Duration.ofMinutes(2)));
        b.until("thôn Đông shown offline without a reload", d -> badgeOf(b, "thon-dong-1").equals("Mất kết nối") ? true : null);
        assertEquals("yes", ((JavascriptExecutor) b.driver()).executeScript("return window.loadedOnce"),
                "the same page, updated in place");
        assertTrue(b.find(By.cssSelector("tr[data-station='thon-dong-1']")).getText().contains("offline"),
                "the reason is shown: " + b.find(By.cssSelector("tr[data-station='thon-dong-1']")).getText());

        b.click(By.linkText("thon-tay-1"));
        b.until("the station's load over the day, from its telemetry history", d -> b.all(By.cssSelector(
                "svg.chart polyline")).size() >= 2 ? true : null);
        b.click(By.xpath("//button[normalize-space()='Phát tiếng thử']"));
        b.until("the station's answer to the test tone", d -> b.find(By.tagName("main")).getText()
                .matches("(?s).*TEST_TONE\\s+DONE.*") ? true : null);
        b.screenshot("station");
    }

    /**
     * Issue 16 point 1: a technician sees which stations trust their clock and by what. Thôn Tây's Pi boots 3 hours
     * behind with no NTP and runs on the controller's signed time; thôn Đông's was given another commune's key, so
     * nothing vouches for its clock and it plays no scheduled session: after a minute it needs attention.
     */
    @Test
    void aTechnicianSeesWhichStationsTrustTheirClockAndTheOneNothingVouchesForNeedsAttention() throws Exception {
        SimulatedStation tay = keep(new SimulatedStation("thon-tay-1", controller.brokerUrl(), controller.keyId(),
                controller.publicKeyPem(), dir.resolve("thon-tay-1"), clock, false, 300, 100).reportingEvery(1)
                .startWithClock(Clock.offset(clock, Duration.ofHours(-3)), new SimulatedTimeSync(false)));
        SimulatedStation dong = keep(new SimulatedStation("thon-dong-1", controller.brokerUrl(), "khoa-xa-khac",
                Ed25519Keys.publicPem(Ed25519Keys.generate().getPublic()), dir.resolve("thon-dong-1"), clock, false, 300,
                100).reportingEvery(1).startWithClock(clock, new SimulatedTimeSync(false)));
        await("thôn Tây runs on the controller's time").atMost(WAIT)
                .until(() -> tay.agent().clockSource() == StationClock.Source.CONTROLLER);
        await("thôn Tây holds today's schedule, taken once its clock was right").atMost(WAIT)
                .until(() -> tay.agent().schedule().isPresent());
        assertEquals(StationClock.Source.NONE, dong.agent().clockSource());
        user("ky.thuat", "TECHNICIAN", List.of(), "mat-khau-ky-thuat");
        Browser b = browser(1280, 900);

        b.logIn("ky.thuat", "mat-khau-ky-thuat");
        String tayClock = "tr[data-station='thon-tay-1'] td[data-clock]";
        String dongClock = "tr[data-station='thon-dong-1'] td[data-clock]";
        b.until("thôn Tây's clock shown as the controller's, with the correction", d -> b.find(By.cssSelector(tayClock))
                .getText().equals("Theo giờ máy chủ (+3 giờ 0 phút) / controller's time (+3 h 0 min)") ? true : null);
        b.until("thôn Đông's clock shown not trusted", d -> "false".equals(b.find(By.cssSelector(dongClock))
                .getAttribute("data-trusted")) ? true : null);
        assertEquals("Chưa tin cậy: chỉ phát khẩn cấp / not trusted: emergencies only",
                b.find(By.cssSelector(dongClock)).getText());
        assertEquals("CONTROLLER", b.find(By.cssSelector(tayClock)).getAttribute("data-clock"));
        assertEquals("Đồng hồ", b.all(By.cssSelector("thead th")).get(6).getText());

        // A minute untrusted, by the controller's clock: it needs attention, and the page says so without a reload.
        clock.jumpTo(clock.instant().plus(Duration.ofSeconds(70)));
        b.until("thôn Đông needs attention for its clock", d -> badgeOf(b, "thon-dong-1").equals("Có lỗi")
                && b.find(By.cssSelector("tr[data-station='thon-dong-1']")).getText().contains("Đồng hồ chưa tin cậy")
                ? true : null);
        assertTrue(b.find(By.cssSelector("tr[data-station='thon-dong-1']")).getText()
                .contains("clock not trusted since"), "English beside the Vietnamese");
        assertEquals("thon-dong-1", b.all(By.cssSelector("tr[data-station]")).get(0).getAttribute("data-station"),
                "worst first: " + b.all(By.cssSelector("tr[data-station]")).stream().map(WebElement::getText).toList());
        assertReadable(b);
        b.screenshot("stations-clock");

        com.fasterxml.jackson.databind.JsonNode rows = api.call("GET", "/api/health", admin, null).json();
        Map<String, String> sources = new java.util.TreeMap<>();
        rows.forEach(h -> sources.put(h.path("stationId").asText(), h.path("telemetry").path("clock").path("source").asText()
                + " trusted=" + h.path("telemetry").path("clock").path("trusted").asText()));
        assertEquals(Map.of("thon-dong-1", "NONE trusted=false", "thon-tay-1", "CONTROLLER trusted=true"), sources,
                "the health API carries each station's clock");

        b.click(By.linkText("thon-tay-1"));
        b.until("the station page shows its clock", d -> b.find(By.id("clock")).getText()
                .contains("Theo giờ máy chủ (+3 giờ 0 phút)") ? true : null);
    }

    @Test
    void anOperatorSeesTheWeekEditsAPlaylistSeesTheStationsHoldItAndUploadsAClip() throws Exception {
        SimulatedStation tay = station("thon-tay-1");
        SimulatedStation dong = station("thon-dong-1");
        user("can.bo", "OPERATOR", List.of(), "mat-khau-can-bo");
        Browser b = browser(1280, 900);

        b.logIn("can.bo", "mat-khau-can-bo");
        b.until("the week of thôn Đông", d -> b.all(By.cssSelector("[data-village='thon-dong']")).stream()
                .anyMatch(c -> c.getText().contains("Buổi sáng")) ? true : null);
        assertEquals(7, b.all(By.cssSelector("[data-village='thon-dong']")).size(), "seven days");
        b.screenshot("calendar");
        assertReadable(b);

        b.click(By.partialLinkText("Buổi sáng"));
        b.until("the morning playlist", d -> b.all(By.cssSelector("ol.playlist li")).size() == 3 ? true : null);
        new Select(b.find(By.id("add-item"))).selectByValue("tone-660");
        b.click(By.xpath("//button[normalize-space()='Thêm bản tin']"));
        assertEquals(4, b.all(By.cssSelector("ol.playlist li")).size());
        b.click(By.id("save"));
        await("thôn Đông's station holds the longer morning").atMost(WAIT).until(() -> dong.agent().schedule()
                .map(s -> s.sessions().stream().filter(x -> x.id().endsWith(".morning")).map(Session::items)
                        .allMatch(items -> items.size() == 4)).orElse(false));
        b.until("the page shows every station holding it", d -> {
            List<WebElement> rows = b.all(By.cssSelector("tr[data-station]"));
            return rows.size() == 2 && rows.stream().allMatch(r -> "false".equals(r.getAttribute("data-behind"))) ? true
                    : null;
        });
        b.screenshot("playlist");

        // Meanwhile another operator saves the morning with one item: this page's next save must not undo that unseen.
        com.fasterxml.jackson.databind.node.ObjectNode theirs = (com.fasterxml.jackson.databind.node.ObjectNode)
                api.call("GET", "/api/program", admin, null).json().get("commune");
        ((com.fasterxml.jackson.databind.node.ObjectNode) theirs.get("daily").get(0)).putArray("items").add("tone-440");
        assertEquals(200, api.call("PUT", "/api/program", admin, theirs).status());
        b.click(By.xpath("//button[normalize-space()='Thêm bản tin']"));
        b.click(By.id("save"));
        assertTrue(b.find(By.cssSelector("main [role=alert]")).getText().contains("người khác sửa"),
                "the later edit is refused with the reason");
        assertEquals(1, api.call("GET", "/api/program", admin, null).json().get("commune").get("daily").get(0)
                .get("items").size(), "the other operator's edit stands");
        b.click(By.xpath("//button[normalize-space()='Tải lại chương trình mới nhất']"));
        b.until("the latest morning loaded", d -> b.all(By.cssSelector("ol.playlist li")).size() == 1 ? true : null);

        // Thôn Tây has a program of its own: edited on its own, it reaches thôn Tây's station only.
        b.click(By.linkText("Lịch phát"));
        b.click(By.cssSelector("a[href='#/calendar/edit/morning/thon-tay']"));
        b.until("thôn Tây's own morning", d -> b.find(By.tagName("h1")).getText().contains("Thôn Tây")
                && b.all(By.cssSelector("ol.playlist li")).size() == 2 ? true : null);
        new Select(b.find(By.id("add-item"))).selectByValue("tone-1000");
        b.click(By.xpath("//button[normalize-space()='Thêm bản tin']"));
        b.click(By.id("save"));
        await("thôn Tây's station holds its longer morning").atMost(WAIT).until(() -> tay.agent().schedule()
                .map(x -> x.sessions().stream().filter(v -> v.id().endsWith(".morning")).map(Session::items)
                        .allMatch(items -> items.size() == 3)).orElse(false));

        b.click(By.linkText("Thư viện"));
        b.find(By.id("file")).sendKeys(Fixtures.path(Fixtures.ITEM_1000HZ_1500MS).toAbsolutePath().toString());
        b.type("title", "Lịch tiêm chủng tháng 12");
        Select category = new Select(b.find(By.id("category")));
        category.selectByValue("health-insurance");
        assertEquals("BHYT", category.getFirstSelectedOption().getText(), "the category by its name, its code the value");
        b.click(By.cssSelector("form button[type=submit]"));
        b.until("the uploaded clip listed with its player", d -> b.all(By.cssSelector("tr[data-item]")).stream()
                .anyMatch(r -> r.getText().contains("Lịch tiêm chủng tháng 12")
                        && !r.findElements(By.tagName("audio")).isEmpty()) ? true : null);
        WebElement kind = b.all(By.cssSelector("tr[data-item]")).stream()
                .filter(r -> r.getText().contains("Lịch tiêm chủng tháng 12")).findFirst().orElseThrow()
                .findElements(By.tagName("td")).get(1);
        assertEquals("BHYT", kind.getText(), "the library's table names the category");
        assertEquals("health-insurance", kind.getAttribute("title"));
        b.screenshot("library");
        // Sizes written the Vietnamese way, as the charts write them ("8.192,0 MB", not "8192.0 MB").
        String storage = b.find(By.cssSelector("p.storage")).getText();
        assertTrue(storage.matches("Dung lượng thư viện: \\d{1,3}(\\.\\d{3})*,\\d MB / \\d{1,3}(\\.\\d{3})*,\\d MB"),
                "the library's space: " + storage);

        b.click(By.linkText("Báo cáo"));
        b.find(By.tagName("table"));
    }

    @Test
    void aPasswordGivenByTheAdministratorOpensOnlyTheChangePasswordForm() throws Exception {
        user("van.thu", "OPERATOR", List.of(), "mat-khau-van-thu");
        assertEquals(204, api.call("POST", "/api/users/van.thu/password", admin, Map.of("password",
                "cap-boi-quan-tri")).status());
        Browser b = browser(1024, 768);
        b.logIn("van.thu", "cap-boi-quan-tri");
        b.find(By.id("current-password"));
        assertTrue(b.all(By.cssSelector("#nav a")).isEmpty(), "no page but the password change");
        assertReadable(b);
        b.type("current-password", "cap-boi-quan-tri");
        b.type("new-password", "mat-khau-cua-van-thu");
        b.type("repeat-password", "mat-khau-cua-van-thu-2");
        b.click(By.cssSelector("form button[type=submit]"));
        assertTrue(b.find(By.cssSelector("form [role=alert]")).getText().contains("không giống nhau"));
        b.type("repeat-password", "mat-khau-cua-van-thu");
        b.click(By.cssSelector("form button[type=submit]"));
        b.until("the operator's pages", d -> b.all(By.cssSelector("#nav a")).size() > 1 ? true : null);
        api.login("van.thu", "mat-khau-cua-van-thu");
    }

    @Test
    void aWrongPasswordIsRefusedAndEachRoleOpensOnlyItsPages() throws Exception {
        user("truong.dong", "VILLAGE_HEAD", List.of("thon-dong"), "mat-khau-truong-dong");
        Browser b = browser(1024, 768);

        b.logIn("truong.dong", "sai-mat-khau");
        // The form's alert is there, empty, before the answer: wait for the refusal's words in it.
        b.until("the wrong password refused", d -> b.find(By.cssSelector("[role=alert]")).getText()
                .contains("Sai tên đăng nhập") ? true : null);
        long firstPage = b.bytesLoaded();
        assertTrue(firstPage > 10_000 && firstPage < 200_000, "the first page is light on a slow link: " + firstPage
                + " bytes");
        b.logIn("truong.dong", "mat-khau-truong-dong");
        b.find(By.id("sound"));
        // With the keyboard alone: tab to the big button and press Enter; the form asks for what to say.
        WebElement focused = b.driver().switchTo().activeElement();
        for (int i = 0; i < 40 && !"sound".equals(focused.getAttribute("id")); i++) {
            focused.sendKeys(org.openqa.selenium.Keys.TAB);
            focused = b.driver().switchTo().activeElement();
        }
        assertEquals("sound", focused.getAttribute("id"), "the emergency button is reached with Tab");
        focused.sendKeys(org.openqa.selenium.Keys.ENTER);
        assertTrue(b.find(By.cssSelector("form [role=alert]")).getText().contains("Chọn bản ghi hoặc gõ nội dung"),
                "no recording in the library yet: the text to read out is asked for");
        // Opened afresh at a technician's address, the console shows the head's own page instead.
        b.go("/#/stations");
        b.driver().navigate().refresh();
        b.find(By.id("sound"));
        assertTrue(b.driver().getCurrentUrl().endsWith("#/stations"));
        assertFalse(b.find(By.tagName("main")).getText().contains("Cụm loa của xã"), "not a technician's page");
        b.click(By.id("lang"));
        b.until("English on the same page", d -> b.find(By.id("sound")).getText().contains("SOUND THE EMERGENCY")
                ? true : null);
        assertEquals("en", api.call("GET", "/api/me", api.login("truong.dong", "mat-khau-truong-dong"), null).json()
                .get("language").asText(), "the choice is the user's, kept by the controller for any browser");
    }
}
