package vn.loalang.systemtests.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay on 127.0.0.1 that behaves like a village's 3G link, for tests and benchmarks (the
 * kernel here has no netem): every byte is delayed by half the round trip each way, each direction
 * is paced to the link's bit rate, the test can stall the link (nothing moves, nothing is lost), and
 * a connection idle for longer than the carrier's NAT timeout, or every connection when the test
 * says so, is dropped silently: the relay stops forwarding and keeps both sockets open, no FIN and
 * no RST, so each end only learns it by its own timeouts. It counts connections and the bytes each
 * way, and can hand every byte to a {@link Tap} (to tell MQTT packets apart).
 * <p>
 * No library does this: netcrusher-core, the one found, is not served by Maven Central here.
 */
public final class ShapingProxy implements AutoCloseable {
    /** Sees every byte read from either end, in order per direction, before it is delayed. */
    public interface Tap {
        void bytes(int connection, boolean fromClient, byte[] data, int offset, int length);
    }

    /**
     * The link's character. {@code bitsPerSecond} 0 is unpaced; {@code natIdle} null keeps idle
     * connections forever.
     */
    public record Shape(Duration rtt, long bitsPerSecond, Duration natIdle) {
        public static final Shape LOOPBACK = new Shape(Duration.ZERO, 0, null);
        /** A rural 3G cell as the issue measures it: 300 ms round trip, 384 kbit/s. */
        public static final Shape RURAL_3G = new Shape(Duration.ofMillis(300), 384_000, null);

        public Shape withNatIdle(Duration idle) {
            return new Shape(rtt, bitsPerSecond, idle);
        }
    }

    /** The link's segment size: reads of at most this many bytes make the pacing as fine as a real link's. */
    private static final int SEGMENT = 1460;

    private final ServerSocket server;
    private final int targetPort;
    private final Shape shape;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final List<Tap> taps = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicLong fromClients = new AtomicLong();
    private final AtomicLong toClients = new AtomicLong();
    private final ScheduledExecutorService nat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "shaping-proxy-nat");
        t.setDaemon(true);
        return t;
    });
    private volatile long stalledUntilNanos = System.nanoTime();

    private ShapingProxy(int targetPort, Shape shape) throws IOException {
        this.targetPort = targetPort;
        this.shape = shape;
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "shaping-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        if (shape.natIdle() != null) {
            nat.scheduleAtFixedRate(this::forgetIdle, 100, 100, TimeUnit.MILLISECONDS);
        }
    }

    /** A relay from a free port on 127.0.0.1 to {@code targetPort} on 127.0.0.1. */
    public static ShapingProxy start(int targetPort, Shape shape) throws IOException {
        return new ShapingProxy(targetPort, shape);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** {@code scheme://127.0.0.1:port}, e.g. {@code tcp} for MQTT or {@code http} for content. */
    public String url(String scheme) {
        return scheme + "://127.0.0.1:" + port();
    }

    public void tap(Tap tap) {
        taps.add(tap);
    }

    /** Connections accepted so far (each MQTT connect attempt that reached the link is one). */
    public int connections() {
        return accepted.get();
    }

    /** Bytes the clients sent (towards the target), counted as they leave the client, dropped or not. */
    public long bytesFromClients() {
        return fromClients.get();
    }

    /** Bytes the target sent towards the clients. */
    public long bytesToClients() {
        return toClients.get();
    }

    /** Nothing moves either way for {@code d}; what is sent meanwhile waits, as in a cell's stall. */
    public void stall(Duration d) {
        stalledUntilNanos = System.nanoTime() + d.toNanos();
    }

    /** Every open connection stops forwarding, silently, as when the carrier's NAT forgets its mappings. */
    public void dropSilently() {
        connections.forEach(c -> c.dropped = true);
    }

    /** Open connections that still forward. */
    public long forwarding() {
        return connections.stream().filter(c -> !c.dropped && !c.closed).count();
    }

    private void forgetIdle() {
        long limit = shape.natIdle().toNanos();
        long now = System.nanoTime();
        for (Connection c : connections) {
            if (!c.dropped && now - c.lastActivityNanos >= limit) {
                c.dropped = true;
            }
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            int number = accepted.incrementAndGet();
            Socket target = new Socket();
            try {
                target.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 2000);
                client.setTcpNoDelay(true);
                target.setTcpNoDelay(true);
                Connection c = new Connection(number, client, target);
                connections.add(c);
                c.start();
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(target);
            }
        }
    }

    /** One client's connection: two directions, each a reader and a paced writer. */
    private final class Connection {
        final int number;
        final Socket client;
        final Socket target;
        volatile boolean dropped;
        volatile boolean closed;
        volatile long lastActivityNanos = System.nanoTime();

        Connection(int number, Socket client, Socket target) {
            this.number = number;
            this.client = client;
            this.target = target;
        }

        void start() {
            new Direction(this, client, target, true, fromClients).start();
            new Direction(this, target, client, false, toClients).start();
        }

        /**
         * A forwarding connection ends as TCP would, both sides closed. A dropped one only lets go of
         * the side that closed: the other end hears nothing, as behind a NAT that forgot it.
         */
        void ended(Socket from) {
            if (dropped) {
                closeQuietly(from);
                if (from.isClosed() && (from == client ? target : client).isClosed()) {
                    connections.remove(this);
                }
                return;
            }
            closed = true;
            closeQuietly(client);
            closeQuietly(target);
            connections.remove(this);
        }
    }

    private record Chunk(byte[] data, long dueNanos) {
    }

    /** Bytes read from one end and written to the other half a round trip later, at the link's rate. */
    private final class Direction {
        private static final Chunk END = new Chunk(new byte[0], 0);
        final Connection connection;
        final Socket from;
        final Socket to;
        final boolean fromClient;
        final AtomicLong counter;
        final BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        long nextFreeNanos = Long.MIN_VALUE;

        Direction(Connection connection, Socket from, Socket to, boolean fromClient, AtomicLong counter) {
            this.connection = connection;
            this.from = from;
            this.to = to;
            this.fromClient = fromClient;
            this.counter = counter;
        }

        void start() {
            String name = "shaping-proxy-" + connection.number + (fromClient ? "-up" : "-down");
            Thread reader = new Thread(this::read, name + "-read");
            Thread writer = new Thread(this::write, name + "-write");
            reader.setDaemon(true);
            writer.setDaemon(true);
            reader.start();
            writer.start();
        }

        private void read() {
            byte[] buffer = new byte[SEGMENT];
            long oneWay = shape.rtt().toNanos() / 2;
            try {
                InputStream in = from.getInputStream();
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    counter.addAndGet(n);
                    for (Tap tap : taps) {
                        tap.bytes(connection.number, fromClient, buffer, 0, n);
                    }
                    if (!connection.dropped) {
                        connection.lastActivityNanos = System.nanoTime();
                        queue.add(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + oneWay));
                    }
                }
            } catch (IOException e) {
                // this end went away, or the relay was closed
            }
            queue.add(END);
        }

        private void write() {
            try {
                OutputStream out = to.getOutputStream();
                for (Chunk c; (c = queue.take()) != END; ) {
                    long release = Math.max(c.dueNanos(), nextFreeNanos);
                    waitUntil(release);
                    waitUntil(stalledUntilNanos);
                    if (connection.dropped) {
                        continue; // lost on the way, silently
                    }
                    out.write(c.data());
                    out.flush();
                    long now = System.nanoTime();
                    nextFreeNanos = shape.bitsPerSecond() <= 0 ? now
                            : Math.max(release, now) + c.data().length * 8L * 1_000_000_000L / shape.bitsPerSecond();
                }
            } catch (IOException e) {
                // the other end went away
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            connection.ended(from);
        }
    }

    /** The relay's own pacing (not a test waiting for something): parks until a moment on the nano clock. */
    private static void waitUntil(long nanos) {
        for (long left; (left = nanos - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        nat.shutdownNow();
        server.close();
        for (Connection c : connections) {
            closeQuietly(c.client);
            closeQuietly(c.target);
        }
        connections.clear();
    }
}
