package vn.loalang.controller.http;

import vn.loalang.protocol.files.Pem;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.List;

/**
 * The web server's certificate and key, read from PEM files into a key store for Jetty. Checked at
 * start, with messages a technician can act on: a key that is not the certificate's, an expired
 * certificate or a key in another PEM form stop the controller rather than serve a broken HTTPS port.
 */
public final class ServerCertificate {
    /** Jetty wants a password for the in-memory store; it never leaves this process. */
    static final String STORE_PASSWORD = "loalang-in-memory";
    static final String ALIAS = "controller";
    /** A certificate chain or a key is a few kilobytes; a file far bigger than that is not one. */
    private static final long MAX_FILE_BYTES = 256 * 1024;

    private ServerCertificate() {
    }

    /** A PKCS#12 key store in memory holding the key under {@link #ALIAS} with its chain. */
    public static KeyStore load(HttpsSettings settings) throws IOException {
        List<X509Certificate> chain = chain(settings.certificateChain());
        PrivateKey key = key(settings.privateKey());
        X509Certificate leaf = chain.get(0);
        try {
            leaf.checkValidity();
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new IOException("the HTTPS certificate " + settings.certificateChain() + " is not valid now (valid "
                    + leaf.getNotBefore() + " to " + leaf.getNotAfter() + "): run 'provision init' again, or give a new one");
        }
        requireMatch(key, leaf, settings);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, STORE_PASSWORD.toCharArray(), chain.toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot hold the HTTPS key and certificate: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> chain(Path file) throws IOException {
        String pem = read(file, "--tls-cert");
        try {
            List<X509Certificate> chain = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
                    .map(X509Certificate.class::cast).toList();
            if (chain.isEmpty()) {
                throw new IOException("--tls-cert " + file + " holds no -----BEGIN CERTIFICATE----- block");
            }
            return chain;
        } catch (GeneralSecurityException e) {
            throw new IOException("--tls-cert " + file + " is not a PEM certificate chain: " + e.getMessage(), e);
        }
    }

    private static PrivateKey key(Path file) throws IOException {
        String pem = read(file, "--tls-key");
        if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || !pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new IOException("--tls-key " + file + " must be an unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----);"
                    + " convert one with: openssl pkcs8 -topk8 -nocrypt -in KEY -out " + file.getFileName());
        }
        byte[] der;
        try {
            der = Pem.decode("PRIVATE KEY", pem);
        } catch (IllegalArgumentException e) {
            throw new IOException("--tls-key " + file + " is not valid PEM: " + e.getMessage(), e);
        }
        for (String algorithm : List.of("EC", "RSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // Not this algorithm: try the next one.
            }
        }
        throw new IOException("--tls-key " + file + " is neither an EC nor an RSA key");
    }

    /** Signs with the key and verifies with the certificate: a mismatch would only show as failed handshakes. */
    private static void requireMatch(PrivateKey key, X509Certificate leaf, HttpsSettings settings) throws IOException {
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        try {
            byte[] probe = "loalang".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] signature = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(leaf.getPublicKey());
            v.update(probe);
            if (v.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // A key of another kind than the certificate's: the same answer as a wrong key.
        }
        throw new IOException("--tls-key " + settings.privateKey() + " is not the key of the first certificate in --tls-cert "
                + settings.certificateChain() + " (" + leaf.getSubjectX500Principal().getName() + ")");
    }

    private static String read(Path file, String option) throws IOException {
        if (!Files.isReadable(file)) {
            throw new IOException(option + " " + file + " cannot be read: 'provision init' writes it, readable by the"
                    + " controller's user (docs/deployment.md)");
        }
        if (Files.size(file) > MAX_FILE_BYTES) {
            throw new IOException(option + " " + file + " is " + Files.size(file) + " bytes: not a PEM file");
        }
        return Files.readString(file, StandardCharsets.ISO_8859_1);
    }
}
