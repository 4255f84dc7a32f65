package vn.loalang.agent.trust;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.EventAck;

/**
 * The controller's signed receipts for this station's events, on {@code …/ack}: only a receipt the
 * trust gate admits, and that was made for this station, lets the outbox forget the events it covers.
 */
public record EventReceipts(String stationId, TrustGate gate, EventOutbox outbox) {
    private static final Logger log = LoggerFactory.getLogger(EventReceipts.class);

    public void onMessage(String topic, byte[] raw) {
        gate.admit(topic, MessageType.EVENT_ACK, raw, EventAck.class).ifPresent(verified -> {
            EventAck ack = verified.payload();
            if (!ack.stationId().equals(stationId)) {
                log.warn("Station {} ignores an acknowledgement made for station {}", stationId, ack.stationId());
                return;
            }
            gate.accepted(topic, verified.seq());
            outbox.acknowledge(ack);
        });
    }
}
