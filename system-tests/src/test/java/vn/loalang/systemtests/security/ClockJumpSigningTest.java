package vn.loalang.systemtests.security;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.trust.TrustGate;
import vn.loalang.controller.signing.StoredSequenceFloor;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.Command;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.testing.ManualClock;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller's clock runs days ahead (a bad time server, a wrong RTC) and is set back; the
 * controller restarts on its SQLite file. A station's real trust gate, itself restarted on its
 * on-disk replay state, still takes the controller's new messages: the signing sequence continues
 * above everything signed before, from the store, instead of from the clock.
 */
class ClockJumpSigningTest {
    static final String STATION = "thon-dong-1";
    static final Topics TOPICS = Topics.defaults();
    static final String TOPIC = TOPICS.command(STATION);
    static final Instant T0 = Instant.parse("2026-12-05T01:00:00Z");

    @TempDir
    Path dir;
    final KeyPair commune = Ed25519Keys.generate();
    final List<StationEvent> journalled = new CopyOnWriteArrayList<>();
    EventOutbox events;
    private TrustGate gate;
    Store store;

    @BeforeEach
    void outbox() throws IOException {
        events = new EventOutbox(dir.resolve("station").resolve("events"), STATION, Clock.systemUTC(), Duration.ofHours(1));
        events.onRecord(journalled::add);
    }

    @AfterEach
    void close() {
        if (gate != null) {
            gate.close();
        }
        events.close();
        if (store != null) {
            store.close();
        }
    }

    /** The controller as it starts: its store opened, its signer reading the floor kept there. */
    EnvelopeSigner controllerStarts(Clock clock) {
        if (store != null) {
            store.close();
        }
        store = Store.open(dir.resolve("controller").resolve("loalang.db"));
        return new EnvelopeSigner("xa-an-binh-k1", commune.getPrivate(), clock, new StoredSequenceFloor(store, clock));
    }

    /**
     * The station's gate as the agent makes it at every start, on the same state folder, after the
     * previous one stopped as the agent stops it (its replay guard is written behind the messages).
     */
    TrustGate stationStarts(Clock clock) throws IOException {
        if (gate != null) {
            gate.close();
        }
        EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("xa-an-binh-k1", commune.getPublic()), clock,
                Duration.ofMinutes(5));
        gate = new TrustGate(STATION, verifier, dir.resolve("station").resolve("state"), events, clock);
        return gate;
    }

    static byte[] command(EnvelopeSigner signer, Clock clock, String id) {
        Instant now = clock.instant();
        Command c = new Command(SchemaVersion.CURRENT, id, STATION, "RESYNC", 5, now, now.plus(Duration.ofMinutes(5)));
        return signer.sign(MessageType.COMMAND, TOPIC, c, c.expiresAt());
    }

    /** What the command handler does with a message the gate admits: acts on it, and remembers its sequence. */
    static boolean takes(TrustGate gate, byte[] raw) {
        Optional<EnvelopeVerifier.Verified<Command>> v = gate.admit(TOPIC, MessageType.COMMAND, raw, Command.class);
        v.ifPresent(ok -> gate.accepted(TOPIC, ok.seq()));
        return v.isPresent();
    }

    List<String> refusals() {
        return journalled.stream().filter(e -> e.type() == EventType.MESSAGE_REJECTED).map(StationEvent::reason).toList();
    }

    @Test
    void aControllerWhoseClockRanAheadAndWasSetBackIsStillHeardAfterARestart() throws IOException {
        // Both clocks follow the same wrong time server, as stations that take their time from the commune's LAN.
        ManualClock clock = new ManualClock(T0);
        EnvelopeSigner controller = controllerStarts(clock);
        assertTrue(takes(stationStarts(clock), command(controller, clock, "c-1")));

        clock.advance(Duration.ofDays(3));
        assertTrue(takes(stationStarts(clock), command(controller, clock, "c-2")), "taken while both clocks ran ahead");

        clock.set(T0.plus(Duration.ofMinutes(10)));
        // Without the kept floor the sequence would come from the clock alone, days below the last one taken.
        EnvelopeSigner forgetful = new EnvelopeSigner("xa-an-binh-k1", commune.getPrivate(), clock);
        TrustGate station = stationStarts(clock);
        assertTrue(!takes(station, command(forgetful, clock, "c-x")), "the check below can fail");
        assertEquals(List.of("REPLAYED"), refusals());

        EnvelopeSigner restarted = controllerStarts(clock);
        station = stationStarts(clock);
        assertTrue(takes(station, command(restarted, clock, "c-3")), "the restarted controller is heard: " + refusals());
        assertTrue(takes(station, command(restarted, clock, "c-4")), "and keeps being heard");

        clock.advance(Duration.ofMinutes(1));
        EnvelopeSigner again = controllerStarts(clock);
        assertTrue(takes(stationStarts(clock), command(again, clock, "c-5")), "across one more restart too");
        assertEquals(List.of("REPLAYED"), refusals(), "nothing else was refused");
    }

    @Test
    void whileTheControllerClockIsFarAheadStationsRefuseItsMessagesAndTakeThemAgainOnceItIsBack() throws IOException {
        // The station keeps the right time; only the controller's runs ahead.
        ManualClock controllerClock = new ManualClock(T0);
        ManualClock stationClock = new ManualClock(T0);
        EnvelopeSigner controller = controllerStarts(controllerClock);
        assertTrue(takes(stationStarts(stationClock), command(controller, controllerClock, "c-1")));

        controllerClock.advance(Duration.ofDays(3));
        assertTrue(!takes(stationStarts(stationClock), command(controller, controllerClock, "c-2")),
                "a message claiming to come from three days ahead is not acted on");
        assertEquals(List.of("NOT_YET_VALID"), refusals(), "and the station says why");

        controllerClock.set(T0.plus(Duration.ofMinutes(10)));
        stationClock.set(T0.plus(Duration.ofMinutes(10)));
        EnvelopeSigner restarted = controllerStarts(controllerClock);
        assertTrue(takes(stationStarts(stationClock), command(restarted, controllerClock, "c-3")));
        assertEquals(List.of("NOT_YET_VALID"), refusals());
    }

    @Test
    void theKeptFloorIsAheadOfEverySequenceSignedButOnlySecondsAhead() {
        ManualClock clock = new ManualClock(T0);
        EnvelopeSigner controller = controllerStarts(clock);
        long before = floor();
        for (int i = 0; i < 200; i++) {
            command(controller, clock, "c-" + i);
            clock.advance(Duration.ofMillis(10));
        }
        long after = floor();
        assertTrue(after > before, "the floor was raised");
        long raisedAt = T0.getEpochSecond() * 1_000_000L;
        assertTrue(after <= raisedAt + Duration.ofSeconds(2 + 10).toNanos() / 1_000,
                "raised a few seconds ahead of the clock, not more: " + (after - raisedAt) + " µs");
    }

    long floor() {
        return store.query(c -> {
            try (var s = c.createStatement(); var rs = s.executeQuery("SELECT coalesce(max(floor), 0) FROM signing_sequence")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
