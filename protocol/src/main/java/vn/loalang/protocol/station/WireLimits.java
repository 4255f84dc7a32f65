package vn.loalang.protocol.station;

/**
 * The largest values a real agent sends, agreed here so that the controller can refuse anything beyond
 * them (a stolen Pi speaks with a station's own password) and the agent never comes near them. Each
 * bound leaves a wide margin over what an agent produces in years on a pole.
 */
public final class WireLimits {
    /** An event is a few hundred bytes; its detail is bounded below. */
    public static final int MAX_EVENT_BYTES = 16 * 1024;
    /** Presence: ids, a version and a time. */
    public static final int MAX_STATE_BYTES = 2 * 1024;
    /** Telemetry: a snapshot with a few relays and sense inputs. */
    public static final int MAX_TELEMETRY_BYTES = 8 * 1024;

    /**
     * Journal numbers stay below 2^53 so that every JSON reader (a console in a browser too) reads them
     * exactly; an agent numbering one event a second would need 285 million years to get there.
     */
    public static final long MAX_SEQ = (1L << 53) - 1;
    /**
     * How far one event may move a known journal forward: a million events, about thirty years of a
     * station's play log. Further is not a station that was offline for long, it is a forged number.
     */
    public static final long MAX_SEQ_JUMP = 1_000_000;
    /**
     * Events held ahead of a gap. An agent sends its journal in order, so a gap is the few messages a
     * dropped link lost; the agent sends them again before much else.
     */
    public static final int MAX_EVENTS_AHEAD = 256;

    /** A journal stream id (the agent makes a UUID), a boot id, an agent version. */
    public static final int MAX_ID_CHARS = 64;
    /** Session, content and alert ids, with their repeat suffixes. */
    public static final int MAX_REF_CHARS = 128;
    /** A machine-readable reason code. */
    public static final int MAX_REASON_CHARS = 64;
    /** The sentence for people that comes with an event; the agent cuts longer ones. */
    public static final int MAX_DETAIL_CHARS = 2000;

    /** Relays and sense inputs one station reports. */
    public static final int MAX_CHANNELS = 16;
    /** Items a telemetry snapshot lists as not ready. */
    public static final int MAX_NOT_READY = 64;
    /** The short texts of a telemetry snapshot (link kind, sink state, item played). */
    public static final int MAX_TEXT_CHARS = 256;

    private WireLimits() {
    }

    /** {@code text} cut to {@code max} characters (never between the halves of a surrogate pair). */
    public static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }
}
