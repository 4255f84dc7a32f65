package vn.loalang.systemtests.security;

import vn.loalang.agent.audio.AudioConfig;
import vn.loalang.agent.link.ReconnectConfig;
import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.RelayConfig;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.cli.CommandLineAccess;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.cli.ProvisionCommand;
import vn.loalang.controller.http.HttpsSettings;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.tls.BrokerTrust;
import vn.loalang.provisioning.tls.CertificateAuthority;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.agent.AgentConfig;
import vn.loalang.systemtests.support.TestCommune;

import javax.net.ssl.SSLHandshakeException;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commune server as deployed: {@code provision init} issues the console's certificate from the
 * commune CA, the controller serves HTTPS with it and binds plain HTTP to every interface (0.0.0.0),
 * where plain HTTP may only redirect; stations fetch their audio over HTTPS, trusting the commune CA
 * from their bundle. Every request is real TLS or real HTTP to 127.0.0.1 — which reaches the wildcard
 * listener like any other address, so what it answers is what the LAN gets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControllerHttpsTest {
    private static final String ADMIN_PASSWORD = "mat-khau-quan-tri";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    static Path dir;
    Path tls;
    Controller controller;
    SimulatedStation trustingStation;
    SimulatedStation untrustingStation;
    HttpClient trusting;
    String https;
    String http;

    @BeforeAll
    void provisionAndStart() throws Exception {
        tls = dir.resolve("tls");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = ProvisionCommand.run(new String[]{"init", "--dir", dir.resolve("provisioning").toString(),
                        "--broker-hosts", "192.168.1.10", "--web-hosts", "192.168.1.10,dai.xa-an-binh.local",
                        "--mosquitto-dir", dir.resolve("mosquitto-loalang").toString(),
                        "--mosquitto-conf", dir.resolve("conf.d/loalang.conf").toString(),
                        "--controller-password-file", dir.resolve("controller.mqtt-password").toString(),
                        "--tls-dir", tls.toString(), "--system-user", "nobody", "--commune-name", "Xa An Binh"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--https-port 8443 --tls-cert " + tls.resolve("controller.pem")),
                "init says how to start the controller: " + out.toString(StandardCharsets.UTF_8));

        int httpsPort = Ports.free();
        ControllerConfig config = ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                .withEmbeddedBroker("127.0.0.1", Ports.free())
                .withHttp("0.0.0.0", Ports.free(), URI.create("https://127.0.0.1:" + httpsPort))
                .withHttps(new HttpsSettings(httpsPort, tls.resolve("controller.pem"), tls.resolve("controller.key")));
        controller = Controller.start(config, Clock.systemUTC(), new PasswordHasher(1000), () -> ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream()));
        trusting = HttpClient.newBuilder().connectTimeout(TIMEOUT).sslContext(BrokerTrust.context(tls.resolve("ca.pem")))
                .build();
        https = "https://127.0.0.1:" + controller.httpsPort();
        http = "http://127.0.0.1:" + controller.contentPort();
    }

    @AfterAll
    void stop() throws Exception {
        Closing.inOrder(trustingStation, untrustingStation, controller);
    }

    @Test
    void aClientTrustingTheCommuneCaGetsTheConsoleAndTheApiWithHsts() throws Exception {
        HttpResponse<String> page = trusting.send(get(https + "/"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<html"), "the console's page");
        assertEquals(List.of("max-age=31536000"), page.headers().allValues("Strict-Transport-Security"),
                "HSTS for a year, not for subdomains that may be other servers");

        String token = login(trusting, https).path("token").asText();
        assertFalse(token.isEmpty());
        HttpResponse<String> stations = trusting.send(getBuilder(https + "/api/stations").header("Authorization", "Bearer " + token)
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, stations.statusCode(), stations.body());
        assertTrue(stations.headers().firstValue("Strict-Transport-Security").isPresent(), "on the API's answers too");

        X509Certificate presented = (X509Certificate) page.sslSession().orElseThrow().getPeerCertificates()[0];
        assertEquals(CertificateAuthority.parseCertificate(Files.readString(tls.resolve("controller.pem"))), presented,
                "the certificate provision init wrote");
    }

    @Test
    void aClientThatDoesNotTrustTheCommuneCaIsRefusedBeforeAnythingIsSent() throws Exception {
        HttpClient jdkDefaults = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        assertThrows(SSLHandshakeException.class, () -> jdkDefaults.send(get(https + "/"), HttpResponse.BodyHandlers.ofString()));

        CertificateAuthority.loadOrCreate(dir.resolve("other-ca"), "another commune");
        HttpClient otherCommune = HttpClient.newBuilder().connectTimeout(TIMEOUT)
                .sslContext(BrokerTrust.context(dir.resolve("other-ca").resolve("ca.pem"))).build();
        assertThrows(SSLHandshakeException.class, () -> login(otherCommune, https),
                "another commune's CA is not this one's: no password is sent to its server");
    }

    @Test
    void stationsFetchTheirAudioOverHttpsTrustingTheCommuneCaFromTheirBundle() throws Exception {
        trustingStation = station("thon-dong-1", tls.resolve("ca.pem")).start();
        untrustingStation = station("thon-tay-1", null).start();
        var items = controller.schedules().get("thon-dong-1").sessions().stream().flatMap(s -> s.items().stream()).toList();
        assertFalse(items.isEmpty());
        assertTrue(items.stream().allMatch(i -> i.url().toString().startsWith(https + "/content/")), items.toString());
        await("every file of thon-dong-1's sessions downloaded over HTTPS and verified").atMost(Duration.ofSeconds(30))
                .until(() -> items.stream().allMatch(i -> Files.isRegularFile(dir.resolve("thon-dong-1/cache").resolve(i.sha256()))));
        // A station that does not trust the commune's CA gets nothing, and says so.
        String token = login(trusting, https).path("token").asText();
        await("thon-tay-1 reports that its content cannot be fetched").atMost(Duration.ofSeconds(30))
                .until(() -> eventTypes(token, "thon-tay-1").stream().anyMatch(e -> e.startsWith("CONTENT_FAILED DOWNLOAD_FAILED ")
                        && e.contains("PKIX path building failed")));
        assertTrue(Files.notExists(dir.resolve("thon-tay-1/cache").resolve(items.get(0).sha256())));
    }

    /** The station's latest events as the API shows them, over HTTPS: type, reason and detail. */
    private List<String> eventTypes(String token, String station) throws Exception {
        HttpResponse<String> r = trusting.send(getBuilder(https + "/api/events?station=" + station)
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        List<String> types = new java.util.ArrayList<>();
        Json.mapper().readTree(r.body()).forEach(e -> types.add(e.path("type").asText() + " " + e.path("reason").asText()
                + " " + e.path("detail").asText()));
        return types;
    }

    private SimulatedStation station(String id, Path ca) {
        Path data = dir.resolve(id);
        return new SimulatedStation(new AgentConfig(id, controller.brokerUrl(), null, null, null, data,
                Map.of(controller.keyId(), controller.publicKeyPem()),
                new GpioConfig("mock", List.of(new RelayConfig("amp", 17, false))),
                AudioConfig.wavFiles(data.resolve("rendered")), 300L, 100L, null,
                new ReconnectConfig(100L, 1000L), 2000L, null, null, null, null, ca), Clock.systemUTC());
    }

    @Test
    void plainHttpOnEveryInterfaceOnlyRedirectsToHttps() throws Exception {
        HttpClient plain = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpResponse<String> page = plain.send(get(http + "/index.html?tab=alerts"), HttpResponse.BodyHandlers.ofString());
        assertEquals(308, page.statusCode());
        assertEquals(https + "/index.html?tab=alerts", page.headers().firstValue("Location").orElseThrow());
        assertEquals("", page.body(), "nothing of the console in clear");
        assertFalse(page.headers().firstValue("Strict-Transport-Security").isPresent(), "HSTS counts only over HTTPS");

        HttpResponse<String> login = plain.send(HttpRequest.newBuilder(URI.create(http + "/api/login")).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(Map.of("username", "admin",
                        "password", ADMIN_PASSWORD)))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(308, login.statusCode(), "a login in clear is not answered: " + login.body());
        assertEquals(https + "/api/login", login.headers().firstValue("Location").orElseThrow());
        assertEquals("", login.body(), "no token in clear");
        for (String path : List.of("/api/openapi.json", "/api/stations", "/healthz", "/nothing-here")) {
            assertEquals(308, plain.send(get(http + path), HttpResponse.BodyHandlers.discarding()).statusCode(), path);
        }

        // The stations are told to fetch their audio over HTTPS: it is not served in clear either.
        var item = controller.library().index().items().get(0);
        HttpResponse<byte[]> audio = plain.send(get(http + "/content/" + item.sha256()), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(308, audio.statusCode());
        assertEquals(0, audio.body().length);
    }

    @Test
    void theCertificateCarriesTheNamesGivenAndItsKeyIsTheControllersGroupsAlone() throws Exception {
        X509Certificate cert = CertificateAuthority.parseCertificate(Files.readString(tls.resolve("controller.pem")));
        cert.verify(CertificateAuthority.parseCertificate(Files.readString(tls.resolve("ca.pem"))).getPublicKey());
        List<List<?>> names = List.copyOf(cert.getSubjectAlternativeNames());
        for (List<?> name : List.of(List.of(7, "192.168.1.10"), List.of(2, "dai.xa-an-binh.local"), List.of(7, "127.0.0.1"),
                List.of(2, "localhost"))) {
            assertTrue(names.contains(name), name + " in " + names);
        }
        PosixFileAttributes key = Files.readAttributes(tls.resolve("controller.key"), PosixFileAttributes.class);
        assertEquals("rw-r-----", PosixFilePermissions.toString(key.permissions()));
        assertEquals("root", key.owner().getName(), "the controller cannot replace its own key");
        assertEquals("nogroup", key.group().getName(), "the primary group of the controller's user (here nobody)");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve("ca.pem"))),
                "the CA certificate is for everyone to install");
    }

    @Test
    void theCommandLineToolsTalkHttpsTrustingTheCommuneCa() throws Exception {
        Path password = Files.writeString(dir.resolve("admin.password"), ADMIN_PASSWORD + "\n");
        List<String> common = List.of("--user", "admin", "--password-file", password.toString(), "--station",
                "thon-dong-1", "--action", "LIST");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, CommandLineAccess.station(args(common, "--url", https, "--ca", tls.resolve("ca.pem").toString()),
                out, err), err.toString(StandardCharsets.UTF_8));
        assertEquals(0, CommandLineAccess.station(args(common, "--url", http, "--ca", tls.resolve("ca.pem").toString()),
                out, err), "the plain URL is redirected to HTTPS and followed: " + err.toString(StandardCharsets.UTF_8));

        err.reset();
        assertEquals(1, CommandLineAccess.station(args(common, "--url", https), out, err),
                "without the commune CA (none in /etc/loalang/tls on this machine) the tool refuses the server");
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("give --ca FILE"), err.toString(StandardCharsets.UTF_8));
    }

    private static String[] args(List<String> common, String... more) {
        List<String> all = new java.util.ArrayList<>(common);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
    }

    private static HttpRequest.Builder getBuilder(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET();
    }

    private static JsonNode login(HttpClient client, String base) throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/login")).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(Map.of("username", "admin",
                        "password", ADMIN_PASSWORD)))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return Json.mapper().readTree(r.body());
    }
}
