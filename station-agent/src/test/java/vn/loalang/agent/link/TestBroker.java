package vn.loalang.agent.link;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Properties;

/** An in-process Moquette on 127.0.0.1 that can be stopped and started again on the same port, with empty memory. */
public final class TestBroker implements AutoCloseable {
    private final int port;
    private Server server;

    private TestBroker(int port) {
        this.port = port;
    }

    /** A broker on a free port, not yet running. */
    public static TestBroker onFreePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new TestBroker(s.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public synchronized TestBroker start() throws IOException {
        if (server == null) {
            Properties p = new Properties();
            p.setProperty("host", "127.0.0.1");
            p.setProperty("port", Integer.toString(port));
            p.setProperty("websocket_port", "disabled");
            p.setProperty("allow_anonymous", "true");
            p.setProperty("persistence_enabled", "false");
            p.setProperty("telemetry_enabled", "false");
            p.setProperty("netty.epoll", "false");
            Server s = new Server();
            s.startServer(new MemoryConfig(p));
            server = s;
        }
        return this;
    }

    /** Every client sees its connection drop; retained messages and sessions are forgotten. */
    public synchronized void stop() {
        if (server != null) {
            server.stopServer();
            server = null;
        }
    }

    @Override
    public void close() {
        stop();
    }
}
