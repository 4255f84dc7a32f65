package vn.loalang.agent.live;

import vn.loalang.audio.live.Frame;

import javax.net.ServerSocketFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A live channel on 127.0.0.1 as the controller's embedded server serves it, from plain sockets (no
 * Jetty): {@code GET /live/{mount}} answered with the status set, or with a burst of the channel's
 * frames followed by one frame every 26.1 ms, looping {@link LiveFrames}. Switches: the answer's status
 * (401, 404…), a stall (the connection stays open, nothing is written), and a cut of every open
 * connection. It records what each request's Authorization header said.
 */
public final class FakeLiveServer implements AutoCloseable {
    private final ServerSocket server;
    private final List<Frame> frames = LiveFrames.all();
    private final List<Socket> clients = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Thread acceptor;
    public final List<String> authorizations = new CopyOnWriteArrayList<>();
    public final AtomicInteger requests = new AtomicInteger();
    public final AtomicLong bytesSent = new AtomicLong();
    public volatile int status = 200;
    public volatile boolean stalled;
    /** Frames sent at once when a connection opens (a burst-on-connect); 115 ≈ 3 s. */
    public volatile int burstFrames = 115;
    private volatile boolean closed;

    public FakeLiveServer() throws IOException {
        this(ServerSocketFactory.getDefault());
    }

    /** On the given factory: an {@code SSLServerSocketFactory} for a TLS server. */
    FakeLiveServer(ServerSocketFactory factory) throws IOException {
        server = factory.createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "fake-live-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public URI url(String scheme) {
        return URI.create(scheme + "://127.0.0.1:" + server.getLocalPort() + "/live/relay-vov1.mp3");
    }

    public URI url() {
        return url("http");
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                clients.add(s);
                Thread t = new Thread(() -> serve(s), "fake-live-conn");
                t.setDaemon(true);
                threads.add(t);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
            String requestLine = in.readLine();
            if (requestLine == null) {
                return;
            }
            String auth = "";
            for (String h; (h = in.readLine()) != null && !h.isEmpty(); ) {
                if (h.regionMatches(true, 0, "Authorization:", 0, 14)) {
                    auth = h.substring(14).trim();
                }
            }
            requests.incrementAndGet();
            authorizations.add(auth);
            OutputStream out = s.getOutputStream();
            int code = status;
            if (code != 200) {
                byte[] body = ("status " + code).getBytes(StandardCharsets.US_ASCII);
                out.write(("HTTP/1.1 " + code + " Test\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                return;
            }
            out.write("HTTP/1.1 200 OK\r\nContent-Type: audio/mpeg\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            int i = 0;
            for (; i < burstFrames; i++) {
                send(out, frames.get(i % frames.size()));
            }
            out.flush();
            long next = System.nanoTime();
            while (!closed && !s.isClosed()) {
                next += frames.get(0).micros() * 1000;
                LockSupport.parkNanos(next - System.nanoTime());
                if (stalled) {
                    continue;
                }
                send(out, frames.get(i++ % frames.size()));
                out.flush();
            }
        } catch (IOException e) {
            // the client went away, or the connections were cut
        }
    }

    /** The body bytes of the burst a connection gets at once. */
    public long burstBytes() {
        long n = 0;
        for (int i = 0; i < burstFrames; i++) {
            n += frames.get(i % frames.size()).bytes().length;
        }
        return n;
    }

    private void send(OutputStream out, Frame f) throws IOException {
        out.write(f.bytes());
        bytesSent.addAndGet(f.bytes().length);
    }

    /** Closes every open connection, as a restarted server or a lost link would. */
    public void cut() {
        for (Socket s : clients) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        clients.clear();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        cut();
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
