package vn.loalang.protocol.station;

import vn.loalang.protocol.Ids;
import vn.loalang.protocol.SchemaVersion;

import java.time.Instant;
import java.util.Objects;

/**
 * A station's presence, retained on {@code .../state}. The agent publishes ONLINE after every
 * connect and registers OFFLINE as its Last Will, both with the same {@code bootId} and
 * {@code connection} counter: a Will from an older connection that arrives after a newer birth
 * is recognised as stale and ignored (order holds per topic only).
 *
 * @param connection increases with every connection of this boot
 */
public record StationState(int schema, String stationId, Presence presence, String bootId, long connection,
                           String agentVersion, Instant at) {
    public StationState {
        SchemaVersion.require(schema);
        Ids.require("station", stationId);
        Objects.requireNonNull(presence, "presence");
        Objects.requireNonNull(bootId, "bootId");
        Objects.requireNonNull(agentVersion, "agentVersion");
        Objects.requireNonNull(at, "at");
    }

    /** True when this state comes from the same or a later connection than {@code other}. */
    public boolean supersedes(StationState other) {
        if (other == null) {
            return true;
        }
        if (!bootId.equals(other.bootId)) {
            return !at.isBefore(other.at);
        }
        return connection > other.connection
                || (connection == other.connection && presence == Presence.OFFLINE);
    }
}
