package vn.loalang.protocol.live;

import vn.loalang.protocol.Ids;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A live talk's id, and the session ids a station gives it: {@code <id>} for the live talk,
 * {@code <id>~late} for its recording played late. Made and read here only, like
 * {@link vn.loalang.protocol.alert.AlertId}; {@code ~} is outside the id alphabet.
 */
public final class TalkId {
    /** Every talk id starts so; no schedule session (a date) nor alert ({@code a-}) does. */
    public static final String PREFIX = "t-";
    private static final String LATE = "~late";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** The talk a station's session id names, and whether it was the late recording. */
    public record Session(String talkId, boolean late) {
        public String sessionId() {
            return late ? talkId + LATE : talkId;
        }
    }

    private TalkId() {
    }

    /** A new id for a talk begun {@code at}: {@code t-20261206-081500-ab12}. */
    public static String next(Instant at, RandomGenerator random) {
        return PREFIX + STAMP.format(at) + "-" + Integer.toHexString(0x1000 + random.nextInt(0xf000));
    }

    public static String sessionId(String talkId, boolean late) {
        return new Session(Ids.require("talk", talkId), late).sessionId();
    }

    /** The talk a session id names; empty for anything a station does not make for a talk. */
    public static Optional<Session> parse(String sessionId) {
        if (sessionId == null || !sessionId.startsWith(PREFIX)) {
            return Optional.empty();
        }
        boolean late = sessionId.endsWith(LATE);
        String id = late ? sessionId.substring(0, sessionId.length() - LATE.length()) : sessionId;
        if (id.length() == PREFIX.length() || !Ids.isValid(id)) {
            return Optional.empty();
        }
        return Optional.of(new Session(id, late));
    }
}
