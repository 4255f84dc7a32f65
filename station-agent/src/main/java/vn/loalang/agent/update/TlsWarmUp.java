package vn.loalang.agent.update;

import vn.loalang.protocol.tls.BrokerTrust;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;

/**
 * The client side of a TLS connect to the broker, done without the network, so that the run which
 * builds the class-data archive ({@code --relays-off --warm-tls} under {@code -XX:ArchiveClassesAtExit})
 * loads the classes every start of the agent needs for its connection: the commune CA read into a trust
 * store, the TLS 1.3 context, a ClientHello with its key shares made by an engine, and the certificate
 * path check a handshake ends with (the CA checked as the server's chain). Without them in the archive,
 * the JVM parses and verifies those few hundred classes at every start.
 */
public final class TlsWarmUp {
    private TlsWarmUp() {
    }

    /** @param brokerUrl {@code ssl://HOST:PORT}; anything else has no TLS to warm up */
    public static void run(Path caFile, String brokerUrl) throws IOException {
        if (caFile == null || brokerUrl == null || !brokerUrl.startsWith("ssl://")) {
            return;
        }
        URI broker = URI.create("tls" + brokerUrl.substring(3));
        SSLContext context = BrokerTrust.context(caFile);
        SSLEngine engine = context.createSSLEngine(broker.getHost(), broker.getPort());
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        engine.setSSLParameters(parameters);
        engine.beginHandshake();
        ByteBuffer hello = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), hello);
        engine.closeOutbound();
        context.getSocketFactory().createSocket().close(); // what Paho is handed
        try (InputStream in = Files.newInputStream(caFile)) {
            X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("ca", ca);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            try {
                ((X509TrustManager) tmf.getTrustManagers()[0]).checkServerTrusted(new X509Certificate[]{ca},
                        ca.getPublicKey().getAlgorithm().equals("EC") ? "ECDHE_ECDSA" : "ECDHE_RSA");
            } catch (java.security.cert.CertificateException e) {
                // A CA is no server certificate: the check's classes are what is wanted, not its answer.
            }
        } catch (GeneralSecurityException e) {
            throw new IOException("TLS warm-up with " + caFile + " failed: " + e.getMessage(), e);
        }
    }
}
