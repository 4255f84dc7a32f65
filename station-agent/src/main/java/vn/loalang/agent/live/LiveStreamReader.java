package vn.loalang.agent.live;

import vn.loalang.audio.live.Frame;
import vn.loalang.audio.live.Mp3Frames;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The HTTP GET of one live item's stream, on its own thread, for as long as the item is open: the
 * body is cut into MP3 frames that go into the {@link JitterBuffer}. The station proves who it is with
 * its broker account (HTTP Basic), over TLS that trusts the commune's CA only; plain {@code http} is
 * allowed to the loopback only, so no one on the 3G path can put sound on the loudspeakers. A
 * connection that drops, times out (5 s without a byte) or is answered 404 is tried again with a
 * jittered back-off from 1 s to 15 s, until the item closes or the signed state says the programme
 * ENDED; then the buffer is told that nothing more will come.
 */
public final class LiveStreamReader implements AutoCloseable {
    /** Where the stream stands, for the player and the technician. */
    public enum Status {
        /** Not connected yet (or again). */
        CONNECTING,
        /** Receiving the stream. */
        CONNECTED,
        /** The server refused the station (401, 403) or its certificate is not the commune's. */
        REFUSED,
        /** No connection, a 404 (the channel is not up yet), a timeout or a dropped stream. */
        UNREACHABLE,
        /** The item closed or the programme ended: no more connections (a URL refused for good stays REFUSED). */
        CLOSED
    }

    /** The station's broker account, which the live server checks like the broker does; no username: none (a test broker). */
    public record Account(String username, String password) {
        /** The Authorization header's value, or null without a username. */
        String basic() {
            if (username == null) {
                return null;
            }
            String secret = username + ":" + (password == null ? "" : password);
            return "Basic " + Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
        }
    }

    static final Duration TIMEOUT = Duration.ofSeconds(5);
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration LONGEST_RETRY = Duration.ofSeconds(15);

    private static final Logger log = LoggerFactory.getLogger(LiveStreamReader.class);

    private final String stationId;
    private final String name;
    private final URI url;
    private final Account account;
    private final SSLContext tls;
    private final JitterBuffer buffer;
    private final BooleanSupplier programmeEnded;
    private final Thread thread;
    private final AtomicLong bytes = new AtomicLong();
    private final Object lock = new Object();
    private volatile Status status = Status.CONNECTING;
    private volatile String detail = "connecting";
    private volatile boolean everConnected;
    private volatile boolean closed;
    private HttpURLConnection open;
    private int connections;

    /**
     * @param name           the channel, for the thread's name and the logs
     * @param tls            trusting the commune's CA only; null: https is refused (no CA configured)
     * @param programmeEnded whether the signed state says the programme ENDED: then no reconnection
     */
    public LiveStreamReader(String stationId, String name, URI url, Account account, SSLContext tls, JitterBuffer buffer,
                            BooleanSupplier programmeEnded) {
        this.stationId = stationId;
        this.name = name;
        this.url = url;
        this.account = account;
        this.tls = tls;
        this.buffer = buffer;
        this.programmeEnded = programmeEnded;
        this.thread = new Thread(this::run, "live-" + name);
        this.thread.setDaemon(true);
    }

    public LiveStreamReader start() {
        thread.start();
        return this;
    }

    public Status status() {
        return status;
    }

    /** What the last attempt came to, in words (for the ITEM_FAILED detail and the log). */
    public String detail() {
        return detail;
    }

    /** Whether any connection was answered with the stream. */
    public boolean everConnected() {
        return everConnected;
    }

    /** Body bytes received, over all connections: what the station's SIM pays for. */
    public long bytesRead() {
        return bytes.get();
    }

    public synchronized int connections() {
        return connections;
    }

    private void run() {
        int failures = 0;
        try {
            while (!closed) {
                Optional<String> refusal = refusal(url);
                if (refusal.isPresent()) {
                    report(Status.REFUSED, refusal.get());
                    log.error("Station {} will not open live stream {}: {}", stationId, url, refusal.get());
                    return;
                }
                boolean gotFrames = readOnce();
                if (closed) {
                    return;
                }
                if (programmeEnded.getAsBoolean()) {
                    log.info("Station {} stops reading {}: the programme ended", stationId, name);
                    return;
                }
                failures = gotFrames ? 1 : failures + 1;
                Duration pause = pauseAfter(failures);
                log.info("Station {} reconnects to live stream {} in {} ms ({})", stationId, name, pause.toMillis(), detail);
                sleep(pause);
            }
        } finally {
            buffer.end();
            if (status != Status.REFUSED || closed) {
                status = Status.CLOSED;
            }
        }
    }

    /** 1 s, 2 s, 4 s … up to 15 s, each between half and all of it so that 200 stations do not come back at once. */
    static Duration pauseAfter(int failures) {
        long max = Math.min(LONGEST_RETRY.toMillis(), FIRST_RETRY.toMillis() << Math.min(failures - 1, 10));
        return Duration.ofMillis(max / 2 + ThreadLocalRandom.current().nextLong(max / 2 + 1));
    }

    /** One connection, read to its end. True when it delivered frames. */
    private boolean readOnce() {
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) url.toURL().openConnection();
            if (c instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(tls.getSocketFactory());
            }
            c.setConnectTimeout((int) TIMEOUT.toMillis());
            c.setReadTimeout((int) TIMEOUT.toMillis());
            c.setUseCaches(false);
            c.setInstanceFollowRedirects(false);
            if (account.basic() != null) {
                c.setRequestProperty("Authorization", account.basic());
            }
            c.setRequestProperty("User-Agent", "loalang-station/" + stationId);
            c.setRequestProperty("Icy-MetaData", "0");
        } catch (IOException | IllegalArgumentException e) {
            report(Status.UNREACHABLE, "cannot open " + url + ": " + e.getMessage());
            return false;
        }
        synchronized (lock) {
            if (closed) {
                return false;
            }
            open = c;
        }
        synchronized (this) {
            connections++;
        }
        boolean gotFrames = false;
        try {
            int code = c.getResponseCode();
            if (code == 401 || code == 403) {
                report(Status.REFUSED, "the live server refused station " + stationId + " (HTTP " + code + ")");
                log.warn("Station {} was refused by live stream {} (HTTP {})", stationId, url, code);
                return false;
            }
            if (code != 200) {
                report(Status.UNREACHABLE, "the live server answered HTTP " + code);
                return false;
            }
            try (InputStream body = new Counting(c.getInputStream())) {
                buffer.reconnected();
                report(Status.CONNECTED, "connected");
                everConnected = true;
                log.info("Station {} receives live stream {} ({})", stationId, name, url);
                Mp3Frames frames = Mp3Frames.reading(new BufferedInputStream(body, 4096));
                for (Optional<Frame> f; !closed && (f = frames.next()).isPresent(); ) {
                    buffer.offer(f.get());
                    gotFrames = true;
                }
                if (!closed) {
                    report(Status.UNREACHABLE, "the stream ended");
                }
            }
        } catch (SSLException e) {
            report(Status.REFUSED, "the live server's certificate is not the commune's (" + e.getMessage() + ")");
            log.warn("Station {} refused live stream {}: its TLS certificate is not issued by the commune CA ({})",
                    stationId, url, e.getMessage());
        } catch (IOException e) {
            if (!closed) {
                report(Status.UNREACHABLE, (gotFrames ? "the stream dropped: " : "cannot reach the live server: ")
                        + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()));
            }
        } catch (RuntimeException e) {
            // The JDK's connection throws unchecked exceptions when close() disconnects it from another thread in the
            // middle of getResponseCode(): expected then, and the item is over. Anything else is a fault to see.
            if (!closed) {
                report(Status.UNREACHABLE, "the live stream failed: " + e);
                log.error("Station {}: live stream {} failed unexpectedly; it reconnects", stationId, url, e);
            }
        } finally {
            c.disconnect();
            synchronized (lock) {
                open = null;
            }
        }
        return gotFrames;
    }

    private void report(Status s, String d) {
        detail = d;
        status = s;
    }

    /**
     * Why {@code url} must not be opened: anything but https, except plain http to this machine (the
     * embedded channel in tests and demos); https without the commune's CA.
     */
    private Optional<String> refusal(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (scheme.equals("https")) {
            return tls == null ? Optional.of("https needs the commune's CA (caFile) in station.json") : Optional.empty();
        }
        if (!scheme.equals("http")) {
            return Optional.of("only https live streams are played (" + url + ")");
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(url.getHost())) {
                if (!a.isLoopbackAddress()) {
                    return Optional.of("plain http is allowed to this machine only, not to " + url.getHost()
                            + ": a live stream over the network must be https");
                }
            }
            return Optional.empty();
        } catch (UnknownHostException e) {
            return Optional.of("plain http is allowed to this machine only, and " + url.getHost() + " is unknown");
        }
    }

    private void sleep(Duration d) {
        synchronized (lock) {
            long until = System.nanoTime() + d.toNanos();
            for (long left; !closed && (left = until - System.nanoTime()) > 0; ) {
                try {
                    lock.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    closed = true;
                }
            }
        }
    }

    /** Stops reading: the open connection is closed (its read returns at once) and no other is made. */
    @Override
    public void close() {
        HttpURLConnection c;
        synchronized (lock) {
            closed = true;
            c = open;
            lock.notifyAll();
        }
        if (c != null) {
            c.disconnect();
        }
        try {
            thread.join(TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Counting extends FilterInputStream {
        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                bytes.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                bytes.addAndGet(n);
            }
            return n;
        }
    }
}
