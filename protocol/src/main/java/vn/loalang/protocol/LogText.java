package vn.loalang.protocol;

/**
 * Text from outside (a station, a browser, a broker client, a CAP sender) made safe for one log line:
 * control and format characters (line breaks that would forge a second log line, terminal escapes,
 * bidirectional overrides that reorder what a technician reads) become '?', and the length is
 * bounded so one message cannot fill the journal.
 */
public final class LogText {
    /** A name, an id, a topic. */
    public static final int MAX = 64;
    /** A sentence that may quote what was sent (an exception's message, a station's detail). */
    public static final int SENTENCE = 300;

    private LogText() {
    }

    public static String of(String typed) {
        return of(typed, MAX);
    }

    public static String of(String typed, int max) {
        if (typed == null) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder(Math.min(typed.length(), max) + 2);
        int count = 0;
        for (int i = 0; i < typed.length(); ) {
            int cp = typed.codePointAt(i);
            i += Character.charCount(cp);
            if (count == max) {
                sb.append('…');
                break;
            }
            int type = Character.getType(cp);
            boolean unsafe = type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE
                    || type == Character.UNASSIGNED || type == Character.PRIVATE_USE;
            sb.appendCodePoint(unsafe ? '?' : cp);
            count++;
        }
        return sb.toString();
    }
}
