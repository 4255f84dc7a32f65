package vn.loalang.agent.update;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.Json;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The class-data archive built as loalang-update and the .deb build it ({@code --relays-off --warm-tls}
 * under {@code -XX:ArchiveClassesAtExit}, real agent jar, real JVM) holds the classes of a TLS connect to
 * the broker: a start then maps them instead of parsing and verifying them. Without {@code --warm-tls}
 * they were not in it.
 */
class ClassArchiveTlsTest {
    /** Loaded at every TLS connect: the client's first handshake message and the certificate path check. */
    private static final List<String> TLS_CLASSES = List.of("sun.security.ssl.ClientHello",
            "sun.security.ssl.SSLEngineImpl", "sun.security.ssl.X509TrustManagerImpl", "sun.security.validator.PKIXValidator");

    @TempDir
    Path dir;

    @Test
    void theArchiveHoldsTheClassesOfATlsConnect() throws Exception {
        Path jar = AgentBuilds.good(dir.resolve("opt/loalang-station-agent.jar"), "1.0.0");
        Path config = config();

        Path withTls = dir.resolve("with-tls.jsa");
        run(List.of("-XX:ArchiveClassesAtExit=" + withTls), jar, config, true);
        String loaded = run(List.of("-Xshare:on", "-XX:SharedArchiveFile=" + withTls, "-Xlog:class+load=info"), jar, config, true);
        for (String c : TLS_CLASSES) {
            assertTrue(loaded.contains(c + " source: shared objects file"), c + " from the archive:\n" + lines(loaded, c));
        }

        Path withoutTls = dir.resolve("without-tls.jsa");
        run(List.of("-XX:ArchiveClassesAtExit=" + withoutTls), jar, config, false);
        String before = run(List.of("-Xshare:on", "-XX:SharedArchiveFile=" + withoutTls, "-Xlog:class+load=info"), jar,
                config, true);
        assertFalse(before.contains("sun.security.ssl.ClientHello source: shared objects file"),
                "the archive of the run before --warm-tls lacked them:\n" + lines(before, "ClientHello"));
    }

    private String run(List<String> jvm, Path jar, Path config, boolean warmTls) throws Exception {
        List<String> command = new ArrayList<>(List.of(ServiceLoop.javaBin()));
        command.addAll(ServiceLoop.JVM_OPTIONS);
        command.addAll(jvm);
        command.addAll(List.of("-jar", jar.toString(), "--config", config.toString(), "--relays-off"));
        if (warmTls) {
            command.add("--warm-tls");
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + out);
        return out;
    }

    private static String lines(String out, String containing) {
        return String.join("\n", out.lines().filter(l -> l.contains(containing)).toList());
    }

    /** A station config on mock relays whose broker is TLS with the commune CA (made by keytool, as a real one). */
    private Path config() throws Exception {
        Path keystore = dir.resolve("ca.p12");
        Path ca = dir.resolve("ca.pem");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Xa Thu Nghiem CA",
                "-ext", "bc:c", "-validity", "30", "-keystore", keystore.toString(), "-storepass", "changeit");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", ca.toString());
        ObjectNode cfg = Json.mapper().createObjectNode();
        cfg.put("stationId", "thon-dong-1").put("brokerUrl", "ssl://192.168.1.10:8883").put("caFile", ca.toString())
                .put("dataDir", dir.resolve("data").toString());
        cfg.putObject("trustedKeys").put("commune-k1", vn.loalang.protocol.signing.Ed25519Keys.publicPem(
                vn.loalang.protocol.signing.Ed25519Keys.generate().getPublic()));
        cfg.putObject("gpio").put("provider", "mock").putArray("relays").addObject().put("name", "amp").put("pin", 17)
                .put("activeLow", true);
        Path file = dir.resolve("station.json");
        Files.write(file, Json.mapper().writeValueAsBytes(cfg));
        return file;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
    }
}
