package vn.loalang.controller.broker;

import io.moquette.broker.ClientDescriptor;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptConnectMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.Topics;
import vn.loalang.provisioning.broker.BrokerAccount;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * The MQTT broker inside the controller process (Moquette), for the one-command set-up and small
 * communes. Retained messages live in memory: the controller publishes every schedule again when
 * it connects, so a restarted broker is refilled at once. Production uses Mosquitto.
 *
 * <p>It knows the same accounts and rights as Mosquitto would ({@link BrokerGate}, fed by
 * {@link BrokerAccounts}). Clients without a password are let in only while it listens on the
 * loopback address alone, where only this machine's programs reach it (the demo, the tests); bound
 * to any other address, every client needs its account.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

    /** The largest MQTT message accepted, as Mosquitto's message_size_limit would say. */
    public static final int MAX_MESSAGE_BYTES = 1 << 20;

    private Server server;
    private final String host;
    private final int port;
    private final BrokerGate gate;
    private boolean running;

    private EmbeddedBroker(String host, int port, Topics topics) {
        this.host = host;
        this.port = port;
        this.gate = new BrokerGate(topics, loopbackOnly(host));
    }

    /** With no account yet: on the loopback address, anonymous clients only; elsewhere nobody until accounts are given. */
    public static EmbeddedBroker start(String host, int port) throws IOException {
        return start(host, port, Topics.defaults());
    }

    public static EmbeddedBroker start(String host, int port, Topics topics) throws IOException {
        EmbeddedBroker broker = prepare(host, port, topics);
        broker.startServer();
        return broker;
    }

    /**
     * A broker for {@code host:port} that does not listen yet: the controller wires its accounts and
     * its own link to it first, and opens it with {@link #start()} once everything is built.
     */
    public static EmbeddedBroker prepare(String host, int port, Topics topics) {
        return new EmbeddedBroker(host, port, topics);
    }

    /** Whether {@code host} is a loopback address (127.0.0.0/8, ::1, a name for one); 0.0.0.0 is every address. */
    static boolean loopbackOnly(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private void startServer() throws IOException {
        Properties p = new Properties();
        p.setProperty("host", host);
        p.setProperty("port", Integer.toString(port));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("allow_anonymous", Boolean.toString(gate.anonymousAllowed()));
        // Moquette would otherwise make up ids for clients sending none: every client names itself (see BrokerGate).
        p.setProperty("allow_zero_byte_client_id", "false");
        p.setProperty("persistence_enabled", "false");
        // Moquette reports usage to its authors unless told not to; a commune server phones no one.
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("netty.epoll", "false");
        // Moquette's default limit is 8 KB; a week of signed schedule for one station is tens of KB.
        p.setProperty("netty.mqtt.message_size", Integer.toString(MAX_MESSAGE_BYTES));
        // A fresh server each time: a restarted broker must not remember anything, as after a crash.
        server = new Server();
        server.startServer(new MemoryConfig(p), List.of(new WillWatch(gate)), null, gate, gate);
        running = true;
        if (gate.anonymousAllowed()) {
            log.warn("Embedded MQTT broker listening on {}:{}, a loopback address only, so it lets clients in without "
                    + "a password (anonymous access is on for this machine's own programs); bound to any other "
                    + "address it refuses anonymous clients", host, port);
        } else {
            log.info("Embedded MQTT broker listening on {}:{} with anonymous access refused: the controller and every "
                    + "station connect with their own account", host, port);
        }
    }

    /**
     * The accounts as {@link BrokerAccounts} has them now. A station whose password changed, whose
     * rights changed (another village) or whose account is gone loses its open connection at once,
     * as under Mosquitto: it must log in again, and is checked again.
     */
    public synchronized void accountsChanged(List<BrokerAccount> accounts) {
        Set<String> changed = gate.update(accounts);
        if (changed.isEmpty() || !running) {
            return;
        }
        for (ClientDescriptor c : server.listConnectedClients()) {
            String owner = BrokerGate.ownerOf(c.getClientID());
            if (changed.contains(owner)) {
                try {
                    // Purged too: a revoked station's subscriptions must not keep collecting its messages.
                    server.disconnectAndPurgeClientState(c.getClientID());
                    log.info("Embedded broker closed the connection of {} (client id {}): its account changed or was revoked",
                            owner, c.getClientID());
                } catch (RuntimeException e) {
                    log.warn("Embedded broker could not close the connection of {} (client id {}): {}",
                            owner, c.getClientID(), e.toString());
                }
            }
        }
    }

    /** Tells the gate of each accepted connection's Last Will (on Moquette's interceptor threads). */
    private static final class WillWatch extends AbstractInterceptHandler {
        private final BrokerGate gate;

        WillWatch(BrokerGate gate) {
            this.gate = gate;
        }

        @Override
        public String getID() {
            return "loalang-will-watch";
        }

        @Override
        public Class<?>[] getInterceptedMessageTypes() {
            // Connections only: every publish handed to an interceptor would cost a copy and a thread hop.
            return new Class<?>[]{InterceptConnectMessage.class};
        }

        @Override
        public void onConnect(InterceptConnectMessage msg) {
            if (msg.isWillFlag()) {
                gate.willSet(msg.getUsername(), msg.getClientID(), msg.getWillTopic());
            }
        }

        @Override
        public void onSessionLoopError(Throwable error) {
            log.error("Embedded broker: a session loop failed: {}", error.toString());
        }
    }

    public boolean anonymousAllowed() {
        return gate.anonymousAllowed();
    }

    public String url() {
        return "tcp://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + port;
    }

    public int port() {
        return port;
    }

    /** Starts listening (a {@link #prepare prepared} broker), or again on the same port after {@link #stop()}, with empty memory, as after a crash. */
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
