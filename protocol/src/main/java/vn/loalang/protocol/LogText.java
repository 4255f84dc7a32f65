package vn.loalang.protocol;

/**
 * Text from outside (a station, a browser, a CAP sender) made safe to put in a log line: control
 * characters (a forged new line would forge a log entry) become a visible {@code ?}, and the length
 * is bounded so one message cannot fill the journal.
 */
public final class LogText {
    public static final int MAX_CHARS = 300;

    private LogText() {
    }

    public static String clean(String text) {
        return clean(text, MAX_CHARS);
    }

    public static String clean(String text, int max) {
        if (text == null) {
            return "(none)";
        }
        int n = Math.min(text.length(), max);
        StringBuilder out = new StringBuilder(n + 16);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        if (text.length() > max) {
            out.append("… (").append(text.length() - max).append(" more characters)");
        }
        return out.toString();
    }
}
