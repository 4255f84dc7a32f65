package vn.loalang.controller.schedule;

import vn.loalang.controller.link.PublishException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.link.ControllerLink;
import vn.loalang.controller.schedule.PublishedSchedules.Published;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.store.StoreException;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.MessageType;

import vn.loalang.protocol.SchemaVersion;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Signs each station's schedule and publishes it retained at QoS 1, so a station that connects
 * at any time gets its latest schedule from the broker. The signed bytes are kept, in memory and in
 * the store: after a broker or controller restart they are published again unchanged (stations see
 * a duplicate, not a new schedule).
 */
public final class SchedulePublisher {
    private static final Logger log = LoggerFactory.getLogger(SchedulePublisher.class);

    private final ControllerLink link;
    private final EnvelopeSigner signer;
    private final Topics topics;
    private final Clock clock;
    private final PublishedSchedules stored;
    private final Map<String, Published> published = new ConcurrentHashMap<>();

    /** Starts from the schedules last published with {@code store}, so a restart signs nothing that has not changed. */
    public SchedulePublisher(ControllerLink link, EnvelopeSigner signer, Topics topics, Store store, Clock clock) {
        this.link = link;
        this.signer = signer;
        this.topics = topics;
        this.clock = clock;
        this.stored = new PublishedSchedules(store);
        published.putAll(stored.load());
        if (!published.isEmpty()) {
            log.info("Kept {} schedule(s) published before this start, for station(s) {}", published.size(),
                    String.join(", ", published.keySet()));
        }
    }

    /** Publishes the schedules whose sessions, quiet hours or station level changed; returns how many went out. */
    public synchronized int publish(Map<String, Schedule> schedules) {
        int sent = 0;
        for (Schedule s : schedules.values()) {
            Published before = published.get(s.stationId());
            if (before != null && before.schedule().sessions().equals(s.sessions())
                    && java.util.Objects.equals(before.schedule().quietHours(), s.quietHours())
                    && java.util.Objects.equals(before.schedule().stationVolumeDb(), s.stationVolumeDb())) {
                continue;
            }
            if (signStoreAndSend(s)) {
                sent++;
                log.info("Published schedule version {} to station {}: {} session(s), next {}", s.version(),
                        s.stationId(), s.sessions().size(),
                        s.sessions().isEmpty() ? "none" : s.sessions().get(0).id() + " at " + s.sessions().get(0).start());
            }
        }
        return sent;
    }

    /**
     * Every station that was sent a schedule but is no longer in {@code directory} (decommissioned)
     * is sent a signed schedule with no session at all, kept and republished like any other: clearing
     * the retained message would not be enough, because the agent rightly keeps its last good
     * schedule when the broker hands it something it cannot verify. Runs whether or not the program
     * compiles. Returns how many stations were retired now.
     */
    public synchronized int retire(Set<String> directory, long version, Duration validFor) {
        int retired = 0;
        Instant now = clock.instant();
        for (Published p : List.copyOf(published.values())) {
            Schedule last = p.schedule();
            if (directory.contains(last.stationId()) || last.sessions().isEmpty()) {
                continue;
            }
            Schedule empty = new Schedule(SchemaVersion.CURRENT, last.stationId(), last.zone(), version,
                    last.timeZone(), now, now.plus(validFor), List.of());
            signStoreAndSend(empty);
            retired++;
            log.info("Station {} is no longer in the directory: sent schedule version {} with no session", last.stationId(),
                    version);
        }
        return retired;
    }

    private boolean signStoreAndSend(Schedule s) {
        byte[] signed = signer.sign(MessageType.SCHEDULE, topics.schedule(s.stationId()), s, s.validUntil());
        Published p = new Published(s, signed);
        try {
            stored.save(s.stationId(), p, clock.instant());
        } catch (StoreException e) {
            // Sent all the same: a station with its current schedule matters more than a duplicate after a restart.
            log.error("Schedule version {} for station {} not stored; a restart will sign it again: {}", s.version(),
                    s.stationId(), e.getMessage());
        }
        published.put(s.stationId(), p);
        return send(s.stationId(), signed);
    }

    /**
     * Sends every kept schedule again, e.g. to a broker that restarted with empty memory; returns how
     * many went out. Blocks for each acknowledgement: {@link ScheduleService#republishAll()} runs it on
     * the service's thread, never on the link's.
     */
    public synchronized int republishAll() {
        int sent = 0;
        for (Map.Entry<String, Published> e : published.entrySet()) {
            sent += send(e.getKey(), e.getValue().signed()) ? 1 : 0;
        }
        if (!published.isEmpty()) {
            log.info("Republished {} of {} kept schedule(s) after connecting", sent, published.size());
        }
        return sent;
    }

    /** The schedule last published to {@code stationId}, or null. */
    public Schedule current(String stationId) {
        var p = published.get(stationId);
        return p == null ? null : p.schedule();
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
        } catch (PublishException e) {
            // Kept: it goes out with republishAll() once the broker is back.
            log.warn("Schedule for station {} not published now ({}); it will be sent on reconnect", stationId,
                    e.getMessage());
            return false;
        }
    }
}
