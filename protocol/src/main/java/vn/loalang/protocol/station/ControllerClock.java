package vn.loalang.protocol.station;

import java.util.Objects;

/**
 * The payload of the signed time the controller puts in its presence ({@link ControllerPresence#clock()}):
 * what a station whose own clock cannot be trusted sets its time by. The time itself is the signed
 * body's {@code issuedAt}; the payload only ties it to the controller run that signed it.
 *
 * @param bootId the controller run, as in the presence that carries it
 */
public record ControllerClock(String bootId) {
    public ControllerClock {
        Objects.requireNonNull(bootId, "bootId");
    }
}
