package vn.loalang.protocol.live;

/** A live talk's life, as its signed message says. */
public enum TalkState {
    /** The speaker pressed "talk": stations warm up and play their chime while the stream starts. */
    STARTING,
    /** The speaker's voice is on the channel. */
    ON_AIR,
    /** The speaker finished; {@link LiveTalk#recording()} is set once it is kept. */
    ENDED,
    /** Withdrawn before or during the talk: stations stop at once and play no recording. */
    CANCELLED
}
