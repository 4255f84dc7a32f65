package vn.loalang.systemtests.console;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.systemtests.support.Browser;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A phone's voice memo uploaded in a real browser (Debian's headless Chromium), at a phone's size and
 * a desktop's (issue 18, points 4 and 5): the per cent of the upload is shown as it goes (the upload is
 * throttled to 250 kB/s through DevTools, as a commune's link would be), then the working state while the
 * server converts the M4A with ffmpeg and measures it, then its length and loudness, converted from
 * M4A; the original downloads byte for byte.
 */
class ConsoleUploadBrowserTest {
    /** Four minutes of a warbling tone at 64 kbit/s AAC: about 2 MB, 8 s at the throttled rate: each state is seen. */
    private static final int MINUTES = 4;
    /** A converted and measured long file takes a while on a loaded server (the test machine may be). */
    private static final Duration CONVERTING = Duration.ofMinutes(3);

    @TempDir
    static Path made;
    private static Path memo;

    @TempDir
    Path dir;
    private Controller controller;
    private String base;
    private Browser browser;

    @BeforeAll
    static void recordAMemo() throws Exception {
        memo = made.resolve("ghi-am-hop-thon.m4a");
        Process p = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi",
                "-i", "sine=f=330:d=" + MINUTES * 60 + ":sample_rate=44100", "-af", "volume=-4dB,tremolo=f=3:d=0.6",
                "-c:a", "aac", "-b:a", "64k", memo.toString()).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "ffmpeg made the memo in time");
        assertEquals(0, p.exitValue(), said);
    }

    @BeforeEach
    void start() throws Exception {
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                        .withHttp("127.0.0.1", Ports.free(), null).withEmbeddedBroker("127.0.0.1", Ports.free()),
                new TestClock(ConsoleBrowserTest.EARLY), new PasswordHasher(1000), () -> ConsoleBrowserTest.ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream()));
        base = "http://127.0.0.1:" + controller.contentPort();
        ApiClient api = new ApiClient(controller.contentPort());
        String admin = api.login("admin", ConsoleBrowserTest.ADMIN_PASSWORD);
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

    @ParameterizedTest(name = "{0}x{1}")
    @CsvSource({"360, 740, library-upload-phone", "1280, 800, library"})
    void anM4aUploadShowsItsPerCentThenThatItIsWorkingThenItsLengthAndLoudness(int width, int height, String shot)
            throws Exception {
        browser = Browser.open(base, width, height);
        Browser b = browser;
        b.logIn("can.bo", "mat-khau-can-bo");
        b.go("/#/library");
        ChromiumDriver chromium = (ChromiumDriver) b.driver();
        chromium.executeCdpCommand("Network.enable", Map.of());
        chromium.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 20,
                "downloadThroughput", -1, "uploadThroughput", 250_000));

        b.find(By.id("file")).sendKeys(memo.toAbsolutePath().toString());
        b.type("title", "Họp thôn tháng 12");
        b.click(By.cssSelector("form button[type=submit]"));

        String percent = b.until("the upload's per cent", d -> {
            List<WebElement> bar = d.findElements(By.cssSelector("#upload-progress progress[value]"));
            List<WebElement> said = d.findElements(By.id("upload-percent"));
            String text = said.isEmpty() ? "" : said.get(0).getText();
            return !bar.isEmpty() && text.matches("Đang tải lên ([1-9]|[1-9][0-9]) %") ? text : null;
        });
        b.screenshot(shot + "-sending");
        String working = b.until("the working state once all is sent", d -> {
            List<WebElement> w = d.findElements(By.cssSelector(".working progress:not([value])"));
            return !w.isEmpty() && w.get(0).isDisplayed() ? d.findElement(By.cssSelector(".working")).getText() : null;
        });
        assertEquals("Đang chuyển đổi và đo độ to…", working);
        WebElement send = b.find(By.cssSelector("form button[type=submit]"));
        assertEquals("true", send.getAttribute("aria-busy"), "the button says it is busy: " + percent);
        assertTrue(!send.isEnabled(), "and cannot be pressed twice");
        b.screenshot(shot + "-working");

        WebElement card = new WebDriverWait(chromium, CONVERTING).withMessage("the measured length and loudness")
                .ignoring(StaleElementReferenceException.class).until(d -> {
                    List<WebElement> c = d.findElements(By.id("upload-result"));
                    return c.isEmpty() ? null : c.get(0);
                });
        assertEquals(MINUTES + ":00", card.findElement(By.id("result-length")).getText());
        String loudness = card.findElement(By.id("result-loudness")).getText();
        assertTrue(loudness.matches("−\\d+,\\d LUFS — đã chỉnh về −16,0 LUFS \\([+−]\\d+,\\d dB\\)"), loudness);
        assertEquals("M4A", card.findElement(By.id("result-from")).getText());
        assertTrue(b.all(By.cssSelector(".working")).isEmpty(), "the working state is gone");
        assertTrue(b.find(By.cssSelector("tr[data-item='hop-thon-thang-12']")).getText().contains(MINUTES + ":00"));
        b.screenshot(shot);
        String contrast = b.lowestContrast();
        assertTrue(Double.parseDouble(contrast.split(" ")[0]) >= 4.5, "WCAG AA: " + contrast);
        Object overflow = chromium.executeScript("return document.documentElement.scrollWidth <= window.innerWidth;");
        assertEquals(Boolean.TRUE, overflow, "the page fits the screen's width");

        // The original, as uploaded, for staff: the same bytes.
        String token = (String) chromium.executeScript("return sessionStorage.getItem('loalang.token');");
        HttpResponse<byte[]> original = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(base + "/api/library/hop-thon-thang-12/original"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, original.statusCode());
        assertTrue(original.headers().firstValue("Content-Disposition").orElse("").contains("ghi-am-hop-thon.m4a"));
        assertArrayEquals(Files.readAllBytes(memo), original.body());
    }
}
