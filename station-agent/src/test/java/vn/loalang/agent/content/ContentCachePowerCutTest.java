package vn.loalang.agent.content;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.testing.RecordingSender;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.testing.PowerCutDisk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The content cache on a real ext4 whose power is cut ({@link PowerCutDisk}): a file it downloaded
 * is whole after the cut; a copy an older agent renamed in without forcing it, left empty by the cut,
 * is found before it is used, deleted, reported (CONTENT_FAILED, HASH_MISMATCH) and fetched again.
 */
class ContentCachePowerCutTest {
    private static final String STATION = "st-01";

    @TempDir
    Path work;
    private PowerCutDisk disk;
    private ContentServer server;
    private EventOutbox events;
    private ContentPrefetcher prefetcher;
    private final RecordingSender link = new RecordingSender(true);

    @BeforeEach
    void card() throws Exception {
        disk = PowerCutDisk.create(work, 32);
        server = new ContentServer();
    }

    @AfterEach
    void eject() throws Exception {
        try {
            if (prefetcher != null) {
                prefetcher.close();
            }
            if (events != null) {
                events.close();
            }
            server.close();
        } finally {
            disk.close();
        }
    }

    @Test
    void aDownloadedFileIsWholeAfterThePowerCut() throws Exception {
        Item item = server.offer("gia-lua", 400_000);
        ContentCache cache = new ContentCache(STATION, disk.dir().resolve("cache"));
        cache.fetch(item);

        // At once: nothing else commits the card's journal in between.
        disk.cutPower();
        disk.powerOn();

        List<String> damaged = new ArrayList<>();
        ContentCache afterBoot = new ContentCache(STATION, disk.dir().resolve("cache"));
        afterBoot.onDamaged((i, why) -> damaged.add(why));
        Path file = afterBoot.verified(item).orElseThrow();
        assertEquals(List.of(), damaged);
        assertEquals(item.sha256(), ContentCacheTest.sha256(Files.readAllBytes(file)));
    }

    @Test
    void aCopyThePowerCutLeftEmptyIsDeletedReportedAndFetchedAgainBeforeItIsUsed() throws Exception {
        Item item = server.offer("gia-lua", 400_000);
        Path cacheDir = disk.dir().resolve("cache");
        Files.createDirectories(cacheDir.resolve("partial"));
        // As agents before issue 16 cached a file: written, renamed in, never forced.
        Path part = cacheDir.resolve("partial").resolve(item.sha256() + ".part");
        Files.write(part, server.bytes("gia-lua"));
        Files.move(part, cacheDir.resolve(item.sha256()), StandardCopyOption.ATOMIC_MOVE);
        disk.commitJournal();

        disk.cutPower();
        disk.powerOn();
        assertTrue(Files.size(cacheDir.resolve(item.sha256())) < item.sizeBytes(),
                "the cut left the name on a file without its data");

        ContentCache cache = new ContentCache(STATION, cacheDir);
        events = new EventOutbox(disk.dir().resolve("events"), STATION, Clock.systemUTC(), Duration.ofHours(1));
        events.start(link);
        prefetcher = new ContentPrefetcher(STATION, cache, events, Clock.systemUTC(), sha -> false);
        prefetcher.start();
        Instant now = Instant.now();
        prefetcher.scheduleChanged(new Schedule(1, STATION, "xom-1", 1, "Asia/Ho_Chi_Minh", now,
                now.plus(Duration.ofDays(1)), List.of(new Session("chieu", "Buổi chiều", now.plus(Duration.ofHours(1)),
                now.plus(Duration.ofHours(2)), List.of(item)))));

        await("the item is cached again").atMost(Duration.ofSeconds(30))
                .until(() -> !link.sentOfType(EventType.CONTENT_READY).isEmpty());
        StationEvent failed = link.sentOfType(EventType.CONTENT_FAILED).get(0);
        assertEquals("gia-lua", failed.contentId());
        assertEquals(EventReason.HASH_MISMATCH.name(), failed.reason());
        assertTrue(failed.detail().contains("damaged"), failed.detail());
        assertEquals(1, link.sentOfType(EventType.CONTENT_FAILED).size(), "reported once");
        assertArrayEquals(server.bytes("gia-lua"), Files.readAllBytes(cache.verified(item).orElseThrow()));
    }
}
