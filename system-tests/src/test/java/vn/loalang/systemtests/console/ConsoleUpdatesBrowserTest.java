package vn.loalang.systemtests.console;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.testing.ReleaseFiles;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.systemtests.support.Browser;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The technician's updates page in a real browser (Debian's headless Chromium) against a running
 * controller and a simulated station: a release signed on the build machine is uploaded through the
 * page, rolled out to one station, and the station's refusal (an in-process agent has no service
 * manager to restart it) halts the rollout, shown with its reason; the technician abandons it.
 */
class ConsoleUpdatesBrowserTest {
    static final String ADMIN_PASSWORD = "mat-khau-quan-tri";
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private TestClock clock;
    private Controller controller;
    private ApiClient api;
    private String base;
    private final KeyPair releaseKey = Ed25519Keys.generate();
    private final List<AutoCloseable> running = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        clock = new TestClock(ConsoleBrowserTest.EARLY);
        // The commune's release key, copied in from the build machine.
        ReleaseFiles.trust(dir.resolve("controller/keys/releases"), "release", releaseKey);
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                        .withHttp("127.0.0.1", Ports.free(), null).withEmbeddedBroker("127.0.0.1", Ports.free()), clock,
                new PasswordHasher(1000), () -> ADMIN_PASSWORD, new PrintStream(OutputStream.nullOutputStream()));
        api = new ApiClient(controller.contentPort());
        base = "http://127.0.0.1:" + controller.contentPort();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        controller.close();
    }

    @Test
    void aTechnicianUploadsAReleaseRollsItOutToOneStationAndSeesItHaltWithTheReason() throws Exception {
        SimulatedStation dong = new SimulatedStation("thon-dong-1", controller.brokerUrl(), controller.keyId(),
                controller.publicKeyPem(), dir.resolve("thon-dong-1"), clock, false, 300, 100).reportingEvery(1).start();
        running.add(dong);
        await("the station holds its schedule").atMost(WAIT).until(() -> dong.agent().schedule().isPresent());
        String admin = api.login("admin", ADMIN_PASSWORD);
        assertEquals(201, api.call("POST", "/api/users", admin, Map.of("username", "ky.thuat", "role", "TECHNICIAN",
                "villages", List.of(), "password", "mat-khau-ky-thuat")).status());
        Path jar = ReleaseFiles.jar(dir.resolve("loalang-station-agent-2.0.0.jar"), "2.0.0");
        Path releaseFile = Files.write(dir.resolve("release-2.0.0.json"), ReleaseFiles.sign(jar, "2.0.0", "release", releaseKey));
        Browser b = Browser.open(base, 1280, 900);
        running.add(b);

        b.logIn("ky.thuat", "mat-khau-ky-thuat");
        b.click(By.linkText("Cập nhật"));
        b.find(By.id("release-jar")).sendKeys(jar.toAbsolutePath().toString());
        b.find(By.id("release-file")).sendKeys(releaseFile.toAbsolutePath().toString());
        b.click(By.cssSelector("#release-upload button[type=submit]"));
        b.until("the release listed", d -> b.all(By.cssSelector("tr[data-release='2.0.0']")).isEmpty() ? null : true);
        assertTrue(b.find(By.tagName("main")).getText().contains("Khoá phát hành: release"), "the key uploads are checked with");

        new Select(b.find(By.id("rollout-scope"))).selectByValue("station");
        new Select(b.find(By.id("rollout-target"))).selectByValue("thon-dong-1");
        b.click(By.id("rollout-go"));
        WebElement halted = b.until("the rollout halted by the station's answer", d -> b.all(By.cssSelector(
                "section.rollout[data-status='HALTED']")).stream().findFirst().orElse(null));
        String text = halted.getText();
        assertTrue(text.contains("Đã dừng"), "Vietnamese first: " + text);
        assertTrue(text.contains("thon-dong-1") && text.contains("NOT_SUPERVISED"), "why it halted: " + text);
        assertEquals("FAILED", b.find(By.cssSelector("section.rollout tr[data-station='thon-dong-1']")).getAttribute("data-state"));
        ((org.openqa.selenium.JavascriptExecutor) b.driver()).executeScript("window.scrollTo(0, 0)");
        b.screenshot("updates");
        String lowest = b.lowestContrast();
        assertTrue(Double.parseDouble(lowest.split(" ")[0]) >= 4.5, "lowest contrast on the page: " + lowest);

        b.click(By.cssSelector("section.rollout button.abandon"));
        b.acceptDialog();
        b.until("the rollout abandoned", d -> b.all(By.cssSelector("section.rollout[data-status='ABANDONED']")).isEmpty()
                ? null : true);
        assertTrue(dong.relayEdges().stream().noneMatch(SimulatedStation.Edge::on), "the station never switched its amplifier on");
    }
}
