package vn.loalang.controller.api;

import io.javalin.Javalin;
import io.javalin.http.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.live.Frame;
import vn.loalang.controller.live.ChannelRegistry;
import vn.loalang.controller.live.FanOutChannel;
import vn.loalang.controller.live.FrameListener;
import vn.loalang.controller.live.LiveAccess;
import vn.loalang.controller.live.LiveChannel;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The embedded live server (decision 0030): {@code GET /live/{mount}} streams a channel's MP3 to a
 * station, as Icecast does in production, so the demo and the tests need no Icecast. The station
 * logs in with HTTP Basic, its station id and broker password ({@link LiveAccess}); one connection
 * per station and mount, the newest wins. The request goes asynchronous, and a thread of a bounded
 * pool ({@code live-out-N}) drains the listener's own queue of frames onto its socket, so neither
 * the channel's producer nor Jetty's threads wait for a slow 3G link. A listener more than
 * {@link #BEHIND} behind is closed: it reconnects and gets a fresh burst at the live edge.
 * Here rather than in {@code content}: the recorder in {@code live} uses {@code content}.
 */
public final class LiveStreamServer implements AutoCloseable, LiveAccess.Kicker {
    private static final Logger log = LoggerFactory.getLogger(LiveStreamServer.class);
    /** What a new listener gets at once: its jitter buffer's target (3 s), as Icecast's burst-on-connect. */
    public static final Duration BURST = Duration.ofSeconds(3);
    /** A listener whose queue holds more than this is closed. */
    public static final Duration BEHIND = Duration.ofSeconds(10);
    /**
     * Audio written before a flush, at most: a 32 kbit/s frame is about 100 bytes, and sent alone each one paid its
     * chunk line and its TCP/IP segment, about 50 kbit/s on a metered SIM's wire for 32 of audio. A tenth of a second
     * per segment brings that to about 37, for at most 100 ms more on the way to the station's 3 s buffer.
     */
    static final Duration COALESCE = Duration.ofMillis(100);
    /** Listeners at once; one thread each while connected. */
    static final int MAX_LISTENERS = 1000;
    private static final String REALM = "Basic realm=\"loalang-live\", charset=\"UTF-8\"";

    private final ChannelRegistry channels;
    private final LiveAccess access;
    private final ThreadPoolExecutor writers;
    private final AtomicLong clients = new AtomicLong();
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();

    public LiveStreamServer(ChannelRegistry channels, LiveAccess access) {
        this.channels = channels;
        this.access = access;
        AtomicInteger n = new AtomicInteger();
        this.writers = new ThreadPoolExecutor(0, MAX_LISTENERS, 30, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "live-out-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        access.kickWith(this);
    }

    public void mount(Javalin app) {
        app.get("/live/{mount}", this::handle);
    }

    /** Listeners connected now. */
    public int listeners() {
        return connections.size();
    }

    private void handle(Context ctx) {
        String mount = ctx.pathParam("mount");
        Optional<FanOutChannel> channel = channels.byMount(mount);
        if (channel.isEmpty()) {
            // Not yet, or over: a station retries while the signed state says the channel is in use.
            ctx.status(404).result("no live channel " + mount + " now");
            return;
        }
        String[] credentials = basic(ctx.header("Authorization"));
        String client = "e-" + clients.incrementAndGet();
        LiveAccess.Decision decision = access.admit(credentials[0], credentials[1], mount, client, ctx.ip());
        if (!decision.admitted()) {
            ctx.header("WWW-Authenticate", REALM).status(401).result("Không được nghe / not admitted: " + decision.reason());
            return;
        }
        Connection c = new Connection(decision.station(), mount, client, channel.get(), ctx.ip(), ctx.req());
        ctx.status(200).contentType("audio/mpeg").header("Cache-Control", "no-store")
                .header("X-Content-Type-Options", "nosniff");
        try {
            OutputStream out = ctx.res().getOutputStream();
            connections.put(client, c);
            ctx.future(() -> c.done);
            writers.execute(() -> c.run(out));
        } catch (RejectedExecutionException e) {
            connections.remove(client);
            access.left(mount, client);
            log.error("Live server full ({} listeners): station {} refused on {}", MAX_LISTENERS, decision.station(), mount);
            ctx.status(503).result("too many live listeners");
        } catch (IOException e) {
            connections.remove(client);
            access.left(mount, client);
        }
    }

    /** {@link LiveAccess}'s kick: the connection ends at once (a station that reconnected, or a revoked one). */
    @Override
    public void kick(String mount, String client) {
        Connection c = connections.get(client);
        if (c != null) {
            // Cut at once, not after the queue: the older socket is often half-open, its writer stuck in a write.
            c.stop("kicked");
            c.abort();
        }
    }

    /** [station, password], either null when absent or not Basic. */
    static String[] basic(String header) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return new String[2];
        }
        try {
            String pair = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon < 0 ? new String[2] : new String[]{pair.substring(0, colon), pair.substring(colon + 1)};
        } catch (IllegalArgumentException e) {
            return new String[2];
        }
    }

    /** One station's stream: its queue of frames, drained onto its socket by one writer thread. */
    private final class Connection implements FrameListener {
        private static final Frame STOP = new Frame(new byte[0], 1, 1, 1);
        final String station;
        final String mount;
        final String client;
        final String ip;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        private final BlockingQueue<Frame> queue = new ArrayBlockingQueue<>(4096);
        private final AtomicLong queuedMicros = new AtomicLong();
        private final LiveChannel channel;
        private volatile String stopReason;
        private volatile LiveChannel.Subscription subscription;
        private final jakarta.servlet.http.HttpServletRequest request;

        Connection(String station, String mount, String client, LiveChannel channel, String ip,
                   jakarta.servlet.http.HttpServletRequest request) {
            this.request = request;
            this.station = station;
            this.mount = mount;
            this.client = client;
            this.channel = channel;
            this.ip = ip;
        }

        @Override
        public void frame(Frame f) {
            if (stopReason != null) {
                return;
            }
            if (queuedMicros.get() > BEHIND.toNanos() / 1000 || !queue.offer(f)) {
                stop("more than " + BEHIND.toSeconds() + " s behind");
                return;
            }
            queuedMicros.addAndGet(f.micros());
        }

        @Override
        public void ended() {
            stop("the channel ended");
        }

        void stop(String why) {
            if (stopReason == null) {
                stopReason = why;
                queue.clear();
                queue.offer(STOP);
            }
        }

        /** Closes the connection under the writer (Jetty's channel abort): a blocked write fails at once. */
        void abort() {
            try {
                org.eclipse.jetty.server.Request.getBaseRequest(request).getHttpChannel()
                        .abort(new IOException("live stream " + mount + " of station " + station + " closed: " + stopReason));
            } catch (RuntimeException e) {
                log.info("Live stream {} of station {}: the connection could not be cut at once ({}); it ends after its"
                        + " queue", mount, station, e.toString());
            }
        }

        void run(OutputStream out) {
            long bytes = 0;
            try {
                subscription = channel.subscribe(this, BURST);
                // The answer's head now, burst or not: a channel still STARTING has no frame yet, and the station's
                // reader gives up on a head that does not come within its 5 s.
                out.flush();
                long coalesceMicros = COALESCE.toNanos() / 1000;
                long unflushedMicros = 0;
                long flushBy = 0;
                while (true) {
                    Frame f;
                    if (unflushedMicros == 0) {
                        f = queue.take();
                    } else {
                        f = queue.poll(Math.max(0, flushBy - System.nanoTime()), TimeUnit.NANOSECONDS);
                        if (f == null) {
                            // No more audio within the tenth of a second: what is written goes now.
                            out.flush();
                            unflushedMicros = 0;
                            continue;
                        }
                    }
                    if (f == STOP) {
                        break;
                    }
                    queuedMicros.addAndGet(-f.micros());
                    out.write(f.bytes());
                    bytes += f.size();
                    if (unflushedMicros == 0) {
                        flushBy = System.nanoTime() + COALESCE.toNanos();
                    }
                    unflushedMicros += f.micros();
                    if (unflushedMicros >= coalesceMicros) {
                        out.flush();
                        unflushedMicros = 0;
                    }
                }
            } catch (IOException e) {
                stopReason = stopReason == null ? "the station went away (" + e + ")" : stopReason;
            } catch (InterruptedException e) {
                stopReason = "the server stops";
            } catch (RuntimeException e) {
                stopReason = "the stream failed: " + e;
            } finally {
                LiveChannel.Subscription s = subscription;
                if (s != null) {
                    s.close();
                }
                connections.remove(client);
                access.left(mount, client);
                log.info("Live stream {} to station {} ({}) closed after {} bytes: {}", mount, station, ip, bytes, stopReason);
                done.complete(null);
            }
        }
    }

    /** Every stream ends (the controller stops). */
    @Override
    public void close() {
        connections.values().forEach(c -> c.stop("the controller stops"));
        writers.shutdown();
        try {
            writers.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writers.shutdownNow();
    }
}
