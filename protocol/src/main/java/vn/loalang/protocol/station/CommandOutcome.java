package vn.loalang.protocol.station;

/** How a technician's command ended on the station, read from its {@link EventType#COMMAND_DONE} event. */
public enum CommandOutcome {
    /** Carried out: the event has no reason. */
    DONE,
    /** Not carried out; the event's reason and detail say why. */
    FAILED;

    /** The outcome of a COMMAND_DONE event; refuses any other type. */
    public static CommandOutcome of(StationEvent done) {
        if (done.type() != EventType.COMMAND_DONE) {
            throw new IllegalArgumentException("a " + done.type() + " event does not end a command");
        }
        return done.reason() == null ? DONE : FAILED;
    }
}
