package vn.loalang.controller.health;

import vn.loalang.protocol.station.Telemetry;

import java.time.Instant;
import java.util.List;

/**
 * A station as the technician sees it: OK, DEGRADED or OFFLINE, with every reason in words, the
 * latest telemetry and when it came.
 */
public record Health(String stationId, String village, State state, List<String> reasons, List<Problem> problems,
                     Telemetry telemetry, Instant telemetryAt) {
    public enum State { OK, DEGRADED, OFFLINE }

    /** One problem: {@code kind} names it across evaluations (an incident is opened and closed by kind). */
    public record Problem(String kind, String text) {
    }

    public Health {
        reasons = List.copyOf(reasons);
        problems = List.copyOf(problems);
    }
}
