package vn.loalang.agent.trust;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.protocol.testing.ManualClock;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.EventAck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gate on its own: replay state per topic, kept on disk, and the caller deciding what counts as accepted. */
class TrustGateTest {
    private static final String STATION = "st-01";
    private static final Topics TOPICS = Topics.defaults();
    private static final Instant T0 = Instant.parse("2026-03-02T04:00:00Z");

    @TempDir
    Path dir;

    private final KeyPair commune = Ed25519Keys.generate();
    private final ManualClock clock = new ManualClock(T0);
    private final EnvelopeSigner signer = new EnvelopeSigner("k1", commune.getPrivate(), clock);
    private final List<Instant> told = new CopyOnWriteArrayList<>();
    private EventOutbox events;

    @BeforeEach
    void outbox() throws IOException {
        // Not started: the gate only records; these tests read lastSeq.
        events = new EventOutbox(dir.resolve("events"), STATION, clock, Duration.ofHours(1));
    }

    @AfterEach
    void closeOutbox() {
        events.close();
    }

    private TrustGate gate() throws IOException {
        EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("k1", commune.getPublic()), clock, Duration.ofMinutes(5));
        return new TrustGate(STATION, verifier, dir.resolve("state"), events, clock);
    }

    @Test
    void theSameRefusalIsReportedOnceAMinuteWithHowManyCameInBetween() throws IOException {
        TrustGate gate = gate();
        vn.loalang.agent.testing.RecordingSender link = new vn.loalang.agent.testing.RecordingSender(true);
        events.start(link);
        byte[] forged = ack(1);
        forged[forged.length / 2] ^= 1; // one flipped bit: no longer what the controller signed
        for (int i = 0; i < 50; i++) {
            gate.admit(TOPICS.ack(STATION), MessageType.EVENT_ACK, forged, EventAck.class);
        }
        assertEquals(1, events.lastSeq(), "a flood of one refusal is one report, not fifty");
        clock.advance(TrustGate.REPORT_EVERY);
        gate.admit(TOPICS.ack(STATION), MessageType.EVENT_ACK, forged, EventAck.class);
        assertEquals(2, events.lastSeq(), "reported again after a minute");
        org.awaitility.Awaitility.await().until(() -> link.sent().size() == 2);
        assertTrue(link.sent().get(1).detail().contains("and 49 more like it"), link.sent().get(1).detail());

        byte[] expired = ack(2);
        clock.advance(Duration.ofMinutes(20));
        gate.admit(TOPICS.ack(STATION), MessageType.EVENT_ACK, expired, EventAck.class);
        assertEquals(3, events.lastSeq(), "another reason is reported at once");
    }

    @Test
    void aSenderThatVariesEveryRefusalCannotGrowTheReportsWithoutBound() throws IOException {
        TrustGate gate = gate();
        byte[] garbage = "not an envelope".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        for (int i = 0; i < 1000; i++) {
            // Alert ids, and so topics, are the sender's choice.
            gate.admit(TOPICS.zoneAlerts("thon-dong").replace("+", "a-" + i), MessageType.ALERT, garbage, Object.class);
        }

        assertEquals(TrustGate.MAX_KEYS + 1, events.lastSeq(),
                "one report per different refusal up to the bound, then one for all the others in that minute");
    }

    private byte[] ack(long upTo) {
        return signer.sign(MessageType.EVENT_ACK, TOPICS.ack(STATION), new EventAck(1, STATION, "stream-1", upTo),
                T0.plus(Duration.ofMinutes(10)));
    }

    @Test
    void judgesReplaysPerTopic() throws IOException {
        TrustGate gate = gate();
        byte[] olderAck = ack(5);
        byte[] newerAck = ack(6);
        var accepted = gate.admit(TOPICS.ack(STATION), MessageType.EVENT_ACK, newerAck, EventAck.class).orElseThrow();
        gate.accepted(TOPICS.ack(STATION), accepted.seq());

        // The same (older) sequence number on another topic is not a replay there.
        String otherTopic = TOPICS.ack("st-02");
        byte[] forOther = signer.sign(MessageType.EVENT_ACK, otherTopic, new EventAck(1, "st-02", "s", 1),
                T0.plus(Duration.ofMinutes(10)));
        assertTrue(gate.admit(otherTopic, MessageType.EVENT_ACK, forOther, EventAck.class).isPresent());
        assertTrue(gate.admit(TOPICS.ack(STATION), MessageType.EVENT_ACK, olderAck, EventAck.class).isEmpty());
        assertEquals(1, events.lastSeq(), "only the replay on the station's own ack topic is reported");
    }

    @Test
    void aMessageAdmittedButNotAcceptedCanBeAdmittedAgain() throws IOException {
        TrustGate gate = gate();
        byte[] raw = ack(1);

        Optional<EnvelopeVerifier.Verified<EventAck>> first = gate.admit(TOPICS.ack(STATION), MessageType.EVENT_ACK, raw, EventAck.class);
        Optional<EnvelopeVerifier.Verified<EventAck>> second = gate.admit(TOPICS.ack(STATION), MessageType.EVENT_ACK, raw, EventAck.class);

        assertTrue(first.isPresent());
        assertTrue(second.isPresent(), "only accepted() makes a message a duplicate");
        assertEquals(0, events.lastSeq());
    }

    @Test
    void keepsTheReplayStateAcrossARestart() throws IOException {
        byte[] older = ack(1);
        byte[] newer = ack(2);
        TrustGate before = gate();
        long seq = before.admit(TOPICS.ack(STATION), MessageType.EVENT_ACK, newer, EventAck.class).orElseThrow().seq();
        before.accepted(TOPICS.ack(STATION), seq);
        before.close(); // a clean stop waits for the guard's write, which runs behind the message

        TrustGate after = gate();

        assertTrue(after.admit(TOPICS.ack(STATION), MessageType.EVENT_ACK, newer, EventAck.class).isEmpty());
        assertEquals(0, events.lastSeq(), "a duplicate is quiet");
        assertTrue(after.admit(TOPICS.ack(STATION), MessageType.EVENT_ACK, older, EventAck.class).isEmpty());
        assertEquals(1, events.lastSeq(), "a replay is reported");
    }

    /** A gate that writes down every controller signing time it is told of, in {@link #told}. */
    private TrustGate gateTellingTheTime() throws IOException {
        TrustGate gate = gate();
        gate.onControllerTime(told::add);
        return gate;
    }

    private static byte[] ack(EnvelopeSigner by, Instant expiresAt) {
        return by.sign(MessageType.EVENT_ACK, TOPICS.ack(STATION), new EventAck(1, STATION, "stream-1", 1), expiresAt);
    }

    private static Optional<EnvelopeVerifier.Verified<EventAck>> admit(TrustGate gate, byte[] raw) {
        return gate.admit(TOPICS.ack(STATION), MessageType.EVENT_ACK, raw, EventAck.class);
    }

    @Test
    void tellsTheControllersSigningTimeOfNewMessagesButNotOfCopies() throws IOException {
        TrustGate gate = gateTellingTheTime();
        byte[] raw = ack(1);
        gate.accepted(TOPICS.ack(STATION), admit(gate, raw).orElseThrow().seq());

        clock.advance(Duration.ofMinutes(1));
        assertTrue(admit(gate, raw).isEmpty());

        assertEquals(List.of(T0), told, "the retained or redelivered copy is old news");
    }

    @Test
    void aMessageRefusedBecauseTheStationClockIsBehindStillTellsTheControllersTime() throws IOException {
        TrustGate gate = gateTellingTheTime();
        Instant controllerNow = T0.plus(Duration.ofMinutes(20));
        EnvelopeSigner ahead = new EnvelopeSigner("k1", commune.getPrivate(), Clock.fixed(controllerNow, ZoneOffset.UTC));

        assertTrue(admit(gate, ack(ahead, controllerNow.plus(Duration.ofHours(1)))).isEmpty());

        assertEquals(List.of(controllerNow), told);
        assertEquals(1, events.lastSeq(), "and the refusal is still reported");
    }

    @Test
    void anExpiredOrForgedMessageTellsNothingAboutTheControllersClock() throws IOException {
        TrustGate gate = gateTellingTheTime();
        byte[] recorded = ack(1);
        byte[] forged = ack(new EnvelopeSigner("k1", Ed25519Keys.generate().getPrivate(), clock),
                T0.plus(Duration.ofMinutes(10)));

        clock.advance(Duration.ofHours(2));
        assertTrue(admit(gate, recorded).isEmpty());
        assertTrue(admit(gate, forged).isEmpty());

        assertEquals(List.of(), told, "an old recording played back would make the station look hours ahead");
        assertEquals(2, events.lastSeq());
    }

    @Test
    void startsWithAnEmptyReplayStateWhenItsFileIsUnreadable() throws IOException {
        Files.createDirectories(dir.resolve("state"));
        Files.writeString(dir.resolve("state").resolve("replay-guard.json"), "{\"loalang/v1/station/st-01/ack\": 12");

        TrustGate gate = gate();

        assertTrue(gate.admit(TOPICS.ack(STATION), MessageType.EVENT_ACK, ack(1), EventAck.class).isPresent());
    }

    /**
     * Issue 16 point 1, closing the gaps: a station whose clock runs on the controller's retained time, 9 minutes
     * old, finds the receipt of its first events "not yet valid"; its signing time sets the clock right, and the
     * receipt is taken rather than refused. A retained kind of message (a schedule) does not move the clock.
     */
    @Test
    void aReceiptSignedAheadOfAClockThatIsBehindSetsTheClockRightAndIsTaken() throws IOException {
        ManualClock station = new ManualClock(T0.minus(Duration.ofMinutes(9)));
        EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("k1", commune.getPublic()), station, Duration.ofMinutes(5));
        TrustGate gate = new TrustGate(STATION, verifier, dir.resolve("state"), events, station);
        List<Instant> fresh = new CopyOnWriteArrayList<>();
        gate.onTimeSignedWhenSent(signedAt -> {
            fresh.add(signedAt);
            station.set(signedAt); // as StationClock.lowerBound does for a clock on the controller's time
        });

        byte[] schedule = signer.sign(MessageType.SCHEDULE, TOPICS.schedule(STATION), Map.of("stationId", STATION),
                T0.plus(Duration.ofDays(1)));
        assertTrue(gate.admit(TOPICS.schedule(STATION), MessageType.SCHEDULE, schedule,
                com.fasterxml.jackson.databind.JsonNode.class).isEmpty(), "a schedule is judged by the clock as it is");
        assertEquals(List.of(), fresh, "a retained kind of message may be days old: it sets no clock");
        assertEquals(T0.minus(Duration.ofMinutes(9)), station.instant());

        assertTrue(admit(gate, ack(1)).isPresent(), "the receipt, signed 9 minutes ahead of the station's clock, is taken");
        assertEquals(List.of(T0), fresh);
        assertEquals(T0, station.instant(), "and the clock is right");
        assertEquals(1, events.lastSeq(), "only the schedule was refused: " + events.lastSeq());
        gate.close();
    }
}
