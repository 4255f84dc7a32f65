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
 * creates a village head and disables an account, merges two villages after reading the preview, moves a
 * station and downloads its bundle, sets quiet hours and reads it all in the audit log (desktop); a technician
 * on a phone sees the stations only and rotates a station's password. Every change is checked through the API.
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
        b.click(By.id("settings-save"));
        await("the settings saved").atMost(ConsoleBrowserTest.WAIT).until(() ->
                get("/api/commune").path("quietHours").path("start").asText().startsWith("22:00"));
        JsonNode commune = get("/api/commune");
        assertTrue(commune.path("quietHours").path("end").asText().startsWith("05:00"), commune.toString());
        assertEquals(-18.0, commune.get("targetLufs").asDouble());
        b.screenshot("admin-settings");

        // The audit log shows every action, by whom.
        b.click(By.linkText("Nhật ký"));
        String audit = text(b, "table#audit");
        for (String action : List.of("user.create", "user.disable", "village.merge", "village.add", "station.update",
                "broker.enrol", "station.hardware", "broker.revoke", "commune.settings")) {
            assertTrue(audit.contains(action), action + " in the audit page:\n" + audit);
        }
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
