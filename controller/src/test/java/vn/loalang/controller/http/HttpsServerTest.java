package vn.loalang.controller.http;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.content.ContentLibrary;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.content.ContentServer;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune.LibraryEntry;
import vn.loalang.controller.testing.TestFiles;
import vn.loalang.protocol.files.Pem;
import vn.loalang.protocol.tls.BrokerTrust;
import vn.loalang.provisioning.tls.CertificateAuthority;
import vn.loalang.provisioning.tls.WebCertificate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller's web server with a certificate from a commune CA, on real ports of 127.0.0.1 and
 * 0.0.0.0: what plain HTTP may serve where, and the certificates and keys it refuses to start with.
 */
class HttpsServerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    CertificateAuthority ca;
    HttpsSettings settings;
    HttpServer server;

    @BeforeEach
    void issue() throws IOException {
        ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), "Xã Thử Nghiệm");
        new WebCertificate(dir.resolve("tls"), List.of("127.0.0.1"), "nobody").apply(ca);
        settings = new HttpsSettings(0, dir.resolve("tls").resolve(WebCertificate.CERT),
                dir.resolve("tls").resolve(WebCertificate.KEY));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void onLoopbackPlainHttpServesEverythingBesideHttps() throws Exception {
        server = HttpServer.start("127.0.0.1", 0, settings, false,
                List.of(app -> app.get("/api/hello", ctx -> ctx.result("xin chào"))));
        HttpClient plain = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpResponse<String> clear = plain.send(get("http://127.0.0.1:" + server.port() + "/api/hello"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, clear.statusCode(), "nothing on loopback leaves the machine: the local tools use it");
        assertEquals("xin chào", clear.body());

        HttpClient trusting = HttpClient.newBuilder().connectTimeout(TIMEOUT)
                .sslContext(BrokerTrust.context(dir.resolve("tls").resolve("ca.pem"))).build();
        HttpResponse<String> secure = trusting.send(get("https://127.0.0.1:" + server.httpsPort() + "/api/hello"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("xin chào", secure.body());
        assertEquals("max-age=31536000", secure.headers().firstValue("Strict-Transport-Security").orElseThrow());
        assertTrue(List.of("TLSv1.3", "TLSv1.2").contains(secure.sslSession().orElseThrow().getProtocol()));
    }

    @Test
    void beyondLoopbackPlainHttpWithoutHttpsDoesNotStart() {
        IOException e = assertThrows(IOException.class, () -> HttpServer.start("0.0.0.0", 0, null, true, List.of()));
        assertTrue(e.getMessage().contains("--https-port"), e.getMessage());
    }

    @Test
    void theRedirectKeepsTheNameTheClientUsedAndThePathAndQuery() throws Exception {
        server = HttpServer.start("0.0.0.0", 0, settings, false, List.of());
        HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(TIMEOUT).build().send(
                get("http://localhost:" + server.port() + "/api/alerts?village=thon-dong&x=%2F"),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(308, r.statusCode(), "permanent, and the method and body are kept");
        assertEquals("https://localhost:" + server.httpsPort() + "/api/alerts?village=thon-dong&x=%2F",
                r.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void icecastOnThisMachineReachesItsCallbacksInClearAndNobodyElseDoes() throws Exception {
        server = HttpServer.start("0.0.0.0", 0, settings, false, List.of(app -> {
            app.post("/internal/icecast/listener-add", ctx -> ctx.result("asked"));
            app.post("/internal/icecast/listener-remove", ctx -> ctx.result("asked"));
        }));
        HttpClient plain = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        String local = "http://127.0.0.1:" + server.port();
        assertEquals(200, plain.send(post(local + "/internal/icecast/listener-add"), HttpResponse.BodyHandlers.discarding())
                .statusCode(), "Icecast on this machine asks in clear: its client does not follow a redirect");
        assertEquals(200, plain.send(post(local + "/internal/icecast/listener-remove"),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(308, plain.send(get(local + "/internal/icecast/listener-add"), HttpResponse.BodyHandlers.discarding())
                .statusCode(), "only the callbacks' POST");
        assertEquals(308, plain.send(post(local + "/api/login"), HttpResponse.BodyHandlers.discarding()).statusCode(),
                "nothing else from loopback either");

        String lan = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> java.util.Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress())
                .map(java.net.InetAddress::getHostAddress).findFirst()
                .orElseThrow(() -> new AssertionError("this test needs an address beyond loopback"));
        assertEquals(308, plain.send(post("http://" + lan + ":" + server.port() + "/internal/icecast/listener-add"),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "from the network the callbacks redirect like all else");
    }

    private static HttpRequest post(String url) {
        return HttpRequest.newBuilder(java.net.URI.create(url)).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString("action=listener_add")).build();
    }

    @Test
    void stationsToldToFetchInClearGetTheirAudioInClearAndNothingElse() throws Exception {
        Path audio = TestFiles.copyFixture(Fixtures.ITEM_440HZ_2S, dir);
        ContentLibrary library = ContentLibrary.load(
                List.of(new LibraryEntry("gia-lua", "Giá lúa hôm nay", null, Fixtures.ITEM_440HZ_2S, 0.0)), dir);
        LibraryItem item = library.byId("gia-lua").orElseThrow();
        server = HttpServer.start("0.0.0.0", 0, settings, true, List.of(app -> ContentServer.mount(app, library)));
        HttpClient plain = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        HttpResponse<byte[]> r = plain.send(get("http://127.0.0.1:" + server.port() + "/content/" + item.sha256()),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode());
        assertEquals(Files.size(audio), r.body().length);
        assertEquals(308, plain.send(get("http://127.0.0.1:" + server.port() + "/healthz"),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "everything else still redirects");
        for (String sneaky : List.of("/content/../healthz", "/content/%2e%2e/healthz", "/content/" + item.sha256() + "/../../healthz")) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
                s.getOutputStream().write(("GET " + sneaky + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String status = new String(s.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
                assertTrue(!status.equals("HTTP/1.1 200"), sneaky + " is not the stations' audio: " + status);
            }
        }
    }

    /** Issue 19: residents told to listen in clear (--listen-url http://…) get GET/HEAD /nghe-lai/… in clear only. */
    @Test
    void residentsToldToListenInClearGetNgheLaiInClearAndNothingElse() throws Exception {
        server = HttpServer.start("0.0.0.0", 0, settings, false, true, LibraryCatalog.MAX_UPLOAD_BYTES,
                List.of(app -> app.get("/nghe-lai/", ctx -> ctx.result("nghe lai")).get("/nghe-lai/<rest>",
                        ctx -> ctx.result("nghe lai"))));
        HttpClient plain = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        String base = "http://127.0.0.1:" + server.port();
        for (String path : List.of("/nghe-lai/", "/nghe-lai/thon-dong/feed.xml", "/nghe-lai/a/thon-dong/2026-12-06/2026-12-06.demo/gia-lua.mp3")) {
            assertEquals(200, plain.send(get(base + path), HttpResponse.BodyHandlers.discarding()).statusCode(), path);
        }
        assertEquals(308, plain.send(get(base + "/healthz"), HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(308, plain.send(post(base + "/nghe-lai/"), HttpResponse.BodyHandlers.discarding()).statusCode(),
                "GET and HEAD only");
        for (String sneaky : List.of("/nghe-lai/../healthz", "/nghe-lai/%2e%2e/healthz", "/nghe-lai/x/../../healthz",
                "/nghe-lai/./../healthz")) {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", server.port())) {
                s.getOutputStream().write(("GET " + sneaky + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String status = new String(s.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
                assertTrue(!status.equals("HTTP/1.1 200"), sneaky + " is not Nghe lại: " + status);
            }
        }
        server.close();
        server = HttpServer.start("0.0.0.0", 0, settings, false, List.of(app -> app.get("/nghe-lai/",
                ctx -> ctx.result("nghe lai"))));
        assertEquals(308, plain.send(get("http://127.0.0.1:" + server.port() + "/nghe-lai/"),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "an https:// listen URL: redirected");
    }

    @Test
    void aKeyThatIsNotTheCertificatesStopsTheStart() throws Exception {
        Path otherKey = Files.writeString(dir.resolve("other.key"), ca.issueServer(List.of("127.0.0.1")).privateKeyPem());
        IOException e = assertThrows(IOException.class, () -> HttpServer.start("127.0.0.1", 0,
                new HttpsSettings(0, settings.certificateChain(), otherKey), false, List.of()));
        assertTrue(e.getMessage().contains("is not the key of the first certificate"), e.getMessage());
    }

    @Test
    void aKeyInAnotherPemFormIsRefusedWithTheCommandThatConvertsIt() throws Exception {
        byte[] der = Pem.decode("PRIVATE KEY", Files.readString(settings.privateKey()));
        Path sec1 = Files.writeString(dir.resolve("ec.key"), Pem.encode("EC PRIVATE KEY", der));
        IOException e = assertThrows(IOException.class, () -> HttpServer.start("127.0.0.1", 0,
                new HttpsSettings(0, settings.certificateChain(), sec1), false, List.of()));
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), e.getMessage());

        Path notACertificate = Files.writeString(dir.resolve("chain.pem"), "hello");
        e = assertThrows(IOException.class, () -> HttpServer.start("127.0.0.1", 0,
                new HttpsSettings(0, notACertificate, settings.privateKey()), false, List.of()));
        assertTrue(e.getMessage().contains("--tls-cert"), e.getMessage());
        e = assertThrows(IOException.class, () -> HttpServer.start("127.0.0.1", 0,
                new HttpsSettings(0, dir.resolve("missing.pem"), settings.privateKey()), false, List.of()));
        assertTrue(e.getMessage().contains("cannot be read"), e.getMessage());
    }

    @Test
    void anAdministratorsOwnChainIsServedWholeLeafFirst() throws Exception {
        // A certificate from elsewhere comes with its intermediate: both go to the client.
        Path chain = Files.writeString(dir.resolve("own-chain.pem"),
                Files.readString(settings.certificateChain()) + ca.certificatePem());
        server = HttpServer.start("127.0.0.1", 0, new HttpsSettings(0, chain, settings.privateKey()), false, List.of());
        HttpClient trusting = HttpClient.newBuilder().connectTimeout(TIMEOUT)
                .sslContext(BrokerTrust.context(dir.resolve("tls").resolve("ca.pem"))).build();
        HttpResponse<String> r = trusting.send(get("https://127.0.0.1:" + server.httpsPort() + "/healthz"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("ok", r.body());
        assertEquals(2, r.sslSession().orElseThrow().getPeerCertificates().length);
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
    }
}
