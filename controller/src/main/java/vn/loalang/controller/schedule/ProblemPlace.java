package vn.loalang.controller.schedule;

import java.time.LocalDate;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where in a program a problem lies, read from the problem's words, so that the console shows it next
 * to the field at fault (a session's end time, its playlist, a cancellation's session) rather than in a
 * list under the form. The compiler phrases its problems the same way each time ({@link ScheduleCompiler},
 * "village X: session 'id' …"); so do the program's records when they refuse a value ("session id: …").
 * A problem in words this class does not know has no place: the console shows it above the Save button,
 * never drops it. {@code ProblemPlaceTest} makes the compiler produce each of its problems and reads them
 * here, so a reworded problem fails a test instead of silently moving to the top of the page.
 */
public final class ProblemPlace {
    /** The session's id, as two sessions sharing one. */
    public static final String ID = "id";
    public static final String START = "start";
    public static final String END = "end";
    /** The playlist: empty, too long, an item missing, a relay that does not fit; a replay with no recording yet. */
    public static final String ITEMS = "items";
    public static final String VALID_UNTIL = "validUntil";
    public static final String VOLUME = "volume";
    /** A one-off session's date. */
    public static final String DATE = "date";
    /** A cancellation (found by its {@code date}) naming a session the program does not have. */
    public static final String CANCELLATION = "cancellation";

    /**
     * @param village the village whose schedule has the problem; null when the words name none
     * @param session the session's id (of a daily or one-off session, or the one a cancellation names)
     * @param date    the day it concerns, when only one does (an overlap, a cancellation); null otherwise
     * @param field   one of this class's field names; null when the words name the session but no field of it
     */
    public record Place(String village, String session, LocalDate date, String field) {
    }

    private static final String ID_RE = "([a-z0-9][a-z0-9._-]*)";
    private static final Pattern VILLAGE = Pattern.compile("^village " + ID_RE + ": (.*)$", Pattern.DOTALL);
    private static final Pattern USED_TWICE = Pattern.compile("^session id '" + ID_RE + "' is used twice");
    private static final Pattern CANCELLATION_NAMES = Pattern.compile(
            "^the cancellation on (\\d{4}-\\d{2}-\\d{2}) names session '" + ID_RE + "'");
    private static final Pattern OVERLAP = Pattern.compile(
            "^sessions (\\d{4}-\\d{2}-\\d{2})\\." + ID_RE + " and (\\d{4}-\\d{2}-\\d{2})\\." + ID_RE + " overlap");
    private static final Pattern SESSION = Pattern.compile("^session '" + ID_RE + "' (.*)$", Pattern.DOTALL);
    /** A program record refusing a value: "session morning: validUntil … is before validFrom …". */
    private static final Pattern RECORD = Pattern.compile("^session " + ID_RE + ": (start|end|items|date|validUntil)\\b");
    /**
     * A notice (not a problem): a replay with no recording kept before the session, an entry of its playlist. The
     * day's bulletin missing is left unplaced: tomorrow's is always missing today, so it would be there all the time.
     */
    private static final Pattern PLAYS_NO = Pattern.compile("on \\d{4}-\\d{2}-\\d{2} plays no recording ");
    /** The commune's volume range, in the English half of its "vi / en" text. */
    private static final Pattern VOLUME_OF = Pattern.compile(
            "the volume of session " + ID_RE + "(?: \\(village " + ID_RE + "\\))? must be between");

    private ProblemPlace() {
    }

    /** The places {@code problem} names: two for an overlap, one for most, none for words not known here. */
    public static List<Place> of(String problem) {
        if (problem == null) {
            return List.of();
        }
        Matcher volume = VOLUME_OF.matcher(problem);
        if (volume.find()) {
            return List.of(new Place(volume.group(2), volume.group(1), null, VOLUME));
        }
        Matcher record = RECORD.matcher(problem);
        if (record.find()) {
            return List.of(new Place(null, record.group(1), null, record.group(2)));
        }
        Matcher v = VILLAGE.matcher(problem);
        if (!v.matches()) {
            return List.of();
        }
        String village = v.group(1);
        String rest = v.group(2);
        Matcher m = USED_TWICE.matcher(rest);
        if (m.find()) {
            return List.of(new Place(village, m.group(1), null, ID));
        }
        m = CANCELLATION_NAMES.matcher(rest);
        if (m.find()) {
            return List.of(new Place(village, m.group(2), LocalDate.parse(m.group(1)), CANCELLATION));
        }
        m = OVERLAP.matcher(rest);
        if (m.find()) {
            // The earlier session runs into the later one: its end, or the later one's start, is to move.
            return List.of(new Place(village, m.group(2), LocalDate.parse(m.group(1)), END),
                    new Place(village, m.group(4), LocalDate.parse(m.group(3)), START));
        }
        m = SESSION.matcher(rest);
        if (m.matches()) {
            return List.of(new Place(village, m.group(1), null, fieldOf(m.group(2))));
        }
        return List.of(new Place(village, null, null, null));
    }

    /** The field a "session 'id' …" problem is about, from the words after the id. */
    private static String fieldOf(String tail) {
        if (tail.startsWith("ends at ")) {
            return END;
        }
        if (tail.startsWith("(") && tail.contains(") falls in the commune's quiet hours")) {
            return START;
        }
        if (tail.equals("has no items") || tail.startsWith("uses '") || tail.startsWith("relays ")
                || PLAYS_NO.matcher(tail).lookingAt()
                || (tail.startsWith("(") && tail.contains(") has a playlist of "))) {
            return ITEMS;
        }
        return null;
    }
}
