package vn.loalang.systemtests.listen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
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
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vn.loalang.controller.listen.ListenFixture.DAY;
import static vn.loalang.controller.listen.ListenFixture.MORNING;
import static vn.loalang.controller.listen.ListenFixture.NOON;

/**
 * "Nghe lại" as a resident opens it: Chromium at a cheap phone's size on a village's page, which must weigh
 * little (the page and its style sheet; no audio loads before "play"), read well, fit the screen, and play its
 * first item in the browser's own player.
 */
class ListenBrowserTest {
    @TempDir
    Path dir;

    @Test
    void aPhoneOpensTheVillagePageLightlyAndPlaysTheFirstItem() throws Exception {
        try (ListenFixture f = new ListenFixture(dir)) {
            f.plan("thon-dong", "morning", MORNING, "gia-lua", "ho-ngheo", "thoi-tiet", "bao-lu");
            f.played("thon-dong-1", DAY + ".morning", MORNING, "gia-lua", "ho-ngheo", "thoi-tiet", "bao-lu");
            f.alert("a-lu", NOON.minusSeconds(600), NOON.plusSeconds(6 * 3600), "ACTIVE", List.of("thon-dong"),
                    "Lũ", "lũ", "Nước sông Hậu dâng cao, đề nghị bà con vùng trũng chuẩn bị di dời.",
                    "Cảnh báo lũ khẩn cấp", "Di chuyển người già và trẻ em lên chỗ cao trước 18 giờ.", "bao-lu");
            ListenCounts counts = new ListenCounts(f.store, f.clock, () -> ListenFixture.ZONE, new SecureRandom());
            HttpServer server = HttpServer.start("127.0.0.1", 0, List.of(app -> ListenRoutes.mount(app,
                    new ListenRoutes.Listen(f.catalog, counts, () -> ListenAddresses.of(URI.create("http://127.0.0.1")),
                            ListenRoutes.DEFAULT_STREAMS))));
            try (Browser b = Browser.open("http://127.0.0.1:" + server.port(), Screens.PHONE.getWidth(),
                    Screens.PHONE.getHeight(), List.of("--autoplay-policy=no-user-gesture-required"))) {
                b.withoutCache();
                b.go("/nghe-lai/thon-dong/");
                b.find(By.cssSelector("audio"));
                long bytes = b.bytesLoaded();
                assertTrue(bytes > 0 && bytes < 30 * 1024, "the page and its style sheet: " + bytes + " bytes");
                assertEquals("vi", b.find(By.tagName("html")).getAttribute("lang"));
                assertTrue(b.find(By.cssSelector(".alert")).getText().contains("Cảnh báo lũ khẩn cấp"));
                assertTrue(b.fitsWidth(), "the page scrolls sideways: " + b.widthReport());
                String lowest = b.lowestContrast();
                assertTrue(Double.parseDouble(lowest.split(" ")[0]) >= 4.5, "lowest contrast " + lowest);
                b.screenshot("nghe-lai-phone");

                JavascriptExecutor js = (JavascriptExecutor) b.driver();
                js.executeScript("document.querySelector('audio').play()");
                b.until("the first item plays", d -> ((Number) js.executeScript(
                        "const a = document.querySelector('audio'); if (a.error) throw new Error('audio error '"
                                + " + a.error.code + ' ' + a.error.message); return a.currentTime;")).doubleValue() > 0.5);
                assertEquals(Boolean.TRUE, js.executeScript("return document.querySelector('audio').error === null"));
                assertTrue(((String) js.executeScript("return document.querySelector('audio').currentSrc"))
                        .endsWith("/nghe-lai/a/thon-dong/" + DAY + "/" + DAY + ".morning/gia-lua.mp3?n=page"));
            } finally {
                server.close();
                counts.close();
            }
        }
    }
}
