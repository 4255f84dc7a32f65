package vn.loalang.systemtests.console;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.systemtests.support.Browser;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Levels set in a real browser (Debian's headless Chromium) reach a simulated station: the technician
 * sets the station's on its page (a level outside the commune's range refused with the range, nothing
 * sent), sees the level the station itself reports in the station table; the operator sets the morning
 * session's in the session editor, and the station's schedule carries both.
 */
class ConsoleVolumeBrowserTest {
    @TempDir
    Path dir;
    private TestClock clock;
    private Controller controller;
    private ApiClient api;
    private String base;
    private final List<AutoCloseable> running = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        clock = new TestClock(ConsoleBrowserTest.EARLY);
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                        .withHttp("127.0.0.1", Ports.free(), null).withEmbeddedBroker("127.0.0.1", Ports.free()), clock,
                new PasswordHasher(1000), () -> ConsoleBrowserTest.ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream()));
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
    void aTechnicianSetsTheStationsLevelAndAnOperatorTheSessionsAndTheStationHoldsBoth() throws Exception {
        SimulatedStation dong = new SimulatedStation("thon-dong-1", controller.brokerUrl(), controller.keyId(),
                controller.publicKeyPem(), dir.resolve("thon-dong-1"), clock, false, 300, 100).reportingEvery(1).start();
        running.add(dong);
        await("the station holds its schedule").atMost(ConsoleBrowserTest.WAIT)
                .until(() -> dong.agent().schedule().isPresent());
        String admin = api.login("admin", ConsoleBrowserTest.ADMIN_PASSWORD);
        for (String[] u : List.of(new String[]{"ky.thuat", "TECHNICIAN"}, new String[]{"can.bo", "OPERATOR"})) {
            assertEquals(201, api.call("POST", "/api/users", admin, Map.of("username", u[0], "role", u[1],
                    "villages", List.of(), "password", "mat-khau-" + u[0])).status());
        }
        Browser b = Browser.open(base, 1280, 900);
        running.add(b);

        b.logIn("ky.thuat", "mat-khau-ky.thuat");
        b.go("/#/stations/thon-dong-1");
        String range = b.find(By.id("station-volume-range")).getText();
        assertTrue(range.startsWith("Cho phép từ −30 dB đến +6 dB") && range.contains("allowed from −30 dB to +6 dB"),
                "the range beside the field, Vietnamese first: " + range);
        b.type("station-volume", "9");
        b.click(By.id("station-volume-save"));
        String refused = b.until("the refusal", d -> {
            String text = b.find(By.cssSelector("#volume [role=alert]")).getText();
            return text.isEmpty() ? null : text;
        });
        assertTrue(refused.startsWith("Âm lượng") && refused.contains("từ −30 đến +6 dB"), "refused with the range: "
                + refused);
        b.type("station-volume", "-4.5");
        b.click(By.id("station-volume-save"));
        await("the station's schedule carries its level").atMost(ConsoleBrowserTest.WAIT).until(() -> dong.agent()
                .schedule().map(s -> Objects.equals(s.stationVolumeDb(), -4.5)).orElse(false));
        b.go("/#/stations");
        String cell = b.until("the station reports its level", d -> {
            String text = b.find(By.cssSelector("tr[data-station='thon-dong-1'] td.volume")).getText();
            return text.startsWith("−4,5 dB") ? text : null;
        });
        assertTrue(b.find(By.tagName("thead")).getText().contains("Âm lượng / Volume"), cell);
        b.screenshot("station-volume");

        b.click(By.id("logout"));
        b.logIn("can.bo", "mat-khau-can.bo");
        b.click(By.partialLinkText("Buổi sáng"));
        b.type("session-volume", "-12");
        b.click(By.id("save"));
        await("the morning sessions carry their level").atMost(ConsoleBrowserTest.WAIT).until(() -> dong.agent()
                .schedule().map(s -> s.sessions().stream().filter(x -> x.id().endsWith(".morning"))
                        .map(Session::volumeDb).allMatch(v -> Objects.equals(v, -12.0))
                        && Objects.equals(s.stationVolumeDb(), -4.5)).orElse(false));
        assertTrue(dong.agent().schedule().orElseThrow().sessions().stream().filter(x -> x.id().endsWith(".evening"))
                .allMatch(x -> x.volumeDb() == null), "the evening keeps the station's level");
        b.click(By.linkText("Lịch phát"));
        b.until("the week shows the morning's level", d -> b.all(By.cssSelector("[data-village='thon-dong'] .session"))
                .stream().anyMatch(c -> c.getText().contains("Buổi sáng") && c.getText().contains("−12 dB")) ? true : null);
    }
}
