package vn.loalang.protocol.schedule;

/** When a relay slot ends. Either way it never runs past its maximum ({@link RelaySpec#end()}). */
public enum EndRule {
    /** At the slot's end time. */
    FIXED,
    /** When the controller says the upstream's programme ended (silence, or the upstream gone), or at the maximum. */
    PROGRAMME_END
}
