package vn.loalang.protocol.signing;

import vn.loalang.protocol.files.AtomicFiles;
import vn.loalang.protocol.files.Pem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;

/**
 * Ed25519 keys from the JDK (no extra provider), stored as PEM: private keys as PKCS#8, public keys
 * as X.509 SubjectPublicKeyInfo, the same files {@code openssl pkey} reads and writes.
 */
public final class Ed25519Keys {
    private static final String ALGORITHM = "Ed25519";

    private Ed25519Keys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519 (Java 15 or later is required)", e);
        }
    }

    public static String publicPem(PublicKey key) {
        return Pem.encode("PUBLIC KEY", key.getEncoded());
    }

    public static String privatePem(PrivateKey key) {
        return Pem.encode("PRIVATE KEY", key.getEncoded());
    }

    public static PublicKey parsePublic(String pem) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(Pem.decode("PUBLIC KEY", pem)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 public key in PEM form: " + e.getMessage(), e);
        }
    }

    public static PrivateKey parsePrivate(String pem) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(Pem.decode("PRIVATE KEY", pem)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 private key in PEM (PKCS#8) form: " + e.getMessage(), e);
        }
    }

    public static PublicKey readPublic(Path file) throws IOException {
        return parsePublic(Files.readString(file, StandardCharsets.US_ASCII));
    }

    /**
     * Loads the key pair kept in {@code privateFile}, or creates it (and the public key beside it,
     * {@code name.pub.pem}) on first use. The private file is written owner-only and moved in atomically.
     */
    public static KeyPair loadOrCreate(Path privateFile) throws IOException {
        Path publicFile = publicFileFor(privateFile);
        if (Files.exists(privateFile)) {
            PrivateKey priv = parsePrivate(Files.readString(privateFile, StandardCharsets.US_ASCII));
            return new KeyPair(readPublic(publicFile), priv);
        }
        KeyPair pair = generate();
        Files.createDirectories(privateFile.toAbsolutePath().getParent());
        AtomicFiles.writePrivate(publicFile, publicPem(pair.getPublic()), "rw-r--r--");
        // Owner-only from its first byte: the signing key is never readable by others, not even briefly.
        AtomicFiles.writePrivate(privateFile, privatePem(pair.getPrivate()), "rw-------");
        return pair;
    }

    public static Path publicFileFor(Path privateFile) {
        String name = privateFile.getFileName().toString().replaceFirst("\\.pem$", "");
        return privateFile.resolveSibling(name + ".pub.pem");
    }

}
