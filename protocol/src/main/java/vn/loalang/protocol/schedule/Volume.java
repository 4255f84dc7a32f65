package vn.loalang.protocol.schedule;

/**
 * The bounds of a level on the wire (a station's, a session's, a talk's). The commune's own, narrower
 * range is the controller's policy; these only keep a damaged or hostile message from asking a station
 * for a gain no loudspeaker should get.
 */
public final class Volume {
    public static final double WIRE_MIN_DB = -60.0;
    public static final double WIRE_MAX_DB = 12.0;

    private Volume() {
    }

    /** Refuses a level that is not a number within the wire's bounds; null (no level) passes. */
    public static void check(String what, Double db) {
        if (db != null && (!Double.isFinite(db) || db < WIRE_MIN_DB || db > WIRE_MAX_DB)) {
            throw new IllegalArgumentException(what + ": volumeDb must be between " + WIRE_MIN_DB + " and +"
                    + WIRE_MAX_DB + " dB, not " + db);
        }
    }
}
