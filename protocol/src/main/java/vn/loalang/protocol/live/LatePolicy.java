package vn.loalang.protocol.live;

/** What a station that missed a live talk (link down, powered off) does when it learns of it afterwards. */
public enum LatePolicy {
    /** Play the talk's recording, marked late, while {@link LiveTalk#lateUntil()} has not passed. */
    PLAY_LATE,
    /** Play nothing, and report the talk as skipped. */
    SKIP
}
