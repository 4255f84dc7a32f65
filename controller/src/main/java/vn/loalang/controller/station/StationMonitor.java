package vn.loalang.controller.station;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.controller.store.StoreException;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.station.StationState;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the stations tell the controller: presence and the play log. Events are taken once each,
 * by station and sequence number; a duplicate (re-sent after a link loss) is dropped and a gap
 * is logged. Every new event is stored in the {@link EventLog} together with how far the station's
 * journal has been taken, which is read back at start so that a restarted controller still drops
 * duplicates and still waits for the events missing before those it holds.
 */
public final class StationMonitor {
    private static final Logger log = LoggerFactory.getLogger(StationMonitor.class);

    /** Running totals, for the demo's last line and for tests. */
    public record Totals(long itemsPlayed, long itemsFailed, long rejections, long duplicatesDropped, long gaps) {
    }

    private final Topics topics;
    private final Supplier<Set<String>> knownStations;
    private final EventLog eventLog;
    private final Map<String, StationState> states = new ConcurrentHashMap<>();
    private final Map<String, EventStream> streams = new ConcurrentHashMap<>();
    private final List<Acknowledger> acknowledgers = new CopyOnWriteArrayList<>();
    private final List<StationEvent> events = new CopyOnWriteArrayList<>();
    private final List<Consumer<StationEvent>> listeners = new CopyOnWriteArrayList<>();
    private long duplicates;
    private long gaps;

    public StationMonitor(Topics topics, Set<String> knownStations, EventLog eventLog) {
        this(topics, () -> knownStations, eventLog);
    }

    /** @param knownStations the stations of the directory as it is now (stations are added and removed) */
    public StationMonitor(Topics topics, Supplier<Set<String>> knownStations, EventLog eventLog) {
        this.topics = topics;
        this.knownStations = knownStations;
        this.eventLog = eventLog;
        for (EventLog.Position p : eventLog.positions()) {
            streams.put(p.stationId(), EventStream.at(p));
        }
    }

    public void onEvent(Consumer<StationEvent> listener) {
        listeners.add(listener);
    }

    /** Told, after every event (new or duplicate), what the controller now holds without a gap. */
    public interface Acknowledger {
        void acknowledge(String stationId, String stream, long upTo);
    }

    public void onAcknowledge(Acknowledger acknowledger) {
        acknowledgers.add(acknowledger);
    }

    public void handleState(String topic, byte[] raw) {
        Optional<String> station = stationOf(topic, "state");
        if (station.isEmpty()) {
            return;
        }
        try {
            StationState state = Json.read(raw, StationState.class);
            if (!state.stationId().equals(station.get())) {
                log.warn("State on {} claims to be from station {}; ignored", topic, state.stationId());
                return;
            }
            StationState before = states.get(state.stationId());
            if (!state.supersedes(before)) {
                log.info("Station {}: ignored a stale {} from connection {} (current is {} of connection {})",
                        state.stationId(), state.presence(), state.connection(), before.presence(), before.connection());
                return;
            }
            states.put(state.stationId(), state);
            if (state.presence() == Presence.ONLINE) {
                log.info("Station {} is online (agent {}, boot {}, connection {})", state.stationId(),
                        state.agentVersion(), state.bootId(), state.connection());
            } else {
                log.warn("Station {} is OFFLINE (boot {}, connection {})", state.stationId(), state.bootId(),
                        state.connection());
            }
        } catch (MalformedMessageException e) {
            log.warn("Malformed state from station {} on {}: {}", station.get(), topic, e.getMessage());
        }
    }

    public void handleEvent(String topic, byte[] raw) {
        Optional<String> station = stationOf(topic, "event");
        if (station.isEmpty()) {
            return;
        }
        StationEvent event;
        try {
            event = Json.read(raw, StationEvent.class);
        } catch (MalformedMessageException e) {
            countUnreadable(station.get(), topic, raw, e);
            return;
        }
        if (!event.stationId().equals(station.get())) {
            log.warn("Event on {} claims to be from station {}; ignored", topic, event.stationId());
            return;
        }
        Taken taken = take(event.stationId(), event.stream(), event.seq(), event.pendingFrom(), event);
        if (taken == Taken.NOT_STORED) {
            return;
        }
        acknowledge(event.stationId(), event.stream());
        if (taken == Taken.DUPLICATE) {
            return;
        }
        events.add(event);
        logEvent(event);
        for (Consumer<StationEvent> l : listeners) {
            l.accept(event);
        }
    }

    /**
     * An event this controller cannot read (a newer agent's event type, a broken payload) is still
     * counted by its number when it has one: otherwise the receipts would stop at it and the station
     * would send everything after it again, forever.
     */
    private void countUnreadable(String stationId, String topic, byte[] raw, MalformedMessageException e) {
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(raw);
        } catch (IOException notJson) {
            tree = null;
        }
        if (tree == null || !tree.path("stream").isTextual() || !tree.path("seq").canConvertToLong()
                || tree.path("seq").asLong() <= 0 || !stationId.equals(tree.path("stationId").asText())) {
            log.warn("Malformed event from station {} on {} ignored: {}", stationId, topic, e.getMessage());
            return;
        }
        String stream = tree.get("stream").asText();
        long seq = tree.get("seq").asLong();
        Long pendingFrom = tree.path("pendingFrom").canConvertToLong() ? tree.get("pendingFrom").asLong() : null;
        log.warn("Station {} sent event {} that this controller cannot read ({}); counted so the station can go on",
                stationId, seq, e.getMessage());
        if (take(stationId, stream, seq, pendingFrom, null) != Taken.NOT_STORED) {
            acknowledge(stationId, stream);
        }
    }

    private void acknowledge(String stationId, String stream) {
        long upTo;
        synchronized (this) {
            upTo = streams.get(stationId).contiguous();
        }
        // Acknowledge duplicates too: the station re-sent them because it never heard the receipt.
        acknowledgers.forEach(a -> a.acknowledge(stationId, stream, upTo));
    }

    private enum Taken { NEW, DUPLICATE, NOT_STORED }

    /**
     * Offers the event (null: one that cannot be read, counted by its number only) to its station's
     * stream. The change is worked out on a copy and made current only once the event log holds it:
     * a receipt must never cover an event the controller would lose in a restart.
     */
    private synchronized Taken take(String stationId, String streamId, long seq, Long pendingFrom, StationEvent event) {
        EventStream current = streams.get(stationId);
        EventStream stream;
        if (current == null || !current.id().equals(streamId)) {
            if (current != null) {
                log.warn("Station {} started a new event journal {} (the previous one, {}, ended at {})",
                        stationId, streamId, current.id(), current.contiguous());
            }
            // First contact: the station says what it still holds; older events were acknowledged before.
            stream = new EventStream(streamId, (pendingFrom != null ? Math.min(pendingFrom, seq) : seq) - 1);
        } else {
            stream = current.copy();
        }
        long lost = pendingFrom != null ? stream.forgetBefore(pendingFrom) : 0;
        EventStream.Offer offer = stream.offer(seq);
        EventLog.Position after = stream.position(stationId);
        boolean fresh = offer != EventStream.Offer.DUPLICATE;
        if (fresh || current == null || !after.equals(current.position(stationId))) {
            try {
                eventLog.record(fresh ? event : null, after);
            } catch (StoreException e) {
                // No receipt: the station keeps the event and sends it again.
                log.error("Station {}: event {} could not be stored and is not acknowledged: {}", stationId, seq,
                        e.getMessage());
                return Taken.NOT_STORED;
            }
        }
        streams.put(stationId, stream);
        if (lost > 0) {
            gaps++;
            log.warn("Station {}: {} event(s) before {} will never arrive: the station no longer holds them",
                    stationId, lost, pendingFrom);
        }
        switch (offer) {
            case DUPLICATE -> {
                duplicates++;
                log.debug("Station {}: dropped duplicate event {}", stationId, seq);
                return Taken.DUPLICATE;
            }
            case AHEAD -> {
                gaps++;
                log.warn("Station {}: event {} arrived before {}..{}; waiting for the station to send those again",
                        stationId, seq, stream.contiguous() + 1, seq - 1);
                return Taken.NEW;
            }
            default -> {
                return Taken.NEW;
            }
        }
    }

    private void logEvent(StationEvent e) {
        String what = e.type() + (e.sessionId() != null ? " session " + e.sessionId() : "")
                + (e.contentId() != null ? " item " + e.contentId() : "")
                + (e.reason() != null ? " reason " + e.reason() : "")
                + (e.detail() != null ? ": " + e.detail() : "");
        switch (e.type()) {
            case ITEM_FAILED, CONTENT_FAILED, MESSAGE_REJECTED -> log.warn("Station {} #{} at {}: {}", e.stationId(), e.seq(), e.at(), what);
            default -> log.info("Station {} #{} at {}: {}", e.stationId(), e.seq(), e.at(), what);
        }
    }

    private Optional<String> stationOf(String topic, String leaf) {
        Optional<String> station = topics.stationOf(topic).filter(s -> Topics.leaf(topic).equals(leaf));
        if (station.isEmpty()) {
            log.warn("Message on unexpected topic {} ignored", topic);
            return Optional.empty();
        }
        if (!knownStations.get().contains(station.get())) {
            log.warn("Message from unknown station {} on {} ignored: it is not in the commune's directory",
                    station.get(), topic);
            return Optional.empty();
        }
        return station;
    }

    public Optional<StationState> state(String stationId) {
        return Optional.ofNullable(states.get(stationId));
    }

    /** Events received in this run, in arrival order. */
    public List<StationEvent> events() {
        return List.copyOf(events);
    }

    public List<StationEvent> events(String stationId) {
        List<StationEvent> out = new ArrayList<>();
        for (StationEvent e : events) {
            if (e.stationId().equals(stationId)) {
                out.add(e);
            }
        }
        return out;
    }

    public synchronized Totals totals() {
        long played = events.stream().filter(e -> e.type() == EventType.ITEM_FINISHED).count();
        long failed = events.stream().filter(e -> e.type() == EventType.ITEM_FAILED).count();
        long rejected = events.stream().filter(e -> e.type() == EventType.MESSAGE_REJECTED).count();
        return new Totals(played, failed, rejected, duplicates, gaps);
    }

    /** The play log of every run, where the stored events can be read back. */
    public EventLog eventLog() {
        return eventLog;
    }
}
