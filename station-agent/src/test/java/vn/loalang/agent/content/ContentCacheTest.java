package vn.loalang.agent.content;

import vn.loalang.protocol.station.EventReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.protocol.schedule.Item;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Downloading into the cache against a real HTTP server: verified by hash, resumed by Range, refused when wrong. */
class ContentCacheTest {
    @TempDir
    Path dir;

    private ContentServer server;
    private ContentCache cache;
    private byte[] mp3;
    private String sha;

    @BeforeEach
    void start() throws IOException {
        server = new ContentServer();
        cache = new ContentCache("st-01", dir);
        mp3 = Files.readAllBytes(Fixtures.path(Fixtures.ITEM_440HZ_2S));
        sha = sha256(mp3);
        server.put("gia-lua.mp3", mp3);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private Item item(String name, String sha256, long size) {
        return new Item("gia-lua", "Giá lúa hôm nay", sha256, server.url(name), size, 2000, 0.0);
    }

    private Item giaLua() {
        return item("gia-lua.mp3", sha, mp3.length);
    }

    /** Every regular file under the cache directory, the partial folder included. */
    private List<Path> filesInCache() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    private Path partFile() {
        return dir.resolve("partial").resolve(sha + ".part");
    }

    @Test
    void fetchDownloadsVerifiesAndStoresTheFileUnderItsHash() throws Exception {
        Path fetched = cache.fetch(giaLua());

        assertEquals(dir.resolve(sha), fetched);
        assertArrayEquals(mp3, Files.readAllBytes(fetched));
        assertEquals(fetched, cache.get(sha).orElseThrow());
        assertEquals(List.of(fetched), filesInCache(), "nothing left over in partial/");
        assertEquals(List.of(new ContentServer.Request("/content/gia-lua.mp3", null)), server.requests());
    }

    @Test
    void getFindsNothingBeforeTheFileIsFetched() {
        assertTrue(cache.get(sha).isEmpty());
    }

    @Test
    void aCachedFileIsNotDownloadedAgain() throws Exception {
        cache.fetch(giaLua());

        Path again = cache.fetch(giaLua());

        assertEquals(dir.resolve(sha), again);
        assertEquals(1, server.requests().size());
    }

    @Test
    void aFileFoundInTheCacheDirectoryAfterARestartIsUsed() throws Exception {
        cache.fetch(giaLua());

        ContentCache afterReboot = new ContentCache("st-01", dir);

        assertEquals(dir.resolve(sha), afterReboot.get(sha).orElseThrow());
    }

    @Test
    void refusesContentWhoseHashIsNotTheExpectedOneAndCachesNothing() throws IOException {
        String expected = sha256("other content".getBytes());
        Item item = item("gia-lua.mp3", expected, mp3.length);

        ContentFetchException e = assertThrows(ContentFetchException.class, () -> cache.fetch(item));

        assertEquals(EventReason.HASH_MISMATCH, e.reason());
        assertTrue(e.getMessage().contains(sha), e.getMessage());
        assertTrue(cache.get(expected).isEmpty());
        assertTrue(cache.get(sha).isEmpty(), "not even under the hash it really has");
        assertEquals(List.of(), filesInCache(), "the discarded download leaves no file behind");
    }

    @Test
    void aHashMismatchIsFetchedAfreshNextTimeRatherThanResumed() throws Exception {
        Item wrong = item("gia-lua.mp3", sha256("x".getBytes()), mp3.length);
        assertThrows(ContentFetchException.class, () -> cache.fetch(wrong));

        cache.fetch(giaLua());

        assertEquals(Arrays.asList(null, null), server.rangeHeaders(), "two whole downloads, no Range");
    }

    @Test
    void anInterruptedDownloadIsKeptAndResumedWithARangeRequest() throws Exception {
        server.dropConnectionAfter(5000, 1);

        ContentFetchException first = assertThrows(ContentFetchException.class, () -> cache.fetch(giaLua()));
        assertEquals(EventReason.DOWNLOAD_FAILED, first.reason());
        assertTrue(cache.get(sha).isEmpty(), "an incomplete file never enters the cache");
        long kept = Files.size(partFile());
        assertEquals(5000, kept, "every byte that arrived is kept");

        Path fetched = cache.fetch(giaLua());

        assertArrayEquals(mp3, Files.readAllBytes(fetched));
        assertEquals(List.of("bytes=" + kept + "-"), server.rangeHeaders().subList(1, server.requests().size()));
        assertEquals(List.of(fetched), filesInCache());
    }

    @Test
    void aServerThatAnswersRangesInSlicesIsAskedAgainFromWhereTheFileEnds() throws Exception {
        server.dropConnectionAfter(4000, 1);
        assertThrows(ContentFetchException.class, () -> cache.fetch(giaLua()));
        long kept = Files.size(partFile());
        server.answerRangesInSlicesOf(5000);

        Path fetched = cache.fetch(giaLua());

        assertArrayEquals(mp3, Files.readAllBytes(fetched));
        List<String> expected = new ArrayList<>();
        for (long from = kept; from < mp3.length; from += 5000) {
            expected.add("bytes=" + from + "-");
        }
        assertTrue(expected.size() >= 2, "the file is large enough to need several slices");
        assertEquals(expected, server.rangeHeaders().subList(1, server.requests().size()));
    }

    @Test
    void aServerThatIgnoresRangeGetsTheWholeFileWrittenFromTheStart() throws Exception {
        server.dropConnectionAfter(5000, 1);
        assertThrows(ContentFetchException.class, () -> cache.fetch(giaLua()));
        server.ignoreRange();

        Path fetched = cache.fetch(giaLua());

        assertArrayEquals(mp3, Files.readAllBytes(fetched), "a 200 answer replaces the part, it is not appended");
    }

    @Test
    void aStalePartLongerThanTheFileIsDiscarded() throws Exception {
        Files.write(partFile(), Arrays.copyOf(mp3, mp3.length + 100));

        Path fetched = cache.fetch(giaLua());

        assertArrayEquals(mp3, Files.readAllBytes(fetched));
        assertEquals(Arrays.asList((String) null), server.rangeHeaders(), "one whole download, no Range");
    }

    @Test
    void aPartAsLongAsTheFileButWrongIsThrownAwayAndDownloadedAgain() throws Exception {
        byte[] garbage = new byte[mp3.length];
        Files.write(partFile(), garbage);

        ContentFetchException e = assertThrows(ContentFetchException.class, () -> cache.fetch(giaLua()));
        assertEquals(EventReason.HASH_MISMATCH, e.reason());
        Path fetched = cache.fetch(giaLua());

        assertArrayEquals(mp3, Files.readAllBytes(fetched));
    }

    @Test
    void aMissingFileIsReportedWithItsHttpStatus() throws IOException {
        Item item = item("nothing-here.mp3", sha, mp3.length);

        ContentFetchException e = assertThrows(ContentFetchException.class, () -> cache.fetch(item));

        assertEquals(EventReason.HTTP_STATUS, e.reason());
        assertTrue(e.getMessage().contains("answered HTTP 404"), e.getMessage());
        assertTrue(cache.get(sha).isEmpty());
        assertEquals(List.of(), filesInCache());
    }

    @Test
    void anUnreachableServerIsADownloadFailure() {
        Item item = item("gia-lua.mp3", sha, mp3.length);
        server.close();

        ContentFetchException e = assertThrows(ContentFetchException.class, () -> cache.fetch(item));

        assertEquals(EventReason.DOWNLOAD_FAILED, e.reason());
        assertTrue(cache.get(sha).isEmpty());
    }
}
