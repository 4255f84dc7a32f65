package vn.loalang.protocol.signing;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a signed message carries; a verifier refuses a body whose type is not the one the topic expects. */
public enum MessageType {
    SCHEDULE("schedule"), ALERT("alert"), COMMAND("command"), EVENT_ACK("event-ack"),
    /** The controller's time, carried in its presence ({@link vn.loalang.protocol.station.ControllerClock}). */
    CONTROLLER_CLOCK("controller-clock"),
    /** A live channel's state ({@link vn.loalang.protocol.live.LiveState}), added in issue 17. */
    LIVE_STATE("live-state"),
    /** A live talk ({@link vn.loalang.protocol.live.LiveTalk}), added in issue 17. */
    LIVE_TALK("live-talk");

    private final String wire;

    MessageType(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }
}
