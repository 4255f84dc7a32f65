package vn.loalang.protocol.schedule;

/** What a station plays when a live stream stays silent longer than the item allows. */
public enum Fallback {
    /** The relay's fallback library item, then the rest of the session; the stream rejoins if it returns during the slot. */
    ITEM_THEN_REST,
    /** Give up the relay and go on with the session's next item. */
    REST_OF_SESSION,
    /** Keep the line open and silent until the stream returns or the slot ends. */
    WAIT
}
