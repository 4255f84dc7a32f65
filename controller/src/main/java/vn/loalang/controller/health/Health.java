package vn.loalang.controller.health;

import vn.loalang.protocol.station.Telemetry;

import java.time.Instant;
import java.util.List;

/**
 * A station as the technician sees it: OK, DEGRADED or OFFLINE, with every reason in words, the
 * latest telemetry and when it came.
 */
public record Health(String stationId, String village, State state, List<String> reasons, Telemetry telemetry,
                     Instant telemetryAt) {
    public enum State { OK, DEGRADED, OFFLINE }

    public Health {
        reasons = List.copyOf(reasons);
    }
}
