package vn.loalang.agent.live;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.tls.BrokerTrust;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reader against a real HTTP(S) server on 127.0.0.1 serving the channel's MP3 frames: Basic
 * authentication with the broker account, the burst trimmed to the live edge, 401 refused, 404 and a
 * stalled or cut stream tried again, TLS trusting the commune's CA and nothing else.
 */
class LiveStreamReaderTest {
    private static final LiveStreamReader.Account ACCOUNT = new LiveStreamReader.Account("st-01", "mật-khẩu-7");

    @TempDir
    Path dir;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T opened(T c) {
        open.add(c);
        return c;
    }

    private static JitterBuffer relayBuffer() {
        return JitterBuffer.relay(Duration.ofSeconds(3));
    }

    private LiveStreamReader reader(URI url, SSLContext tls, JitterBuffer buffer) {
        return opened(new LiveStreamReader("st-01", "relay-vov1", url, ACCOUNT, tls, buffer, () -> false)).start();
    }

    @Test
    void readsTheStreamWithTheBrokerAccountIntoTheBufferAtTheLiveEdge() throws Exception {
        FakeLiveServer server = opened(new FakeLiveServer());
        server.burstFrames = 230; // 6 s: Icecast's burst could be this large
        JitterBuffer buffer = relayBuffer();
        LiveStreamReader reader = reader(server.url(), null, buffer);

        // The whole burst read first: between 3 s and the trim at target + 1 s the level is still growing
        // (a CI run under load asserted there and found nothing dropped yet).
        await().until(() -> reader.status() == LiveStreamReader.Status.CONNECTED && buffer.stats().dropped() > 0
                && reader.bytesRead() >= server.burstBytes());

        String expected = "Basic " + Base64.getEncoder().encodeToString("st-01:mật-khẩu-7".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of(expected), server.authorizations);
        assertTrue(buffer.stats().level().toMillis() >= 2_900 && buffer.stats().level().toMillis() < 4_100,
                "the 6 s burst trimmed to the 3 s target: " + buffer.stats());
        assertTrue(buffer.stats().dropped() > 0);
        await().until(() -> reader.bytesRead() == server.bytesSent.get());
        assertTrue(reader.everConnected());
    }

    @Test
    void aRefusalIsReportedAndNothingIsBuffered() throws Exception {
        FakeLiveServer server = opened(new FakeLiveServer());
        server.status = 401;
        JitterBuffer buffer = relayBuffer();
        LiveStreamReader reader = reader(server.url(), null, buffer);

        await().until(() -> reader.status() == LiveStreamReader.Status.REFUSED);
        assertTrue(reader.detail().contains("401"), reader.detail());
        assertFalse(reader.everConnected());
        assertEquals(Duration.ZERO, buffer.stats().level());
    }

    @Test
    void aChannelNotUpYetIsTriedAgainUntilItIs() throws Exception {
        FakeLiveServer server = opened(new FakeLiveServer());
        server.status = 404;
        JitterBuffer buffer = relayBuffer();
        LiveStreamReader reader = reader(server.url(), null, buffer);

        await().until(() -> server.requests.get() >= 2); // retried after about 1 s
        assertEquals(LiveStreamReader.Status.UNREACHABLE, reader.status());
        assertTrue(reader.detail().contains("404"), reader.detail());
        server.status = 200;
        await().atMost(Duration.ofSeconds(20)).until(() -> reader.status() == LiveStreamReader.Status.CONNECTED);
        await().until(() -> buffer.stats().level().toMillis() >= 3000);
    }

    @Test
    void aStalledStreamTimesOutAfterFiveSecondsAndACutOneReconnects() throws Exception {
        FakeLiveServer server = opened(new FakeLiveServer());
        JitterBuffer buffer = relayBuffer();
        LiveStreamReader reader = reader(server.url(), null, buffer);
        await().until(() -> reader.status() == LiveStreamReader.Status.CONNECTED);

        server.stalled = true;
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(15)).until(() -> server.requests.get() >= 2);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(waited >= 5_000, "the read timeout is 5 s, reconnected after " + waited + " ms");

        server.stalled = false;
        await().until(() -> reader.status() == LiveStreamReader.Status.CONNECTED);
        server.cut();
        await().atMost(Duration.ofSeconds(20)).until(() -> server.requests.get() >= 3);
        await().until(() -> reader.status() == LiveStreamReader.Status.CONNECTED);
    }

    @Test
    void plainHttpOverTheNetworkIsNeverOpened() {
        JitterBuffer buffer = relayBuffer();
        LiveStreamReader reader = reader(URI.create("http://10.255.255.1:8080/live/relay-vov1.mp3"), null, buffer);

        await().until(buffer::drained);
        assertEquals(LiveStreamReader.Status.REFUSED, reader.status());
        assertTrue(reader.detail().contains("https"), reader.detail());
        assertTrue(buffer.drained(), "the item knows nothing will come");
    }

    @Test
    void overTlsOnlyTheCommunesCertificateIsAccepted() throws Exception {
        Path caPem = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Xa Thu Nghiem CA",
                "-ext", "bc:c", "-validity", "30", "-keystore", store("ca"), "-storepass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", store("ca"), "-storepass", "changeit", "-file",
                caPem.toString());
        // The commune's live server: a key whose certificate the commune CA signs, for 127.0.0.1.
        keytool("-genkeypair", "-alias", "live", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-validity", "30", "-keystore", store("live"), "-storepass", "changeit");
        keytool("-certreq", "-alias", "live", "-keystore", store("live"), "-storepass", "changeit", "-file",
                dir.resolve("live.csr").toString());
        keytool("-gencert", "-alias", "ca", "-keystore", store("ca"), "-storepass", "changeit", "-infile",
                dir.resolve("live.csr").toString(), "-outfile", dir.resolve("live.pem").toString(), "-rfc",
                "-ext", "san=ip:127.0.0.1", "-validity", "30");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", store("live"),
                "-storepass", "changeit");
        keytool("-importcert", "-alias", "live", "-file", dir.resolve("live.pem").toString(), "-keystore", store("live"),
                "-storepass", "changeit");
        // A stranger: self-signed for the same address, as a man in the middle would present.
        keytool("-genkeypair", "-alias", "rogue", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
                "-ext", "san=ip:127.0.0.1", "-validity", "30", "-keystore", store("rogue"), "-storepass", "changeit");
        SSLContext trustsCa = BrokerTrust.context(caPem);

        FakeLiveServer rogue = opened(new FakeLiveServer(serverTls(store("rogue")).getServerSocketFactory()));
        JitterBuffer refusedBuffer = relayBuffer();
        LiveStreamReader refused = reader(rogue.url("https"), trustsCa, refusedBuffer);
        await().until(() -> refused.status() == LiveStreamReader.Status.REFUSED);
        assertTrue(refused.detail().contains("certificate"), refused.detail());
        assertEquals(0, rogue.requests.get(), "not a byte of the request, nor the password, reached it");
        assertEquals(Duration.ZERO, refusedBuffer.stats().level());

        FakeLiveServer commune = opened(new FakeLiveServer(serverTls(store("live")).getServerSocketFactory()));
        JitterBuffer buffer = relayBuffer();
        LiveStreamReader reader = reader(commune.url("https"), trustsCa, buffer);
        await().until(() -> reader.status() == LiveStreamReader.Status.CONNECTED && buffer.stats().level().toMillis() >= 3000);
    }

    @Test
    void closingStopsTheReadAtOnceAndEndsTheBuffer() throws Exception {
        FakeLiveServer server = opened(new FakeLiveServer());
        JitterBuffer buffer = relayBuffer();
        LiveStreamReader reader = reader(server.url(), null, buffer);
        await().until(() -> reader.status() == LiveStreamReader.Status.CONNECTED);

        long t0 = System.nanoTime();
        reader.close();
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(1).toNanos(), "closed within a second");
        assertEquals(LiveStreamReader.Status.CLOSED, reader.status());
        assertEquals(JitterBuffer.State.ENDED, buffer.stats().state());
    }

    @Test
    void afterTheProgrammeEndedADroppedStreamIsNotReopened() throws Exception {
        FakeLiveServer server = opened(new FakeLiveServer());
        JitterBuffer buffer = relayBuffer();
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        LiveStreamReader reader = opened(new LiveStreamReader("st-01", "relay-vov1", server.url(), ACCOUNT, null, buffer,
                ended::get)).start();
        await().until(() -> reader.status() == LiveStreamReader.Status.CONNECTED);

        ended.set(true);
        server.cut();
        await().until(() -> reader.status() == LiveStreamReader.Status.CLOSED);
        assertEquals(1, server.requests.get());
        assertEquals(JitterBuffer.State.ENDED, buffer.stats().state(), "what was received plays out, then the item ends");
    }

    private String store(String name) {
        return dir.resolve(name + ".p12").toString();
    }

    private static SSLContext serverTls(String keystore) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(keystore))) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + out);
    }
}
