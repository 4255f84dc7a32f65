package vn.loalang.agent.playout;

/** Who may take the line from whom: a higher priority pre-empts a lower one at once. Idle is the absence of all. */
public enum Priority {
    /** One of the commune's scheduled sessions. */
    SESSION,
    /** A warning (weather, tide): pre-empts a session, waits out the quiet hours. */
    WARNING,
    /** An operator's live talk: pre-empts a session and a warning, waits out the quiet hours as a warning does. */
    LIVE,
    /** An emergency announcement: pre-empts everything and ignores the quiet hours. */
    EMERGENCY;

    public boolean outranks(Priority other) {
        return compareTo(other) > 0;
    }
}
