package vn.loalang.controller.mirror.channel;

import java.text.Normalizer;

/**
 * An SMS's text, paid per segment. Two ways to write Vietnamese in an SMS:
 * <ul>
 * <li>GSM-7 ({@code unicode = false}): the diacritics are dropped ("Cảnh báo lũ" → "Canh bao lu", đ → d), 160
 * characters in one SMS, 153 per segment of a longer one. Cheaper and read on every phone; what most brandname SMS
 * in Vietnam look like.</li>
 * <li>UCS-2 ({@code unicode = true}): the text as written, 70 characters in one SMS, 67 per segment.</li>
 * </ul>
 * {@link #fit} makes a text fit {@code maxSegments}: whole sentences kept, the "Nghe lại" link always kept.
 */
public final class SmsText {
    /** GSM 03.38's basic character set: one septet each. */
    private static final String GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    /** Its extension table: two septets each (an escape, then the character). */
    private static final String GSM_EXTENDED = "^{}\\[~]|€\f";

    private SmsText() {
    }

    /**
     * {@code text} written for SMS and cut to at most {@code maxSegments} segments, the link kept. Without unicode the
     * text first loses its diacritics and any character GSM-7 cannot carry.
     */
    public static String fit(String text, int maxSegments, boolean unicode) {
        if (maxSegments < 1) {
            throw new IllegalArgumentException("an SMS has at least one segment, not " + maxSegments);
        }
        String written = unicode ? withoutEmoji(Normalizer.normalize(text, Normalizer.Form.NFC)) : gsm(text);
        return MessageText.fit(written.strip(), t -> segments(t, unicode) <= maxSegments, unicode ? "…" : "...");
    }

    /**
     * The text without emoji: each costs two UCS-2 units, and the basic phones many residents carry show a box.
     */
    static String withoutEmoji(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().filter(cp -> !(cp >= 0x10000 && Character.getType(cp) == Character.OTHER_SYMBOL)
                        && cp != 0xFE0F && cp != 0x200D && !(cp >= 0x2600 && cp <= 0x27BF))
                .forEach(sb::appendCodePoint);
        return tidy(sb.toString());
    }

    /** Removes the spaces a dropped character leaves at a line's start or doubled. */
    private static String tidy(String text) {
        return text.replaceAll("(?m)^ +", "").replaceAll(" {2,}", " ");
    }

    /** How many SMS segments {@code text} takes: 1 up to 160 septets (GSM-7) or 70 UTF-16 units (UCS-2). */
    public static int segments(String text, boolean unicode) {
        int single = unicode ? 70 : 160;
        int part = unicode ? 67 : 153;
        int total = 0;
        for (int i = 0; i < text.length(); i++) {
            total += cost(text, i, unicode);
        }
        if (total <= single) {
            return text.isEmpty() ? 0 : 1;
        }
        // A character never straddles two segments (an escape and its character, a surrogate pair), so pack them.
        int segments = 1;
        int used = 0;
        for (int i = 0; i < text.length(); i++) {
            int c = cost(text, i, unicode);
            if (c == 0) {
                continue;
            }
            if (used + c > part) {
                segments++;
                used = 0;
            }
            used += c;
        }
        return segments;
    }

    private static int cost(String text, int i, boolean unicode) {
        char ch = text.charAt(i);
        if (unicode) {
            // A surrogate pair counts 2, charged on its first half.
            return Character.isLowSurrogate(ch) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1)) ? 0
                    : Character.isHighSurrogate(ch) ? 2 : 1;
        }
        if (GSM_BASIC.indexOf(ch) >= 0) {
            return 1;
        }
        if (GSM_EXTENDED.indexOf(ch) >= 0) {
            return 2;
        }
        throw new IllegalArgumentException("character U+" + Integer.toHexString(ch) + " is not in GSM-7: write the"
                + " text with gsm() first");
    }

    /**
     * Vietnamese as GSM-7 carries it: diacritics dropped (đ → d, Đ → D), typographic quotes and dashes as plain ones,
     * "…" as "...", emoji and anything else GSM-7 lacks left out (a "?" would look like a question to the reader).
     */
    public static String gsm(String text) {
        String decomposed = Normalizer.normalize(text.replace('đ', 'd').replace('Đ', 'D'), Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder(decomposed.length());
        for (int i = 0; i < decomposed.length(); ) {
            int cp = decomposed.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.getType(cp) == Character.NON_SPACING_MARK) {
                continue;
            }
            switch (cp) {
                case '\u2018', '\u2019', '\u201A', '\u2032' -> sb.append('\'');
                case '\u201C', '\u201D', '\u201E', '\u2033' -> sb.append('"');
                case '\u2013', '\u2014', '\u2212' -> sb.append('-');
                case '\u2026' -> sb.append("...");
                case '\u00A0', '\t' -> sb.append(' ');
                default -> {
                    if (cp < 0x10000 && (GSM_BASIC.indexOf(cp) >= 0 || GSM_EXTENDED.indexOf(cp) >= 0)
                            && cp != '\f' && cp != '\r') {
                        sb.append((char) cp);
                    }
                }
            }
        }
        // Emoji dropped at a line's start leave a space behind ("🔴 CẢNH BÁO" → "CANH BAO").
        return tidy(sb.toString());
    }
}
