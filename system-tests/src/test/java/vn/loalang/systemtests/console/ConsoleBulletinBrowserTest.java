package vn.loalang.systemtests.console;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import vn.loalang.audio.speech.VietnameseReading;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.systemtests.support.Browser;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.Screens;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The market-prices bulletin on a phone, in a real browser (Debian's headless Chromium), at 04:00 on 24 November
 * 2026: the officer uploads a CSV with a bad line (refused with its line number), then the demo's table, reads the
 * text beside its reading, adds the bulletin to the morning session and publishes it; the simulated station's
 * morning session then plays gia-ca-20261124, and the bulletin is queued for the village's chat group (the mirror).
 */
class ConsoleBulletinBrowserTest {
    @TempDir
    Path dir;
    private Controller controller;
    private ApiClient api;
    private String base;
    private final List<AutoCloseable> running = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        TestClock clock = new TestClock(ConsoleBrowserTest.EARLY);
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                        .withHttp("127.0.0.1", Ports.free(), null).withEmbeddedBroker("127.0.0.1", Ports.free()), clock,
                new PasswordHasher(1000), () -> ConsoleBrowserTest.ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream()));
        api = new ApiClient(controller.contentPort());
        base = "http://127.0.0.1:" + controller.contentPort();
        SimulatedStation dong = new SimulatedStation("thon-dong-1", controller.brokerUrl(), controller.keyId(),
                controller.publicKeyPem(), dir.resolve("thon-dong-1"), clock, false, 300, 100).reportingEvery(1).start();
        running.add(dong);
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        controller.close();
    }

    @Test
    void anOfficerUploadsThePricesAddsTheBulletinToTheMorningAndTheStationPlaysIt() throws Exception {
        SimulatedStation dong = (SimulatedStation) running.get(0);
        String admin = api.login("admin", ConsoleBrowserTest.ADMIN_PASSWORD);
        assertEquals(201, api.call("POST", "/api/users", admin, Map.of("username", "can.bo", "role", "OPERATOR",
                "villages", List.of(), "password", "mat-khau-can.bo")).status());
        // Thôn Đông's chat group takes market prices: the published bulletin is queued for it in the mirror.
        assertEquals(201, api.call("POST", "/api/channels", admin, Map.of("kind", "TELEGRAM", "name", "Telegram xã",
                "settings", Map.of("ratePerMinute", 20))).status());
        assertEquals(200, api.call("PUT", "/api/villages/thon-dong/mirror", admin, Map.of("targets", List.of(Map.of(
                "channel", "telegram-1", "address", "-1001234567890", "label", "Nhóm thôn Đông",
                "categories", List.of("market-prices"))))).status());
        Path bad = dir.resolve("gia-ca-loi.csv");
        Files.writeString(bad, "mat_hang,don_vi,gia\nLúa IR50404,kg,7.200\nBắp,kg,năm nghìn\n", StandardCharsets.UTF_8);
        Path good = dir.resolve("gia-ca.csv");
        try (InputStream demo = Controller.class.getResourceAsStream("/demo/gia-ca.csv")) {
            Files.write(good, demo.readAllBytes());
        }
        Browser b = Browser.open(base, Screens.PHONE);
        running.add(b);

        b.logIn("can.bo", "mat-khau-can.bo");
        b.click(By.linkText("Bản tin giá cả"));
        b.find(By.id("bulletin-no-table"));
        b.find(By.id("bulletin-file")).sendKeys(bad.toString());
        b.click(By.id("bulletin-upload"));
        String problems = b.until("the bad line's problem", d -> {
            String text = b.find(By.id("bulletin-problems")).getText();
            return text.contains("Dòng 3 / line 3") ? text : null;
        });
        assertTrue(problems.contains("'năm nghìn'"), problems);

        b.find(By.id("bulletin-file")).sendKeys(good.toString());
        b.click(By.id("bulletin-upload"));
        b.until("the table as read", d -> b.all(By.cssSelector("#bulletin-table tbody tr")).size() == 11);
        String text = b.find(By.id("bulletin-text")).getText();
        assertTrue(text.startsWith("Bản tin giá cả nông sản sáng ngày 24/11/2026. Lúa IR50404: 7.200 đồng một ký,"
                + " tăng 200 đồng so với hôm trước."), text);
        assertEquals(VietnameseReading.of(VietnameseReading.Dialect.NORTH).read(text),
                b.find(By.id("bulletin-reading")).getText(), "the reading beside the text, as it will be spoken");

        b.click(By.id("bulletin-add"));
        b.until("added", d -> b.find(By.id("toast")).getText().startsWith("Đã thêm bản tin vào buổi Buổi sáng") ? true : null);
        JsonNode morning = api.call("GET", "/api/program", admin, null).json().at("/commune/daily/0");
        assertEquals("gia-ca", morning.get("items").get(morning.get("items").size() - 1).get("latestBulletin").asText());

        b.click(By.id("bulletin-publish"));
        b.until("published", d -> b.find(By.id("toast")).getText().equals("Đã phát hành: gia-ca-20261124") ? true : null);
        await("the station's morning session plays the day's bulletin").atMost(ConsoleBrowserTest.WAIT).until(() -> dong
                .agent().schedule().map(s -> s.sessions().stream().filter(x -> x.id().equals("2026-11-24.morning"))
                        .flatMap(x -> x.items().stream()).map(Item::contentId).anyMatch("gia-ca-20261124"::equals))
                .orElse(false));

        await("the bulletin is queued for the village's chat group").atMost(ConsoleBrowserTest.WAIT).until(() -> {
            JsonNode rows = api.call("GET", "/api/mirror/deliveries?village=thon-dong", admin, null).json();
            for (JsonNode row : rows) {
                if (row.get("kind").asText().equals("BULLETIN") && row.get("target").asText().equals("Nhóm thôn Đông")) {
                    return true;
                }
            }
            return false;
        });

        b.driver().navigate().refresh();
        b.find(By.id("bulletin-text"));
        assertTrue(b.fitsWidth(), b.widthReport());
        assertTrue(b.smallestTarget() >= 44, b.smallestTargetReport());
        ((org.openqa.selenium.JavascriptExecutor) b.driver()).executeScript(
                "document.getElementById('bulletin-today').scrollIntoView()");
        b.screenshot("bulletin");
    }
}
