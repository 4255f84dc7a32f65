package vn.loalang.protocol.tls;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

/**
 * TLS to the MQTT broker that trusts one certificate authority only: the commune's own, whose
 * certificate comes in the station bundle. The JDK's public CAs are deliberately not trusted, so a
 * certificate bought anywhere for any name cannot stand in for the commune's broker.
 */
public final class BrokerTrust {
    private BrokerTrust() {
    }

    /** A socket factory for Paho's {@code ssl://} URLs, trusting only the CA certificate(s) in {@code caPem}. */
    public static SSLSocketFactory socketFactory(Path caPem) throws IOException {
        return context(caPem).getSocketFactory();
    }

    /**
     * A TLS context trusting only the CA certificate(s) in {@code caPem}: also for an HTTP client of the
     * controller's HTTPS port, whose certificate the same commune CA issues.
     */
    public static SSLContext context(Path caPem) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            Collection<? extends Certificate> certificates;
            try (InputStream in = Files.newInputStream(caPem)) {
                certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (certificates.isEmpty()) {
                throw new IOException("the CA file " + caPem + " holds no certificate");
            }
            int i = 0;
            for (Certificate c : certificates) {
                store.setCertificateEntry("loalang-ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLSv1.3");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (java.security.cert.CertificateException e) {
            throw new IOException("the CA file " + caPem + " is not a PEM certificate: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS with the CA " + caPem + ": " + e.getMessage(), e);
        }
    }
}
