package vn.loalang.controller.schedule;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.link.ControllerLink;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.MessageType;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signs each station's schedule and publishes it retained at QoS 1, so a station that connects
 * at any time gets its latest schedule from the broker. The signed bytes are kept: after a broker
 * restart they are published again unchanged (stations see a duplicate, not a new schedule).
 */
public final class SchedulePublisher {
    private static final Logger log = LoggerFactory.getLogger(SchedulePublisher.class);

    private record Published(Schedule schedule, byte[] signed) {
    }

    private final ControllerLink link;
    private final EnvelopeSigner signer;
    private final Topics topics;
    private final Map<String, Published> published = new ConcurrentHashMap<>();

    public SchedulePublisher(ControllerLink link, EnvelopeSigner signer, Topics topics) {
        this.link = link;
        this.signer = signer;
        this.topics = topics;
    }

    /** Publishes the schedules whose sessions changed; returns how many went out. */
    public synchronized int publish(Map<String, Schedule> schedules) {
        int sent = 0;
        for (Schedule s : schedules.values()) {
            Published before = published.get(s.stationId());
            if (before != null && before.schedule().sessions().equals(s.sessions())) {
                continue;
            }
            byte[] signed = signer.sign(MessageType.SCHEDULE, topics.schedule(s.stationId()), s, s.validUntil());
            published.put(s.stationId(), new Published(s, signed));
            if (send(s.stationId(), signed)) {
                sent++;
                log.info("Published schedule version {} to station {}: {} session(s), next {}", s.version(),
                        s.stationId(), s.sessions().size(),
                        s.sessions().isEmpty() ? "none" : s.sessions().get(0).id() + " at " + s.sessions().get(0).start());
            }
        }
        return sent;
    }

    /** Sends every kept schedule again, e.g. to a broker that restarted with empty memory. */
    public synchronized void republishAll() {
        published.forEach((station, p) -> send(station, p.signed()));
        if (!published.isEmpty()) {
            log.info("Republished {} retained schedule(s) after connecting", published.size());
        }
    }

    public Map<String, Schedule> current() {
        Map<String, Schedule> out = new ConcurrentHashMap<>();
        published.forEach((k, v) -> out.put(k, v.schedule()));
        return out;
    }

    private boolean send(String stationId, byte[] signed) {
        try {
            link.publish(topics.schedule(stationId), signed, true);
            return true;
        } catch (MqttException e) {
            // Kept: it goes out with republishAll() once the broker is back.
            log.warn("Schedule for station {} not published now ({}); it will be sent on reconnect", stationId,
                    e.getMessage());
            return false;
        }
    }
}
