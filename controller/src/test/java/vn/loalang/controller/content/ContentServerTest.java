package vn.loalang.controller.content;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.directory.Commune.LibraryEntry;
import vn.loalang.controller.http.HttpServer;
import vn.loalang.controller.testing.TestFiles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real content server on 127.0.0.1 (any free port), asked by a real HTTP client. */
class ContentServerTest {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");

    @TempDir
    static Path base;
    static HttpServer server;
    static LibraryItem item;
    static byte[] bytes;
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void startServer() throws IOException {
        Path file = TestFiles.copyFixture(Fixtures.ITEM_440HZ_2S, base);
        ContentLibrary library = ContentLibrary.load(
                List.of(new LibraryEntry("gia-lua", "Giá lúa hôm nay", null, Fixtures.ITEM_440HZ_2S, 0.0)), base);
        item = library.byId("gia-lua").orElseThrow();
        bytes = Files.readAllBytes(file);
        server = HttpServer.start("127.0.0.1", 0, List.of(app -> ContentServer.mount(app, library)));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void servesTheExactBytesOfAnItemByItsSha256() throws Exception {
        HttpResponse<byte[]> r = get(item.sha256(), null);

        assertEquals(200, r.statusCode());
        assertArrayEquals(bytes, r.body());
        assertEquals("audio/mpeg", r.headers().firstValue("Content-Type").orElseThrow());
    }

    @Test
    void aRangeFromAnOffsetReturnsPartialContentFromThatByte() throws Exception {
        int from = 5000;
        HttpResponse<byte[]> r = get(item.sha256(), "bytes=" + from + "-");

        assertEquals(206, r.statusCode());
        long[] range = contentRange(r);
        assertEquals(from, range[0]);
        assertEquals(bytes.length, range[2], "total size");
        assertEquals(range[1] - range[0] + 1, r.body().length, "Content-Range must describe the bytes returned");
        assertTrue(r.body().length > 0);
        assertArrayEquals(Arrays.copyOfRange(bytes, from, from + r.body().length), r.body());
    }

    @Test
    void aStationCanResumeAnInterruptedDownloadRangeByRangeToTheWholeFile() throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        got.write(bytes, 0, 1234); // what arrived before the 3G link dropped
        for (int round = 0; got.size() < bytes.length; round++) {
            assertTrue(round < 100, "resuming does not progress");
            HttpResponse<byte[]> r = get(item.sha256(), "bytes=" + got.size() + "-");
            assertEquals(206, r.statusCode());
            long[] range = contentRange(r);
            assertEquals(got.size(), range[0]);
            assertEquals(range[1] - range[0] + 1, r.body().length);
            assertTrue(r.body().length > 0, "an empty part would never finish");
            got.write(r.body());
        }
        assertArrayEquals(bytes, got.toByteArray());
    }

    @Test
    void anUnknownHashIsNotFound() throws Exception {
        HttpResponse<byte[]> r = get("ab".repeat(32), null);

        assertEquals(404, r.statusCode());
        assertTrue(new String(r.body()).contains("no content with SHA-256 " + "ab".repeat(32)));
    }

    @Test
    void answersTheHealthCheck() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/healthz"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(200, r.statusCode());
        assertEquals("ok", r.body());
    }

    @Test
    void aRangeFromTheEndOrBeyondIsNotSatisfiable() throws Exception {
        for (String range : List.of("bytes=" + bytes.length + "-", "bytes=" + (bytes.length + 5000) + "-", "bytes=-0")) {
            HttpResponse<byte[]> r = get(item.sha256(), range);

            assertEquals(416, r.statusCode(), range);
            assertEquals("bytes */" + bytes.length, r.headers().firstValue("Content-Range").orElseThrow(), range);
            assertEquals(0, r.body().length, range);
        }
    }

    @Test
    void boundedAndSuffixRangesReturnExactlyTheBytesAskedFor() throws Exception {
        HttpResponse<byte[]> bounded = get(item.sha256(), "bytes=0-99");
        assertEquals(206, bounded.statusCode());
        assertArrayEquals(Arrays.copyOfRange(bytes, 0, 100), bounded.body());
        assertEquals("bytes 0-99/" + bytes.length, bounded.headers().firstValue("Content-Range").orElseThrow());

        HttpResponse<byte[]> suffix = get(item.sha256(), "bytes=-100");
        assertEquals(206, suffix.statusCode());
        assertArrayEquals(Arrays.copyOfRange(bytes, bytes.length - 100, bytes.length), suffix.body());

        HttpResponse<byte[]> pastEnd = get(item.sha256(), "bytes=100-999999999");
        assertEquals(206, pastEnd.statusCode());
        assertArrayEquals(Arrays.copyOfRange(bytes, 100, bytes.length), pastEnd.body());
    }

    @Test
    void aMalformedOrMultipleRangeIsIgnoredAndTheWholeFileSent() throws Exception {
        for (String range : List.of("bytes=abc", "bytes=10-5", "pages=1-2", "bytes=0-1,5-6")) {
            HttpResponse<byte[]> r = get(item.sha256(), range);

            assertEquals(200, r.statusCode(), range);
            assertArrayEquals(bytes, r.body(), range);
        }
    }

    @Test
    void headTellsTheSizeWithoutABody() throws Exception {
        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/content/"
                + item.sha256())).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());

        assertEquals(200, r.statusCode());
        assertEquals(Long.toString(bytes.length), r.headers().firstValue("Content-Length").orElseThrow());
        assertEquals("bytes", r.headers().firstValue("Accept-Ranges").orElseThrow());
    }

    private static HttpResponse<byte[]> get(String sha, String range) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/content/" + sha))
                .timeout(Duration.ofSeconds(10));
        if (range != null) {
            b.header("Range", range);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static long[] contentRange(HttpResponse<?> r) {
        String header = r.headers().firstValue("Content-Range").orElseThrow(() -> new AssertionError("no Content-Range"));
        Matcher m = CONTENT_RANGE.matcher(header);
        assertTrue(m.matches(), "Content-Range: " + header);
        return new long[]{Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }
}
