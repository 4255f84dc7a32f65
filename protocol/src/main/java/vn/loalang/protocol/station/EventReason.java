package vn.loalang.protocol.station;

import vn.loalang.protocol.signing.RejectReason;

import java.util.Optional;

/**
 * The machine-readable cause carried by a {@link StationEvent} in {@code reason}, grouped by the
 * event types that use it. On the wire it is the constant's name.
 *
 * <p>The agent only ever writes these (the compiler sees to it). A controller reads a reason with
 * {@link StationEvent#reasonCode()}: a newer agent may send a reason this controller does not know,
 * which is kept as text and shown, never refused, since controller and agent are upgraded separately.
 */
public enum EventReason {
    // MESSAGE_REJECTED: the trust gate's reasons, and the target check after it.
    /** Not JSON, not an envelope, or a payload that breaks the rules of its record. */
    MALFORMED,
    /** The schema version is not one the station speaks. */
    UNSUPPORTED_SCHEMA,
    /** Signed with a key the station was not given. */
    UNKNOWN_KEY,
    /** The signature does not match the body. */
    BAD_SIGNATURE,
    /** Signed for another topic, or its body names another station or village. */
    WRONG_TARGET,
    /** Its sequence number is not above one already accepted on its topic. */
    REPLAYED,
    /** Its expiry has passed. */
    EXPIRED,
    /** Issued further in the future than clocks can disagree. */
    NOT_YET_VALID,

    // SESSION_FINISHED and SESSION_PREEMPTED (no reason: the session ran as planned).
    /** A higher priority took the line. */
    PREEMPTED,
    /** The session's window closed before it was done. */
    WINDOW_ENDED,
    /** The agent was stopping. */
    STOPPED,
    /** The controller withdrew it (a cancelled session or alert). */
    CANCELLED,
    /** Quiet hours began or held, and it was not an emergency. */
    QUIET_HOURS,
    /** Its whole window passed while the station could not play it (off, or busy with a higher priority). */
    MISSED,
    /** The sound card stopped taking samples (the sink watchdog tripped). */
    OUTPUT_STALLED,
    /** The sound card failed outright. */
    OUTPUT_FAILED,

    // ITEM_FAILED.
    /** The item is not in the station's cache. */
    CONTENT_MISSING,
    /** The item could not be decoded. */
    DECODE_FAILED,

    // ITEM_DROPPED, ITEM_FAILED and ITEM_FINISHED of live items (issue 17).
    /** The live stream sent nothing for longer than the item allows. */
    STREAM_STALLED,
    /** The live stream could not be reached (connection refused, no route, 404). */
    STREAM_UNREACHABLE,
    /** The live server refused the station's credentials (401, 403). */
    STREAM_REFUSED,
    /** The controller's signed state says its upstream stopped sending. */
    UPSTREAM_INTERRUPTED,
    /** The upstream's programme ended (the controller's signed state said so). */
    PROGRAMME_ENDED,
    /** A library item played in place of a live stream that fell silent (on its ITEM_STARTED). */
    FALLBACK,
    /** A missed relay's or talk's recording was not played late, by the commune's policy or because it was too late. */
    LATE_SKIPPED,
    /** The live item's codec is not one this agent plays. */
    CODEC_UNSUPPORTED,

    // CONTENT_FAILED.
    /** The download failed (connection refused, reset, or the agent gave up waiting). */
    DOWNLOAD_FAILED,
    /** The download stopped moving for longer than allowed. */
    DOWNLOAD_STALLED,
    /** The content server answered with an error status; the detail gives it. */
    HTTP_STATUS,
    /**
     * What arrived does not have the SHA-256 the schedule names; or a copy already in the cache was
     * found damaged (wrong size or hash, as a power cut can leave it) before its first play, deleted
     * and fetched again.
     */
    HASH_MISMATCH,
    /** Larger than the schedule said, or than the cache may hold. */
    OVERSIZED,
    /** The station's card has no room for it. */
    DISK_FULL,
    /** The agent was stopping while it fetched. */
    INTERRUPTED,

    // ALERT_RECEIVED (no reason: taken as sent).
    /** Its priority is one this agent does not know (a newer controller's): played as an EMERGENCY. */
    UNKNOWN_PRIORITY,
    /** Its preamble is one this agent does not know (a newer controller's): the siren is played. */
    UNKNOWN_PREAMBLE,

    // RELAY_SENSE_MISMATCH.
    /** A relay commanded ON whose amplifier reports no power. */
    NO_POWER,
    /** A relay commanded OFF whose amplifier still reports power. */
    STUCK_ON,

    // OUTPUT_STALLED.
    /** Audio stopped leaving the line while the relays were on. */
    STALLED,
    /** The relays stayed on longer than any program could need. */
    RELAYS_ON_TOO_LONG,

    // CLOCK_OFFSET.
    /** The station clock is back within its allowed offset from the controller's. */
    WITHIN_LIMIT,
    /** The station clock is ahead of the controller's by more than allowed. */
    STATION_AHEAD,
    /** The station clock is behind the controller's by more than allowed. */
    STATION_BEHIND,
    /** Nothing vouches for the station clock (no RTC, NTP not synced, no signed time from the controller): scheduled sessions are held. */
    CLOCK_UNTRUSTED,
    /** The station clock is trusted again (the detail says by what): scheduled sessions play. */
    CLOCK_TRUSTED,

    // COMMAND_DONE (no reason: carried out).
    /** A restart was asked but no service manager would start the agent again. */
    NOT_SUPERVISED,
    /** The command's action is not one this agent knows. */
    UNKNOWN_ACTION,
    /** An UPDATE's release was refused before install: its signature is not a release key's, or it is this very version. */
    RELEASE_REFUSED,
    /** An UPDATE's release was installed, but the new version did not pass its trial: the station rolled back. */
    ROLLED_BACK;

    /** The reason of a refused signed message. */
    public static EventReason of(RejectReason reason) {
        return valueOf(reason.name());
    }

    /** The reason named by {@code code}, if this version knows it. */
    public static Optional<EventReason> parse(String code) {
        if (code == null) {
            return Optional.empty();
        }
        for (EventReason r : values()) {
            if (r.name().equals(code)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
