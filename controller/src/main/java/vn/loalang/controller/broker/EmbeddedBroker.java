package vn.loalang.controller.broker;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Properties;

/**
 * The MQTT broker inside the controller process (Moquette), for the one-command set-up and small
 * communes. Retained messages live in memory: the controller publishes every schedule again when
 * it connects, so a restarted broker is refilled at once. Production uses Mosquitto.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

    /** The largest MQTT message accepted, as Mosquitto's message_size_limit would say. */
    public static final int MAX_MESSAGE_BYTES = 1 << 20;

    private Server server;
    private final String host;
    private final int port;
    private boolean running;

    private EmbeddedBroker(String host, int port) {
        this.host = host;
        this.port = port;
    }

    public static EmbeddedBroker start(String host, int port) throws IOException {
        EmbeddedBroker broker = new EmbeddedBroker(host, port);
        broker.startServer();
        return broker;
    }

    private void startServer() throws IOException {
        Properties p = new Properties();
        p.setProperty("host", host);
        p.setProperty("port", Integer.toString(port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("allow_anonymous", "true");
        p.setProperty("persistence_enabled", "false");
        // Moquette reports usage to its authors unless told not to; a commune server phones no one.
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("netty.epoll", "false");
        // Moquette's default limit is 8 KB; a week of signed schedule for one station is tens of KB.
        p.setProperty("netty.mqtt.message_size", Integer.toString(MAX_MESSAGE_BYTES));
        // A fresh server each time: a restarted broker must not remember anything, as after a crash.
        server = new Server();
        server.startServer(new MemoryConfig(p));
        running = true;
        log.info("Embedded MQTT broker listening on {}:{}", host, port);
    }

    public String url() {
        return "tcp://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + port;
    }

    public int port() {
        return port;
    }

    /** Starts again on the same port after {@link #stop()}, with empty memory, as after a crash. */
    public synchronized void start() throws IOException {
        if (!running) {
            startServer();
        }
    }

    public synchronized void stop() {
        if (running) {
            server.stopServer();
            running = false;
            log.info("Embedded MQTT broker on port {} stopped", port);
        }
    }

    @Override
    public void close() {
        stop();
    }
}
