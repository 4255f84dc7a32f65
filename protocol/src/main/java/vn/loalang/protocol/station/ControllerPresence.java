package vn.loalang.protocol.station;

import vn.loalang.protocol.Ids;

import java.util.Objects;

/**
 * The controller's birth and Last Will on {@code {root}/controller/state}, retained. Stations
 * watch it to report at once to a controller that (re)started, rather than an interval later: a new
 * {@code bootId} with {@code ONLINE} is a controller they have not yet told.
 *
 * <p>Read by agents of every later version: fields are only ever added, and unknown ones ignored.
 *
 * @param commune the commune's id; absent from the Last Will, which is written before it could change
 */
public record ControllerPresence(Presence presence, String bootId, String commune) {
    public ControllerPresence {
        Objects.requireNonNull(presence, "presence");
        Objects.requireNonNull(bootId, "bootId");
        if (commune != null) {
            Ids.require("commune", commune);
        }
    }

    /** What the controller says when it connects. */
    public static ControllerPresence online(String bootId, String commune) {
        return new ControllerPresence(Presence.ONLINE, bootId, Objects.requireNonNull(commune, "commune"));
    }

    /** What the broker says for the controller when its connection is lost. */
    public static ControllerPresence offline(String bootId) {
        return new ControllerPresence(Presence.OFFLINE, bootId, null);
    }
}
