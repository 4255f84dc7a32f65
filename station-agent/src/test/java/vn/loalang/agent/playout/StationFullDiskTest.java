package vn.loalang.agent.playout;

import vn.loalang.protocol.station.EventReason;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.content.ContentPrefetcher;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.testing.Tmpfs;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A station whose SD card is full (a real tmpfs holding its cache, journal and state, filled to the
 * last byte): the session it has cached plays, an emergency takes the line first and the session
 * resumes, a new item that cannot be kept is reported CONTENT_FAILED with the reason DISK_FULL, and
 * the play log still reaches the controller; once space is freed the journal catches up.
 */
class StationFullDiskTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private Tmpfs disk;
    private PlayoutRig rig;
    private HttpServer content;
    private ContentPrefetcher prefetcher;

    @BeforeEach
    void fullStation() throws Exception {
        disk = Tmpfs.mount(dir.resolve("station"), 2048);
        rig = new PlayoutRig(disk.dir(), dir.resolve("wav"));
        content = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        content.start();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (prefetcher != null) {
                prefetcher.close();
            }
            if (rig != null) {
                rig.close();
            }
            if (content != null) {
                content.stop(0);
            }
        } finally {
            disk.close();
        }
    }

    @Test
    void theCachedSessionPlaysAnEmergencyGoesFirstAndTheFullDiskIsReported() throws Exception {
        Item giaLua = rig.cached(Fixtures.ITEM_440HZ_2S, "gia-lua", 2000);
        Item baoHiem = rig.cached(Fixtures.ITEM_1000HZ_1500MS, "bao-hiem", 1500);
        Item baoChay = rig.cached(Fixtures.ITEM_660HZ_1S, "bao-chay", 1000);
        byte[] newBulletin = Files.readAllBytes(Fixtures.path(Fixtures.ITEM_440HZ_2S));
        newBulletin = java.util.Arrays.copyOf(newBulletin, newBulletin.length + 7); // other bytes, another hash
        byte[] served = newBulletin;
        content.createContext("/content/", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, served.length);
                exchange.getResponseBody().write(served);
            }
        });
        Item moi = new Item("tin-moi", "Tin mới", sha256(newBulletin),
                URI.create("http://127.0.0.1:" + content.getAddress().getPort() + "/content/tin-moi"),
                newBulletin.length, 2000, 0.0);
        Path filler = disk.fill();

        Instant now = rig.clock.instant();
        Session sang = new Session("sang", "Buổi sáng", now.plusMillis(300), now.plusSeconds(60), List.of(giaLua, baoHiem));
        Session chieu = new Session("chieu", "Buổi chiều", now.plus(Duration.ofMinutes(30)),
                now.plus(Duration.ofMinutes(40)), List.of(moi));
        rig.receive(sang, chieu);
        prefetcher = new ContentPrefetcher(PlayoutRig.STATION, rig.cache, rig.events, rig.clock, sha -> false);
        prefetcher.start();
        prefetcher.scheduleChanged(rig.keeper.current().orElseThrow());
        PlayoutScheduler playout = rig.startScheduler(true);
        await("the session's first item starts").atMost(WAIT).until(() -> !rig.of(EventType.ITEM_STARTED, "sang").isEmpty());
        Instant itemStart = rig.of(EventType.ITEM_STARTED, "sang").get(0).at();
        playout.submit(new Program("bao-chay", "Báo cháy", Priority.EMERGENCY, itemStart.plusMillis(800),
                itemStart.plusSeconds(60), List.of(baoChay)));

        await("the session ends after the emergency").atMost(WAIT)
                .until(() -> rig.sessionsOf(EventType.SESSION_FINISHED).contains("sang"));
        List<String> order = rig.sent().stream().filter(e -> e.sessionId() != null && e.sessionId().matches("sang|bao-chay")
                        && e.type().name().startsWith("SESSION_")).map(e -> e.type() + " " + e.sessionId()).toList();
        assertEquals(List.of("SESSION_STARTED sang", "SESSION_PREEMPTED sang", "SESSION_STARTED bao-chay",
                "SESSION_FINISHED bao-chay", "SESSION_RESUMED sang", "SESSION_FINISHED sang"), order);
        assertEquals(2, rig.of(EventType.ITEM_FINISHED, "sang").size(), "both cached items were heard");
        assertEquals(1, rig.of(EventType.ITEM_FINISHED, "bao-chay").size(), "the emergency was heard");
        assertFalse(rig.relayOn());

        await("the new item is reported as not kept").atMost(WAIT).until(() -> failed("tin-moi").isPresent());
        StationEvent failed = failed("tin-moi").orElseThrow();
        assertEquals(EventReason.DISK_FULL.name(), failed.reason());
        assertTrue(failed.detail().contains("disk is full"), failed.detail());
        assertTrue(rig.events.journalProblem().orElseThrow().contains("the disk is full"),
                rig.events.journalProblem().toString());

        // Space again: the next event takes every one kept in memory into the journal with it.
        Files.delete(filler);
        rig.events.record(StationEvent.of(EventType.CONTENT_READY).session("chieu").detail("space again"));
        await("the journal's thread writes again").atMost(WAIT).until(() -> rig.events.journalProblem().isEmpty());
        List<String> journal = Files.readAllLines(disk.dir().resolve("events").resolve("events.jsonl"),
                StandardCharsets.UTF_8);
        long last = Json.read(journal.get(journal.size() - 1).getBytes(StandardCharsets.UTF_8), StationEvent.class).seq();
        assertEquals(rig.events.lastSeq(), last);
        assertEquals(rig.events.lastSeq(), journal.size(), "every event numbered while the disk was full is journalled");
    }

    private Optional<StationEvent> failed(String contentId) {
        return rig.sent().stream().filter(e -> e.type() == EventType.CONTENT_FAILED && contentId.equals(e.contentId()))
                .findFirst();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
