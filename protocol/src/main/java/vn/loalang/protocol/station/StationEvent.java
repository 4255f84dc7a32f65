package vn.loalang.protocol.station;

import vn.loalang.protocol.Ids;
import vn.loalang.protocol.SchemaVersion;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of a station's play log or one acknowledgement. {@code seq} increases by one with every
 * event the station ever emits (it survives reboots), so the controller sees gaps and drops
 * duplicates: the agent re-sends everything not yet delivered after a link loss.
 *
 * <p>Fields that do not apply to the {@code type} are null and absent from the JSON.
 *
 * @param at     the station's clock when the thing happened (not when it was sent)
 * @param reason machine-readable cause for MESSAGE_REJECTED, CONTENT_FAILED and ITEM_FAILED
 * @param detail a sentence for people
 */
public record StationEvent(int schema, String stationId, long seq, Instant at, EventType type, String sessionId,
                           String contentId, Long scheduleVersion, String reason, String detail) {
    public StationEvent {
        SchemaVersion.require(schema);
        Ids.require("station", stationId);
        if (seq <= 0) {
            throw new IllegalArgumentException("event seq must be positive");
        }
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(type, "type");
    }

    /** An event without a sequence number yet; the outbox numbers it when it is recorded. */
    public static Draft of(EventType type) {
        return new Draft(type, null, null, null, null, null);
    }

    public record Draft(EventType type, String sessionId, String contentId, Long scheduleVersion, String reason,
                        String detail) {
        public Draft session(String id) {
            return new Draft(type, id, contentId, scheduleVersion, reason, detail);
        }

        public Draft content(String id) {
            return new Draft(type, sessionId, id, scheduleVersion, reason, detail);
        }

        public Draft scheduleVersion(long version) {
            return new Draft(type, sessionId, contentId, version, reason, detail);
        }

        public Draft reason(String code) {
            return new Draft(type, sessionId, contentId, scheduleVersion, code, detail);
        }

        public Draft detail(String text) {
            return new Draft(type, sessionId, contentId, scheduleVersion, reason, text);
        }

        public StationEvent numbered(String stationId, long seq, Instant at) {
            return new StationEvent(SchemaVersion.CURRENT, stationId, seq, at, type, sessionId, contentId,
                    scheduleVersion, reason, detail);
        }
    }
}
