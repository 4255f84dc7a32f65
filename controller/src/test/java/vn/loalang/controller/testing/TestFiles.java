package vn.loalang.controller.testing;

import vn.loalang.audio.testing.Fixtures;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Audio fixtures copied where a commune file expects them, an independent SHA-256, and free ports. */
public final class TestFiles {
    private TestFiles() {
    }

    /** Copies the audio-content fixture {@code name} to {@code dir/name} and returns the copy. */
    public static Path copyFixture(String name, Path dir) throws IOException {
        Files.createDirectories(dir);
        return Files.copy(Fixtures.path(name), dir.resolve(name));
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A port nothing listens on at the moment, on 127.0.0.1 ({@link TestPorts}). */
    public static int freePort() {
        return TestPorts.free();
    }
}
