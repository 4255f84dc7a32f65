package vn.loalang.protocol.live;

/** A live channel as the controller sees its upstream. */
public enum ChannelState {
    /** The upstream is being opened; no audio yet. */
    STARTING,
    /** Audio is flowing. */
    ON_AIR,
    /** The upstream stopped sending; the controller is reconnecting. Stations fall back sooner. */
    INTERRUPTED,
    /** The programme is over (or the slot's maximum passed): stations finish what they hold and stop. */
    ENDED
}
