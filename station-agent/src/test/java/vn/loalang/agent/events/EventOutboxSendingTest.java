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
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The way out: nothing while the link is down, everything in order when it is up, again until acknowledged. */
class EventOutboxSendingTest {
    private static final String STATION = "st-01";

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-03-02T04:00:00Z"));
    private EventOutbox outbox;

    @AfterEach
    void close() {
        if (outbox != null) {
            outbox.close();
        }
    }

    private EventOutbox open(Duration ackTimeout) throws IOException {
        outbox = new EventOutbox(dir, STATION, clock, ackTimeout);
        return outbox;
    }

    private void record(int n) {
        for (int i = 0; i < n; i++) {
            outbox.record(StationEvent.of(EventType.ITEM_STARTED).content("item-" + i));
        }
    }

    private EventAck ackUpTo(long upTo) {
        return new EventAck(1, STATION, outbox.stream(), upTo);
    }

    @Test
    void sendsNothingWhileTheLinkIsNotReady() throws IOException {
        open(Duration.ofHours(1));
        record(3);
        RecordingSender link = new RecordingSender(false);

        outbox.start(link);

        // The sender has asked several times (its loop runs at least every 200 ms) and always heard "not ready".
        await().until(() -> link.readyChecks() >= 3);
        assertTrue(link.sent().isEmpty());
        assertEquals(3, outbox.pendingCount());
    }

    @Test
    void sendsEverythingPendingInOrderOnceTheLinkIsReady() throws IOException {
        open(Duration.ofHours(1));
        record(3);
        RecordingSender link = new RecordingSender(false);
        outbox.start(link);
        await().until(() -> link.readyChecks() >= 2);

        link.ready(true);

        await().until(() -> link.sent().size() == 3);
        assertEquals(List.of(1L, 2L, 3L), link.sentSeqs());
        assertEquals(3, outbox.pendingCount(), "sent is not acknowledged");
    }

    @Test
    void sendsNewEventsAsTheyAreRecordedWithoutRepeatingEarlierOnes() throws IOException {
        open(Duration.ofHours(1));
        RecordingSender link = new RecordingSender(true);
        outbox.start(link);
        record(2);
        await().until(() -> link.sent().size() == 2);

        record(2);

        await().until(() -> link.sent().size() >= 4);
        assertEquals(List.of(1L, 2L, 3L, 4L), link.sentSeqs());
    }

    @Test
    void aFailedSendIsRetriedAndTheOrderIsKept() throws IOException {
        open(Duration.ofHours(1));
        RecordingSender link = new RecordingSender(true);
        link.failNext(2);

        outbox.start(link);
        record(3);

        await().until(() -> link.sent().size() >= 3);
        assertEquals(List.of(1L, 2L, 3L), link.sentSeqs());
    }

    @Test
    void aRestoredLinkGetsEveryUnacknowledgedEventAgain() throws IOException {
        open(Duration.ofHours(1));
        RecordingSender link = new RecordingSender(true);
        outbox.start(link);
        record(3);
        await().until(() -> link.sent().size() == 3);
        outbox.acknowledge(ackUpTo(1));

        outbox.linkRestored();

        await().until(() -> link.sent().size() >= 5);
        assertEquals(List.of(1L, 2L, 3L, 2L, 3L), link.sentSeqs());
    }

    @Test
    void eventsNotAcknowledgedWithinTheTimeoutAreSentAgainUntilAcknowledged() throws IOException {
        open(Duration.ofMillis(300));
        RecordingSender link = new RecordingSender(true);
        outbox.start(link);
        record(3);

        // Silence from the controller: the whole pending run goes out again, oldest first.
        await().atMost(Duration.ofSeconds(5)).until(() -> link.sent().size() >= 6);
        assertEquals(List.of(1L, 2L, 3L, 1L, 2L, 3L), link.sentSeqs().subList(0, 6));

        outbox.acknowledge(ackUpTo(2));
        int atAck = link.sent().size();

        // From now on only seq 3 is repeated; wait for two repeats so the absence of 1 and 2 means something.
        await().atMost(Duration.ofSeconds(5)).until(() -> link.sentSeqs().subList(atAck, link.sent().size()).stream()
                .filter(s -> s == 3L).count() >= 2);
        List<Long> afterAck = link.sentSeqs().subList(atAck, link.sent().size());
        // A resend already in flight when the ack arrived may still carry 1 and 2, but only at its start.
        List<Long> afterFirstThree = afterAck.subList(afterAck.indexOf(3L), afterAck.size());
        assertTrue(afterFirstThree.stream().allMatch(s -> s == 3L), "after the ack only seq 3 repeats: " + afterAck);
    }

    @Test
    void closingStopsTheSenderThread() throws IOException {
        open(Duration.ofHours(1));
        record(1);
        RecordingSender link = new RecordingSender(false);
        outbox.start(link);
        await().until(() -> link.readyChecks() >= 1);

        outbox.close();
        int checksAtClose = link.readyChecks();
        link.ready(true);
        record(1);

        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("events-" + STATION)),
                "the events thread has ended");
        assertTrue(link.sent().isEmpty());
        assertEquals(checksAtClose, link.readyChecks());
    }

    @Test
    void eachSendCarriesTheOldestEventStillHeldSoAControllerThatLacksOlderOnesDoesNotWaitForThem() throws IOException {
        open(Duration.ofHours(1));
        record(3);
        outbox.acknowledge(ackUpTo(2));
        RecordingSender link = new RecordingSender(true);

        outbox.start(link);
        await().until(() -> link.sent().size() == 1);
        outbox.record(StationEvent.of(EventType.ITEM_FINISHED).content("item-3"));
        await().until(() -> link.sent().size() == 2);

        assertEquals(List.of(3L, 4L), link.sentSeqs());
        assertEquals(List.of(3L, 3L), link.pendingFroms(), "event 3 is still unacknowledged when 4 goes out");
    }

    @Test
    void aControllerThatStaysSilentGetsEachResendLaterThanTheOneBefore() throws IOException {
        open(Duration.ofMillis(200));
        RecordingSender link = new RecordingSender(true);
        outbox.start(link);
        record(1);

        // Sent, then again after 200 ms, then after 400 ms more: the third try has gone out.
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(() -> link.sent().size() == 3);

        // The next waits 800 ms; at the fixed 200 ms of before, this quiet spell would be broken at once.
        await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> link.sent().size() == 3);
        await().atMost(Duration.ofSeconds(5)).until(() -> link.sent().size() == 4);
        assertEquals(List.of(1L, 1L, 1L, 1L), link.sentSeqs());
    }

    @Test
    void aReceiptStartsTheResendsFromTheAckTimeoutAgain() throws IOException {
        open(Duration.ofMillis(200));
        RecordingSender link = new RecordingSender(true);
        outbox.start(link);
        record(2);
        await().atMost(Duration.ofSeconds(5)).until(() -> link.sent().size() >= 6); // three rounds: 0, 200, 600 ms

        outbox.acknowledge(ackUpTo(1));
        int atAck = link.sent().size();

        // Without the reset the next round would come 800 ms after the last; with it, 200 ms after the receipt.
        await().atMost(Duration.ofMillis(700)).until(() -> link.sentSeqs().subList(atAck, link.sent().size()).contains(2L));
    }

    @Test
    void atMostAWindowOfEventsIsOutWithoutAReceiptAndEachReceiptMovesItOn() throws IOException {
        open(Duration.ofHours(1));
        record(EventOutbox.IN_FLIGHT + 36);
        RecordingSender link = new RecordingSender(true);

        outbox.start(link);
        await().until(() -> link.sent().size() == EventOutbox.IN_FLIGHT);
        await().during(Duration.ofMillis(300)).until(() -> link.sent().size() == EventOutbox.IN_FLIGHT);

        outbox.acknowledge(ackUpTo(10));
        await().until(() -> link.sent().size() == EventOutbox.IN_FLIGHT + 10);
        assertEquals(EventOutbox.IN_FLIGHT + 10L, link.sentSeqs().get(link.sent().size() - 1));
        outbox.acknowledge(ackUpTo(EventOutbox.IN_FLIGHT + 36));
        assertEquals(0, outbox.pendingCount());
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 30, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void recordingDoesNotWaitForTheCardAndNothingIsSentBeforeItIsWritten() throws Exception {
        // A FIFO in place of the journal: opening it for writing blocks until someone reads, as a stalled SD card would.
        open(Duration.ofHours(1));
        Path journal = dir.resolve("events.jsonl");
        assertEquals(0, new ProcessBuilder("mkfifo", journal.toString()).inheritIO().start().waitFor());
        RecordingSender link = new RecordingSender(true);
        outbox.start(link);

        StationEvent event = outbox.record(StationEvent.of(EventType.ALERT_RECEIVED).session("bao-lu"));

        assertEquals(1, event.seq(), "numbered and returned while the journal's write is held up");
        await().during(Duration.ofMillis(300)).until(() -> link.sent().isEmpty());
        try (java.io.BufferedReader reader = java.nio.file.Files.newBufferedReader(journal)) {
            await().until(() -> link.sent().size() == 1);
            assertTrue(reader.readLine().contains("\"seq\":1"), "the event went to the journal before it was sent");
        }
    }
}
