package vn.loalang.controller.users;

/** What a user may do. Village heads act only for the villages their account carries. */
public enum Role {
    /** Users, and everything else. */
    ADMIN,
    /** The commune radio operator: programs and the audio library. */
    OPERATOR,
    /** A village head: alerts for their own villages (a later issue). */
    VILLAGE_HEAD,
    /** Keeps the stations alive: health, play log, station commands. */
    TECHNICIAN,
    /**
     * A warning authority's feed ("nguồn cảnh báo"): may post CAP messages and nothing else, so a
     * stolen feed password reads nothing and changes nothing but what that feed could send anyway.
     */
    CAP_SENDER
}
