package vn.loalang.protocol.signing;

/** Why a station refused a message; reported in a MESSAGE_REJECTED event as {@code reason}. */
public enum RejectReason {
    /** Not JSON, not an envelope, or a payload that breaks the rules of its record. */
    MALFORMED,
    /** The schema version is not one this station speaks. */
    UNSUPPORTED_SCHEMA,
    /** Signed with a key this station was not given. */
    UNKNOWN_KEY,
    /** The signature does not match the body: altered or forged. */
    BAD_SIGNATURE,
    /** Signed for another topic (another station or zone) or another kind of message. */
    WRONG_TARGET,
    /** Its sequence number is lower than one already accepted on this topic. */
    REPLAYED,
    /** Its expiry has passed. */
    EXPIRED,
    /** Issued further in the future than clocks can disagree: a clock is wrong, or it is forged. */
    NOT_YET_VALID
}
