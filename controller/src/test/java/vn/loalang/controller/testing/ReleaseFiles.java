package vn.loalang.controller.testing;

import vn.loalang.protocol.Json;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.ReleaseSignature;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Agent releases as a build machine makes them: a jar reporting its version, and the release file signed for it. */
public final class ReleaseFiles {
    private ReleaseFiles() {
    }

    /** A jar whose manifest reports {@code version}, as ./loalang build makes the agent's. */
    public static Path jar(Path file, String version) throws IOException {
        java.util.jar.Manifest m = new java.util.jar.Manifest();
        m.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(java.util.jar.Attributes.Name.IMPLEMENTATION_VERSION, version);
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(file), m)) {
            out.putNextEntry(new java.util.jar.JarEntry("vn/loalang/agent/README"));
            out.write(("agent " + version + ": the bytes are what is signed").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return file;
    }

    /** The release file {@code loalang-controller release} writes without --url, signed with {@code key}. */
    public static byte[] sign(Path jar, String version, String keyId, KeyPair key) throws IOException {
        byte[] bytes = Files.readAllBytes(jar);
        String sha;
        try {
            sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("version", version);
        r.put("size", bytes.length);
        r.put("sha256", sha);
        r.put("keyId", keyId);
        r.put("signature", ReleaseSignature.sign(key.getPrivate(), version, sha, bytes.length));
        return Json.mapper().writeValueAsBytes(r);
    }

    /** Puts the release key's public half where the controller reads it ({@code DATA/keys/releases/ID.pub.pem}). */
    public static void trust(Path releaseKeysDir, String keyId, KeyPair key) throws IOException {
        Files.createDirectories(releaseKeysDir);
        Files.writeString(releaseKeysDir.resolve(keyId + ".pub.pem"), Ed25519Keys.publicPem(key.getPublic()));
    }
}
