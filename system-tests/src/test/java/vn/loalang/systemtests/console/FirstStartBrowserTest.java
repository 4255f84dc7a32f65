package vn.loalang.systemtests.console;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.server.FirstStart;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.systemtests.support.Browser;
import vn.loalang.systemtests.support.Ports;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./loalang controller} on an empty data directory, driven in a real browser as a commune office
 * would, on a phone and on a desktop: the printed password, one's own password, the wizard (a fault shown
 * next to its field), the controller taking the setup server's place, the first station and its bundle,
 * then the calendar with the villages given.
 */
class FirstStartBrowserTest {
    private static final String PASSWORD = "mat-khau-cua-xa-1";

    @TempDir
    Path dir;

    private final ExecutorService starter = Executors.newSingleThreadExecutor();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private Controller controller;
    private Browser browser;

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (controller != null) {
            controller.close();
        }
        starter.shutdownNow();
        assertTrue(starter.awaitTermination(20, TimeUnit.SECONDS), "the setup server's wait ended");
    }

    @Test
    void onAPhoneTheFirstAdministratorSetsUpTheCommuneAndItsFirstStation() throws Exception {
        walkThrough(360, 740, "setup-phone");
    }

    @Test
    void onADesktopTheFirstAdministratorSetsUpTheCommuneAndItsFirstStation() throws Exception {
        walkThrough(1280, 800, "setup");
    }

    private void walkThrough(int width, int height, String screenshot) throws Exception {
        ControllerConfig config = ControllerConfig.of(null, dir).withHttp("127.0.0.1", Ports.free(), null)
                .withEmbeddedBroker("127.0.0.1", Ports.free());
        PrintStream console = new PrintStream(printed, true, StandardCharsets.UTF_8);
        Future<Controller> started = starter.submit(() -> FirstStart.run(config, Clock.systemUTC(),
                new PasswordHasher(1000), () -> null, console));
        await("the setup server's address is printed").atMost(ConsoleBrowserTest.WAIT)
                .until(() -> printed.toString(StandardCharsets.UTF_8).contains("to set up the commune"));
        Matcher m = Pattern.compile("password: (\\S+)").matcher(printed.toString(StandardCharsets.UTF_8));
        assertTrue(m.find(), printed.toString(StandardCharsets.UTF_8));

        browser = Browser.open("http://127.0.0.1:" + config.httpPort(), width, height);
        Browser b = browser;
        b.go("/");
        assertTrue(b.find(By.id("setup-hint")).getText().contains("mật khẩu in trên màn hình máy chủ"));
        b.logIn("admin", m.group(1));
        b.type("current-password", m.group(1));
        b.type("new-password", PASSWORD);
        b.type("repeat-password", PASSWORD);
        b.click(By.cssSelector("form button[type=submit]"));

        // The wizard: the commune's id made from its name as it is typed.
        b.type("name", "Xã An Bình");
        assertEquals("xa-an-binh", b.find(By.id("id")).getAttribute("value"));
        b.type("village-0", "Thôn Đông");
        b.click(By.xpath("//button[contains(., 'Thêm thôn/ấp')]"));
        b.click(By.xpath("//button[contains(., 'Thêm thôn/ấp')]"));
        b.type("village-2", "Ấp Bắc");
        // An empty village, found in the browser and shown beside its row.
        b.click(By.cssSelector("form button[type=submit]"));
        WebElement emptyRow = b.find(By.id("village-1"));
        assertEquals("true", emptyRow.getAttribute("aria-invalid"));
        assertEquals("Cần tên.", emptyRow.findElement(By.xpath("../following-sibling::p")).getText());
        b.type("village-1", "Thôn Tây");
        assertEquals("", emptyRow.findElement(By.xpath("../following-sibling::p")).getText(), "mended: the error goes");
        // A fault only the server finds (the id's alphabet), shown beside its field.
        b.type("id", "Xã An Bình");
        b.click(By.cssSelector("form button[type=submit]"));
        String idError = b.until("the server's refusal beside the id", d -> {
            String text = b.find(By.cssSelector("[data-error=id]")).getText();
            return text.isEmpty() ? null : text;
        });
        assertTrue(idError.startsWith("Mã không hợp lệ"), idError);
        b.type("id", "xa-an-binh");
        assertEquals("", b.driver().findElement(By.cssSelector("[data-error=id]")).getText(), "mended: the error goes");
        assertTrue(b.find(By.cssSelector(".setup-review")).getText().contains("3: Thôn Đông, Thôn Tây, Ấp Bắc"));
        assertFits(b);
        String contrast = b.lowestContrast();
        assertTrue(Double.parseDouble(contrast.split(" ")[0]) >= 4.5, "WCAG AA contrast: " + contrast);
        ((JavascriptExecutor) b.driver()).executeScript("window.scrollTo(0, 0)");
        b.screenshot(screenshot);

        // The setup server gives way to the controller; the browser waits, then goes on with the same session.
        b.click(By.cssSelector("form button[type=submit]"));
        controller = started.get(60, TimeUnit.SECONDS);
        assertEquals(List.of("thon-dong", "thon-tay", "ap-bac"), controller.commune().villages().stream()
                .map(Commune.Village::id).toList());
        b.until("the console has waited for the controller", d -> "Cụm loa đầu tiên".equals(b.find(By.tagName("h1"))
                .getText()) ? true : null);
        assertEquals("thon-dong-1", b.find(By.id("st-id")).getAttribute("value"));
        b.click(By.cssSelector("form button[type=submit]"));
        assertTrue(b.find(By.cssSelector(".card [role=status]")).getText().contains("thon-dong-1"));
        await("the station is in the directory").atMost(ConsoleBrowserTest.WAIT).until(() -> controller.commune()
                .stations().stream().anyMatch(s -> s.id().equals("thon-dong-1") && s.village().equals("thon-dong")));
        assertFits(b);
        b.screenshot(screenshot + "-station");
        // The bundle (POST /api/stations/{id}/bundle): downloaded, and what the Pi would lack said beside it — this
        // controller's embedded broker listens on 127.0.0.1 only.
        b.click(By.xpath("//button[contains(., 'Tải gói cài đặt')]"));
        assertEquals("Đã tải gói cài đặt: loalang-station-thon-dong-1.tar.gz", b.find(By.id("bundle-got")).getText());
        assertTrue(b.find(By.cssSelector("#bundle-got ~ p.error")).getText().contains("--mqtt-host 0.0.0.0"));
        assertTrue(b.all(By.tagName("pre")).stream().noneMatch(WebElement::isDisplayed), "no fallback command");

        b.click(By.linkText("Xong, đến Lịch phát"));
        b.until("the calendar shows the villages", d -> b.all(By.cssSelector(".grid .head")).stream()
                .map(WebElement::getText).toList().containsAll(List.of("Thôn Đông", "Thôn Tây", "Ấp Bắc")) ? true : null);
    }

    /** No sideways scrolling of the page at this width. */
    private static void assertFits(Browser b) {
        Object fits = ((JavascriptExecutor) b.driver()).executeScript(
                "return document.documentElement.scrollWidth <= window.innerWidth");
        assertEquals(Boolean.TRUE, fits, "the page fits the screen's width");
    }
}
