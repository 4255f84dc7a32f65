package vn.loalang.protocol.station;

/**
 * How a program ended on a station, read from its {@link EventType#SESSION_FINISHED} event: the
 * one reading of that event's reason that the controller's reports, health and alert deliveries share.
 */
public enum SessionOutcome {
    /** Played as planned: the event has no reason. */
    COMPLETED,
    /** The controller withdrew it. */
    CANCELLED,
    /**
     * Stopped by the station's own rules, not by a fault: a higher priority took the line, or quiet
     * hours held it. The station did what it should.
     */
    HELD_BACK,
    /** Anything else: a fault on the station (window ended, output stalled, stopped, missed…). */
    FAILED;

    /** The outcome of a SESSION_FINISHED event; refuses any other type. */
    public static SessionOutcome of(StationEvent finished) {
        if (finished.type() != EventType.SESSION_FINISHED) {
            throw new IllegalArgumentException("a " + finished.type() + " event does not end a session");
        }
        if (finished.reason() == null) {
            return COMPLETED;
        }
        return finished.reasonCode().map(SessionOutcome::of).orElse(FAILED);
    }

    /** The outcome of a session that ended early for {@code reason}. */
    public static SessionOutcome of(EventReason reason) {
        return switch (reason) {
            case CANCELLED -> CANCELLED;
            case PREEMPTED, QUIET_HOURS -> HELD_BACK;
            default -> FAILED;
        };
    }
}
