package vn.loalang.protocol.signing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * The release key's Ed25519 signature over an agent build: its version, SHA-256 and size, in one
 * fixed text form. Detached from any envelope: a release is signed once, offline, where the build
 * is made, and the same signature travels in every controller's UPDATE command.
 */
public final class ReleaseSignature {
    private ReleaseSignature() {
    }

    /** The signed bytes; the prefix keeps a release signature from passing for any other signed thing. */
    public static byte[] payload(String version, String sha256, long size) {
        return ("loalang-agent-release/1\n" + version + "\n" + sha256 + "\n" + size + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Base64 signature, as {@code Release.signature} carries it. */
    public static String sign(PrivateKey releaseKey, String version, String sha256, long size) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(releaseKey);
            s.update(payload(version, sha256, size));
            return Base64.getEncoder().encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every Java 17 runtime", e);
        }
    }

    /** Whether {@code signature} is the release key's over this version, hash and size; false for any malformed input. */
    public static boolean verify(PublicKey releaseKey, String version, String sha256, long size, String signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(releaseKey);
            s.update(payload(version, sha256, size));
            return s.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }
}
