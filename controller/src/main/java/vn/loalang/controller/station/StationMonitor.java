package vn.loalang.controller.station;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.controller.store.StoreException;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.LogText;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.station.StationState;
import vn.loalang.protocol.station.WireLimits;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What the stations tell the controller: presence and the play log. Events are taken once each,
 * by station and sequence number; a duplicate (re-sent after a link loss) is dropped and a gap
 * is logged. Every new event is stored in the {@link EventLog} together with how far the station's
 * journal has been taken, which is read back at start so that a restarted controller still drops
 * duplicates and still waits for the events missing before those it holds.
 *
 * <p>A station is trusted with nothing: an event whose numbers a real agent would never send (beyond
 * {@link WireLimits}) is refused and told by the {@link RefusalLog}, and nothing here loops over a
 * number a station chose. The play log lives in the event log, not in memory.
 */
public final class StationMonitor {
    private static final Logger log = LoggerFactory.getLogger(StationMonitor.class);

    /**
     * Running totals of this run, for the demo's last line and for tests.
     *
     * @param rejections events in which a station said it refused a message (MESSAGE_REJECTED)
     * @param refused    messages from stations this controller refused
     */
    public record Totals(long itemsPlayed, long itemsFailed, long rejections, long duplicatesDropped, long gaps,
                         long refused) {
    }

    /** What an agent makes a journal stream id of: a UUID, or any plain id. */
    private static final Pattern STREAM_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0," + (WireLimits.MAX_ID_CHARS - 1) + "}");
    private static final Pattern PRINTABLE = Pattern.compile("[^\\p{Cntrl}\\u2028\\u2029]+");
    /** Event times a station's clock can give, wrong as it may be after a power cut: anything else is forged. */
    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");

    private final Topics topics;
    private final Supplier<Set<String>> knownStations;
    private final EventLog eventLog;
    private final Map<String, StationState> states = new ConcurrentHashMap<>();
    private final Map<String, EventStream> streams = new ConcurrentHashMap<>();
    private final List<Acknowledger> acknowledgers = new CopyOnWriteArrayList<>();
    /** No item plays longer than this (a relay lasts at most 4 h): more is a broken or forged event. */
    private static final long MAX_PLAYED_MILLIS = java.time.Duration.ofDays(1).toMillis();
    private final List<Consumer<StationEvent>> listeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<StationState>> stateListeners = new CopyOnWriteArrayList<>();
    private final RefusalLog refusals;
    private final AtomicLong itemsPlayed = new AtomicLong();
    private final AtomicLong itemsFailed = new AtomicLong();
    private final AtomicLong rejections = new AtomicLong();
    private long duplicates;
    private long gaps;

    public StationMonitor(Topics topics, Set<String> knownStations, EventLog eventLog) {
        this(topics, () -> knownStations, eventLog, new RefusalLog());
    }

    /**
     * @param knownStations the stations of the directory as it is now (stations are added and removed)
     * @param refusals      where refused messages are counted and told, shared with the {@link StationIntake}
     */
    public StationMonitor(Topics topics, Supplier<Set<String>> knownStations, EventLog eventLog, RefusalLog refusals) {
        this.topics = topics;
        this.knownStations = knownStations;
        this.eventLog = eventLog;
        this.refusals = refusals;
        for (EventLog.Position p : eventLog.positions()) {
            streams.put(p.stationId(), EventStream.at(p));
        }
    }

    public void onEvent(Consumer<StationEvent> listener) {
        listeners.add(listener);
    }

    /** Called with each state a station reports that supersedes the one before (online, offline, its agent's version). */
    public void onState(Consumer<StationState> listener) {
        stateListeners.add(listener);
    }

    /** Told, after every event (new or duplicate), what the controller now holds without a gap. */
    public interface Acknowledger {
        void acknowledge(String stationId, String stream, long upTo);
    }

    public void onAcknowledge(Acknowledger acknowledger) {
        acknowledgers.add(acknowledger);
    }

    public void handleState(String topic, byte[] raw) {
        Optional<String> station = stationOf(topic, Topics.StationLeaf.STATE);
        if (station.isEmpty()) {
            return;
        }
        try {
            StationState state = Json.read(raw, StationState.class);
            if (!state.stationId().equals(station.get())) {
                refusals.refused(station.get(), RefusalLog.Reason.WRONG_STATION,
                        () -> "its state claims to be from station " + state.stationId());
                return;
            }
            String wrong = outOfRange(state);
            if (wrong != null) {
                refusals.refused(station.get(), RefusalLog.Reason.OUT_OF_RANGE, () -> "its state " + wrong);
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
                        LogText.of(state.agentVersion()), LogText.of(state.bootId()), state.connection());
            } else {
                log.warn("Station {} is OFFLINE (boot {}, connection {})", state.stationId(), LogText.of(state.bootId()),
                        state.connection());
            }
            stateListeners.forEach(l -> l.accept(state));
        } catch (MalformedMessageException e) {
            refusals.refused(station.get(), RefusalLog.Reason.UNREADABLE, () -> "its state: " + e.getMessage());
        }
    }

    private static String outOfRange(StationState s) {
        if (s.bootId().length() > WireLimits.MAX_ID_CHARS || s.agentVersion().length() > WireLimits.MAX_ID_CHARS) {
            return "has a boot id or agent version longer than " + WireLimits.MAX_ID_CHARS + " characters";
        }
        if (s.connection() < 0 || s.connection() > WireLimits.MAX_SEQ) {
            return "numbers its connection " + s.connection();
        }
        if (s.at().isBefore(EARLIEST) || !s.at().isBefore(LATEST)) {
            return "is dated " + s.at();
        }
        return null;
    }

    public void handleEvent(String topic, byte[] raw) {
        Optional<String> station = stationOf(topic, Topics.StationLeaf.EVENT);
        if (station.isEmpty()) {
            return;
        }
        StationEvent event;
        try {
            event = Json.read(raw, StationEvent.class);
        } catch (MalformedMessageException e) {
            countUnreadable(station.get(), raw, e);
            return;
        }
        if (!event.stationId().equals(station.get())) {
            refusals.refused(station.get(), RefusalLog.Reason.WRONG_STATION,
                    () -> "its event claims to be from station " + event.stationId());
            return;
        }
        String badNumbers = numbersOutOfRange(event.stream(), event.seq(), event.pendingFrom());
        if (badNumbers != null) {
            refusals.refused(station.get(), RefusalLog.Reason.OUT_OF_RANGE, () -> "event " + badNumbers);
            return;
        }
        String badContent = contentOutOfRange(event);
        if (badContent != null) {
            // Its number is sound: counted, so the station's journal moves on; what it says is not kept.
            refusals.refused(station.get(), RefusalLog.Reason.OUT_OF_RANGE,
                    () -> "event " + event.seq() + " " + badContent + "; counted by its number, not kept");
            if (take(event.stationId(), event.stream(), event.seq(), event.pendingFrom(), null) != Taken.NOT_STORED) {
                acknowledge(event.stationId(), event.stream());
            }
            return;
        }
        StationEvent kept = withDetailCut(event);
        Taken taken = take(kept.stationId(), kept.stream(), kept.seq(), kept.pendingFrom(), kept);
        if (taken == Taken.NOT_STORED) {
            return;
        }
        acknowledge(kept.stationId(), kept.stream());
        if (taken == Taken.DUPLICATE) {
            return;
        }
        count(kept);
        logEvent(kept);
        for (Consumer<StationEvent> l : listeners) {
            l.accept(kept);
        }
    }

    /** Why the numbers of an event are not ones a real agent sends; null when they are. */
    private static String numbersOutOfRange(String stream, long seq, Long pendingFrom) {
        if (!STREAM_ID.matcher(stream).matches()) {
            return "names its journal stream with other than 1 to " + WireLimits.MAX_ID_CHARS
                    + " letters, digits, '.', '_' or '-'";
        }
        if (seq > WireLimits.MAX_SEQ) {
            return "number " + seq + " is beyond " + WireLimits.MAX_SEQ;
        }
        if (pendingFrom != null && (pendingFrom < 1 || pendingFrom > seq)) {
            return seq + " says the oldest event it holds is " + pendingFrom + ", which is not between 1 and " + seq;
        }
        return null;
    }

    /** Why the rest of an event is not what a real agent sends; null when it is. */
    private static String contentOutOfRange(StationEvent e) {
        if (e.at().isBefore(EARLIEST) || !e.at().isBefore(LATEST)) {
            return "is dated " + e.at();
        }
        if (!reference(e.sessionId(), WireLimits.MAX_REF_CHARS) || !reference(e.contentId(), WireLimits.MAX_REF_CHARS)) {
            return "names a session or an item with other than 1 to " + WireLimits.MAX_REF_CHARS + " printable characters";
        }
        if (!reference(e.reason(), WireLimits.MAX_REASON_CHARS)) {
            return "gives a reason code of other than 1 to " + WireLimits.MAX_REASON_CHARS + " printable characters";
        }
        if (e.scheduleVersion() != null && (e.scheduleVersion() < 0 || e.scheduleVersion() > WireLimits.MAX_SEQ)) {
            return "names schedule version " + e.scheduleVersion();
        }
        if (e.playedMillis() != null && e.playedMillis() > MAX_PLAYED_MILLIS) {
            return "says " + e.playedMillis() + " ms of an item were heard, more than a day";
        }
        return null;
    }

    /** Absent, or an id: printable, bounded (it is looked up, stored and logged). */
    private static boolean reference(String text, int max) {
        return text == null || (!text.isEmpty() && text.length() <= max && PRINTABLE.matcher(text).matches());
    }

    private static boolean longer(String text, int max) {
        return text != null && text.length() > max;
    }

    /** Agents before 2026-12 did not cut their details: kept, but no longer than a current agent's. */
    private static StationEvent withDetailCut(StationEvent e) {
        if (!longer(e.detail(), WireLimits.MAX_DETAIL_CHARS)) {
            return e;
        }
        return new StationEvent(e.schema(), e.stationId(), e.stream(), e.seq(), e.at(), e.type(), e.sessionId(),
                e.contentId(), e.scheduleVersion(), e.reason(), WireLimits.cut(e.detail(), WireLimits.MAX_DETAIL_CHARS),
                e.pendingFrom(), e.playedMillis(), e.late());
    }

    private void count(StationEvent e) {
        switch (e.type()) {
            case ITEM_FINISHED -> itemsPlayed.incrementAndGet();
            case ITEM_FAILED -> itemsFailed.incrementAndGet();
            case MESSAGE_REJECTED -> rejections.incrementAndGet();
            default -> {
            }
        }
    }

    /**
     * An event this controller cannot read (a newer agent's event type, a broken payload) is still
     * counted by its number when it has one: otherwise the receipts would stop at it and the station
     * would send everything after it again, forever.
     */
    private void countUnreadable(String stationId, byte[] raw, MalformedMessageException e) {
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(raw);
        } catch (IOException notJson) {
            tree = null;
        }
        if (tree == null || !tree.path("stream").isTextual() || !tree.path("seq").canConvertToLong()
                || tree.path("seq").asLong() <= 0 || !stationId.equals(tree.path("stationId").asText())) {
            refusals.refused(stationId, RefusalLog.Reason.UNREADABLE, () -> "an event: " + e.getMessage());
            return;
        }
        String stream = tree.get("stream").asText();
        long seq = tree.get("seq").asLong();
        JsonNode from = tree.path("pendingFrom");
        if (!from.isMissingNode() && !from.isNull() && !from.canConvertToLong()) {
            refusals.refused(stationId, RefusalLog.Reason.OUT_OF_RANGE, () -> "an event whose pendingFrom is " + from);
            return;
        }
        Long pendingFrom = from.canConvertToLong() ? from.asLong() : null;
        String badNumbers = numbersOutOfRange(stream, seq, pendingFrom);
        if (badNumbers != null) {
            refusals.refused(stationId, RefusalLog.Reason.OUT_OF_RANGE, () -> "unreadable event " + badNumbers);
            return;
        }
        refusals.tell(stationId, RefusalLog.Reason.NOT_READABLE_HERE, () -> "sent event " + seq
                + " that this controller cannot read (" + e.getMessage() + "); counted so the station can go on");
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

    /** NOT_STORED: refused, or the store failed; either way not acknowledged, so a real station sends it again. */
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
                refusals.tell(stationId, RefusalLog.Reason.NEW_JOURNAL, () -> "started a new event journal " + streamId
                        + " (the previous one, " + current.id() + ", ended at " + current.contiguous() + ")");
            }
            // First contact: the station says what it still holds; older events were acknowledged before.
            stream = new EventStream(streamId, (pendingFrom != null ? Math.min(pendingFrom, seq) : seq) - 1);
        } else {
            stream = current.copy();
        }
        if (pendingFrom != null && !stream.mayForgetBefore(pendingFrom)) {
            refusals.refused(stationId, RefusalLog.Reason.TOO_FAR_AHEAD, () -> "event " + seq + " says it holds nothing before "
                    + pendingFrom + ", more than " + WireLimits.MAX_SEQ_JUMP + " after " + stream.contiguous());
            return Taken.NOT_STORED;
        }
        long lost = pendingFrom != null ? stream.forgetBefore(pendingFrom) : 0;
        EventStream.Offer offer = stream.offer(seq);
        if (offer == EventStream.Offer.TOO_FAR) {
            long held = stream.contiguous();
            refusals.refused(stationId, RefusalLog.Reason.TOO_FAR_AHEAD, () -> "event " + seq
                    + " is too far ahead of " + held + " (the controller holds every event up to it, and at most "
                    + WireLimits.MAX_EVENTS_AHEAD + " ahead of a gap, at most " + WireLimits.MAX_SEQ_JUMP + " further)");
            return Taken.NOT_STORED;
        }
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
        String what = LogText.of(e.type() + (e.sessionId() != null ? " session " + e.sessionId() : "")
                + (e.contentId() != null ? " item " + e.contentId() : "")
                + (e.reason() != null ? " reason " + e.reason() : "")
                + (e.playedMillis() != null ? " after " + e.playedMillis() + " ms heard" : "")
                + (e.playedLate() ? " (late)" : "")
                + (e.detail() != null ? ": " + e.detail() : ""), 600);
        switch (e.type()) {
            // A dropped relay is the stream's fault, not the station's; its fallback plays: worth a warning all the same.
            case ITEM_FAILED, CONTENT_FAILED, MESSAGE_REJECTED, ITEM_DROPPED -> log.warn("Station {} #{} at {}: {}", e.stationId(), e.seq(), e.at(), what);
            default -> log.info("Station {} #{} at {}: {}", e.stationId(), e.seq(), e.at(), what);
        }
    }

    private Optional<String> stationOf(String topic, Topics.StationLeaf leaf) {
        Optional<String> station = topics.stationOf(topic).filter(s -> topics.stationLeafOf(topic).orElse(null) == leaf);
        if (station.isEmpty()) {
            refusals.refused("(none)", RefusalLog.Reason.UNKNOWN_TOPIC, () -> "a message on topic " + topic);
            return Optional.empty();
        }
        if (!knownStations.get().contains(station.get())) {
            refusals.refused("(none)", RefusalLog.Reason.UNKNOWN_STATION,
                    () -> "station " + station.get() + " is not in the commune's directory");
            return Optional.empty();
        }
        return station;
    }

    public Optional<StationState> state(String stationId) {
        return Optional.ofNullable(states.get(stationId));
    }

    public synchronized Totals totals() {
        return new Totals(itemsPlayed.get(), itemsFailed.get(), rejections.get(), duplicates, gaps, refusals.total());
    }

    /** Messages refused from one station since the controller started. */
    public long refused(String stationId) {
        return refusals.count(stationId);
    }

    /** The play log of every run, where the stored events can be read back. */
    public EventLog eventLog() {
        return eventLog;
    }
}
