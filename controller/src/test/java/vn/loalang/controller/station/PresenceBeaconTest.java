package vn.loalang.controller.station;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import vn.loalang.controller.link.ControllerLink;
import vn.loalang.controller.testing.MqttProbe;
import vn.loalang.controller.testing.SharedBroker;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.ControllerClock;
import vn.loalang.protocol.station.ControllerPresence;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.testing.ManualClock;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller's presence through a real broker, read as a station reads it: its birth carries the
 * controller's time, signed afresh at every connect and renewal, verifiable with the commune's key; a
 * clean stop says OFFLINE, so no signed time outlives the controller on the broker.
 */
@ExtendWith(SharedBroker.class)
class PresenceBeaconTest {
    private static final KeyPair KEYS = Ed25519Keys.generate();
    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-24T22:29:50Z"));
    private Topics topics;
    private ControllerLink link;
    private PresenceBeacon beacon;
    private MqttProbe station;

    @BeforeEach
    void connect(TestInfo test) throws Exception {
        String name = test.getTestMethod().orElseThrow().getName();
        topics = new Topics("test/" + name);
        link = new ControllerLink(SharedBroker.broker().url(), "controller-" + name, null, null);
        beacon = new PresenceBeacon(link, new EnvelopeSigner("xa-an-binh", KEYS.getPrivate(), clock),
                topics.controllerState(), "boot-1", () -> "xa-an-binh", clock);
        link.connect();
    }

    @AfterEach
    void close() {
        beacon.close();
        link.close();
        if (station != null) {
            station.close();
        }
    }

    /** The last presence the probe holds, and the signing time of its clock as a station verifies it. */
    private ControllerPresence last() throws Exception {
        var received = station.received(topics.controllerState());
        return Json.read(received.get(received.size() - 1).payload(), ControllerPresence.class);
    }

    private Instant signedAt(ControllerPresence p) throws Exception {
        // The station's own clock is twelve hours behind: the time verifies all the same.
        EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("xa-an-binh", KEYS.getPublic()),
                java.time.Clock.fixed(clock.instant().minus(Duration.ofHours(12)), java.time.ZoneOffset.UTC),
                Duration.ofMinutes(5));
        var v = verifier.verifyRegardlessOfTime(topics.controllerState(), MessageType.CONTROLLER_CLOCK,
                Json.write(p.clock()), ControllerClock.class);
        assertEquals(new ControllerClock("boot-1"), v.payload());
        assertTrue(v.expiresAt().isAfter(v.issuedAt().plus(PresenceBeacon.EVERY)), "outlives one renewal");
        return v.issuedAt();
    }

    @Test
    void theRetainedBirthCarriesTheControllersSignedTimeRenewedAtEachPublish() throws Exception {
        station = MqttProbe.connect(SharedBroker.broker().url(), topics.controllerState());
        await().until(() -> !station.received(topics.controllerState()).isEmpty());
        ControllerPresence birth = last();
        assertEquals(Presence.ONLINE, birth.presence());
        assertEquals("xa-an-binh", birth.commune());
        assertEquals(clock.instant(), signedAt(birth));

        clock.advance(Duration.ofMinutes(10));
        link.publish(topics.controllerState(), beacon.online(), true);
        await().until(() -> station.received(topics.controllerState()).size() == 2);
        assertEquals(clock.instant(), signedAt(last()), "each birth is signed when it is published");
    }

    @Test
    void aCleanStopLeavesOfflineRetainedWithNoTime() throws Exception {
        link.close();
        station = MqttProbe.connect(SharedBroker.broker().url(), topics.controllerState());
        await().until(() -> !station.received(topics.controllerState()).isEmpty());
        ControllerPresence p = last();
        assertEquals(Presence.OFFLINE, p.presence());
        assertNull(p.clock(), "a station booting now has no stale time to set its clock by");
    }
}
