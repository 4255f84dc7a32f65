package vn.loalang.systemtests.security;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.AgentConfig;
import vn.loalang.agent.audio.AudioConfig;
import vn.loalang.agent.link.ReconnectConfig;
import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.RelayConfig;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.Json;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A station enrolled from the console's bundle alone (issue 18): the controller's embedded broker listens
 * beyond loopback (so each station needs its own account), {@code POST /api/stations/{id}/bundle} makes
 * the archive, and an agent configured from that archive's {@code station.json} — broker address, account,
 * password and trusted key as written there — connects and holds its schedule.
 */
class StationBundleEnrolmentTest {
    static final String ADMIN_PASSWORD = "mat-khau-quan-tri";

    @TempDir
    Path dir;
    Controller controller;
    SimulatedStation station;

    @AfterEach
    void stop() throws Exception {
        Closing.inOrder(station, controller);
    }

    @Test
    void anAgentConfiguredFromTheConsolesBundleConnectsAndHoldsItsSchedule() throws Exception {
        int http = Ports.free();
        // The public URL names where stations reach this server; on one test machine that is 127.0.0.1.
        ControllerConfig config = ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                .withEmbeddedBroker("0.0.0.0", Ports.free())
                .withHttp("127.0.0.1", http, URI.create("http://127.0.0.1:" + http));
        controller = Controller.start(config, Clock.systemUTC(), new PasswordHasher(1000), () -> ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream()));
        await("the controller connected with its own account").atMost(Duration.ofSeconds(20)).until(controller::connected);

        ApiClient api = new ApiClient(controller.contentPort());
        String token = api.login("admin", ADMIN_PASSWORD);
        HttpResponse<byte[]> bundle = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        api.uri("/api/stations/thon-dong-1/bundle")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"audioDevice\":\"USB Audio\",\"relays\":\"amp:17\"}")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, bundle.statusCode(), new String(bundle.body()));
        assertEquals("false", bundle.headers().firstValue("X-Station-Broker-Loopback-Only").orElse(""));

        Path archive = Files.write(dir.resolve("loalang-station-thon-dong-1.tar.gz"), bundle.body());
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", dir.toString()).redirectErrorStream(true)
                .start();
        assertTrue(tar.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, tar.exitValue(), new String(tar.getInputStream().readAllBytes()));
        JsonNode c = Json.mapper().readTree(dir.resolve("loalang-station-thon-dong-1/station.json").toFile());
        assertFalse(c.has("caFile"), "the embedded broker is plain MQTT: " + c);
        assertEquals(controller.brokerUrl().replaceFirst("://[^:]+:", "://127.0.0.1:"), c.get("brokerUrl").asText());
        String keyId = c.get("trustedKeys").fieldNames().next();

        // The Pi's hardware is simulated; everything the controller wrote is used as written.
        Path stationDir = dir.resolve("station");
        AgentConfig agent = new AgentConfig(c.get("stationId").asText(), c.get("brokerUrl").asText(),
                c.get("username").asText(), c.get("password").asText(), null, stationDir,
                Map.of(keyId, c.get("trustedKeys").get(keyId).asText()),
                new GpioConfig("mock", List.of(new RelayConfig("amp", 17, false))),
                AudioConfig.wavFiles(stationDir.resolve("rendered")), 500L, 200L, null,
                new ReconnectConfig(100L, 1000L), 2000L);
        station = new SimulatedStation(agent, Clock.systemUTC()).start();
        await("the station connected with the bundle's password and holds its schedule").atMost(Duration.ofSeconds(30))
                .until(() -> station.agent().schedule().isPresent());
        assertEquals(controller.keyId(), keyId, "the bundle trusts the controller's signing key");
    }
}
