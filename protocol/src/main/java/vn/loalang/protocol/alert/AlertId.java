package vn.loalang.protocol.alert;

import vn.loalang.protocol.Ids;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * An alert's id and the session ids of its plays, made and read here only. A station plays an
 * alert {@code repeats} times; each play is a session on its line, named {@code <id>} for the first
 * and {@code <id>~<n>} for the n-th, and the station's events about it carry that name. The
 * controller reads the alert (and which play) back from the name to keep each loudspeaker's progress.
 * {@code ~} is outside the id alphabet ({@link Ids}), so the split is never ambiguous.
 */
public final class AlertId {
    /** Every alert id the controller makes starts so; no schedule session's id does (those start with a date). */
    public static final String PREFIX = "a-";
    private static final char REPEAT = '~';
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** One play of an alert: {@code play} counts from 1 (the first) to the alert's repeats. */
    public record Play(String alertId, int play) {
        public Play {
            Ids.require("alert", alertId);
            if (play < 1 || play > Alert.MAX_REPEATS) {
                throw new IllegalArgumentException("alert " + alertId + ": play " + play + " is not from 1 to "
                        + Alert.MAX_REPEATS);
            }
        }

        /** The session id the station gives this play. */
        public String sessionId() {
            return play == 1 ? alertId : alertId + REPEAT + play;
        }
    }

    private AlertId() {
    }

    /** A new id for an alert triggered {@code at}: readable in logs ({@code a-20261130-140000-1a2b}), unique enough. */
    public static String next(Instant at, RandomGenerator random) {
        return PREFIX + STAMP.format(at) + "-" + Integer.toHexString(0x1000 + random.nextInt(0xf000));
    }

    /** The session id of play {@code play} (1 for the first) of alert {@code alertId}. */
    public static String sessionId(String alertId, int play) {
        return new Play(alertId, play).sessionId();
    }

    /**
     * The alert and play a session id names, when it is one of the controller's alerts
     * ({@link #PREFIX}); empty for a schedule's session, or a name no station of ours makes
     * ({@code a-1~}, {@code a-1~1}, {@code a-1~x}, {@code a-1~2~3}, a play past {@link Alert#MAX_REPEATS}).
     */
    public static Optional<Play> parse(String sessionId) {
        if (sessionId == null || !sessionId.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int mark = sessionId.indexOf(REPEAT);
        String id = mark < 0 ? sessionId : sessionId.substring(0, mark);
        if (id.length() == PREFIX.length() || !Ids.isValid(id)) {
            return Optional.empty();
        }
        if (mark < 0) {
            return Optional.of(new Play(id, 1));
        }
        String n = sessionId.substring(mark + 1);
        // Digits only, no sign or leading zero: one play has one name, so "~02" is not "~2".
        if (n.isEmpty() || n.length() > 2 || !n.chars().allMatch(Character::isDigit) || n.charAt(0) == '0') {
            return Optional.empty();
        }
        int play = Integer.parseInt(n);
        // The first play has no mark: "~1" is not a name a station makes.
        return play >= 2 && play <= Alert.MAX_REPEATS ? Optional.of(new Play(id, play)) : Optional.empty();
    }
}
