package vn.loalang.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.enrol.StationBundles;
import vn.loalang.controller.testing.ApiClient.Answer;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.UserDirectory;
import vn.loalang.protocol.Json;

import java.io.IOException;
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
 * {@code POST /api/stations/{id}/bundle} over real HTTP on a real store, the accounts kept as the embedded
 * broker keeps them: the archive is a real tar.gz, its password is the one the broker accepts, a second call
 * rotates it, a revocation ends it, and the packed copy is gone once sent.
 */
class StationBundleRoutesTest {
    private static final String ADMIN_PASSWORD = "admin-password-1";
    private static final String PASSWORD = "mat-khau-dai-du";
    private static final StationBundles.BrokerReach REACH = new StationBundles.BrokerReach("tcp", "192.168.1.10", 1883,
            null, false);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<byte[]> bundle(ApiFixture api, String token, String station, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(api.api.uri("/api/stations/" + station + "/bundle"))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token)
                .POST(body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** The station.json inside the archive, unpacked by tar as on the Pi. */
    private JsonNode stationJson(byte[] archive, String name) throws Exception {
        Path out = Files.createDirectories(dir.resolve("unpacked-" + name));
        Path file = out.resolve("bundle.tar.gz");
        Files.write(file, archive);
        Process tar = new ProcessBuilder("tar", "-xzf", file.toString(), "-C", out.toString()).redirectErrorStream(true)
                .start();
        assertTrue(tar.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, tar.exitValue(), new String(tar.getInputStream().readAllBytes()));
        Path bundle = out.resolve("loalang-station-thon-dong-1");
        assertTrue(Files.isRegularFile(bundle.resolve("install.sh")), "the install script is in the bundle");
        assertFalse(Files.exists(bundle.resolve("ca.pem")), "a tcp:// broker: no certificate");
        return Json.mapper().readTree(bundle.resolve("station.json").toFile());
    }

    @Test
    void aBundleCarriesAPasswordTheBrokerAcceptsASecondRotatesItAndARevocationEndsIt() throws Exception {
        try (ApiFixture api = ApiFixture.withBundles(dir.resolve("api"), Clock.systemUTC(), ADMIN_PASSWORD, REACH)) {
            api.users.create("admin", new UserDirectory.NewUser("ky.thuat", null, Role.TECHNICIAN, List.of(), "vi",
                    PASSWORD));
            String technician = api.api.login("ky.thuat", PASSWORD);

            // A first bundle must name the sound card: refused before any password is issued.
            HttpResponse<byte[]> none = bundle(api, technician, "thon-dong-1", null);
            assertEquals(400, none.statusCode(), new String(none.body()));
            assertTrue(new String(none.body()).contains("audioDevice"), new String(none.body()));
            assertEquals(0, api.accounts.generation("thon-dong-1"), "nothing issued for a refused bundle");

            HttpResponse<byte[]> first = bundle(api, technician, "thon-dong-1",
                    "{\"audioDevice\":\"USB Audio\",\"relays\":\"amp:17,aux:27:active-low\"}");
            assertEquals(200, first.statusCode(), new String(first.body()));
            assertEquals("application/gzip", first.headers().firstValue("Content-Type").orElse(""));
            assertEquals("no-store", first.headers().firstValue("Cache-Control").orElse(""));
            assertTrue(first.headers().firstValue("Content-Disposition").orElse("")
                    .contains("loalang-station-thon-dong-1.tar.gz"), first.headers().toString());
            assertEquals("1", first.headers().firstValue(BundleRoutes.GENERATION).orElse(""));
            assertEquals("tcp://192.168.1.10:1883", first.headers().firstValue(BundleRoutes.BROKER).orElse(""));
            assertEquals("absent", first.headers().firstValue(BundleRoutes.AGENT_JAR).orElse(""));
            JsonNode c1 = stationJson(first.body(), "1");
            assertEquals("thon-dong-1", c1.get("stationId").asText());
            assertEquals("tcp://192.168.1.10:1883", c1.get("brokerUrl").asText());
            assertFalse(c1.has("caFile"), c1.toString());
            assertEquals("USB Audio", c1.path("audio").path("device").asText());
            assertEquals(27, c1.path("gpio").path("relays").get(1).path("pin").asInt());
            assertEquals(vn.loalang.protocol.signing.Ed25519Keys.publicPem(api.signingKey.getPublic()), c1.path("trustedKeys").path("k1").asText());
            String password1 = c1.get("password").asText();
            assertTrue(api.accounts.verify("thon-dong-1", password1).isPresent(), "the broker accepts the bundle's password");

            // A rotation with nothing in the body: the same hardware, a new password, the old one refused.
            HttpResponse<byte[]> second = bundle(api, technician, "thon-dong-1", null);
            assertEquals(200, second.statusCode(), new String(second.body()));
            assertEquals("2", second.headers().firstValue(BundleRoutes.GENERATION).orElse(""));
            JsonNode c2 = stationJson(second.body(), "2");
            String password2 = c2.get("password").asText();
            assertFalse(password1.equals(password2));
            assertEquals(c1.get("gpio"), c2.get("gpio"), "the relays of the last bundle");
            assertEquals(c1.get("audio"), c2.get("audio"), "the sound card of the last bundle");
            assertTrue(api.accounts.verify("thon-dong-1", password1).isEmpty(), "the rotated password is refused");
            assertTrue(api.accounts.verify("thon-dong-1", password2).isPresent());

            Answer revoked = api.api.call("DELETE", "/api/stations/thon-dong-1/credentials", technician, null);
            assertEquals(204, revoked.status(), String.valueOf(revoked.json()));
            assertTrue(api.accounts.verify("thon-dong-1", password2).isEmpty(), "a revoked station may not log in");

            // The packed copies held passwords: none is left once sent.
            await("the packed bundles deleted").atMost(Duration.ofSeconds(10)).until(() -> {
                try (var files = Files.list(api.bundleDir)) {
                    return files.findAny().isEmpty();
                }
            });
            List<String> audit = api.store.query(c -> new AuditLog(Clock.systemUTC()).latest(c, 50)).stream()
                    .map(e -> e.actor() + " " + e.action() + " " + e.target()).toList();
            assertTrue(audit.contains("ky.thuat broker.enrol thon-dong-1"), audit.toString());
            assertTrue(audit.contains("ky.thuat broker.rotate thon-dong-1"), audit.toString());
            assertTrue(audit.contains("ky.thuat station.hardware thon-dong-1"), audit.toString());
        }
    }

    @Test
    void wrongRelaysAnUnknownStationAndAnOperatorAreRefused() throws Exception {
        try (ApiFixture api = ApiFixture.withBundles(dir.resolve("api"), Clock.systemUTC(), ADMIN_PASSWORD, REACH)) {
            api.users.create("admin", new UserDirectory.NewUser("van.thu", null, Role.OPERATOR, List.of(), "vi", PASSWORD));
            String admin = api.api.login("admin", ADMIN_PASSWORD);

            HttpResponse<byte[]> pin = bundle(api, admin, "thon-dong-1", "{\"audioDevice\":\"USB\",\"relays\":\"amp:2\"}");
            assertEquals(400, pin.statusCode(), new String(pin.body()));
            assertEquals("relays", Json.mapper().readTree(pin.body()).path("field").asText());
            assertEquals(0, api.accounts.generation("thon-dong-1"));

            assertEquals(404, bundle(api, admin, "khong-co-1", "{\"audioDevice\":\"USB\"}").statusCode());
            assertEquals(403, bundle(api, api.api.login("van.thu", PASSWORD), "thon-dong-1",
                    "{\"audioDevice\":\"USB\"}").statusCode());
            assertEquals(0, api.accounts.generation("thon-dong-1"));
        }
    }

    @Test
    void withoutAStationAddressTheBundleIsRefusedBeforeAPasswordIsIssued() throws Exception {
        // The embedded broker on all interfaces, no --public-url, and the console opened at 127.0.0.1.
        StationBundles.BrokerReach unknown = StationBundles.BrokerReach.embedded("0.0.0.0", 1883, null);
        try (ApiFixture api = ApiFixture.withBundles(dir.resolve("api"), Clock.systemUTC(), ADMIN_PASSWORD, unknown)) {
            String admin = api.api.login("admin", ADMIN_PASSWORD);
            HttpResponse<byte[]> r = bundle(api, admin, "thon-dong-1", "{\"audioDevice\":\"USB\"}");
            assertEquals(409, r.statusCode(), new String(r.body()));
            assertTrue(new String(r.body()).contains("--public-url"), new String(r.body()));
            assertEquals(0, api.accounts.generation("thon-dong-1"));
        }
    }

    @Test
    void theBrokerAddressAStationIsGiven() {
        URI pub = URI.create("https://loa.xa-an-binh.vn:8443");
        assertEquals("tcp://loa.xa-an-binh.vn:1883", StationBundles.BrokerReach.embedded("0.0.0.0", 1883, pub)
                .urlFor("127.0.0.1").orElseThrow());
        assertEquals("tcp://192.168.1.10:1884", StationBundles.BrokerReach.embedded("0.0.0.0", 1884, null)
                .urlFor("192.168.1.10").orElseThrow(), "the address the office laptop reached the server at");
        assertTrue(StationBundles.BrokerReach.embedded("127.0.0.1", 1883, null).loopbackOnly());
        assertEquals("tcp://127.0.0.1:1883", StationBundles.BrokerReach.embedded("127.0.0.1", 1883, pub)
                .urlFor("192.168.1.10").orElseThrow(), "a broker on loopback is reachable there only");
        assertFalse(StationBundles.BrokerReach.embedded("0.0.0.0", 1883, null).loopbackOnly());
        assertTrue(StationBundles.BrokerReach.embedded("0.0.0.0", 1883, null).urlFor("localhost").isEmpty());
        StationBundles.BrokerReach mosquitto = StationBundles.BrokerReach.external("ssl://127.0.0.1:8883",
                Path.of("/etc/mosquitto/loalang/ca.pem"), null);
        assertEquals("ssl://192.168.1.10:8883", mosquitto.urlFor("192.168.1.10").orElseThrow());
        assertEquals(Path.of("/etc/mosquitto/loalang/ca.pem"), mosquitto.caFile());
        assertEquals(null, StationBundles.BrokerReach.external("tcp://10.0.0.2:1883", Path.of("ca.pem"), null).caFile());
        assertEquals("tcp://10.0.0.2:1883", StationBundles.BrokerReach.external("tcp://10.0.0.2:1883", null, null)
                .urlFor("192.168.1.10").orElseThrow(), "a broker named by its network address keeps it");
    }
}
