package vn.loalang.protocol.station;

import vn.loalang.protocol.Ids;
import vn.loalang.protocol.SchemaVersion;

import java.util.Objects;

/**
 * The controller's receipt for a station's events: it holds every event of {@code stream} up to and
 * including {@code upTo}, with no gap. The station may forget those; anything later it sends again.
 * Signed like everything the controller sends, so a forged receipt cannot silence a station's log.
 */
public record EventAck(int schema, String stationId, String stream, long upTo) {
    public EventAck {
        SchemaVersion.require(schema);
        Ids.require("station", stationId);
        Objects.requireNonNull(stream, "stream");
        if (upTo < 0) {
            throw new IllegalArgumentException("upTo must not be negative");
        }
    }
}
