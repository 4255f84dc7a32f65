package vn.loalang.systemtests.console;

import com.fasterxml.jackson.databind.JsonNode;
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
import vn.loalang.systemtests.support.Browser;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.Screens;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The chat and SMS mirror's page (issue 19), in Debian's headless Chromium against a running controller: an
 * administrator adds a webhook channel and sets its secret (shown only as its last four characters), an SMS channel,
 * a village target with a category, and a resident's phone with consent (shown masked); sends a test, which appears
 * in the delivery log; the page fits a phone.
 */
class ConsoleMirrorBrowserTest {
    private static final String ADMIN_PASSWORD = "mat-khau-quan-tri";
    private static final String SECRET = "hmac-khoa-rat-bi-mat-a9F2";

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
    }

    @AfterEach
    void stop() {
        if (browser != null) {
            browser.close();
        }
        controller.close();
    }

    @Test
    void anAdministratorSetsAChannelATargetAndAPhoneWithConsentAndSendsATest() throws Exception {
        Browser b = browser = Browser.open("http://127.0.0.1:" + controller.contentPort(), Screens.DESKTOP);
        b.logIn("admin", ADMIN_PASSWORD);
        b.click(By.linkText("Kênh nhắn tin"));
        b.until("the channels page", d -> b.find(By.tagName("h1")).getText().equals("Kênh nhắn tin") ? true : null);

        addChannel(b, "WEBHOOK", "Hệ thống huyện", Map.of());
        WebElement card = b.until("the webhook's card", d -> b.all(By.cssSelector("[data-channel='webhook-1']")).isEmpty()
                ? null : b.find(By.cssSelector("[data-channel='webhook-1']")));
        assertTrue(card.getText().contains("Chưa đặt mã bí mật"), card.getText());
        card.findElement(By.cssSelector("input[name=signingSecret]")).sendKeys(SECRET);
        card.findElement(By.cssSelector(".secret-save")).click();
        String secretState = b.until("the secret set", d -> {
            String s = b.find(By.cssSelector("[data-channel='webhook-1'] .secret-state")).getText();
            return s.contains("đã đặt") ? s : null;
        });
        assertEquals("Mã bí mật: đã đặt …a9F2", secretState);
        assertFalse(b.driver().getPageSource().contains("rat-bi-mat"), "the secret is never shown again");

        addChannel(b, "ESMS", "SMS xã", Map.of("brandname", "UBND XA"));
        b.until("the SMS channel's card", d -> b.all(By.cssSelector("[data-channel='esms-1']")).isEmpty() ? null : true);

        // Thôn Đông (the first village): the district's system as a webhook target, with the weather.
        new Select(b.find(By.id("tg-channel"))).selectByValue("webhook-1");
        b.type("tg-address", "https://hooks.example.vn/loa");
        b.type("tg-label", "Hệ thống huyện");
        b.click(By.id("tg-add"));
        WebElement fresh = b.find(By.cssSelector("#targets [data-target='']"));
        WebElement alerts = fresh.findElement(By.cssSelector(".cats input[disabled]"));
        assertTrue(alerts.isSelected(), "alerts are always on");
        WebElement weather = fresh.findElement(By.cssSelector("input[value='weather']"));
        assertEquals("Thời tiết", weather.findElement(By.xpath("..")).getText(), "the category by its name");
        weather.click();
        b.click(By.id("targets-save"));
        b.until("the target saved", d -> b.all(By.cssSelector("#targets [data-target]")).stream()
                .anyMatch(e -> !e.getAttribute("data-target").isEmpty() && e.getText().contains("hooks.example.vn")) ? true : null);

        // A phone: refused by the form without consent, kept masked with it.
        new Select(b.find(By.id("ph-channel"))).selectByValue("esms-1");
        b.type("ph-number", "0912 345 678");
        b.click(By.id("ph-add"));
        assertEquals(Boolean.TRUE, ((JavascriptExecutor) b.driver()).executeScript(
                "return document.getElementById('ph-consent').validity.valueMissing"), "consent is required");
        assertEquals(0, api.call("GET", "/api/villages/thon-dong/mirror", admin, null).json().get("targets").findValues("phone")
                .stream().filter(JsonNode::asBoolean).count(), "nothing kept without consent");
        b.click(By.id("ph-consent"));
        b.click(By.id("ph-add"));
        WebElement phone = b.until("the phone listed", d -> b.all(By.cssSelector("[data-phone]")).isEmpty() ? null
                : b.find(By.cssSelector("[data-phone]")));
        assertTrue(phone.getText().contains("09x xxx x678"), phone.getText());
        String page = b.driver().getPageSource();
        assertFalse(page.contains("912345678") || page.contains("912 345 678"), "never the whole number");

        // A test to the webhook target: queued, in the delivery log.
        WebElement webhook = b.find(By.cssSelector("[data-channel='webhook-1']"));
        new Select(webhook.findElement(By.cssSelector(".test-target"))).selectByIndex(0);
        webhook.findElement(By.cssSelector(".test-send")).click();
        WebElement row = b.until("the test in the log", d -> b.all(By.cssSelector("#deliveries tbody tr")).stream()
                .filter(r -> r.getText().contains("Tin thử")).findFirst().orElse(null));
        assertTrue(row.getText().contains("Hệ thống huyện → Hệ thống huyện"), row.getText());
        // Queued PENDING by this page; WP2's sender may already have taken it further.
        assertTrue(Set.of("PENDING", "SENDING", "SENT", "FAILED").contains(row.getAttribute("data-state")),
                row.getAttribute("data-state"));
        JsonNode logged = api.call("GET", "/api/mirror/deliveries?channel=webhook-1", admin, null).json().get(0);
        assertEquals("TEST", logged.get("kind").asText());
        assertTrue(logged.get("ref").asText().startsWith("test-"), logged.toString());
        assertEquals(4, logged.get("priority").asInt());

        ((JavascriptExecutor) b.driver()).executeScript("window.scrollTo(0, 0)");
        b.screenshot("channels");
        ((JavascriptExecutor) b.driver()).executeScript("document.getElementById('village-targets').scrollIntoView()");
        b.screenshot("channels-targets");
        String lowest = b.lowestContrast();
        assertTrue(Double.parseDouble(lowest.split(" ")[0]) >= 4.5, "lowest contrast on the page: " + lowest);
        assertTrue(b.fitsWidth(), b.widthReport());

        // An alert: its status page lists its messages, here a row as WP2's sender writes one once it has sent.
        String alertId = api.call("POST", "/api/alerts", admin, Map.of("villages", List.of("thon-dong"),
                "contentId", "tone-660", "reason", "Nước lũ tràn đê", "durationMinutes", 10)).json().get("id").asText();
        String target = api.call("GET", "/api/villages/thon-dong/mirror", admin, null).json().get("targets")
                .findParents("channel").stream().filter(t -> t.get("channel").asText().equals("webhook-1")).findFirst()
                .orElseThrow().get("id").asText();
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("controller").resolve("loalang.db"));
             PreparedStatement insert = db.prepareStatement("""
                     INSERT INTO mirror_outbox (kind, ref, village, channel_id, target_id, priority, payload_json, state,
                         next_at, give_up_at, created_at, sent_at)
                     VALUES ('ALERT', ?, 'thon-dong', 'webhook-1', ?, 0, '{}', 'SENT', ?, ?, ?, ?)
                     ON CONFLICT (kind, ref, target_id) DO UPDATE SET state = 'SENT', sent_at = excluded.sent_at""")) {
            // The sender has queued this alert for the target already (hooks.example.vn is not reachable from here):
            // the row is made SENT whether it is there yet or not.
            String at = Instant.now().toString();
            insert.setString(1, alertId);
            insert.setString(2, target);
            insert.setString(3, at);
            insert.setString(4, Instant.now().plusSeconds(3600).toString());
            insert.setString(5, at);
            insert.setString(6, at);
            insert.executeUpdate();
        }
        b.go("/#/emergency/" + alertId);
        String mirror = b.until("the alert's messages", d -> b.all(By.id("alert-mirror")).isEmpty() ? null
                : b.find(By.id("alert-mirror")).getText());
        assertTrue(mirror.contains("Tin nhắn Zalo, Telegram, SMS") && mirror.contains("Đã gửi Hệ thống huyện → Hệ thống huyện"),
                mirror);
        b.screenshot("emergency-mirror");

        b.go("/#/channels");
        b.driver().manage().window().setSize(Screens.PHONE);
        b.driver().navigate().refresh();
        b.until("the phone list on a phone", d -> b.all(By.cssSelector("[data-phone]")).isEmpty() ? null : true);
        assertTrue(b.find(By.cssSelector("[data-phone]")).getText().contains("09x xxx x678"));
        assertTrue(b.fitsWidth(), "on a phone: " + b.widthReport());
        b.screenshot("channels-phone");
        assertFalse(b.driver().getPageSource().contains("rat-bi-mat"));
    }

    /** Fills the "add a channel" form: the kind first, which draws that kind's settings. */
    private static void addChannel(Browser b, String kind, String name, Map<String, String> settings) {
        new Select(b.find(By.id("ch-kind"))).selectByValue(kind);
        b.find(By.id("ch-name")).clear();
        b.type("ch-name", name);
        settings.forEach((key, value) -> b.type("ch-set-" + key, value));
        b.click(By.id("ch-add-submit"));
    }
}
