package vn.loalang.agent.events;

import vn.loalang.protocol.station.EventReason;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.testing.ManualClock;
import vn.loalang.protocol.testing.Tmpfs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A journal write that a full SD card cuts in the middle leaves nothing behind: the next write after
 * space returns starts on a line of its own, so no event is glued to half of another and lost at boot,
 * and none is journalled twice. On a real tmpfs, filled to within one page.
 */
class EventOutboxTornWriteTest {
    private static final Instant T0 = Instant.parse("2026-03-02T04:00:00Z");

    @TempDir
    Path dir;
    private Tmpfs disk;
    private final List<EventOutbox> opened = new ArrayList<>();

    @AfterEach
    void unmount() throws Exception {
        opened.forEach(EventOutbox::close);
        if (disk != null) {
            disk.close();
        }
    }

    @Test
    void aWriteCutByAFullDiskLeavesNoTornLineAndEveryEventOnceWhenSpaceReturns() throws Exception {
        disk = Tmpfs.mount(dir.resolve("card"), 512);
        Path events = disk.dir().resolve("events");
        EventOutbox outbox = open(events);
        outbox.record(played(0));
        await("the first event is on the card").until(() -> Files.exists(events.resolve("events.jsonl"))
                && Files.size(events.resolve("events.jsonl")) > 0);
        Path filler = disk.fillLeaving(4096);

        // Each about 2.3 KB: the page left takes one and a part of the next, then the card is full.
        for (int i = 1; i <= 4; i++) {
            outbox.record(played(i));
        }
        await("the full card is noticed").until(() -> outbox.journalProblem().isPresent());
        Files.delete(filler);
        outbox.record(played(5));
        await("space is back").until(() -> outbox.journalProblem().isEmpty());

        List<String> lines = Files.readAllLines(events.resolve("events.jsonl"), StandardCharsets.UTF_8);
        List<Long> seqs = new ArrayList<>();
        for (String line : lines) {
            seqs.add(Json.read(line.getBytes(StandardCharsets.UTF_8), StationEvent.class).seq()); // each line whole
        }
        assertEquals(LongStream.rangeClosed(1, 6).boxed().toList(), seqs, "every event once, in order");
        outbox.close();
        assertEquals(6, open(events).lastSeq(), "and a reboot reads them all");
    }

    @Test
    void aFirstBootOnAFullCardStartsAndWritesItsStreamOnceSpaceReturns() throws Exception {
        disk = Tmpfs.mount(dir.resolve("card"), 512);
        Path events = disk.dir().resolve("events");
        Files.createDirectories(events);
        Path filler = disk.fill();

        EventOutbox outbox = open(events);
        outbox.record(played(1));
        await("the full card is noticed").until(() -> outbox.journalProblem().isPresent());
        Files.delete(filler);
        outbox.record(played(2));
        await("space is back").until(() -> outbox.journalProblem().isEmpty());

        assertEquals(outbox.stream(), Files.readString(events.resolve("stream-id")).trim());
        outbox.close();
        EventOutbox after = open(events);
        assertEquals(outbox.stream(), after.stream(), "the same stream after the reboot");
        assertEquals(2, after.lastSeq());
    }

    @Test
    void aTornLineMetAtBootOnAFullCardIsEndedByTheNextWrite() throws Exception {
        disk = Tmpfs.mount(dir.resolve("card"), 512);
        Path events = disk.dir().resolve("events");
        EventOutbox before = open(events);
        before.record(played(1));
        before.close();
        Files.writeString(events.resolve("events.jsonl"), "{\"seq\":2,\"type\":\"ITEM_FAI", StandardOpenOption.APPEND);
        Path filler = disk.fill();

        EventOutbox outbox = open(events); // starts although the torn line cannot be ended now
        Files.delete(filler);
        outbox.record(played(2));
        await("written").until(() -> Files.readAllLines(events.resolve("events.jsonl")).size() == 3);
        outbox.close();

        EventOutbox after = open(events);
        assertEquals(2, after.lastSeq(), "the event written after the torn line is whole");
        assertEquals(2, after.pendingCount());
    }

    private EventOutbox open(Path events) throws Exception {
        EventOutbox outbox = new EventOutbox(events, "st-01", new ManualClock(T0), Duration.ofHours(1));
        opened.add(outbox);
        return outbox;
    }

    private static StationEvent.Draft played(int n) {
        return StationEvent.of(EventType.ITEM_FAILED).session("2026-03-02.morning").content("item-" + n)
                .reason(EventReason.DECODE_FAILED).detail("x".repeat(2000));
    }
}
