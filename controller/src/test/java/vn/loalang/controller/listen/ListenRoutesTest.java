package vn.loalang.controller.listen;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.api.ListenRoutes;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.http.HttpServer;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vn.loalang.controller.listen.ListenFixture.DAY;
import static vn.loalang.controller.listen.ListenFixture.MORNING;
import static vn.loalang.controller.listen.ListenFixture.NOON;
import static vn.loalang.controller.listen.ListenFixture.ZONE;

/**
 * The public routes on a real HTTP server: pages, ranges as the stations' content server answers them, the
 * same 404 for hidden and unknown, escaped text, and one audio stream at a time when the cap is one.
 */
class ListenRoutesTest {
    static final String SESSION = DAY + ".morning";
    static final String HOSTILE = "<script>alert(1)</script> Nước \u202Eđảo\u202C lên";

    @TempDir
    Path dir;
    ListenFixture f;
    ListenCounts counts;
    HttpServer server;
    ListenRoutes routes;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        start(List.of());
    }

    void start(List<Commune.LibraryEntry> extra) throws Exception {
        f = new ListenFixture(dir, extra);
        f.plan("thon-dong", "morning", MORNING, "gia-lua", "ho-ngheo", "hop-dan");
        f.played("thon-dong-1", SESSION, MORNING, "gia-lua", "ho-ngheo", "hop-dan");
        f.alert("a-lu", NOON.minusSeconds(600), NOON.plusSeconds(3600), "ACTIVE", List.of("thon-dong"), "Lũ",
                "lũ", HOSTILE, HOSTILE, null, "bao-lu");
        counts = new ListenCounts(f.store, f.clock, () -> ZONE, new SecureRandom());
        ListenAddresses at = ListenAddresses.of(URI.create("http://127.0.0.1:1"));
        server = HttpServer.start("127.0.0.1", 0, List.of(app -> routes = ListenRoutes.mount(app,
                new ListenRoutes.Listen(f.catalog, counts, () -> at, 1))));
    }

    /** Six megabytes: a listener that stops reading holds its stream while the server waits on the socket. */
    private void startWithALongItem() throws Exception {
        stop();
        dir = dir.resolve("long");
        Path audio = dir.resolve("audio");
        Files.createDirectories(audio);
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "lavfi",
                "-i", "sine=frequency=440:duration=150", "-ac", "2", "-ar", "44100", "-b:a", "320k",
                audio.resolve("hop-dan.mp3").toString()).redirectErrorStream(true).start();
        assertTrue(ffmpeg.waitFor(60, TimeUnit.SECONDS) && ffmpeg.exitValue() == 0,
                new String(ffmpeg.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        start(List.of(new Commune.LibraryEntry("hop-dan", "Họp dân", "policy", "hop-dan.mp3", null)));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
        if (f != null) {
            counts.close();
            f.close();
            f = null;
        }
    }

    @Test
    void pagesAreSmallEscapedPlainHtmlWithTheirSecurityHeaders() throws Exception {
        HttpResponse<String> commune = get("/nghe-lai/", null);
        assertEquals(200, commune.statusCode());
        assertEquals("text/html;charset=utf-8", commune.headers().firstValue("Content-Type").orElse("").replace(" ", ""));
        assertEquals("nosniff", commune.headers().firstValue("X-Content-Type-Options").orElse(""));
        assertEquals("default-src 'none'; style-src 'self'; media-src 'self'; img-src 'self'; frame-ancestors 'none'",
                commune.headers().firstValue("Content-Security-Policy").orElse(""));
        assertTrue(commune.body().startsWith("<!DOCTYPE html><html lang=\"vi\">"));
        assertTrue(commune.body().contains("href=\"/nghe-lai/thon-tay/\">Thôn Tây</a>"));
        assertTrue(commune.body().contains("class=\"alert\""), "the flood alert is on top, in red");

        HttpResponse<String> village = get("/nghe-lai/thon-dong/", null);
        assertEquals(200, village.statusCode());
        String body = village.body();
        assertTrue(body.contains("<audio controls preload=\"none\" src=\"/nghe-lai/a/thon-dong/" + DAY + "/" + SESSION
                + "/gia-lua.mp3?n=page\"></audio>"), body);
        assertTrue(body.contains("Giá lúa hôm nay"));
        assertFalse(body.contains("ho-ngheo") || body.contains("hộ nghèo"), "the household review list is hidden");
        assertFalse(body.contains(f.library.byId("gia-lua").orElseThrow().sha256()), "no SHA-256 in a page");
        long kb = Math.round(f.library.byId("gia-lua").orElseThrow().sizeBytes() / 1024.0);
        assertTrue(body.contains("0:03 · " + kb + " KB</small>"), "duration and size shown: " + kb + " KB");
        assertTrue(body.contains("?ngay=" + DAY.minusDays(14)), "links to the last 14 days");
        assertFalse(body.contains("<script"), "no script, and the alert's text is escaped");
        assertFalse(body.contains("\u202E"), "no direction override");
        assertTrue(body.contains("&lt;script&gt;alert(1)&lt;/script&gt; Nước đảo lên"), body);
        assertTrue(body.getBytes(StandardCharsets.UTF_8).length < ListenPages.BUDGET_BYTES);
        assertEquals(200, get("/nghe-lai/thon-dong/?ngay=" + DAY.minusDays(3), null).statusCode());
        assertEquals(200, get("/nghe-lai/style.css", null).statusCode());

        HttpResponse<String> alert = get("/nghe-lai/canh-bao/a-lu", null);
        assertEquals(200, alert.statusCode());
        assertTrue(alert.body().contains("src=\"/nghe-lai/a/canh-bao/a-lu.mp3?n=page\""));
        assertFalse(alert.body().contains("<script") || alert.body().contains("\u202E"));
    }

    @Test
    void aHiddenItemAndAnUnknownOneGetTheSameVietnamese404() throws Exception {
        String hidden = "/nghe-lai/a/thon-dong/" + DAY + "/" + SESSION + "/ho-ngheo.mp3";
        HttpResponse<String> a = get(hidden, null);
        HttpResponse<String> b = get("/nghe-lai/a/thon-dong/" + DAY + "/" + SESSION + "/khong-co.mp3", null);
        assertEquals(404, a.statusCode());
        assertEquals(404, b.statusCode());
        assertEquals(a.body(), b.body());
        assertTrue(a.body().contains("Không tìm thấy"));
        for (String path : List.of("/nghe-lai/khong-co/", "/nghe-lai/khong-co/feed.xml", "/nghe-lai/canh-bao/khong-co",
                "/nghe-lai/a/canh-bao/khong-co.mp3", "/nghe-lai/thon-dong/?ngay=2020-01-01",
                "/nghe-lai/a/thon-dong/" + DAY + "/" + SESSION + "/bao-lu.mp3", "/nghe-lai/x/y/z/w/v/u")) {
            HttpResponse<String> r = get(path, null);
            assertEquals(404, r.statusCode(), path);
            assertEquals(a.body(), r.body(), path);
        }
    }

    @Test
    void audioAnswersRangesAsTheStationsContentServerDoesAndCountsOnlyFromTheStart() throws Exception {
        Path file = f.library.byId("gia-lua").orElseThrow().file();
        byte[] bytes = Files.readAllBytes(file);
        String path = "/nghe-lai/a/thon-dong/" + DAY + "/" + SESSION + "/gia-lua.mp3?n=zalo";

        HttpResponse<byte[]> whole = getBytes(path, null);
        assertEquals(200, whole.statusCode());
        assertEquals("audio/mpeg", whole.headers().firstValue("Content-Type").orElse(""));
        assertArrayEquals(bytes, whole.body());
        HttpResponse<byte[]> part = getBytes(path, "bytes=0-99");
        assertEquals(206, part.statusCode());
        assertEquals("bytes 0-99/" + bytes.length, part.headers().firstValue("Content-Range").orElse(""));
        assertArrayEquals(Arrays.copyOf(bytes, 100), part.body());
        HttpResponse<byte[]> tail = getBytes(path, "bytes=-10");
        assertEquals(206, tail.statusCode());
        assertArrayEquals(Arrays.copyOfRange(bytes, bytes.length - 10, bytes.length), tail.body());
        HttpResponse<byte[]> past = getBytes(path, "bytes=" + bytes.length + "-");
        assertEquals(416, past.statusCode());
        assertEquals("bytes */" + bytes.length, past.headers().firstValue("Content-Range").orElse(""));
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(uri(path)).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(bytes.length), head.headers().firstValue("Content-Length").orElse(""));

        // Another phone behind the commune's proxy on this machine.
        http.send(HttpRequest.newBuilder(uri(path)).header("X-Forwarded-For", "203.0.113.9").build(),
                HttpResponse.BodyHandlers.discarding());
        counts.flush();
        assertEquals(2L, (long) f.store.query(c -> {
            try (var s = c.prepareStatement("SELECT SUM(count) FROM listen_count WHERE item_id = 'gia-lua' AND "
                    + "source = 'zalo' AND kind = 'LISTEN'"); var rs = s.executeQuery()) {
                return rs.getLong(1);
            }
        }), "this client once (200, then 0-99), the proxied phone once; the suffix and 416 are not listens");
    }

    @Test
    void aSecondListenerAboveTheCapIsAskedToComeBackAndTheSlotFreesWhenTheFirstLeaves() throws Exception {
        startWithALongItem();
        String path = "/nghe-lai/a/thon-dong/" + DAY + "/" + SESSION + "/hop-dan.mp3";
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("127.0.0.1", server.port()));
            OutputStream out = slow.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = slow.getInputStream();
            byte[] first = in.readNBytes(12);
            assertEquals("HTTP/1.1 200", new String(first, StandardCharsets.US_ASCII));
            // It reads no further: its stream stays open, and the cap of one is taken.
            HttpResponse<byte[]> refused = getBytes(path, null);
            assertEquals(503, refused.statusCode());
            assertEquals("5", refused.headers().firstValue("Retry-After").orElse(""));
            assertEquals(200, getBytes("/nghe-lai/thon-dong/", null).statusCode(), "pages are not streams");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> getBytes(path, "bytes=0-9").statusCode() == 206);
    }

    @Test
    void anAlertPublishedAppearsOnTheVillagePageAtOnceAndPhonesKeepAPageOnly15Seconds() throws Exception {
        HttpResponse<String> before = get("/nghe-lai/thon-dong/", null);
        assertEquals("public, max-age=15", before.headers().firstValue("Cache-Control").orElse(""));
        assertFalse(before.body().contains("Bão số 9"));
        f.alert("a-bao", NOON.minusSeconds(60), NOON.plusSeconds(3600), "ACTIVE", List.of("thon-dong"), "Bão",
                "bão", "Bão số 9 đổ bộ, bà con chằng chống nhà cửa.", "Bão số 9", null, "bao-lu");
        assertFalse(get("/nghe-lai/thon-dong/", null).body().contains("Bão số 9"), "the page is kept a minute");
        assertEquals(404, get("/nghe-lai/canh-bao/a-bao", null).statusCode(), "so is the alert list");

        routes.alertsChanged(); // what AlertService.onPublished calls (ListenRoutes.mount(app, listen, alerts))

        assertTrue(get("/nghe-lai/thon-dong/", null).body().contains("Bão số 9"));
        assertTrue(get("/nghe-lai/", null).body().contains("Bão số 9"));
        assertEquals(200, get("/nghe-lai/canh-bao/a-bao", null).statusCode());
        assertEquals(200, getBytes("/nghe-lai/a/canh-bao/a-bao.mp3", null).statusCode());
    }

    @Test
    void randomAudioIdsAreAnsweredFromMemoryWhileTheAlertPathHoldsTheStore() throws Exception {
        assertEquals(206, getBytes("/nghe-lai/a/thon-dong/" + DAY + "/" + SESSION + "/gia-lua.mp3", "bytes=0-9")
                .statusCode(), "the first request reads the day");
        assertEquals(404, get("/nghe-lai/a/canh-bao/khong-co.mp3", null).statusCode(), "and the alerts");
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Thread alertPath = new Thread(() -> f.store.transaction(c -> {
            held.countDown();
            try {
                return release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }), "alert-path");
        alertPath.start();
        try {
            assertTrue(held.await(10, TimeUnit.SECONDS));
            SecureRandom random = new SecureRandom();
            for (int k = 0; k < 200; k++) {
                String id = Long.toHexString(random.nextLong());
                String path = k % 2 == 0 ? "/nghe-lai/a/thon-dong/" + DAY + "/" + DAY + "." + id + "/" + id + ".mp3"
                        : "/nghe-lai/a/canh-bao/a-" + id + ".mp3";
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                assertEquals(404, r.statusCode(), path + " answered while the store is held by the alert path");
            }
        } finally {
            release.countDown();
            alertPath.join(10_000);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    private HttpResponse<String> get(String path, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    private HttpResponse<byte[]> getBytes(String path, String range) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
