package vn.loalang.controller.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.ReleaseSignature;
import vn.loalang.protocol.station.Release;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Signing a build on the build machine, and the station command's refusals of an UPDATE without a clear target. */
class ReleaseCommandTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void aBuildIsSignedWithTheReleaseKeyMadeOnFirstUse() throws Exception {
        Path jar = jar("1.4.0");
        Path key = dir.resolve("release-signing.pem");
        int status = ReleaseCommand.run(new String[]{"--jar", jar.toString(), "--version", "1.4.0", "--url",
                "https://192.168.1.10:8443/releases/agent-1.4.0.jar", "--key", key.toString(), "--key-id", "release-2026",
                "--out", dir.resolve("release.json").toString()}, print(out), print(err));

        assertEquals(0, status, err.toString());
        Release r = Json.read(Files.readAllBytes(dir.resolve("release.json")), Release.class);
        assertEquals("1.4.0", r.version());
        assertEquals(Files.size(jar), r.size());
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar))), r.sha256());
        assertEquals("release-2026", r.keyId());
        assertTrue(ReleaseSignature.verify(Ed25519Keys.readPublic(Ed25519Keys.publicFileFor(key)), r.version(), r.sha256(),
                r.size(), r.signature()), "verifies with the public half written beside the key");
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("update.releaseKeys"), out.toString());
    }

    @Test
    void anUpdateNeedsItsReleaseAndOneTarget() throws Exception {
        Path release = Files.writeString(dir.resolve("release.json"), "{}");
        String[][] mistakes = {
                {"--user", "ky.thuat", "--action", "UPDATE", "--station", "thon-dong-1"},
                {"--user", "ky.thuat", "--action", "RESYNC", "--station", "thon-dong-1", "--release", release.toString()},
                {"--user", "ky.thuat", "--action", "UPDATE", "--release", release.toString()},
                {"--user", "ky.thuat", "--action", "UPDATE", "--release", release.toString(), "--station", "thon-dong-1",
                        "--village", "thon-dong"},
                {"--user", "ky.thuat", "--action", "UPDATE", "--release", release.toString(), "--village", "thon-dong",
                        "--all", "true"},
                {"--user", "ky.thuat", "--action", "RESYNC", "--village", "thon-dong"}};
        for (String[] argv : mistakes) {
            err.reset();
            assertEquals(2, StationCommand.run(argv, print(out), print(err)), String.join(" ", argv) + ": " + err);
        }
    }

    @Test
    void aVersionOtherThanTheOneTheJarReportsIsRefused() throws Exception {
        int status = ReleaseCommand.run(new String[]{"--jar", jar("1.4.0").toString(), "--version", "1.5.0", "--url",
                "http://x/a.jar", "--key", dir.resolve("k.pem").toString()}, print(out), print(err));
        assertEquals(2, status);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("is not the version"), err.toString());
    }

    /** A jar whose manifest reports {@code version}, as ./loalang build makes the agent's. */
    private Path jar(String version) throws Exception {
        java.util.jar.Manifest m = new java.util.jar.Manifest();
        m.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(java.util.jar.Attributes.Name.IMPLEMENTATION_VERSION, version);
        Path jar = dir.resolve("agent-" + version + ".jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar), m)) {
            out.putNextEntry(new java.util.jar.JarEntry("vn/loalang/agent/README"));
            out.write("the bytes are what is signed".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    private static PrintStream print(ByteArrayOutputStream to) {
        return new PrintStream(to, true, StandardCharsets.UTF_8);
    }
}
