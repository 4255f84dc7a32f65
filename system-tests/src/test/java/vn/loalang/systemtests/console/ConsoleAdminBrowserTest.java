package vn.loalang.systemtests.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.Json;
import vn.loalang.systemtests.support.Browser;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Administration in a real browser (Debian's headless Chromium) against a real controller: an administrator
 * creates a village head, disables an account and enables it again, merges two villages after reading the preview,
 * moves a station and downloads its bundle, removes it, gives a village head a second village, renames a village
 * and removes it (after the API's refusals, shown), sets quiet hours and health thresholds and reads it all in the
 * audit log (desktop); a technician on a phone sees the stations only and rotates a station's password. Every
 * change is checked through the API.
 */
class ConsoleAdminBrowserTest {
    private static final int PHONE_W = 360;
    private static final int PHONE_H = 740;

    @TempDir
    Path dir;
    private Controller controller;
    private ApiClient api;
    private String admin;
    private String base;
    private final List<AutoCloseable> running = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                        .withHttp("127.0.0.1", Ports.free(), null).withEmbeddedBroker("127.0.0.1", Ports.free()),
                new TestClock(ConsoleBrowserTest.EARLY), new PasswordHasher(1000), () -> ConsoleBrowserTest.ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream()));
        api = new ApiClient(controller.contentPort());
        admin = api.login("admin", ConsoleBrowserTest.ADMIN_PASSWORD);
        base = "http://127.0.0.1:" + controller.contentPort();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        controller.close();
    }

    /** A browser whose downloads go into {@code downloads} (a bundle holds a password: never the home folder). */
    private Browser browser(int width, int height, Path downloads) throws Exception {
        Browser b = Browser.open(base, width, height);
        running.add(b);
        Files.createDirectories(downloads);
        ((ChromiumDriver) b.driver()).executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow",
                "downloadPath", downloads.toAbsolutePath().toString()));
        return b;
    }

    private static String text(Browser b, String css) {
        return b.find(By.cssSelector(css)).getText();
    }

    private static boolean fitsWidth(Browser b) {
        return (Boolean) ((JavascriptExecutor) b.driver()).executeScript(
                "return document.documentElement.scrollWidth <= window.innerWidth");
    }

    private JsonNode get(String path) throws Exception {
        ApiClient.Answer a = api.call("GET", path, admin, null);
        assertEquals(200, a.status(), path + ": " + a.json());
        return a.json();
    }

    private String villageOf(String station) throws Exception {
        for (JsonNode s : get("/api/stations")) {
            if (s.get("id").asText().equals(station)) {
                return s.get("village").asText();
            }
        }
        throw new AssertionError("no station " + station);
    }

    private List<String> stationIds() throws Exception {
        List<String> ids = new ArrayList<>();
        get("/api/stations").forEach(s -> ids.add(s.get("id").asText()));
        return ids;
    }

    /** The village's name by the API, or null when there is no such village. */
    private String villageNamed(String id) throws Exception {
        for (JsonNode v : get("/api/villages")) {
            if (v.get("id").asText().equals(id)) {
                return v.get("name").asText();
            }
        }
        return null;
    }

    private List<String> villagesOf(String username) throws Exception {
        List<String> villages = new ArrayList<>();
        userOf(username).get("villages").forEach(v -> villages.add(v.asText()));
        return villages.stream().sorted().toList();
    }

    @Test
    void anAdministratorRunsUsersVillagesStationsAndSettingsFromTheConsole() throws Exception {
        assertEquals(201, api.call("POST", "/api/users", admin, Map.of("username", "ban.cu", "role", "OPERATOR",
                "villages", List.of(), "password", "mat-khau-ban-cu")).status());
        Path downloads = dir.resolve("downloads");
        Browser b = browser(1280, 800, downloads);
        b.logIn("admin", ConsoleBrowserTest.ADMIN_PASSWORD);
        settled(b);

        // Users: a village head with her village; the village boxes show for a village head only.
        b.click(By.linkText("Quản trị"));
        b.find(By.cssSelector("table#users"));
        assertFalse(b.find(By.id("new-role")).getTagName().isEmpty());
        assertFalse(b.driver().findElement(By.id("new-villages")).isDisplayed(), "no villages for an operator");
        b.type("new-username", "truong.dong");
        b.type("new-name", "Chị Lan");
        new Select(b.find(By.id("new-role"))).selectByValue("VILLAGE_HEAD");
        b.click(By.cssSelector("#new-villages input[value='thon-dong']"));
        b.type("new-password", "mat-khau-truong-dong");
        b.click(By.id("new-user"));
        b.until("the new user listed", d -> text(b, "table#users").contains("truong.dong") ? true : null);
        assertTrue(text(b, "tr[data-user='truong.dong']").contains("Thôn Đông"), text(b, "tr[data-user='truong.dong']"));
        assertEquals("VILLAGE_HEAD", userOf("truong.dong").get("role").asText());

        // Another role, a password reset (to be changed at the next login), then disabling.
        b.click(By.linkText("ban.cu"));
        new Select(b.find(By.id("user-role"))).selectByValue("TECHNICIAN");
        WebElement userPage = b.find(By.id("user-save"));
        b.click(By.id("user-save"));
        b.until("the page drawn again", ExpectedConditions.stalenessOf(userPage));
        assertEquals("TECHNICIAN", userOf("ban.cu").get("role").asText());
        b.type("user-temp", "mat-khau-tam-thoi");
        b.click(By.id("user-reset"));
        await("the password reset").atMost(ConsoleBrowserTest.WAIT).until(() ->
                api.call("POST", "/api/login", null, Map.of("username", "ban.cu", "password", "mat-khau-tam-thoi"))
                        .status() == 200);
        assertTrue(api.call("GET", "/api/me", api.login("ban.cu", "mat-khau-tam-thoi"), null).json()
                .get("mustChangePassword").asBoolean(), "a reset password must be changed at the next login");
        // Disabling asks first, in the page, and says the sessions end.
        b.click(By.id("user-disable"));
        assertTrue(text(b, "#user-disable-ask").contains("kết thúc ngay"), text(b, "#user-disable-ask"));
        b.click(By.id("user-disable-yes"));
        b.find(By.id("user-enable"));
        assertTrue(userOf("ban.cu").get("disabled").asBoolean());
        b.click(By.linkText("Người dùng"));
        b.until("the disabled user listed so", d -> text(b, "tr[data-user='ban.cu']").contains("Đã khoá") ? true : null);
        b.screenshot("admin-users");
        assertEquals(401, api.call("POST", "/api/login", null, Map.of("username", "ban.cu", "password",
                "mat-khau-tam-thoi")).status(), "a disabled account cannot log in");
        // Enabled again: the account logs in with the password it had.
        b.click(By.linkText("ban.cu"));
        b.click(By.id("user-enable"));
        b.find(By.id("user-disable"));
        assertFalse(userOf("ban.cu").get("disabled").asBoolean());
        assertEquals(200, api.call("POST", "/api/login", null, Map.of("username", "ban.cu", "password",
                "mat-khau-tam-thoi")).status(), "enabled, ban.cu logs in again");
        b.click(By.linkText("Người dùng"));
        b.until("the user listed as active", d -> text(b, "tr[data-user='ban.cu']").contains("Đang dùng") ? true : null);

        // Villages: the merger's preview names what moves before anything changes.
        b.click(By.linkText("Thôn/ấp"));
        b.click(By.linkText("Thôn Đông"));
        new Select(b.find(By.id("merge-into"))).selectByValue("thon-tay");
        b.click(By.id("merge-preview-button"));
        String preview = text(b, "#merge-preview");
        assertTrue(preview.contains("Thôn Đông → Thôn Tây"), preview);
        assertTrue(preview.contains("thon-dong-1"), "the station that moves: " + preview);
        assertTrue(preview.contains("truong.dong"), "the village head who follows: " + preview);
        assertTrue(preview.contains("chương trình riêng của thôn nhận"), "Thôn Tây plays its own program: " + preview);
        assertEquals("thon-dong", villageOf("thon-dong-1"), "a preview changes nothing");
        scrollTo(b, "merge-preview");
        b.screenshot("admin-merge");
        b.click(By.id("merge-confirm"));
        b.until("back on the village list", d -> b.driver().getCurrentUrl().endsWith("#/admin/villages") ? true : null);
        b.until("Thôn Đông gone", d -> !text(b, "table#villages").contains("Thôn Đông") ? true : null);
        assertEquals("thon-tay", villageOf("thon-dong-1"));
        assertEquals("thon-tay", userOf("truong.dong").get("villages").get(0).asText());

        // A new village, then the station moved there and its bundle downloaded.
        b.type("nv-id", "thon-bac");
        b.type("nv-name", "Thôn Bắc");
        b.click(By.id("village-add"));
        b.until("the new village listed", d -> text(b, "table#villages").contains("Thôn Bắc") ? true : null);
        b.click(By.cssSelector("nav.tabs a[href='#/admin/stations']"));
        b.click(By.cssSelector("#admin-stations tr[data-station='thon-dong-1'] a"));
        new Select(b.find(By.id("station-village"))).selectByValue("thon-bac");
        WebElement before = b.find(By.id("station-form"));
        b.click(By.id("station-save"));
        b.until("the page drawn again", ExpectedConditions.stalenessOf(before));
        assertEquals("thon-bac", villageOf("thon-dong-1"));
        assertEquals("chưa cấp", text(b, "#bundle-generation"));
        b.click(By.id("bundle-make"));
        b.until("the device is required", d -> text(b, "section .error").contains("audioDevice") ? true : null);
        assertEquals("true", b.find(By.id("bundle-device")).getAttribute("aria-invalid"), "the field at fault is marked");
        assertEquals(0, get("/api/stations/thon-dong-1/credentials").get("generation").asInt(), "nothing issued");
        b.type("bundle-device", "USB Audio");
        b.click(By.id("bundle-make"));
        String note = b.until("the bundle downloaded", d -> {
            String n = b.driver().findElement(By.id("bundle-note")).getText() + b.driver().findElement(
                    By.cssSelector("section > .error")).getText();
            return n.isEmpty() ? null : n;
        });
        assertTrue(note.contains("sudo ./install.sh") && note.contains("tcp://127.0.0.1:"), note);
        assertTrue(note.contains("127.0.0.1"), "the loopback-only broker is named: " + note);
        assertEquals(1, get("/api/stations/thon-dong-1/credentials").get("generation").asInt());
        Path archive = downloads.resolve("loalang-station-thon-dong-1.tar.gz");
        await("the archive saved").atMost(ConsoleBrowserTest.WAIT).until(() -> Files.isRegularFile(archive)
                && Files.size(archive) > 0 && !Files.exists(downloads.resolve(archive.getFileName() + ".crdownload")));
        JsonNode config = unpackedConfig(archive);
        assertEquals("thon-dong-1", config.get("stationId").asText());
        assertEquals("USB Audio", config.path("audio").path("device").asText());
        assertEquals(controller.brokerUrl(), config.get("brokerUrl").asText());
        scrollTo(b, "bundle-note");
        b.screenshot("admin-stations");
        // Drawn again after the download: the next bundle is a rotation, and the password can be revoked.
        b.until("the page drawn for a station with a password", d -> text(b, "#bundle-make").contains("mật khẩu mới")
                ? true : null);
        b.click(By.id("bundle-revoke"));
        assertTrue(text(b, "#bundle-revoke-ask").contains("không kết nối được"), text(b, "#bundle-revoke-ask"));
        b.click(By.id("bundle-revoke-yes"));
        await("the password revoked").atMost(ConsoleBrowserTest.WAIT).until(() ->
                get("/api/stations/thon-dong-1/credentials").get("generation").asInt() == 0);
        b.until("the page drawn again", d -> text(b, "#bundle-generation").equals("chưa cấp") ? true : null);

        // The station decommissioned: asked first, then gone from the list and from the API.
        b.click(By.id("station-remove"));
        assertTrue(text(b, "#station-remove-ask").contains("Không hoàn tác"), text(b, "#station-remove-ask"));
        b.click(By.id("station-remove-yes"));
        b.until("back on the station list without thon-dong-1", d -> b.driver().getCurrentUrl().endsWith("#/admin/stations")
                && text(b, "table#admin-stations").contains("thon-tay-1")
                && b.all(By.cssSelector("tr[data-station='thon-dong-1']")).isEmpty() ? true : null);
        assertTrue(stationIds().equals(List.of("thon-tay-1")), "the API's stations: " + stationIds());

        // A village head given a second village: the now empty Thôn Bắc besides Thôn Tây.
        b.click(By.cssSelector("nav.tabs a[href='#/admin/users']"));
        b.click(By.linkText("truong.dong"));
        b.click(By.cssSelector("#user-villages input[value='thon-bac']"));
        WebElement headPage = b.find(By.id("user-save"));
        b.click(By.id("user-save"));
        b.until("the page drawn again", ExpectedConditions.stalenessOf(headPage));
        assertEquals(List.of("thon-bac", "thon-tay"), villagesOf("truong.dong"));
        assertTrue(b.find(By.cssSelector("#user-villages input[value='thon-bac']")).isSelected(), "shown as saved");

        // Thôn Bắc renamed, then removed: refused while a village head serves it, and while it has a station (put
        // there by another administrator while this page was open), each refusal shown as the API gave it.
        b.click(By.cssSelector("nav.tabs a[href='#/admin/villages']"));
        b.click(By.linkText("Thôn Bắc"));
        b.type("village-name", "Thôn Bắc Sơn");
        WebElement villagePage = b.find(By.id("village-save"));
        b.click(By.id("village-save"));
        b.until("the page drawn again", ExpectedConditions.stalenessOf(villagePage));
        assertTrue(text(b, "section.card > h2").contains("Thôn Bắc Sơn (thon-bac)"), text(b, "section.card > h2"));
        assertEquals("Thôn Bắc Sơn", villageNamed("thon-bac"));
        b.click(By.id("village-remove"));
        assertTrue(text(b, "#village-remove-ask").contains("Không hoàn tác"), text(b, "#village-remove-ask"));
        b.click(By.id("village-remove-yes"));
        String refused = b.until("the refusal shown", d -> text(b, "section.card > p.error").contains("còn trưởng thôn")
                ? text(b, "section.card > p.error") : null);
        assertTrue(refused.contains("truong.dong") && refused.contains("still has village head"), refused);
        assertEquals("Thôn Bắc Sơn", villageNamed("thon-bac"), "not removed");
        assertEquals(200, api.call("PUT", "/api/users/truong.dong/role", admin, Map.of("role", "VILLAGE_HEAD",
                "villages", List.of("thon-tay"))).status());
        assertEquals(201, api.call("POST", "/api/stations", admin, Map.of("id", "thon-bac-1", "name", "Cụm loa Bắc",
                "village", "thon-bac")).status());
        b.click(By.id("village-remove"));
        b.click(By.id("village-remove-yes"));
        refused = b.until("the second refusal shown", d -> text(b, "section.card > p.error").contains("còn cụm loa")
                ? text(b, "section.card > p.error") : null);
        assertTrue(refused.contains("still has stations: move them or merge the village instead"), refused);
        assertEquals("Thôn Bắc Sơn", villageNamed("thon-bac"), "not removed");
        assertEquals(204, api.call("DELETE", "/api/stations/thon-bac-1", admin, null).status());
        b.click(By.id("village-remove"));
        b.click(By.id("village-remove-yes"));
        b.until("back on the village list without Thôn Bắc Sơn", d -> b.driver().getCurrentUrl().endsWith("#/admin/villages")
                && text(b, "table#villages").contains("Thôn Tây") && !text(b, "table#villages").contains("Thôn Bắc")
                ? true : null);
        assertEquals(null, villageNamed("thon-bac"));

        // Settings: quiet hours and the loudness target; the id and time zone shown, not editable.
        b.click(By.linkText("Cài đặt xã"));
        assertTrue(text(b, "#set-fixed").contains("xa-thu-nghiem"), text(b, "#set-fixed"));
        WebElement none = b.find(By.id("quiet-none"));
        if (none.isSelected()) {
            none.click();
        }
        setTime(b, "quiet-start", "22:00");
        setTime(b, "quiet-end", "05:00");
        b.type("set-targetLufs", "-18");
        // The health thresholds: a station offline after 5 minutes, too hot from 80 °C, short of disk under 500 MB.
        b.type("set-offlineAfterSeconds", "300");
        b.type("set-maxTemperatureC", "80");
        b.type("set-minDiskFreeMb", "500");
        b.click(By.id("settings-save"));
        await("the settings saved").atMost(ConsoleBrowserTest.WAIT).until(() ->
                get("/api/commune").path("quietHours").path("start").asText().startsWith("22:00"));
        JsonNode commune = get("/api/commune");
        assertTrue(commune.path("quietHours").path("end").asText().startsWith("05:00"), commune.toString());
        assertEquals(-18.0, commune.get("targetLufs").asDouble());
        JsonNode health = commune.get("health");
        assertEquals(300, health.get("offlineAfterSeconds").asInt(), health.toString());
        assertEquals(80.0, health.get("maxTemperatureC").asDouble(), health.toString());
        assertEquals(500, health.get("minDiskFreeMb").asInt(), health.toString());
        assertEquals(120, health.get("missedAfterSeconds").asInt(), "a threshold left alone stays: " + health);
        b.until("the settings drawn again with the stored thresholds", d -> "300".equals(
                b.find(By.id("set-offlineAfterSeconds")).getAttribute("value")) ? true : null);
        b.screenshot("admin-settings");

        // The audit log shows every action, by whom.
        b.click(By.linkText("Nhật ký"));
        String audit = text(b, "table#audit");
        for (String action : List.of("user.create", "user.disable", "village.merge", "village.add", "station.update",
                "broker.enrol", "station.hardware", "broker.revoke", "commune.settings")) {
            assertTrue(audit.contains(action), action + " in the audit page:\n" + audit);
        }
        List<String> rows = b.all(By.cssSelector("table#audit tbody tr")).stream().map(WebElement::getText).toList();
        for (String[] done : List.of(new String[]{"user.enable", "ban.cu"}, new String[]{"user.role", "truong.dong"},
                new String[]{"station.remove", "thon-dong-1"}, new String[]{"village.rename", "thon-bac"},
                new String[]{"village.remove", "thon-bac"})) {
            assertTrue(rows.stream().anyMatch(r -> r.contains(" " + done[0] + " ") && r.endsWith(done[1])),
                    done[0] + " of " + done[1] + " in the audit page:\n" + String.join("\n", rows));
        }
        // The thresholds as stored, in the API's audit record of the settings change.
        JsonNode settingsChange = null;
        for (JsonNode e : get("/api/audit?limit=100")) {
            if (e.get("action").asText().equals("commune.settings")) {
                settingsChange = e;
                break;
            }
        }
        assertTrue(settingsChange != null, "commune.settings in GET /api/audit");
        JsonNode after = Json.mapper().readTree(settingsChange.get("after").asText()).get("health");
        assertEquals(300, after.get("offlineAfterSeconds").asInt(), settingsChange.toString());
        assertEquals(90, Json.mapper().readTree(settingsChange.get("before").asText()).get("health")
                .get("offlineAfterSeconds").asInt(), settingsChange.toString());
        assertReadable(b);
    }

    @Test
    void everyAdministrationTabFitsAPhoneScreen() throws Exception {
        Browser b = browser(PHONE_W, PHONE_H, dir.resolve("downloads-phone"));
        b.logIn("admin", ConsoleBrowserTest.ADMIN_PASSWORD);
        settled(b);
        for (String[] tab : List.of(new String[]{"users", "table#users"}, new String[]{"villages", "table#villages"},
                new String[]{"stations", "table#admin-stations"}, new String[]{"settings", "form#settings"},
                new String[]{"audit", "table#audit"}, new String[]{"users/admin", "#user-role"},
                new String[]{"stations/thon-dong-1", "#bundle-make"})) {
            b.go("/#/admin/" + tab[0]);
            b.find(By.cssSelector(tab[1]));
            assertTrue(fitsWidth(b), "#/admin/" + tab[0] + " fits a 360 px screen");
            assertReadable(b);
        }
        b.go("/#/admin/villages/thon-tay");
        new Select(b.find(By.id("merge-into"))).selectByValue("thon-dong");
        b.click(By.id("merge-preview-button"));
        String preview = text(b, "#merge-preview");
        assertTrue(preview.contains("thon-tay-1") && preview.contains("Chương trình riêng của thôn này sẽ bị bỏ"),
                "Thôn Tây's own program goes with it: " + preview);
        assertTrue(fitsWidth(b), "the preview fits a 360 px screen");
        scrollTo(b, "merge-preview");
        b.screenshot("admin-merge-phone");
    }

    @Test
    void aTechnicianOnAPhoneSeesTheStationsOnlyAndRotatesAStationsPassword() throws Exception {
        assertEquals(201, api.call("POST", "/api/users", admin, Map.of("username", "ky.thuat", "role", "TECHNICIAN",
                "villages", List.of(), "password", "mat-khau-ky-thuat")).status());
        // Its first bundle made earlier (as provision station or the console would): the rotation keeps its hardware.
        HttpResponse<byte[]> first = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        api.uri("/api/stations/thon-tay-1/bundle")).header("Authorization", "Bearer " + admin)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"audioDevice\":\"Headphones\",\"relays\":\"amp:17,aux:27:active-low\"}")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, first.statusCode(), new String(first.body()));
        Browser b = browser(PHONE_W, PHONE_H, dir.resolve("downloads-phone"));
        b.logIn("ky.thuat", "mat-khau-ky-thuat");
        settled(b);
        b.click(By.linkText("Quản trị"));
        b.find(By.cssSelector("table#admin-stations"));
        assertEquals(List.of("Cụm loa"), b.all(By.cssSelector("nav.tabs a")).stream().map(WebElement::getText).toList(),
                "a technician manages stations, nothing else");
        assertTrue(fitsWidth(b), "the station list fits a 360 px screen");
        b.click(By.cssSelector("tr[data-station='thon-tay-1'] a"));
        assertTrue(text(b, "#bundle-generation").contains("1"), text(b, "#bundle-generation"));
        assertTrue(b.all(By.id("station-remove")).isEmpty(), "removing a station is the administrator's");
        b.click(By.id("bundle-make"));
        assertTrue(text(b, "#bundle-make-ask").contains("mất kết nối"), "the rotation warns first");
        assertTrue(fitsWidth(b), "the station page fits a 360 px screen");
        scrollTo(b, "bundle-make-ask");
        b.screenshot("admin-stations-phone");
        b.click(By.id("bundle-make-yes"));
        String rotated = b.until("the rotated bundle downloaded", d -> {
            String n = b.driver().findElement(By.id("bundle-note")).getText() + b.driver().findElement(
                    By.cssSelector("section > .error")).getText();
            return n.isEmpty() ? null : n;
        });
        assertTrue(rotated.contains("sudo ./install.sh"), rotated + "\n" + b.driver().getPageSource());
        assertEquals(2, get("/api/stations/thon-tay-1/credentials").get("generation").asInt());
        Path archive = dir.resolve("downloads-phone").resolve("loalang-station-thon-tay-1.tar.gz");
        await("the archive saved").atMost(ConsoleBrowserTest.WAIT).until(() -> Files.isRegularFile(archive)
                && Files.size(archive) > 0);
        JsonNode config = unpackedConfig(archive);
        assertEquals("Headphones", config.path("audio").path("device").asText(), "the last bundle's sound card");
        assertEquals(27, config.path("gpio").path("relays").get(1).path("pin").asInt(), "the last bundle's relays");
        assertReadable(b);
    }

    /**
     * Waits until the home page a login opens has drawn itself: the console does not cancel a page still
     * loading, so one opened before it would be drawn over.
     */
    private static void settled(Browser b) {
        b.until("the home page drawn", d -> !b.all(By.cssSelector("#nav a")).isEmpty()
                && !b.find(By.id("view")).getText().contains("Đang tải") ? true : null);
    }

    private static void scrollTo(Browser b, String id) {
        ((JavascriptExecutor) b.driver()).executeScript(
                "document.getElementById(arguments[0]).scrollIntoView({block: 'center'})", id);
    }

    /** WCAG AA for normal text, as the other console tests check. */
    private static void assertReadable(Browser b) {
        String lowest = b.lowestContrast();
        assertTrue(Double.parseDouble(lowest.split(" ")[0]) >= 4.5, "lowest contrast on the page: " + lowest);
    }

    private JsonNode userOf(String username) throws Exception {
        for (JsonNode u : get("/api/users")) {
            if (u.get("username").asText().equals(username)) {
                return u;
            }
        }
        throw new AssertionError("no user " + username);
    }

    /** A time input takes typed digits in the browser's own format: set it as a script would, then tell the page. */
    private static void setTime(Browser b, String id, String value) {
        ((JavascriptExecutor) b.driver()).executeScript("const e = document.getElementById(arguments[0]);"
                + "e.value = arguments[1]; e.dispatchEvent(new Event('change'));", id, value);
    }

    private JsonNode unpackedConfig(Path archive) throws Exception {
        Path out = Files.createDirectories(dir.resolve("unpacked-" + archive.getFileName()));
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", out.toString())
                .redirectErrorStream(true).start();
        assertTrue(tar.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, tar.exitValue(), new String(tar.getInputStream().readAllBytes()));
        String name = archive.getFileName().toString().replace(".tar.gz", "");
        return Json.mapper().readTree(out.resolve(name).resolve("station.json").toFile());
    }
}
