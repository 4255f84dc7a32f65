package vn.loalang.agent.events;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.testing.ManualClock;
import vn.loalang.agent.testing.RecordingSender;
import vn.loalang.protocol.station.EventAck;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Numbering and the journal: what a reboot or a power cut leaves of the station's play log. */
class EventOutboxJournalTest {
    private static final String STATION = "st-01";
    private static final Instant T0 = Instant.parse("2026-03-02T04:00:00Z");

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(T0);
    private final List<EventOutbox> opened = new ArrayList<>();

    @AfterEach
    void closeAll() {
        opened.forEach(EventOutbox::close);
    }

    /** An outbox on {@link #dir}, as the agent opens it at boot (not started: nothing is sent). */
    private EventOutbox open() throws IOException {
        EventOutbox outbox = new EventOutbox(dir, STATION, clock, Duration.ofHours(1));
        opened.add(outbox);
        return outbox;
    }

    private static StationEvent.Draft played(String contentId) {
        return StationEvent.of(EventType.ITEM_FINISHED).session("2026-03-02.morning").content(contentId)
                .detail("Giá lúa hôm nay");
    }

    private static EventAck ack(EventOutbox outbox, long upTo) {
        return new EventAck(1, STATION, outbox.stream(), upTo);
    }

    /** Starts the outbox with a link that is up, and returns what it sends once {@code count} events went out. */
    private static List<StationEvent> drain(EventOutbox outbox, int count) {
        RecordingSender link = new RecordingSender(true);
        outbox.start(link);
        await().until(() -> link.sent().size() >= count);
        return link.sent();
    }

    @Test
    void numbersEventsFromOneInTheOrderTheyAreRecorded() throws IOException {
        EventOutbox outbox = open();

        StationEvent first = outbox.record(played("a"));
        StationEvent second = outbox.record(StationEvent.of(EventType.SESSION_FINISHED), T0.minusSeconds(5));
        StationEvent third = outbox.record(played("c"));

        assertEquals(List.of(1L, 2L, 3L), List.of(first.seq(), second.seq(), third.seq()));
        assertEquals(3, outbox.lastSeq());
        assertEquals(3, outbox.pendingCount());
        assertEquals(STATION, first.stationId());
        assertEquals(outbox.stream(), first.stream());
        assertEquals(T0, first.at(), "stamped with the station clock");
        assertEquals(T0.minusSeconds(5), second.at(), "or with the moment given");
    }

    @Test
    void aRebootContinuesTheNumberingInTheSameStream() throws IOException {
        EventOutbox before = open();
        before.record(played("a"));
        before.record(played("b"));
        String stream = before.stream();
        before.close();

        EventOutbox after = open();
        StationEvent next = after.record(played("c"));

        assertEquals(stream, after.stream());
        assertEquals(3, next.seq());
    }

    @Test
    void aFreshJournalStartsANewStream() throws IOException {
        Path otherCard = dir.resolveSibling(dir.getFileName() + "-other");
        EventOutbox first = open();
        EventOutbox second = new EventOutbox(otherCard.resolve("events"), STATION, clock, Duration.ofHours(1));
        opened.add(second);

        assertNotEquals(first.stream(), second.stream());
    }

    @Test
    void aRebootQueuesEveryUnacknowledgedEventAgainInOrder() throws IOException {
        EventOutbox before = open();
        List<StationEvent> recorded = List.of(before.record(played("a")), before.record(played("b")),
                before.record(played("c")));
        before.close();

        EventOutbox after = open();

        assertEquals(3, after.pendingCount());
        assertEquals(recorded, drain(after, 3));
    }

    @Test
    void acknowledgedEventsAreForgottenAndStayForgottenAfterAReboot() throws IOException {
        EventOutbox before = open();
        before.record(played("a"));
        before.record(played("b"));
        StationEvent third = before.record(played("c"));

        before.acknowledge(ack(before, 2));

        assertEquals(1, before.pendingCount());
        before.close();
        EventOutbox after = open();
        assertEquals(1, after.pendingCount());
        assertEquals(3, after.lastSeq());
        assertEquals(List.of(third), drain(after, 1));
    }

    @Test
    void anAcknowledgementForAnotherStreamChangesNothing() throws IOException {
        EventOutbox before = open();
        before.record(played("a"));
        before.record(played("b"));

        before.acknowledge(new EventAck(1, STATION, "stream-of-the-old-sd-card", 2));

        assertEquals(2, before.pendingCount());
        before.close();
        assertEquals(2, open().pendingCount());
    }

    @Test
    void anOlderAcknowledgementDoesNotBringBackWhatWasAcknowledged() throws IOException {
        EventOutbox outbox = open();
        outbox.record(played("a"));
        outbox.record(played("b"));
        outbox.record(played("c"));
        outbox.acknowledge(ack(outbox, 2));

        outbox.acknowledge(ack(outbox, 1));

        assertEquals(1, outbox.pendingCount());
        outbox.close();
        assertEquals(1, open().pendingCount());
    }

    @Test
    void anAcknowledgementBeyondTheLastEventDoesNotSwallowLaterOnes() throws IOException {
        EventOutbox before = open();
        before.record(played("a"));
        before.acknowledge(ack(before, 50));
        StationEvent later = before.record(played("b"));

        assertEquals(2, later.seq());
        assertEquals(1, before.pendingCount());
        before.close();
        EventOutbox after = open();
        assertEquals(1, after.pendingCount());
        assertEquals(List.of(later), drain(after, 1));
    }

    @Test
    void aTornLastLineIsSkippedWithoutLosingEarlierEvents() throws IOException {
        EventOutbox before = open();
        List<StationEvent> recorded = List.of(before.record(played("a")), before.record(played("b")));
        before.close();
        appendHalfOfALine();

        EventOutbox after = open();

        assertEquals(2, after.lastSeq());
        assertEquals(2, after.pendingCount());
        assertEquals(recorded, drain(after, 2));
    }

    @Test
    void eventsRecordedAfterATornLineSurviveTheNextReboot() throws IOException {
        EventOutbox first = open();
        first.record(played("a"));
        first.close();
        appendHalfOfALine();
        EventOutbox second = open();
        StationEvent afterCut = second.record(played("b"));
        second.close();

        EventOutbox third = open();

        assertEquals(2, third.lastSeq(), "the event written after the torn line must not be lost");
        assertEquals(2, third.pendingCount());
        assertEquals(3, third.record(played("c")).seq(), "and its number must not be given out again");
        assertTrue(drain(third, 3).contains(afterCut));
    }

    @Test
    void aLineTornInsideAVietnameseCharacterDoesNotStopTheStation() throws IOException {
        EventOutbox before = open();
        StationEvent kept = before.record(played("a"));
        before.close();
        // The next line cut after the first byte of "á" (0xC3 0xA1): invalid UTF-8 at the end of the file.
        byte[] line = (new String(vn.loalang.protocol.Json.write(played("b").numbered(STATION, before.stream(), 2, T0)),
                StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        int cut = indexOf(line, "á".getBytes(StandardCharsets.UTF_8)) + 1;
        Files.write(journal(), Arrays.copyOf(line, cut), StandardOpenOption.APPEND);

        EventOutbox after = open();

        assertEquals(1, after.lastSeq());
        assertEquals(List.of(kept), drain(after, 1));
    }

    private Path journal() {
        return dir.resolve("events.jsonl");
    }

    /** What a power cut in the middle of a write leaves: the first half of a line, no newline. */
    private void appendHalfOfALine() throws IOException {
        String line = "{\"schema\":1,\"stationId\":\"st-01\",\"stream\":\"x\",\"seq\":99,\"at\":\"2026-03-02T04:00:00Z\",\"type\":\"ITEM_FINI";
        Files.writeString(journal(), line, StandardOpenOption.APPEND);
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
