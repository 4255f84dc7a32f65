package vn.loalang.agent.playout;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.content.ContentPrefetcher;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cached file a power cut left with the right size but the wrong bytes (zero-filled blocks), met
 * by the playout before the prefetcher checked it: it is never played (the item fails, the session
 * goes on with the next), it is deleted, reported as CONTENT_FAILED with the reason HASH_MISMATCH,
 * and the prefetcher brings it in again for the session that needs it next.
 */
class DamagedContentTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private PlayoutRig rig;
    private HttpServer content;
    private ContentPrefetcher prefetcher;

    @BeforeEach
    void station() throws Exception {
        rig = new PlayoutRig(dir);
        content = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        content.start();
    }

    @AfterEach
    void stop() {
        if (prefetcher != null) {
            prefetcher.close();
        }
        rig.close();
        content.stop(0);
    }

    @Test
    void aDamagedCopyIsNeverPlayedItIsDeletedReportedAndFetchedAgain() throws Exception {
        Item giaLua = rig.cached(Fixtures.ITEM_440HZ_2S, "gia-lua", 2000);
        Item baoHiem = rig.cached(Fixtures.ITEM_1000HZ_1500MS, "bao-hiem", 1500);
        byte[] good = Files.readAllBytes(Fixtures.path(Fixtures.ITEM_440HZ_2S));
        content.createContext("/content/", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, good.length);
                exchange.getResponseBody().write(good);
            }
        });
        Item served = new Item(giaLua.contentId(), giaLua.title(), giaLua.sha256(),
                URI.create("http://127.0.0.1:" + content.getAddress().getPort() + "/content/gia-lua"), giaLua.sizeBytes(),
                giaLua.durationMillis(), giaLua.gainDb());
        Path copy = dir.resolve("cache").resolve(giaLua.sha256());
        Files.write(copy, new byte[good.length]); // the size a power cut kept, the data it did not
        Instant now = rig.clock.instant();
        rig.receive(new Session("sang", "Buổi sáng", now.plusMillis(300), now.plusSeconds(60), List.of(served, baoHiem)),
                new Session("chieu", "Buổi chiều", now.plus(Duration.ofMinutes(30)), now.plus(Duration.ofMinutes(40)),
                        List.of(served)));
        // Built as in the agent, before the playout; started only after the session, so the playout meets the copy first.
        prefetcher = new ContentPrefetcher(PlayoutRig.STATION, rig.cache, rig.events, rig.clock, sha -> false);
        rig.startScheduler(true);

        await("the session ends").atMost(WAIT).until(() -> rig.sessionsOf(EventType.SESSION_FINISHED).contains("sang"));
        assertEquals(List.of(), rig.of(EventType.ITEM_STARTED, "sang").stream()
                .filter(e -> e.contentId().equals("gia-lua")).toList(), "the damaged copy never played");
        assertEquals(List.of("gia-lua"), rig.of(EventType.ITEM_FAILED, "sang").stream().map(StationEvent::contentId).toList());
        assertEquals(List.of("bao-hiem"), rig.of(EventType.ITEM_FINISHED, "sang").stream().map(StationEvent::contentId).toList(),
                "the session went on with the next item");
        assertFalse(rig.relayOn());
        StationEvent reported = rig.sent().stream().filter(e -> e.type() == EventType.CONTENT_FAILED).findFirst().orElseThrow();
        assertEquals("gia-lua", reported.contentId());
        assertEquals(EventReason.HASH_MISMATCH.name(), reported.reason());
        assertTrue(reported.detail().contains("damaged"), reported.detail());
        assertTrue(Files.notExists(copy), "the damaged copy is deleted");

        prefetcher.start();
        prefetcher.scheduleChanged(rig.keeper.current().orElseThrow());
        await("the afternoon's item is fetched again").atMost(WAIT)
                .until(() -> rig.sessionsOf(EventType.CONTENT_READY).contains("chieu"));
        assertArrayEquals(good, Files.readAllBytes(rig.cache.verified(served).orElseThrow()));
    }
}
