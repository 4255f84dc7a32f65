package vn.loalang.agent.content;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.testing.ManualClock;
import vn.loalang.protocol.schedule.Item;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Keeping the cache within its budget on real files: least recently used first, pinned files never. */
class ContentCacheEvictionTest {
    private static final int FILE_BYTES = 300 * 1024;
    /** Room for three files of {@link #FILE_BYTES}, not four. */
    private static final long BUDGET = 3 * FILE_BYTES + FILE_BYTES / 2;

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T04:00:00Z"));
    private ContentServer server;
    private ContentCache cache;

    @BeforeEach
    void start() throws IOException {
        server = new ContentServer();
        cache = new ContentCache("st-01", dir, BUDGET, clock);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Item item(String name) {
        return server.offer(name, FILE_BYTES);
    }

    /** Fetches each item a minute after the one before, so that their last use is in that order. */
    private void fetchInTurn(Item... items) throws ContentFetchException {
        for (Item item : items) {
            clock.advance(Duration.ofMinutes(1));
            cache.fetch(item);
        }
    }

    private boolean cached(Item item) {
        return Files.exists(dir.resolve(item.sha256()));
    }

    private static Set<String> hashes(Item... items) {
        return Set.copyOf(Arrays.stream(items).map(Item::sha256).toList());
    }

    @Test
    void nothingIsEvictedWhileTheCacheIsWithinItsBudget() throws Exception {
        Item a = item("a"), b = item("b"), c = item("c");
        fetchInTurn(a, b, c);

        assertEquals(List.of(), cache.evict(sha -> false));

        assertTrue(cached(a) && cached(b) && cached(c));
    }

    @Test
    void theLeastRecentlyUsedFilesGoFirstUntilTheCacheFitsItsBudget() throws Exception {
        Item a = item("a"), b = item("b"), c = item("c"), d = item("d"), e = item("e");
        fetchInTurn(a, b, c, d, e);

        List<String> evicted = cache.evict(sha -> false);

        assertEquals(List.of(a.sha256(), b.sha256()), evicted, "the two oldest, oldest first");
        assertFalse(cached(a));
        assertFalse(cached(b));
        assertTrue(cached(c) && cached(d) && cached(e));
    }

    @Test
    void playingAFileMakesItRecentlyUsed() throws Exception {
        Item a = item("a"), b = item("b"), c = item("c"), d = item("d");
        fetchInTurn(a, b, c, d);
        clock.advance(Duration.ofMinutes(1));

        assertTrue(cache.get(a.sha256()).isPresent(), "the playout takes the oldest file");
        List<String> evicted = cache.evict(sha -> false);

        assertEquals(List.of(b.sha256()), evicted);
        assertTrue(cached(a));
    }

    @Test
    void aPinnedFileIsNeverEvictedHoweverOldItIs() throws Exception {
        Item a = item("a"), b = item("b"), c = item("c"), d = item("d");
        fetchInTurn(a, b, c, d);

        List<String> evicted = cache.evict(hashes(a, b)::contains);

        assertEquals(List.of(c.sha256()), evicted, "the oldest file not pinned");
        assertTrue(cached(a) && cached(b) && cached(d));
    }

    @Test
    void pinnedFilesStayEvenWhenTheyAloneExceedTheBudget() throws Exception {
        Item a = item("a"), b = item("b"), c = item("c"), d = item("d"), e = item("e");
        fetchInTurn(a, b, c, d, e);

        List<String> evicted = cache.evict(hashes(a, b, c, d)::contains);

        assertEquals(List.of(e.sha256()), evicted, "only the one file nobody needs");
        assertTrue(cached(a) && cached(b) && cached(c) && cached(d), "the coming sessions keep all they need");
        assertEquals(List.of(), cache.evict(hashes(a, b, c, d)::contains), "and asking again changes nothing");
    }

    @Test
    void aStalePartialDownloadCountsAndIsEvictedLikeAnyOtherFile() throws Exception {
        Item a = item("a"), b = item("b"), c = item("c"), stale = item("stale");
        // As a download cut at half way leaves it (written directly: how much of a cut transfer reaches
        // the disk depends on the network stack's buffers).
        Path part = Files.write(dir.resolve("partial").resolve(stale.sha256() + ".part"), new byte[FILE_BYTES / 2 + 1]);
        fetchInTurn(a, b, c);

        List<String> evicted = cache.evict(hashes(a, b, c)::contains);

        assertEquals(List.of(stale.sha256()), evicted);
        assertFalse(Files.exists(part));
    }

    @Test
    void aPartialDownloadTheScheduleStillNeedsIsKeptToBeResumed() throws Exception {
        Item a = item("a"), b = item("b"), c = item("c"), wanted = item("wanted");
        // What a download cut at half way leaves, written as such: how much of a cut transfer reaches
        // the disk depends on the network stack's buffers, and the test must not.
        Files.write(dir.resolve("partial").resolve(wanted.sha256() + ".part"), new byte[FILE_BYTES / 2 + 1]);
        fetchInTurn(a, b, c);

        List<String> evicted = cache.evict(hashes(wanted)::contains);

        assertEquals(List.of(a.sha256()), evicted);
        assertTrue(Files.exists(dir.resolve("partial").resolve(wanted.sha256() + ".part")));
    }

    @Test
    void filesTheCacheDidNotWriteAreLeftAlone() throws Exception {
        Path notes = Files.writeString(dir.resolve("ghi-chu.txt"), "x".repeat(4 * FILE_BYTES));
        Item a = item("a");
        fetchInTurn(a);

        assertEquals(List.of(), cache.evict(sha -> false), "neither counted nor deleted");

        assertTrue(Files.exists(notes));
        assertTrue(cached(a));
    }

    @Test
    void theOrderOfLastUseSurvivesARestart() throws Exception {
        Item a = item("a"), b = item("b"), c = item("c"), d = item("d");
        fetchInTurn(a, b, c, d);
        clock.advance(Duration.ofMinutes(1));
        cache.get(a.sha256());

        ContentCache afterReboot = new ContentCache("st-01", dir, BUDGET, clock);

        assertEquals(List.of(b.sha256()), afterReboot.evict(sha -> false));
    }

    @Test
    void aBudgetOfNothingIsRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ContentCache("st-01", dir, 0, clock));

        assertTrue(e.getMessage().contains("budget"), e.getMessage());
    }
}
