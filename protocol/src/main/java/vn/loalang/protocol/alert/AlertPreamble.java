package vn.loalang.protocol.alert;

import com.fasterxml.jackson.annotation.JsonCreator;

import java.util.List;
import java.util.Optional;

/**
 * What a station sounds before an {@link Alert}'s words: generated on the station, never
 * downloaded. On the wire it is the constant's name ({@code "SIREN"}), as it always was. Read as
 * {@link AlertPriority} is: one a newer controller adds is {@link #UNRECOGNIZED}, played as
 * {@link #SIREN}, the controller's default and the one every listener knows.
 */
public enum AlertPreamble {
    /** A rising and falling siren. */
    SIREN,
    /** A three-note chime, for a warning that should not frighten. */
    CHIME,
    /** Straight to the words. */
    NONE,
    /** One a newer controller sent that this version does not know. Never sent; played as {@link #SIREN}. */
    UNRECOGNIZED;

    /** What a controller may send. */
    public static final List<AlertPreamble> SENT = List.of(SIREN, CHIME, NONE);

    /** The preamble named {@code text}, if it is one a controller sends: for what people type. */
    public static Optional<AlertPreamble> parse(String text) {
        return Alert.named(SENT, text);
    }

    /** As {@link #parse}, refusing anything else with the rule; null is the default, {@link Alert#DEFAULT_PREAMBLE}. */
    public static AlertPreamble of(String text) {
        return text == null ? Alert.DEFAULT_PREAMBLE : parse(text).orElseThrow(() -> new IllegalArgumentException("preamble '" + text
                + "' is not " + Alert.orList(SENT)));
    }

    /** How it reads off the wire: a name this version does not know is {@link #UNRECOGNIZED}; null stays null. */
    @JsonCreator
    public static AlertPreamble fromWire(String wire) {
        return wire == null ? null : Alert.named(List.of(values()), wire).orElse(UNRECOGNIZED);
    }

    /** The preamble it is played as: itself, or for one this version does not know, {@link #SIREN}. */
    public AlertPreamble heardAs() {
        return this == UNRECOGNIZED ? SIREN : this;
    }
}
