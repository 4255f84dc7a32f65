package vn.loalang.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.Json;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The operator's view through the API of a real controller: the first administrator's password
 * shown once, and a station behind its published schedule until it reports accepting it.
 */
class StationsApiTest {
    static final ZonedDateTime MORNING = ZonedDateTime.of(2026, 11, 24, 5, 30, 0, 0, ZoneId.of(TestCommune.ZONE));

    @TempDir
    Path dir;

    Controller controller;
    SimulatedStation station;
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        Closing.inOrder(station, controller);
    }

    @Test
    void theFirstPasswordIsShownOnceAndAStationIsBehindUntilItAcceptsItsSchedule() throws Exception {
        TestClock clock = new TestClock(MORNING.minusMinutes(30).toInstant());
        ControllerConfig config = ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                .withEmbeddedBroker("127.0.0.1", Ports.free()).withHttp("127.0.0.1", Ports.free(), null);
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        controller = Controller.start(config, clock, new PasswordHasher(1000), () -> null,
                new PrintStream(console, true, StandardCharsets.UTF_8));
        Matcher m = Pattern.compile("First administrator: admin +mật khẩu / password: (\\S+)")
                .matcher(console.toString(StandardCharsets.UTF_8));
        assertTrue(m.find(), console.toString(StandardCharsets.UTF_8));
        String printed = m.group(1);
        // The printed password opens only its own change (issue 14): the first thing an administrator does.
        String password = "mat-khau-quan-tri-moi";
        String token = changePrinted(login(printed), printed, password);
        JsonNode before = station(token);
        assertTrue(before.get("behind").asBoolean(), "published, not yet accepted: " + before);
        long published = before.get("publishedVersion").asLong();

        station = new SimulatedStation("thon-dong-1", controller.brokerUrl(), controller.keyId(),
                controller.publicKeyPem(), dir.resolve("station"), clock, true, 500, 200).start();
        await("the station reports accepting its schedule").atMost(Duration.ofSeconds(20))
                .until(() -> !station(token).get("behind").asBoolean());
        JsonNode after = station(token);
        assertEquals(published, after.get("acceptedVersion").asLong());
        assertEquals("ONLINE", after.get("presence").asText());

        // Its telemetry arrives at once on connecting, and the technician sees it well.
        await("the station's health is known and OK").atMost(Duration.ofSeconds(20)).until(() -> {
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/health"))
                    .header("Authorization", "Bearer " + token).build());
            for (JsonNode h : Json.mapper().readTree(r.body())) {
                if (h.get("stationId").asText().equals("thon-dong-1")) {
                    return h.get("state").asText().equals("OK") && h.get("telemetry").get("relays").has("amp");
                }
            }
            return false;
        });
        HttpResponse<String> history = send(HttpRequest.newBuilder(uri("/api/stations/thon-dong-1/telemetry?from="
                + clock.instant().minusSeconds(3600) + "&to=" + clock.instant().plusSeconds(3600) + "&format=csv"))
                .header("Authorization", "Bearer " + token).build());
        assertEquals(200, history.statusCode(), history.body());
        assertTrue(history.body().lines().skip(1).anyMatch(l -> l.startsWith("raw,")), "the snapshot is kept: " + history.body());

        station.close();
        station = null;
        controller.close();
        console.reset();
        controller = Controller.start(config, clock, new PasswordHasher(1000), () -> null,
                new PrintStream(console, true, StandardCharsets.UTF_8));
        assertEquals("", console.toString(StandardCharsets.UTF_8), "the password is shown once only");
        assertFalse(station(login(password)).get("behind").asBoolean(), "an unchanged schedule keeps its version");
    }

    private String login(String password) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/login")).POST(HttpRequest.BodyPublishers
                .ofByteArray(Json.write(Map.of("username", "admin", "password", password)))).build());
        assertEquals(200, r.statusCode(), r.body());
        return Json.mapper().readTree(r.body()).get("token").asText();
    }

    private String changePrinted(String token, String printed, String password) throws Exception {
        HttpResponse<String> refused = send(HttpRequest.newBuilder(uri("/api/stations"))
                .header("Authorization", "Bearer " + token).build());
        assertEquals(403, refused.statusCode(), "nothing before the printed password is changed: " + refused.body());
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/me/password"))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(
                        Map.of("currentPassword", printed, "password", password)))).build());
        assertEquals(200, r.statusCode(), r.body());
        return Json.mapper().readTree(r.body()).get("token").asText();
    }

    private JsonNode station(String token) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(uri("/api/stations"))
                .header("Authorization", "Bearer " + token).build());
        assertEquals(200, r.statusCode(), r.body());
        for (JsonNode s : Json.mapper().readTree(r.body())) {
            if (s.get("id").asText().equals("thon-dong-1")) {
                return s;
            }
        }
        throw new AssertionError("no station thon-dong-1 in " + r.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + controller.contentPort() + path);
    }

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
