package vn.loalang.systemtests.listen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import vn.loalang.controller.api.ListenRoutes;
import vn.loalang.controller.http.HttpServer;
import vn.loalang.controller.listen.ListenAddresses;
import vn.loalang.controller.listen.ListenCounts;
import vn.loalang.controller.listen.ListenFixture;
import vn.loalang.systemtests.support.Browser;
import vn.loalang.systemtests.support.Screens;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vn.loalang.controller.listen.ListenFixture.DAY;
import static vn.loalang.controller.listen.ListenFixture.MORNING;
import static vn.loalang.controller.listen.ListenFixture.NOON;

/**
 * "Nghe lại" as a resident opens it: Chromium at a cheap phone's size goes from the commune's page to a village's
 * and on to the alert in force, and each page must weigh little (the page and its style sheet; no audio loads
 * before "play"), read well, fit the screen and offer nothing smaller than a fingertip (44 px) to press; the
 * village's first item plays in the browser's own player. The same pages on the commune office's laptop.
 */
class ListenBrowserTest {
    /** What a finger presses on the public pages: every link (there are no buttons styled as links) and player. */
    private static final String TARGETS = "a, audio, button, input, select";

    @TempDir
    Path dir;

    @Test
    void aPhoneGoesFromTheCommuneToAVillageAndItsAlertLightlyAndPlaysTheFirstItemAndALaptopReadsTheSame()
            throws Exception {
        try (ListenFixture f = new ListenFixture(dir)) {
            f.plan("thon-dong", "morning", MORNING, "gia-lua", "ho-ngheo", "thoi-tiet", "bao-lu");
            f.played("thon-dong-1", DAY + ".morning", MORNING, "gia-lua", "ho-ngheo", "thoi-tiet", "bao-lu");
            f.alert("a-lu", NOON.minusSeconds(600), NOON.plusSeconds(6 * 3600), "ACTIVE", List.of("thon-dong"),
                    "Lũ", "lũ", "Nước sông Hậu dâng cao, đề nghị bà con vùng trũng chuẩn bị di dời.",
                    "Cảnh báo lũ khẩn cấp", "Di chuyển người già và trẻ em lên chỗ cao trước 18 giờ.", "bao-lu");
            // Last week's storm, over: the commune's page lists it among the alerts of the last 30 days.
            f.alert("a-bao", NOON.minus(Duration.ofDays(5)), NOON.minus(Duration.ofDays(5)).plusSeconds(3 * 3600),
                    "EXPIRED", List.of("thon-dong", "thon-tay"), "Bão", "bão", "Bão số 9 vào đất liền.",
                    "Bão số 9", "Ở trong nhà.", "bao-lu");
            ListenCounts counts = new ListenCounts(f.store, f.clock, () -> ListenFixture.ZONE, new SecureRandom());
            HttpServer server = HttpServer.start("127.0.0.1", 0, List.of(app -> ListenRoutes.mount(app,
                    new ListenRoutes.Listen(f.catalog, counts, () -> ListenAddresses.of(URI.create("http://127.0.0.1")),
                            ListenRoutes.DEFAULT_STREAMS))));
            String base = "http://127.0.0.1:" + server.port();
            try (server; counts) {
                phone(base);
                desktop(base);
            }
        }
    }

    private void phone(String base) throws Exception {
        try (Browser b = Browser.open(base, Screens.PHONE.getWidth(), Screens.PHONE.getHeight(),
                List.of("--autoplay-policy=no-user-gesture-required"))) {
            b.withoutCache();
            b.go("/nghe-lai/");
            assertEquals("Nghe lại", b.find(By.tagName("h1")).getText());
            assertTrue(b.find(By.cssSelector(".alert")).getText().contains("Cảnh báo lũ khẩn cấp"));
            assertTrue(b.find(By.tagName("main")).getText().contains("Bão số 9"), "last week's storm listed");
            assertLightAndUsable(b, "the commune's page", true);
            b.screenshot("nghe-lai-xa-phone");

            b.click(By.linkText("Thôn Đông"));
            b.find(By.cssSelector("audio"));
            assertTrue(b.driver().getCurrentUrl().endsWith("/nghe-lai/thon-dong/"), b.driver().getCurrentUrl());
            assertTrue(b.find(By.cssSelector(".alert")).getText().contains("Cảnh báo lũ khẩn cấp"));
            assertLightAndUsable(b, "the village's page", true);
            b.screenshot("nghe-lai-phone");

            JavascriptExecutor js = (JavascriptExecutor) b.driver();
            js.executeScript("document.querySelector('audio').play()");
            b.until("the first item plays", d -> ((Number) js.executeScript(
                    "const a = document.querySelector('audio'); if (a.error) throw new Error('audio error '"
                            + " + a.error.code + ' ' + a.error.message); return a.currentTime;")).doubleValue() > 0.5);
            assertEquals(Boolean.TRUE, js.executeScript("return document.querySelector('audio').error === null"));
            assertTrue(((String) js.executeScript("return document.querySelector('audio').currentSrc"))
                    .endsWith("/nghe-lai/a/thon-dong/" + DAY + "/" + DAY + ".morning/gia-lua.mp3?n=page"));

            b.click(By.linkText("Nghe cảnh báo"));
            WebElement heading = b.find(By.tagName("h1"));
            assertTrue(b.driver().getCurrentUrl().endsWith("/nghe-lai/canh-bao/a-lu"), b.driver().getCurrentUrl());
            assertEquals("CẢNH BÁO: Cảnh báo lũ khẩn cấp", heading.getText());
            assertTrue(b.find(By.tagName("article")).getText().contains(
                    "Cần làm: Di chuyển người già và trẻ em lên chỗ cao trước 18 giờ."));
            b.find(By.cssSelector("article audio"));
            assertLightAndUsable(b, "the alert's page", true);
            b.screenshot("nghe-lai-canh-bao-phone");
        }
    }

    private void desktop(String base) throws Exception {
        try (Browser b = Browser.open(base, Screens.DESKTOP)) {
            b.withoutCache();
            for (String page : List.of("/nghe-lai/", "/nghe-lai/thon-dong/", "/nghe-lai/canh-bao/a-lu")) {
                b.go(page);
                b.find(By.tagName("footer"));
                assertTrue(b.find(By.tagName("main")).getText().contains("Cảnh báo lũ khẩn cấp"), page);
                assertLightAndUsable(b, page + " at 1280 px", false);
            }
            b.go("/nghe-lai/thon-dong/");
            b.find(By.cssSelector("audio"));
            b.screenshot("nghe-lai");
        }
    }

    /**
     * The page as loaded weighs under 30 KB with its style sheet, says it is Vietnamese, fits the screen's width and
     * reads well (WCAG AA); on a phone nothing to press is under 44 px.
     */
    private static void assertLightAndUsable(Browser b, String where, boolean phone) {
        long bytes = b.bytesLoaded();
        assertTrue(bytes > 0 && bytes < 30 * 1024, where + ", the page and its style sheet: " + bytes + " bytes");
        assertEquals("vi", b.find(By.tagName("html")).getAttribute("lang"), where);
        assertTrue(b.fitsWidth(), where + " scrolls sideways: " + b.widthReport());
        String lowest = b.lowestContrast();
        assertTrue(Double.parseDouble(lowest.split(" ")[0]) >= 4.5, where + ", lowest contrast " + lowest);
        if (phone) {
            assertTrue(b.smallestTarget(TARGETS) >= 44, where + ", a touch target under 44 px: "
                    + b.smallestTargetReport(TARGETS));
        }
    }
}
