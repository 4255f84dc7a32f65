package vn.loalang.provisioning.tls;

import vn.loalang.protocol.files.Pem;
import vn.loalang.protocol.files.AtomicFiles;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The commune's own certificate authority, for the broker's TLS listener and the controller's HTTPS
 * port ({@link WebCertificate}). Keys are ECDSA
 * P-256, made by the JDK; Bouncy Castle only builds the certificates (the JDK has no public API for
 * that). The CA key never leaves the commune server: stations get the CA certificate alone.
 */
public final class CertificateAuthority {
    public static final String CA_KEY = "ca.key";
    public static final String CA_CERT = "ca.pem";
    private static final Duration CA_LIFE = Duration.ofDays(20 * 365);
    /** Long enough that no village goes silent over an expired certificate; renewed with {@code provision init}. */
    private static final Duration SERVER_LIFE = Duration.ofDays(5 * 365);

    private final PrivateKey key;
    private final X509Certificate certificate;

    private CertificateAuthority(PrivateKey key, X509Certificate certificate) {
        this.key = key;
        this.certificate = certificate;
    }

    /** An issued certificate and its private key, both PEM. */
    public record Issued(String certificatePem, String privateKeyPem, X509Certificate certificate) {
    }

    /** Loads the CA kept in {@code dir}, or makes one there (key {@code 0600}) the first time. */
    public static CertificateAuthority loadOrCreate(Path dir, String communeName) throws IOException {
        Path keyFile = dir.resolve(CA_KEY);
        Path certFile = dir.resolve(CA_CERT);
        if (Files.exists(keyFile) && Files.exists(certFile)) {
            return new CertificateAuthority(parseKey(Files.readString(keyFile)), parseCertificate(Files.readString(certFile)));
        }
        KeyPair pair = newKeyPair();
        X500Name name = new X500Name("CN=Loa Lang broker CA " + communeName.replaceAll("[,=+<>#;\"\\\\]", " "));
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(CA_LIFE)), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = sign(b, pair.getPrivate());
            AtomicFiles.writePrivate(keyFile, Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()), "rw-------");
            AtomicFiles.writePrivate(certFile, Pem.encode("CERTIFICATE", cert.getEncoded()), "rw-r--r--");
            return new CertificateAuthority(pair.getPrivate(), cert);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot make the broker CA: " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public String certificatePem() {
        try {
            return Pem.encode("CERTIFICATE", certificate.getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A server certificate (the broker's, the console's), valid for every name and address clients use to
     * reach it (they check it: a station given {@code 192.168.1.10} refuses a certificate without that address).
     */
    public Issued issueServer(List<String> hosts) throws IOException {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one host name or address");
        }
        KeyPair pair = newKeyPair();
        Instant now = Instant.now();
        try {
            List<GeneralName> names = new ArrayList<>();
            for (String h : hosts) {
                names.add(isAddress(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
            }
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(SERVER_LIFE)),
                    new X500Name("CN=" + hosts.get(0)), pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            X509Certificate cert = sign(b, key);
            return new Issued(Pem.encode("CERTIFICATE", cert.getEncoded()), Pem.encode("PRIVATE KEY", pair.getPrivate().getEncoded()), cert);
        } catch (CertIOException | GeneralSecurityException e) {
            throw new IOException("cannot issue a server certificate: " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static boolean isAddress(String host) {
        return host.matches("[0-9.]+") || host.contains(":");
    }

    private static BigInteger serial() {
        return new BigInteger(127, new SecureRandom()).add(BigInteger.ONE);
    }

    private static KeyPair newKeyPair() throws IOException {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("this JDK cannot make P-256 keys: " + e.getMessage(), e);
        }
    }

    private static PrivateKey parseKey(String pem) throws IOException {
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Pem.decode("PRIVATE KEY", pem)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("the broker CA key is not a P-256 PKCS#8 PEM key: " + e.getMessage(), e);
        }
    }

    public static X509Certificate parseCertificate(String pem) throws IOException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IOException("not a PEM certificate: " + e.getMessage(), e);
        }
    }

}
