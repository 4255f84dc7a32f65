package vn.loalang.controller.station;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import org.tinylog.Level;
import vn.loalang.controller.link.ControllerLink;
import vn.loalang.controller.testing.CapturedLog;
import vn.loalang.controller.testing.MqttProbe;
import vn.loalang.controller.testing.SharedBroker;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.signing.RejectReason;
import vn.loalang.protocol.signing.RejectedMessageException;
import vn.loalang.protocol.station.EventAck;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Receipts for station events, sent through a real broker and checked as a station checks them. */
@ExtendWith(SharedBroker.class)
class EventAcknowledgerTest {
    private static final Instant NOW = Instant.parse("2026-11-24T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final KeyPair KEYS = Ed25519Keys.generate();
    private static final String KEY_ID = "xa-an-binh-test";
    private static final String DONG = "thon-dong-1";
    private static final String TAY = "thon-tay-1";

    Topics topics;
    ControllerLink link;
    EventAcknowledger acknowledger;
    MqttProbe station;

    @BeforeEach
    void connect(TestInfo test) throws Exception {
        String name = test.getTestMethod().orElseThrow().getName();
        topics = new Topics("test/" + name);
        link = new ControllerLink(SharedBroker.broker().url(), "controller-" + name, null, null);
        link.connect();
        acknowledger = new EventAcknowledger(link, new EnvelopeSigner(KEY_ID, KEYS.getPrivate(), CLOCK), topics, CLOCK);
        station = MqttProbe.connect(SharedBroker.broker().url(), topics.allStations(Topics.StationLeaf.ACK));
    }

    @AfterEach
    void disconnect() {
        acknowledger.close();
        station.close();
        link.close();
    }

    @Test
    void sendsASignedReceiptToTheStationsAckTopic() throws Exception {
        acknowledger.acknowledge(DONG, "sd-a", 17);

        await().atMost(Duration.ofSeconds(10)).until(() -> !station.received(topics.ack(DONG)).isEmpty());
        MqttProbe.Message m = station.received(topics.ack(DONG)).get(0);
        EnvelopeVerifier.Verified<EventAck> v = verifier().verify(topics.ack(DONG), MessageType.EVENT_ACK, m.payload(),
                EventAck.class);
        assertEquals(new EventAck(1, DONG, "sd-a", 17), v.payload());
        assertEquals(NOW.plus(Duration.ofHours(1)), v.expiresAt());
        assertFalse(m.retained(), "a receipt is not kept by the broker");
    }

    @Test
    void aReceiptForOneStationCannotBeReplayedToAnother() throws Exception {
        acknowledger.acknowledge(DONG, "sd-a", 3);

        await().atMost(Duration.ofSeconds(10)).until(() -> !station.received(topics.ack(DONG)).isEmpty());
        byte[] payload = station.received(topics.ack(DONG)).get(0).payload();
        RejectedMessageException e = assertThrows(RejectedMessageException.class,
                () -> verifier().verify(topics.ack(TAY), MessageType.EVENT_ACK, payload, EventAck.class));
        assertEquals(RejectReason.WRONG_TARGET, e.reason());
    }

    @Test
    void eachStationGetsItsOwnReceiptAndTheLastOneHoldsTheLatestMark() throws Exception {
        for (long upTo = 1; upTo <= 50; upTo++) {
            acknowledger.acknowledge(DONG, "sd-a", upTo);
        }
        acknowledger.acknowledge(TAY, "sd-t", 4);

        await().atMost(Duration.ofSeconds(10)).until(() -> !station.received(topics.ack(TAY)).isEmpty()
                && lastUpTo(DONG) == 50);
        List<Long> dong = station.received(topics.ack(DONG)).stream().map(m -> upTo(DONG, m)).toList();
        assertTrue(dong.size() <= 50, "receipts are coalesced, never multiplied: " + dong);
        for (int i = 1; i < dong.size(); i++) {
            assertTrue(dong.get(i) > dong.get(i - 1), "receipts only move forward: " + dong);
        }
        assertEquals(4, upTo(TAY, station.received(topics.ack(TAY)).get(0)));
    }

    @Test
    void aStationsBurstIsAnsweredWithOneReceipt() throws Exception {
        // An alert's ALERT_RECEIVED, SESSION_STARTED and ITEM_STARTED arrive microseconds apart, well
        // within the receipt's wait for the rest of its burst.
        acknowledger.acknowledge(DONG, "sd-a", 1);
        acknowledger.acknowledge(DONG, "sd-a", 2);
        acknowledger.acknowledge(DONG, "sd-a", 3);

        await().atMost(Duration.ofSeconds(10)).until(() -> lastUpTo(DONG) == 3);
        assertEquals(List.of(3L), station.received(topics.ack(DONG)).stream().map(m -> upTo(DONG, m)).toList(),
                "one signature and one message for the burst");
    }

    @Test
    void aReceiptThatCannotBeSentIsLoggedAndTheNextOneStillGoesOut() {
        link.close(); // the broker is out of reach: the station will send its events again

        acknowledger.acknowledge(DONG, "sd-a", 5);
        acknowledger.acknowledge(TAY, "sd-t", 9);

        await().atMost(Duration.ofSeconds(10)).until(() -> !CapturedLog.lines(EventAcknowledger.class, Level.INFO,
                "Receipt for station thon-tay-1 up to event 9 not sent now").isEmpty());
        assertFalse(CapturedLog.lines(EventAcknowledger.class, Level.INFO,
                "Receipt for station thon-dong-1 up to event 5 not sent now").isEmpty(),
                "a failed receipt does not stop the others of the batch");
    }

    private long lastUpTo(String stationId) {
        List<MqttProbe.Message> got = station.received(topics.ack(stationId));
        return got.isEmpty() ? -1 : upTo(stationId, got.get(got.size() - 1));
    }

    private long upTo(String stationId, MqttProbe.Message m) {
        try {
            return verifier().verify(topics.ack(stationId), MessageType.EVENT_ACK, m.payload(), EventAck.class).payload().upTo();
        } catch (RejectedMessageException e) {
            throw new AssertionError(e);
        }
    }

    private static EnvelopeVerifier verifier() {
        return new EnvelopeVerifier(Map.of(KEY_ID, KEYS.getPublic()), CLOCK, Duration.ofMinutes(5));
    }
}
