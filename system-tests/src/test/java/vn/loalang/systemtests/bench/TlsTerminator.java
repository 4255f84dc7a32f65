package vn.loalang.systemtests.bench;

import vn.loalang.systemtests.support.SocketPump;

import vn.loalang.provisioning.tls.CertificateAuthority;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;

/**
 * The TLS end of the station's broker connection, as Mosquitto's TLS listener is in production, for
 * the data-budget bench: a station connects with {@code ssl://} and the commune CA's certificate
 * (made here by the provisioning code, P-256 as {@code provision init} makes it), and the plain MQTT
 * goes on to the embedded broker. The bytes a SIM pays for are counted on the TLS side.
 */
final class TlsTerminator implements AutoCloseable {
    private final ServerSocket server;
    private final Path caFile;

    private TlsTerminator(ServerSocket server, Path caFile) {
        this.server = server;
        this.caFile = caFile;
    }

    /** A TLS listener on 127.0.0.1 that forwards in clear to {@code plainPort}; the CA goes in {@code dir}. */
    static TlsTerminator start(Path dir, int plainPort) throws IOException {
        CertificateAuthority ca = CertificateAuthority.loadOrCreate(Files.createDirectories(dir), "Xã Đo Đạc");
        CertificateAuthority.Issued server = ca.issueServer(List.of("127.0.0.1"));
        SSLContext context;
        try {
            String base64 = server.privateKeyPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] none = new char[0];
            store.setKeyEntry("broker", key, none, new Certificate[]{server.certificate(), ca.certificate()});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, none);
            context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up the bench's TLS listener: " + e.getMessage(), e);
        }
        SSLServerSocket socket = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        TlsTerminator t = new TlsTerminator(socket, dir.resolve(CertificateAuthority.CA_CERT));
        Thread acceptor = new Thread(() -> t.accept(plainPort), "tls-terminator");
        acceptor.setDaemon(true);
        acceptor.start();
        return t;
    }

    int port() {
        return server.getLocalPort();
    }

    /** The CA certificate the station trusts (its bundle's {@code ca.pem}). */
    Path caFile() {
        return caFile;
    }

    private void accept(int plainPort) {
        while (!server.isClosed()) {
            try {
                Socket tls = server.accept();
                Socket plain = new Socket(InetAddress.getLoopbackAddress(), plainPort);
                plain.setTcpNoDelay(true);
                tls.setTcpNoDelay(true);
                pump(tls, plain);
                pump(plain, tls);
            } catch (IOException e) {
                // closed, or one connection failed: the station tries again
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        SocketPump.start(from, to, "tls-terminator-pump");
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
