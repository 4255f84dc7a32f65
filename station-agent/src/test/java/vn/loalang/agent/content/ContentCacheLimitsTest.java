package vn.loalang.agent.content;

import vn.loalang.protocol.station.EventReason;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.testing.Tmpfs;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The station never takes more bytes than the signed schedule names, whatever the server says or
 * sends (a real HTTP server on 127.0.0.1 that lies about sizes), and a full disk (a real tmpfs) is
 * reported as such, leaving nothing half-written behind.
 */
class ContentCacheLimitsTest {
    private static final int SIZE = 64 * 1024;

    @TempDir
    Path dir;

    private HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final byte[] content = new byte[SIZE];
    private final AtomicLong bytesSent = new AtomicLong();
    private volatile Handler handler;

    interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    @BeforeEach
    void start() throws IOException {
        new Random(7).nextBytes(content);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/content/", exchange -> {
            try (exchange) {
                handler.handle(exchange);
            }
        });
        server.setExecutor(executor);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    private Item item() {
        return new Item("gia-lua", "Giá lúa", ContentCacheTest.sha256(content),
                URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/content/gia-lua"), SIZE, 2000, 0.0);
    }

    private List<Path> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void aContentLengthLargerThanTheScheduleSizeIsRefusedBeforeTheBodyIsRead() throws Exception {
        handler = exchange -> {
            exchange.sendResponseHeaders(200, SIZE * 16L);
            OutputStream body = exchange.getResponseBody();
            for (int i = 0; i < 16; i++) {
                body.write(content);
                bytesSent.addAndGet(SIZE);
            }
        };
        ContentCache cache = new ContentCache("st-01", dir);

        ContentFetchException e = assertThrows(ContentFetchException.class, () -> cache.fetch(item()));

        assertEquals(EventReason.OVERSIZED, e.reason());
        assertTrue(e.getMessage().contains("announces " + SIZE * 16L + " bytes"), e.getMessage());
        assertEquals(List.of(), files(dir), "nothing written");
    }

    @Test
    void aBodyThatKeepsComingIsCutAtTheScheduleSize() throws Exception {
        // Chunked, no length announced, and it never ends on its own: 1 GB at most, so the test ends even if the client did not cut.
        java.util.concurrent.atomic.AtomicBoolean serverStopped = new java.util.concurrent.atomic.AtomicBoolean();
        handler = exchange -> {
            exchange.sendResponseHeaders(200, 0);
            OutputStream body = exchange.getResponseBody();
            try {
                for (int i = 0; i < 16_384; i++) {
                    body.write(content);
                    body.flush();
                    bytesSent.addAndGet(SIZE);
                }
            } finally {
                serverStopped.set(true);
            }
        };
        ContentCache cache = new ContentCache("st-01", dir);

        ContentFetchException e = assertThrows(ContentFetchException.class, () -> cache.fetch(item()));

        assertEquals(EventReason.OVERSIZED, e.reason());
        assertTrue(e.getMessage().contains("sent more than the " + SIZE + " bytes"), e.getMessage());
        assertEquals(List.of(), files(dir), "the cut body is discarded, not kept");
        // The client closed the connection: the server's writes fail soon after, far short of what it meant to send.
        await("the server finds the connection closed").atMost(java.time.Duration.ofSeconds(30)).untilTrue(serverStopped);
        assertTrue(bytesSent.get() < 64L * 1024 * 1024, "stopped long before the end: " + bytesSent.get() + " bytes sent");
    }

    @Test
    void aRightlySizedBodyIsStillTakenWhole() throws Exception {
        handler = exchange -> {
            exchange.sendResponseHeaders(200, SIZE);
            exchange.getResponseBody().write(content);
        };
        ContentCache cache = new ContentCache("st-01", dir);

        Path file = cache.fetch(item());

        assertEquals(SIZE, Files.size(file));
    }

    @Test
    void aFullDiskIsReportedAsSuchBeforeDownloadingAndWhenItFillsMidway() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(dir.resolve("cache"), 512)) {
            ContentCache cache = new ContentCache("st-01", disk.dir());
            Path filler = disk.fillLeaving(16 * 1024);
            handler = exchange -> {
                bytesSent.incrementAndGet();
                exchange.sendResponseHeaders(200, SIZE);
                exchange.getResponseBody().write(content);
            };

            ContentFetchException before = assertThrows(ContentFetchException.class, () -> cache.fetch(item()));

            assertEquals(EventReason.DISK_FULL, before.reason());
            assertTrue(before.getMessage().contains("disk is full"), before.getMessage());
            assertEquals(0, bytesSent.get(), "nothing was asked of the server: it could not be kept");

            // Room for the file when it starts, taken by something else while it arrives.
            Files.delete(filler);
            handler = exchange -> {
                exchange.sendResponseHeaders(200, SIZE);
                OutputStream body = exchange.getResponseBody();
                body.write(content, 0, SIZE / 2);
                body.flush();
                disk.fill();
                body.write(content, SIZE / 2, SIZE / 2);
            };

            ContentFetchException midway = assertThrows(ContentFetchException.class, () -> cache.fetch(item()));

            assertEquals(EventReason.DISK_FULL, midway.reason(), midway.getMessage());
            assertEquals(List.of(disk.dir().resolve("filler.bin")), files(disk.dir()), "no partial file left");
            assertFalse(cache.has(item().sha256()));
        }
    }
}
