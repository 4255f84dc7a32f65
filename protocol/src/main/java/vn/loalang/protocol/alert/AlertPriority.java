package vn.loalang.protocol.alert;

import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.List;
import java.util.Optional;

/**
 * How an {@link Alert} takes the line. On the wire it is the constant's name ({@code "EMERGENCY"}),
 * as it always was.
 *
 * <p>A controller sends only {@link #SENT}. An agent reads any text: a priority added by a newer
 * controller is {@link #UNRECOGNIZED} (as protobuf names an enum value it does not know), never a
 * refusal, and is played as the highest priority this agent knows (decision 0019).
 */
public enum AlertPriority {
    /** Pre-empts a scheduled session, waits out the quiet hours. */
    WARNING,
    /** Pre-empts everything and ignores the quiet hours. */
    EMERGENCY,
    /**
     * A priority a newer controller sent that this version does not know. Never sent. The commune
     * signed the alert to be heard, and a silent loudspeaker is the one outcome an alert must not
     * have, so an agent plays it as {@link #EMERGENCY} and says so in its {@code ALERT_RECEIVED}
     * event (reason {@code UNKNOWN_PRIORITY}).
     */
    UNRECOGNIZED;

    /** What a controller may send, lowest first. */
    public static final List<AlertPriority> SENT = List.of(WARNING, EMERGENCY);

    /** The priority named {@code text}, if it is one a controller sends: for what people type. */
    public static Optional<AlertPriority> parse(String text) {
        return Alert.named(SENT, text);
    }

    /** As {@link #parse}, refusing anything else with the rule. */
    public static AlertPriority of(String text) {
        return parse(text).orElseThrow(() -> new IllegalArgumentException("priority '" + text + "' is not "
                + Alert.orList(SENT)));
    }

    /** How it reads off the wire: a name this version does not know is {@link #UNRECOGNIZED}; null stays null. */
    @JsonCreator
    public static AlertPriority fromWire(String wire) {
        return wire == null ? null : Alert.named(List.of(values()), wire).orElse(UNRECOGNIZED);
    }

    /** The priority it is played as: itself, or for one this version does not know, {@link #EMERGENCY}. */
    public AlertPriority heardAs() {
        return this == UNRECOGNIZED ? EMERGENCY : this;
    }
}
