package vn.loalang.agent.trust;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.signing.SignedEnvelope;
import vn.loalang.protocol.station.ControllerClock;
import vn.loalang.protocol.testing.ManualClock;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The controller's signed time at the gate of a station whose clock is twelve hours behind: taken
 * whatever that clock says, the same copy again after a restart too; an older one, a forged one or one
 * signed for another topic refused and reported.
 */
class ControllerTimeTest {
    private static final String STATION = "st-01";
    private static final String PRESENCE = Topics.defaults().controllerState();
    private static final Instant T0 = Instant.parse("2026-11-24T22:20:00Z");

    @TempDir
    Path dir;
    private final KeyPair commune = Ed25519Keys.generate();
    private final ManualClock controller = new ManualClock(T0);
    private final ManualClock station = new ManualClock(T0.minus(Duration.ofHours(12)));
    private final EnvelopeSigner signer = new EnvelopeSigner("k1", commune.getPrivate(), controller);
    private EventOutbox events;

    @BeforeEach
    void outbox() throws IOException {
        events = new EventOutbox(dir.resolve("events"), STATION, station, Duration.ofHours(1));
    }

    @AfterEach
    void closeOutbox() {
        events.close();
    }

    private TrustGate gate() throws IOException {
        EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("k1", commune.getPublic()), station, Duration.ofMinutes(5));
        return new TrustGate(STATION, verifier, dir.resolve("state"), events, station);
    }

    private SignedEnvelope time(EnvelopeSigner by, String target) throws Exception {
        return Json.read(by.sign(MessageType.CONTROLLER_CLOCK, target, new ControllerClock("boot-1"),
                controller.instant().plus(Duration.ofMinutes(30))), SignedEnvelope.class);
    }

    @Test
    void theTimeIsTakenWhateverTheStationClockSaysAndTheRetainedCopyAgainAfterARestart() throws Exception {
        SignedEnvelope first = time(signer, PRESENCE);
        TrustGate gate = gate();
        assertEquals(Optional.of(T0), gate.controllerTime(PRESENCE, first));
        assertEquals(Optional.of(T0), gate.controllerTime(PRESENCE, first), "the same copy, delivered twice");
        gate.close();

        TrustGate restarted = gate();
        assertEquals(Optional.of(T0), restarted.controllerTime(PRESENCE, first), "the retained copy after a reboot");
        assertEquals(0, events.lastSeq(), "nothing refused");
        restarted.close();
    }

    @Test
    void anOlderForgedOrMisdirectedTimeIsRefusedAndReported() throws Exception {
        SignedEnvelope older = time(signer, PRESENCE);
        controller.advance(Duration.ofMinutes(10));
        SignedEnvelope renewal = time(signer, PRESENCE);
        TrustGate gate = gate();
        assertEquals(Optional.of(T0.plus(Duration.ofMinutes(10))), gate.controllerTime(PRESENCE, renewal));

        assertEquals(Optional.empty(), gate.controllerTime(PRESENCE, older), "a recording of an older one");
        assertEquals(1, events.lastSeq());
        SignedEnvelope forged = time(new EnvelopeSigner("k1", Ed25519Keys.generate().getPrivate(), controller), PRESENCE);
        assertEquals(Optional.empty(), gate.controllerTime(PRESENCE, forged));
        assertEquals(2, events.lastSeq());
        SignedEnvelope elsewhere = time(signer, Topics.defaults().schedule(STATION));
        assertEquals(Optional.empty(), gate.controllerTime(PRESENCE, elsewhere));
        assertEquals(3, events.lastSeq());
        gate.close();
    }
}
