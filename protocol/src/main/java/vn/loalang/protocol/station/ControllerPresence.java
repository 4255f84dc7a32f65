package vn.loalang.protocol.station;

import vn.loalang.protocol.Ids;
import vn.loalang.protocol.signing.SignedEnvelope;

import java.util.Objects;

/**
 * The controller's birth and Last Will on {@code {root}/controller/state}, retained. Stations
 * watch it to report at once to a controller that (re)started, rather than an interval later: a new
 * {@code bootId} with {@code ONLINE} is a controller they have not yet told.
 *
 * <p>Read by agents of every later version: fields are only ever added, and unknown ones ignored.
 *
 * @param commune the commune's id; absent from the Last Will, which is written before it could change
 * @param clock   the controller's time, signed ({@link vn.loalang.protocol.signing.MessageType#CONTROLLER_CLOCK},
 *                target the presence topic, payload {@link ControllerClock}): a station without a trusted clock
 *                sets its time by its {@code issuedAt}. The controller publishes its presence again every few
 *                minutes so that the retained copy stays recent. Absent from the Last Will (the broker sends
 *                it, nobody can sign it then) and from controllers before issue 16.
 */
public record ControllerPresence(Presence presence, String bootId, String commune, SignedEnvelope clock) {
    public ControllerPresence {
        Objects.requireNonNull(presence, "presence");
        Objects.requireNonNull(bootId, "bootId");
        if (commune != null) {
            Ids.require("commune", commune);
        }
    }

    /** What the controller says when it connects, without its time (controllers before issue 16). */
    public static ControllerPresence online(String bootId, String commune) {
        return online(bootId, commune, null);
    }

    /** What the controller says when it connects, with its signed time. */
    public static ControllerPresence online(String bootId, String commune, SignedEnvelope clock) {
        return new ControllerPresence(Presence.ONLINE, bootId, Objects.requireNonNull(commune, "commune"), clock);
    }

    /** What the broker says for the controller when its connection is lost. */
    public static ControllerPresence offline(String bootId) {
        return new ControllerPresence(Presence.OFFLINE, bootId, null, null);
    }
}
