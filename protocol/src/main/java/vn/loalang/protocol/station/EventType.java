package vn.loalang.protocol.station;

/** What a station reports on {@code .../event}. */
public enum EventType {
    /** A verified schedule replaced the previous one; {@code scheduleVersion} says which. */
    SCHEDULE_ACCEPTED,
    /** A message from the controller (or someone pretending) was refused; {@code reason} says why. */
    MESSAGE_REJECTED,
    /** Every item of a session is in the cache, verified. */
    CONTENT_READY,
    /** An item could not be fetched or verified. */
    CONTENT_FAILED,
    /** Relay on: the amplifier warms up for this session. */
    SESSION_STARTED,
    ITEM_STARTED,
    ITEM_FINISHED,
    ITEM_FAILED,
    /**
     * A live item's stream stayed silent longer than it allows (reason says why, {@code playedMillis} how much
     * was heard): the station plays its fallback. Added in issue 17; a controller before it refuses the event.
     */
    ITEM_DROPPED,
    /** A dropped or pre-empted live item's stream is heard again ({@code playedMillis} so far). Added in issue 17. */
    ITEM_RESUMED,
    /** Relay off after the tail. {@code detail} sums up what played. */
    SESSION_FINISHED,
    /** A higher priority took the line; {@code detail} says which and where the session stopped. */
    SESSION_PREEMPTED,
    /** A pre-empted session goes on from where it stopped. */
    SESSION_RESUMED,
    /** A relay's sense input (amplifier power feedback) disagrees with what was commanded. */
    RELAY_SENSE_MISMATCH,
    /** The audio output stopped taking samples; the relays were switched OFF. */
    OUTPUT_STALLED,
    /**
     * The station clock moved out of (reason {@code STATION_AHEAD}, {@code STATION_BEHIND}) or back
     * into ({@code WITHIN_LIMIT}) its allowed offset from the controller's clock.
     */
    CLOCK_OFFSET,
    /**
     * A verified alert for the station's village arrived ({@code sessionId} = alert id); its
     * playing is then reported as a session with the same id ({@code ~2}, {@code ~3} for repeats).
     */
    ALERT_RECEIVED,
    /** An alert was withdrawn (cancelled by the controller, or expired) and what was left of it stopped. */
    ALERT_ENDED,
    /** A technician's command was carried out ({@code sessionId} = command id; {@code reason} set when it failed). */
    COMMAND_DONE
}
