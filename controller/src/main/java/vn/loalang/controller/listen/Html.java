package vn.loalang.controller.listen;

/**
 * The one way text typed by someone (a title, an alert's text, a CAP message from outside) enters a public page
 * or a feed. HTML's five special characters are escaped; control characters and Unicode's bidirectional
 * overrides and isolates (which can make "gạo 12.500đ" read backwards, or hide a warning's words behind others)
 * are removed; text is bounded in length.
 */
public final class Html {
    private Html() {
    }

    /** {@code s} without control characters or bidi controls, at most {@code max} characters (… when cut). */
    public static String clean(String s, int max) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), max + 1));
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            boolean bidi = (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E
                    || cp == 0x200F || cp == 0x061C;
            boolean control = Character.getType(cp) == Character.CONTROL && cp != '\n';
            boolean unpaired = Character.getType(cp) == Character.SURROGATE || cp == 0xFFFE || cp == 0xFFFF;
            if (bidi || unpaired) {
                continue;
            }
            if (control) {
                sb.append(' ');
                continue;
            }
            if (sb.length() >= max) {
                sb.append('…');
                break;
            }
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    /** {@code s}, cleaned, as text in an HTML element or a quoted attribute. */
    public static String text(String s) {
        return text(s, 4000);
    }

    public static String text(String s, int max) {
        String c = clean(s, max);
        StringBuilder sb = new StringBuilder(c.length() + 16);
        for (int i = 0; i < c.length(); i++) {
            char ch = c.charAt(i);
            switch (ch) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(ch);
            }
        }
        return sb.toString();
    }
}
