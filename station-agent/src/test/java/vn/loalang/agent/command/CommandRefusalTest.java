package vn.loalang.agent.command;

import java.util.function.BiConsumer;
import vn.loalang.agent.trust.SignedInbox;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.playout.Program;
import vn.loalang.agent.trust.TrustGate;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.Command;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.testing.ManualClock;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A technician's command that the controller did not sign, or not now, or not for this station, is
 * refused by the station's real trust gate and command handler, journalled as MESSAGE_REJECTED with
 * the reason, and does nothing: no relay test or tone on the line (the only way a command reaches the
 * relays), no restart. Real Ed25519 keys throughout; the attacker has everything but the commune's key.
 */
class CommandRefusalTest {
    static final String STATION = "st-01";
    static final Topics TOPICS = Topics.defaults();
    static final String TOPIC = TOPICS.command(STATION);
    static final Instant T0 = Instant.parse("2026-12-05T02:00:00Z");

    @TempDir
    Path dir;
    final KeyPair commune = Ed25519Keys.generate();
    final KeyPair attacker = Ed25519Keys.generate();
    final ManualClock clock = new ManualClock(T0);
    final EnvelopeSigner controller = new EnvelopeSigner("k1", commune.getPrivate(), clock);
    final List<StationEvent> journalled = new CopyOnWriteArrayList<>();
    final List<String> actedOn = new CopyOnWriteArrayList<>();
    EventOutbox events;
    /** The command topic as the station's link delivers it: through the signed inbox to the handler. */
    BiConsumer<String, byte[]> handler;
    /** Its replay guard is written behind each message: closed before the temporary folder goes. */
    private TrustGate gate;

    @BeforeEach
    void station() throws IOException {
        events = new EventOutbox(dir.resolve("events"), STATION, clock, Duration.ofHours(1));
        events.onRecord(journalled::add);
        EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("k1", commune.getPublic()), clock, Duration.ofMinutes(5));
        gate = new TrustGate(STATION, verifier, dir.resolve("state"), events, clock);
        Item silence = new Item("builtin-silence", "Im lặng", "a".repeat(64), URI.create("http://127.0.0.1/builtin/silence"), 1, 1000, 0);
        handler = new SignedInbox(STATION, TOPICS, gate, events).commands(new CommandHandler(STATION, events, clock,
                s -> silence, s -> silence,
                new CommandHandler.Station() {
                    @Override
                    public void submit(Program program) {
                        actedOn.add("submit " + program.id());
                    }

                    @Override
                    public void resync() {
                        actedOn.add("resync");
                    }

                    @Override
                    public boolean supervised() {
                        return true;
                    }

                    @Override
                    public void restart() {
                        actedOn.add("restart");
                    }
                }));
    }

    @AfterEach
    void close() {
        gate.close();
        events.close();
    }

    static Command command(Clock clock, String id, String station, String action) {
        Instant now = clock.instant();
        return new Command(SchemaVersion.CURRENT, id, station, action, 10, now, now.plus(Duration.ofMinutes(2)));
    }

    static byte[] signed(EnvelopeSigner by, String topic, Command c) {
        return by.sign(MessageType.COMMAND, topic, c, c.expiresAt());
    }

    List<String> refusals() {
        return journalled.stream().filter(e -> e.type() == EventType.MESSAGE_REJECTED).map(StationEvent::reason).toList();
    }

    @Test
    void aForgedRelayTestOrRestartIsRefusedAndDoesNothing() {
        EnvelopeSigner stolenKeyId = new EnvelopeSigner("k1", attacker.getPrivate(), clock);
        EnvelopeSigner ownKey = new EnvelopeSigner("attacker", attacker.getPrivate(), clock);
        handler.accept(TOPIC, signed(stolenKeyId, TOPIC, command(clock, "c-f1", STATION, "RELAY_TEST")));
        handler.accept(TOPIC, signed(ownKey, TOPIC, command(clock, "c-f2", STATION, "RESTART")));
        // A real RESYNC whose body is swapped for one that says RESTART, under the same signature. A minute
        // later: the gate reports the same refusal once a minute (a flood of forgeries is one report).
        clock.advance(Duration.ofMinutes(1));
        String text = new String(signed(controller, TOPIC, command(clock, "c-f3", STATION, "RESYNC")), StandardCharsets.UTF_8);
        String body = text.replaceAll(".*\"body\":\"([^\"]+)\".*", "$1");
        String decoded = new String(Base64.getUrlDecoder().decode(body), StandardCharsets.UTF_8);
        String swapped = Base64.getUrlEncoder().withoutPadding().encodeToString(
                decoded.replace("RESYNC", "RESTART").getBytes(StandardCharsets.UTF_8));
        handler.accept(TOPIC, text.replace(body, swapped).getBytes(StandardCharsets.UTF_8));

        assertEquals(List.of("BAD_SIGNATURE", "UNKNOWN_KEY", "BAD_SIGNATURE"), refusals());
        assertEquals(List.of(), actedOn, "nothing on the line, no restart");
        theControllersOwnCommandIsStillCarriedOut();
    }

    @Test
    void aReplayedCommandIsRefusedAndACopyIsIgnored() {
        byte[] older = signed(controller, TOPIC, command(clock, "c-1", STATION, "RELAY_TEST"));
        byte[] newer = signed(controller, TOPIC, command(clock, "c-2", STATION, "RESYNC"));
        handler.accept(TOPIC, newer);
        assertEquals(List.of("resync"), actedOn);

        handler.accept(TOPIC, older); // recorded off the air, sent again after a newer one
        handler.accept(TOPIC, newer); // the same again: a redelivery, or a replay of the newest
        assertEquals(List.of("REPLAYED"), refusals());
        assertEquals(List.of("resync"), actedOn, "neither was carried out again");
    }

    @Test
    void anExpiredOrNotYetValidCommandIsRefusedAndDoesNothing() {
        byte[] recorded = signed(controller, TOPIC, command(clock, "c-old", STATION, "RESTART"));
        clock.advance(Duration.ofMinutes(3));
        handler.accept(TOPIC, recorded);

        ManualClock ahead = new ManualClock(clock.instant().plus(Duration.ofHours(1)));
        handler.accept(TOPIC, signed(new EnvelopeSigner("k1", commune.getPrivate(), ahead), TOPIC,
                command(ahead, "c-ahead", STATION, "RELAY_TEST")));

        assertEquals(List.of("EXPIRED", "NOT_YET_VALID"), refusals());
        assertEquals(List.of(), actedOn);
        theControllersOwnCommandIsStillCarriedOut();
    }

    @Test
    void anotherStationsCommandIsRefusedHereAndDoesNothing() {
        // Signed for st-02 and published (by someone with broker access) on st-01's topic.
        String theirs = TOPICS.command("st-02");
        handler.accept(TOPIC, signed(controller, theirs, command(clock, "c-other", "st-02", "RELAY_TEST")));
        // Signed for this topic but naming another station inside: not for this station either.
        handler.accept(TOPIC, signed(controller, TOPIC, command(clock, "c-inside", "st-02", "RESTART")));

        assertEquals(List.of("WRONG_TARGET", "WRONG_TARGET"), refusals());
        assertEquals(List.of(), actedOn);
        theControllersOwnCommandIsStillCarriedOut();
    }

    /** The harness can tell: the same handler carries out what the controller signed for it, now. */
    private void theControllersOwnCommandIsStillCarriedOut() {
        clock.advance(Duration.ofSeconds(1));
        handler.accept(TOPIC, signed(controller, TOPIC, command(clock, "c-real", STATION, "RELAY_TEST")));
        assertEquals(List.of("submit c-real"), actedOn);
    }
}
