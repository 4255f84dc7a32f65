package vn.loalang.controller.station;

import vn.loalang.controller.link.PublishException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.priority.BackgroundThreads;
import vn.loalang.controller.link.ControllerLink;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.EventAck;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executors;

/**
 * Sends the signed receipts for station events. Receipts are coalesced per station (only the
 * latest matters) and published off the MQTT callback thread, which must never wait on a publish.
 * A station reports in bursts (an alert's ALERT_RECEIVED, SESSION_STARTED and ITEM_STARTED come
 * within a few milliseconds), so a receipt waits {@link #GATHER} for the rest of its burst: one
 * signature and one message instead of three, for the controller to sign, for a metered SIM to carry
 * and for the station to verify, at the moment both sides are busiest.
 */
public final class EventAcknowledger implements StationMonitor.Acknowledger, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventAcknowledger.class);
    private static final Duration VALID_FOR = Duration.ofHours(1);
    /** How long a receipt waits for more of its station's burst; far below any station's ack timeout. */
    static final Duration GATHER = Duration.ofMillis(100);

    private final ControllerLink link;
    private final EnvelopeSigner signer;
    private final Topics topics;
    private final Clock clock;
    private final Map<String, EventAck> due = new LinkedHashMap<>();
    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(
            BackgroundThreads.named("event-acks"));

    public EventAcknowledger(ControllerLink link, EnvelopeSigner signer, Topics topics, Clock clock) {
        this.link = link;
        this.signer = signer;
        this.topics = topics;
        this.clock = clock;
    }

    @Override
    public void acknowledge(String stationId, String stream, long upTo) {
        boolean schedule;
        synchronized (due) {
            schedule = due.isEmpty();
            due.put(stationId, new EventAck(SchemaVersion.CURRENT, stationId, stream, upTo));
        }
        if (schedule) {
            sender.schedule(this::flush, GATHER.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void flush() {
        Map<String, EventAck> batch;
        synchronized (due) {
            batch = new LinkedHashMap<>(due);
            due.clear();
        }
        for (EventAck ack : batch.values()) {
            String topic = topics.ack(ack.stationId());
            try {
                link.publish(topic, signer.sign(MessageType.EVENT_ACK, topic, ack, clock.instant().plus(VALID_FOR)), false);
            } catch (PublishException e) {
                // The station sends its events again when no receipt comes; the next one will be answered.
                log.info("Receipt for station {} up to event {} not sent now: {}", ack.stationId(), ack.upTo(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        sender.shutdownNow();
    }
}
