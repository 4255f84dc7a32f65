package vn.loalang.controller.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.live.Frame;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.broker.BrokerAccounts;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.http.HttpServer;
import vn.loalang.controller.live.ChannelRegistry;
import vn.loalang.controller.live.FanOutChannel;
import vn.loalang.controller.live.LiveAccess;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.ChannelFeed;
import vn.loalang.protocol.Topics;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The embedded live server's stream, on a real socket: a station gets the last 3 s at once (its
 * jitter buffer fills), then the live edge; a station is closed once more than 10 s of audio wait
 * for it (it reconnects at the live edge), and the channel goes on.
 */
class LiveStreamServerTest {
    static final Clock CLOCK = Clock.systemUTC();

    @TempDir
    Path dir;
    Store store;
    BrokerAccounts accounts;
    String password;
    ChannelRegistry channels;
    LiveStreamServer server;
    HttpServer http;
    FanOutChannel channel;
    List<Frame> frames;

    @BeforeEach
    void start() throws Exception {
        store = Store.open(dir.resolve("loalang.db"));
        Directory directory = Directory.open(store, new AuditLog(CLOCK), CLOCK, dir.resolve("commune.json"),
                LiveAuthTest.SEED, "abc");
        accounts = new BrokerAccounts(store, new AuditLog(CLOCK), CLOCK, directory::current, Topics.defaults(), null,
                "controller", "controller-secret");
        accounts.directoryChanged(directory.current());
        password = accounts.issue("ky-thuat", "thon-dong-1").password();
        channels = ChannelRegistry.embedded(() -> URI.create("http://127.0.0.1:1"));
        server = new LiveStreamServer(channels, new LiveAccess(accounts::verify, null));
        http = HttpServer.start("127.0.0.1", 0, List.of(server::mount));
        channel = channels.open(LiveAuthTest.CHANNEL);
        frames = ChannelFeed.frames(dir.resolve("audio"), 440, 10);
    }

    @AfterEach
    void stop() {
        server.close();
        http.close();
        channels.close();
        store.close();
    }

    /** A raw GET of the channel as thon-dong-1, its head read; the socket is the caller's. */
    private Socket get() throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), http.port());
        s.setSoTimeout(5000);
        OutputStream out = s.getOutputStream();
        out.write(("GET /live/" + LiveAuthTest.CHANNEL.mount() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic "
                + Base64.getEncoder().encodeToString(("thon-dong-1:" + password).getBytes(StandardCharsets.UTF_8))
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        StringBuilder head = new StringBuilder();
        InputStream in = s.getInputStream();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
        }
        assertTrue(head.toString().startsWith("HTTP/1.1 200"), head.toString());
        assertTrue(head.toString().contains("Cache-Control: no-store"), head.toString());
        return s;
    }

    @Test
    void aStationGetsTheLastThreeSecondsAtOnceThenTheLiveEdge() throws Exception {
        // 10 s of audio before the station comes: it gets 3 s of it, not all 10.
        frames.forEach(channel::publish);
        try (Socket s = get()) {
            long burstMicros = 0;
            int expected = 0;
            for (int i = frames.size() - 1; i >= 0 && burstMicros < LiveStreamServer.BURST.toNanos() / 1000; i--) {
                burstMicros += frames.get(i).micros();
                expected += frames.get(i).size();
            }
            // Chunked: the body's bytes are the frames plus chunk lines; 3 s of frames at least, and not 4 s.
            InputStream in = s.getInputStream();
            byte[] buf = new byte[expected + 4096];
            int got = 0;
            s.setSoTimeout(1500);
            try {
                int n;
                while (got < buf.length && (n = in.read(buf, got, buf.length - got)) > 0) {
                    got += n;
                }
            } catch (java.net.SocketTimeoutException e) {
                // nothing more: the burst is all there is until a new frame
            }
            assertTrue(got >= expected && got < expected + 4000 * 1, "burst of " + got + " bytes, 3 s is " + expected);
            channel.publish(frames.get(0));
            s.setSoTimeout(5000);
            assertTrue(in.read(buf) > frames.get(0).size() - 1, "then each new frame");
        }
    }

    @Test
    void aStationMoreThanTenSecondsBehindIsClosedAndTheChannelGoesOn() throws Exception {
        try (Socket stuck = get()) {
            // It reads nothing more while frames come a thousand (26 s of audio) at a time: its queue passes 10 s.
            int published = 0;
            while (server.listeners() > 0 && published < 2_000_000) {
                for (int i = 0; i < 1000; i++) {
                    channel.publish(frames.get(published++ % frames.size()));
                }
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> server.listeners() == 0);
            assertTrue(published < 2_000_000, "closed after " + published + " frames");
            try (Socket next = get()) {
                channel.publish(frames.get(0));
                assertTrue(next.getInputStream().read(new byte[4096]) > 0, "the channel goes on, a new connection is served");
            }
        }
    }

    @Test
    void framesComingInRealTimeGoOutATenthOfASecondAtATimeNotOneSegmentEach() throws Exception {
        // 2 s of frames at their own pace. Each flush is one chunk of the chunked body (and one TCP segment): sent
        // one frame a chunk, a 32 kbit/s stream cost about 50 kbit/s on a SIM's wire.
        int count = (int) (2_000_000 / frames.get(0).micros());
        int expectedBytes = frames.subList(0, count).stream().mapToInt(Frame::size).sum();
        ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();
        try (Socket s = get()) {
            AtomicInteger next = new AtomicInteger();
            pace.scheduleAtFixedRate(() -> {
                int i = next.getAndIncrement();
                if (i < count) {
                    channel.publish(frames.get(i));
                }
            }, 0, frames.get(0).micros(), TimeUnit.MICROSECONDS);
            InputStream in = s.getInputStream();
            int chunks = 0;
            int body = 0;
            while (body < expectedBytes) {
                // Jetty writes each chunk's closing CRLF in front of the next chunk's size: skip the empty line.
                String line = "";
                while (line.isBlank()) {
                    StringBuilder read = new StringBuilder();
                    int c;
                    while ((c = in.read()) != '\n') {
                        assertTrue(c >= 0, "the stream ended after " + body + " bytes");
                        read.append((char) c);
                    }
                    line = read.toString();
                }
                int size = Integer.parseInt(line.trim(), 16);
                byte[] data = in.readNBytes(size);
                assertEquals(size, data.length);
                body += size;
                chunks++;
            }
            assertEquals(expectedBytes, body, "every frame arrived, whole");
            long maxChunks = 2_000 / LiveStreamServer.COALESCE.toMillis() + 2;
            assertTrue(chunks <= maxChunks, count + " frames came in " + chunks + " chunks, at most " + maxChunks
                    + " expected");
        } finally {
            pace.shutdownNow();
        }
    }
}
