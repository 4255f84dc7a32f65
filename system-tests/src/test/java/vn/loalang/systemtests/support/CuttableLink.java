package vn.loalang.systemtests.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 between a station and its broker whose wire the test can cut: every
 * socket is closed at once, with no MQTT DISCONNECT, as when a 3G modem loses its cell or a cable is
 * pulled. While cut, new connections are refused at once (accepted, then closed).
 */
public final class CuttableLink implements AutoCloseable {
    private final ServerSocket server;
    private final int brokerPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean cut;

    public CuttableLink(int brokerPort) throws IOException {
        this.brokerPort = brokerPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "cuttable-link-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public String url() {
        return "tcp://127.0.0.1:" + server.getLocalPort();
    }

    /** Closes every connection through the link and refuses new ones until {@link #mend()}. */
    public void cut() {
        cut = true;
        sockets.forEach(SocketPump::closeQuietly);
        sockets.clear();
    }

    public void mend() {
        cut = false;
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket station = server.accept();
                if (cut) {
                    SocketPump.closeQuietly(station);
                    continue;
                }
                Socket broker = new Socket();
                broker.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), brokerPort), 2000);
                sockets.add(station);
                sockets.add(broker);
                pump(station, broker);
                pump(broker, station);
            } catch (IOException e) {
                // the server socket closed, or the broker refused: the station will try again
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        SocketPump.start(from, to, "cuttable-link-pump");
    }

    @Override
    public void close() throws IOException {
        cut();
        server.close();
    }
}
