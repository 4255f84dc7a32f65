package vn.loalang.protocol.alert;

/**
 * Where an alert stands on one loudspeaker, as the controller keeps it from the station's events
 * and as the API and the console show it (the names are the JSON strings). Progress only moves
 * forward: PENDING (sent) → RECEIVED (verified by the station) → RELAY_ON (its session started) →
 * PLAYING (an item started) → COMPLETED (the first play heard in full). FAILED and CANCELLED end it
 * from any state before; COMPLETED, FAILED and CANCELLED are final. Events may arrive out of order
 * (a station re-sends what was not acknowledged), so a state skipped is fine and a late one is ignored.
 */
public enum DeliveryState {
    PENDING,
    RECEIVED,
    RELAY_ON,
    PLAYING,
    COMPLETED,
    FAILED,
    CANCELLED;

    /** Nothing moves a loudspeaker on from here: later plays add nothing a village head needs to see. */
    public boolean isFinal() {
        return this == COMPLETED || this == FAILED || this == CANCELLED;
    }

    /** Whether an event that says {@code next} moves this state on: never back, never out of a final state. */
    public boolean canMoveTo(DeliveryState next) {
        if (isFinal() || next == this) {
            return false;
        }
        // Progress states are declared in their order; the final ones come after all of them.
        return next.isFinal() || next.ordinal() > ordinal();
    }

    /** The state after an event that says {@code next}: {@code next} when allowed, otherwise this one. */
    public DeliveryState after(DeliveryState next) {
        return canMoveTo(next) ? next : this;
    }
}
