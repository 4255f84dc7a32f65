package vn.loalang.agent.schedule;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.protocol.files.AtomicFiles;
import vn.loalang.agent.trust.SignedInbox;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.signing.RejectedMessageException;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Holds the station's schedule: the last good one, on disk as the signed message it came in, so
 * that a reboot without a link still knows tomorrow's sessions. It hears only schedules the
 * {@link SignedInbox} accepted; a refused one never reaches it and changes nothing.
 */
public final class ScheduleKeeper implements SignedInbox.Handler<Schedule> {
    private static final Logger log = LoggerFactory.getLogger(ScheduleKeeper.class);

    private final String stationId;
    private final String topic;
    private final EnvelopeVerifier verifier;
    private final EventOutbox events;
    private final Path file;
    private final List<Consumer<Schedule>> listeners = new CopyOnWriteArrayList<>();
    private volatile Schedule current;

    /** @param topic the schedule's topic, to which the stored signed copy is bound */
    public ScheduleKeeper(String stationId, String topic, EnvelopeVerifier verifier, Path dir, EventOutbox events)
            throws IOException {
        this.stationId = stationId;
        this.topic = topic;
        this.verifier = verifier;
        this.events = events;
        Files.createDirectories(dir);
        this.file = dir.resolve("schedule.signed.json");
        this.current = loadStored();
    }

    public Optional<Schedule> current() {
        return Optional.ofNullable(current);
    }

    /** Called with every newly accepted schedule (on the MQTT thread: keep it short). */
    public void onChange(Consumer<Schedule> listener) {
        listeners.add(listener);
    }

    /**
     * On disk first, as the signed message it came in: a reboot just after still knows it. False when the card
     * refuses it (full): the schedule is still used, and not recorded as accepted, so that after a reboot its
     * retained copy is taken again rather than refused as a duplicate while the older stored one plays.
     */
    @Override
    public boolean keep(SignedInbox.Accepted<Schedule> message) {
        try {
            AtomicFiles.write(file, message.raw());
            return true;
        } catch (IOException e) {
            // Still use it: playing tonight matters more than surviving a reboot with it.
            log.error("Station {} could not store schedule version {} on disk ({}); it plays by it, and takes its "
                    + "retained copy again after a reconnect or a reboot", stationId, message.body().version(),
                    e.getMessage());
            return false;
        }
    }

    @Override
    public void accept(SignedInbox.Accepted<Schedule> message) {
        Schedule schedule = message.body();
        if (schedule.equals(current)) {
            // The retained copy of one the card could not keep, taken again at a reconnect: nothing new to tell.
            log.debug("Station {} already plays by schedule version {}", stationId, schedule.version());
            return;
        }
        current = schedule;
        log.info("Station {} accepted schedule version {} with {} session(s) until {}", stationId,
                schedule.version(), schedule.sessions().size(), schedule.validUntil());
        events.record(StationEvent.of(EventType.SCHEDULE_ACCEPTED).scheduleVersion(schedule.version())
                .detail(schedule.sessions().size() + " session(s) until " + schedule.validUntil()));
        listeners.forEach(l -> l.accept(schedule));
    }

    /**
     * Reads the stored schedule again if none is held: one refused at boot because the station clock
     * was wrong (its signing time "in the future") is good once the clock is.
     */
    public void reloadIfNone() {
        if (current != null) {
            return;
        }
        Schedule stored = loadStored();
        if (stored != null && current == null) {
            current = stored;
            listeners.forEach(l -> l.accept(stored));
        }
    }

    private Schedule loadStored() {
        if (!Files.exists(file)) {
            log.info("Station {} has no stored schedule yet; waiting for the controller", stationId);
            return null;
        }
        try {
            Schedule stored = verifier.verify(topic, MessageType.SCHEDULE, Files.readAllBytes(file), Schedule.class).payload();
            log.info("Station {} resumes with stored schedule version {}", stationId, stored.version());
            return stored;
        } catch (RejectedMessageException e) {
            log.warn("Station {} cannot use its stored schedule: {} ({})", stationId, e.getMessage(), e.reason());
            return null;
        } catch (IOException e) {
            log.error("Station {} cannot read its stored schedule {}: {}", stationId, file, e.getMessage());
            return null;
        }
    }
}
