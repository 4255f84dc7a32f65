package vn.loalang.protocol.station;

import vn.loalang.protocol.Ids;
import vn.loalang.protocol.SchemaVersion;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One entry of a station's play log or one acknowledgement. {@code seq} increases by one with every
 * event of the station's journal {@code stream} (it survives reboots; a new stream id means the
 * journal was started afresh, e.g. a new SD card), so the controller sees gaps and drops
 * duplicates. The agent re-sends every event the controller has not acknowledged with an
 * {@link EventAck}.
 *
 * <p>Fields that do not apply to the {@code type} are null and absent from the JSON.
 *
 * @param at     the station's clock when the thing happened (not when it was sent)
 * @param reason machine-readable cause ({@link EventReason}'s name) for MESSAGE_REJECTED, CONTENT_FAILED,
 *               ITEM_FAILED, a session that ended early, a failed command…; kept as text on the wire so that
 *               a controller shows a reason a newer agent sends, see {@link #reasonCode()}
 * @param detail      a sentence for people
 * @param pendingFrom set when sent: the oldest event number the station still holds unacknowledged. Anything
 *                    before it the station has forgotten (acknowledged earlier), so a controller that lacks
 *                    it must not wait for it
 * @param playedMillis how much of the item was heard: set on a live item's ITEM_DROPPED, ITEM_RESUMED and
 *                     ITEM_FINISHED (proof of play for relays and talks; added in issue 17)
 * @param late        true when the item or session was played after its time (a missed relay's or talk's
 *                    recording); null otherwise
 */
public record StationEvent(int schema, String stationId, String stream, long seq, Instant at, EventType type,
                           String sessionId, String contentId, Long scheduleVersion, String reason, String detail,
                           Long pendingFrom, Long playedMillis, Boolean late) {
    /** An event as agents before issue 17 sent it. */
    public StationEvent(int schema, String stationId, String stream, long seq, Instant at, EventType type,
                        String sessionId, String contentId, Long scheduleVersion, String reason, String detail,
                        Long pendingFrom) {
        this(schema, stationId, stream, seq, at, type, sessionId, contentId, scheduleVersion, reason, detail,
                pendingFrom, null, null);
    }

    public StationEvent {
        SchemaVersion.require(schema);
        Ids.require("station", stationId);
        Objects.requireNonNull(stream, "stream");
        if (seq <= 0) {
            throw new IllegalArgumentException("event seq must be positive");
        }
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(type, "type");
        if (playedMillis != null && playedMillis < 0) {
            throw new IllegalArgumentException("event playedMillis must not be negative");
        }
        late = Boolean.TRUE.equals(late) ? Boolean.TRUE : null;
    }

    /** Whether it reports something played after its time. */
    public boolean playedLate() {
        return Boolean.TRUE.equals(late);
    }

    /** The same event as sent now, stamped with the oldest number the station still holds (null: as journalled). */
    public StationEvent sentWith(Long oldestPending) {
        return new StationEvent(schema, stationId, stream, seq, at, type, sessionId, contentId, scheduleVersion, reason,
                detail, oldestPending, playedMillis, late);
    }

    /** The reason as this version knows it; empty when there is none or when a newer agent sent one unknown here. */
    public Optional<EventReason> reasonCode() {
        return EventReason.parse(reason);
    }

    /** An event without a sequence number yet; the outbox numbers it when it is recorded. */
    public static Draft of(EventType type) {
        return new Draft(type, null, null, null, null, null, null, null);
    }

    public record Draft(EventType type, String sessionId, String contentId, Long scheduleVersion, String reason,
                        String detail, Long playedMillis, Boolean late) {
        public Draft session(String id) {
            return new Draft(type, id, contentId, scheduleVersion, reason, detail, playedMillis, late);
        }

        public Draft content(String id) {
            return new Draft(type, sessionId, id, scheduleVersion, reason, detail, playedMillis, late);
        }

        public Draft scheduleVersion(long version) {
            return new Draft(type, sessionId, contentId, version, reason, detail, playedMillis, late);
        }

        /** Why it happened; null for none (a session that ran as planned, a command carried out). */
        public Draft reason(EventReason code) {
            return new Draft(type, sessionId, contentId, scheduleVersion, code == null ? null : code.name(), detail,
                    playedMillis, late);
        }

        /** A sentence for people, cut to what a controller takes ({@link WireLimits#MAX_DETAIL_CHARS}). */
        public Draft detail(String text) {
            return new Draft(type, sessionId, contentId, scheduleVersion, reason,
                    WireLimits.cut(text, WireLimits.MAX_DETAIL_CHARS), playedMillis, late);
        }

        /** How much of a live item was heard so far. */
        public Draft played(long millis) {
            return new Draft(type, sessionId, contentId, scheduleVersion, reason, detail, millis, late);
        }

        /** Marks it as played after its time. */
        public Draft markedLate() {
            return new Draft(type, sessionId, contentId, scheduleVersion, reason, detail, playedMillis, true);
        }

        public StationEvent numbered(String stationId, String stream, long seq, Instant at) {
            return new StationEvent(SchemaVersion.CURRENT, stationId, stream, seq, at, type, sessionId, contentId,
                    scheduleVersion, reason, detail, null, playedMillis, late);
        }
    }
}
