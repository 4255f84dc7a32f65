package vn.loalang.controller.station;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.station.StationState;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * What the stations tell the controller: presence and the play log. Events are taken once each,
 * by station and sequence number; a duplicate (re-sent after a link loss) is dropped and a gap
 * is logged. Every new event is appended to {@code play-log.jsonl}, which is also read back at
 * start so that a restarted controller still drops duplicates.
 */
public final class StationMonitor {
    private static final Logger log = LoggerFactory.getLogger(StationMonitor.class);

    /** Running totals, for the demo's last line and for tests. */
    public record Totals(long itemsPlayed, long itemsFailed, long rejections, long duplicatesDropped, long gaps) {
    }

    private final Topics topics;
    private final Set<String> knownStations;
    private final Path playLog;
    private final Map<String, StationState> states = new ConcurrentHashMap<>();
    private final Map<String, EventStream> streams = new ConcurrentHashMap<>();
    private final List<Acknowledger> acknowledgers = new CopyOnWriteArrayList<>();
    private final List<StationEvent> events = new CopyOnWriteArrayList<>();
    private final List<Consumer<StationEvent>> listeners = new CopyOnWriteArrayList<>();
    private long duplicates;
    private long gaps;

    public StationMonitor(Topics topics, Set<String> knownStations, Path playLog) throws IOException {
        this.topics = topics;
        this.knownStations = Set.copyOf(knownStations);
        this.playLog = playLog;
        Files.createDirectories(playLog.toAbsolutePath().getParent());
        if (Files.exists(playLog)) {
            for (String line : Files.readAllLines(playLog, StandardCharsets.UTF_8)) {
                try {
                    StationEvent e = Json.read(line.getBytes(StandardCharsets.UTF_8), StationEvent.class);
                    accept(e.stationId(), e.stream(), e.seq(), e.pendingFrom());
                } catch (MalformedMessageException e) {
                    log.warn("Skipping an unreadable line of {}: {}", playLog, e.getMessage());
                }
            }
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
        boolean fresh;
        synchronized (this) {
            fresh = accept(event.stationId(), event.stream(), event.seq(), event.pendingFrom());
            if (fresh) {
                append(event);
            }
        }
        acknowledge(event.stationId(), event.stream());
        if (!fresh) {
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
        accept(stationId, stream, seq, pendingFrom);
        acknowledge(stationId, stream);
    }

    private void acknowledge(String stationId, String stream) {
        long upTo;
        synchronized (this) {
            upTo = streams.get(stationId).contiguous();
        }
        // Acknowledge duplicates too: the station re-sent them because it never heard the receipt.
        acknowledgers.forEach(a -> a.acknowledge(stationId, stream, upTo));
    }

    private synchronized boolean accept(String stationId, String streamId, long seq, Long pendingFrom) {
        EventStream stream = streams.get(stationId);
        if (stream == null || !stream.id().equals(streamId)) {
            if (stream != null) {
                log.warn("Station {} started a new event journal {} (the previous one, {}, ended at {})",
                        stationId, streamId, stream.id(), stream.contiguous());
            }
            // First contact: the station says what it still holds; older events were acknowledged before.
            stream = new EventStream(streamId, (pendingFrom != null ? Math.min(pendingFrom, seq) : seq) - 1);
            streams.put(stationId, stream);
        }
        if (pendingFrom != null) {
            long lost = stream.forgetBefore(pendingFrom);
            if (lost > 0) {
                gaps++;
                log.warn("Station {}: {} event(s) before {} will never arrive: the station no longer holds them",
                        stationId, lost, pendingFrom);
            }
        }
        switch (stream.offer(seq)) {
            case DUPLICATE -> {
                duplicates++;
                log.debug("Station {}: dropped duplicate event {}", stationId, seq);
                return false;
            }
            case AHEAD -> {
                gaps++;
                log.warn("Station {}: event {} arrived before {}..{}; waiting for the station to send those again",
                        stationId, seq, stream.contiguous() + 1, seq - 1);
                return true;
            }
            default -> {
                return true;
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

    private synchronized void append(StationEvent event) {
        try (BufferedWriter w = Files.newBufferedWriter(playLog, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            w.write(new String(Json.write(event), StandardCharsets.UTF_8));
            w.newLine();
        } catch (IOException e) {
            log.error("Could not append to the play log {}: {}", playLog, e.getMessage());
        }
    }

    private Optional<String> stationOf(String topic, String leaf) {
        Optional<String> station = topics.stationOf(topic).filter(s -> Topics.leaf(topic).equals(leaf));
        if (station.isEmpty()) {
            log.warn("Message on unexpected topic {} ignored", topic);
            return Optional.empty();
        }
        if (!knownStations.contains(station.get())) {
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

    public Path playLog() {
        return playLog;
    }
}
