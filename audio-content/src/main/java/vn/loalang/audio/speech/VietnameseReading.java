package vn.loalang.audio.speech;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Writes numbers, units, money, dates and times out in Vietnamese words before a text reaches the speech engine,
 * the way a commune announcer reads them ("12.500 đ/kg" → "mười hai nghìn năm trăm đồng một ký"): espeak-ng reads
 * "đ/kg" as letters and dates digit group by digit group. Anything it does not recognise is left as written, for
 * espeak-ng to read as it always did. Decision 0043; the rules are listed in docs/reading-vietnamese.md.
 *
 * <p>One pass from left to right by hand (no regular expression): every character is looked at a bounded number of
 * times, so the time is linear in the text, whatever it holds.
 */
public final class VietnameseReading {
    /** Northern or southern usage: nghìn or ngàn, linh or lẻ. */
    public enum Dialect { NORTH, SOUTH }

    /**
     * The speech engine's own limit: a longer text is returned as it came, so that the engine refuses it with the
     * length the operator typed rather than the length of the words.
     */
    public static final int MAX_CHARACTERS = EspeakSpeechEngine.MAX_CHARACTERS;

    /** After a number, longest first so that "mm" wins over "m". */
    private static final String[][] UNITS = {
            {"km/giờ", "ki-lô-mét một giờ"}, {"km/h", "ki-lô-mét một giờ"},
            {"m³/s", "mét khối một giây"}, {"m3/s", "mét khối một giây"}, {"m/s", "mét một giây"},
            {"km²", "ki-lô-mét vuông"}, {"km2", "ki-lô-mét vuông"},
            {"VNĐ", "đồng"}, {"VND", "đồng"}, {"vnđ", "đồng"}, {"vnd", "đồng"}, {"đồng", "đồng"},
            {"°C", "độ C"}, {"ºC", "độ C"}, {"℃", "độ C"},
            {"m²", "mét vuông"}, {"m2", "mét vuông"}, {"m³", "mét khối"}, {"m3", "mét khối"},
            {"mm", "mi-li-mét"}, {"cm", "xen-ti-mét"}, {"km", "ki-lô-mét"}, {"ml", "mi-li-lít"},
            {"kg", "ký"}, {"Kg", "ký"}, {"KG", "ký"}, {"ha", "héc-ta"}, {"tạ", "tạ"}, {"tấn", "tấn"}, {"yến", "yến"},
            {"lít", "lít"}, {"tr", "triệu"},
            {"đ", "đồng"}, {"%", "phần trăm"}, {"°", "độ"}, {"m", "mét"}, {"g", "gam"}, {"l", "lít"},
    };

    /** Written right after the number only ("50k"): "50 k" is more likely something else. */
    private static final String[][] TIGHT_UNITS = {{"k", "nghìn đồng"}, {"K", "nghìn đồng"}};

    /** After "/": "đ/kg" → "đồng một ký". */
    private static final String[][] PER = {
            {"kg", "ký"}, {"Kg", "ký"}, {"ký", "ký"}, {"tạ", "tạ"}, {"tấn", "tấn"}, {"yến", "yến"},
            {"con", "con"}, {"lít", "lít"}, {"l", "lít"}, {"m²", "mét vuông"}, {"m2", "mét vuông"},
            {"m³", "mét khối"}, {"m3", "mét khối"}, {"ha", "héc-ta"}, {"sào", "sào"}, {"quả", "quả"},
            {"bao", "bao"}, {"bó", "bó"}, {"chục", "chục"}, {"cây", "cây"}, {"chiếc", "chiếc"}, {"cái", "cái"},
            {"hộp", "hộp"}, {"bì", "bì"}, {"khay", "khay"}, {"người", "người"}, {"hộ", "hộ"}, {"ngày", "ngày"},
            {"tháng", "tháng"}, {"năm", "năm"}, {"giờ", "giờ"},
    };

    /** Words after which a number is a telephone number, read digit by digit ("gọi 114", "SĐT: 0912 345 678"). */
    private static final Set<String> PHONE_WORDS = Set.of("gọi", "sđt", "đt", "hotline", "thoại");

    private static final Set<String> EMERGENCY_NUMBERS = Set.of("111", "112", "113", "114", "115");

    private final Dialect dialect;
    private final VietnameseNumbers numbers;

    private VietnameseReading(Dialect dialect) {
        this.dialect = Objects.requireNonNull(dialect, "dialect");
        this.numbers = VietnameseNumbers.of(dialect);
    }

    public static VietnameseReading of(Dialect dialect) {
        return new VietnameseReading(dialect);
    }

    public Dialect dialect() {
        return dialect;
    }

    /** The numbers of this reading's dialect, for a caller that has a number rather than a text. */
    public VietnameseNumbers numbers() {
        return numbers;
    }

    /** {@code text} with every number, unit, date and time it recognises written out in words. */
    public String read(String text) {
        Objects.requireNonNull(text, "text");
        String composed = Normalizer.normalize(text, Normalizer.Form.NFC);
        if (composed.codePointCount(0, composed.length()) > MAX_CHARACTERS) {
            return text;
        }
        return new Pass(composed).run();
    }

    /** What one number-like stretch of text reads as; {@code spelt}: read digit by digit (never part of a range). */
    private record Item(int end, String words, boolean spelt) {
    }

    /** One reading of one text: the text, the words so far and the position. */
    private final class Pass {
        private final String s;
        private final int n;
        private final StringBuilder out;
        private int i;

        Pass(String s) {
            this.s = s;
            this.n = s.length();
            this.out = new StringBuilder(s.length() * 2);
        }

        String run() {
            while (i < n) {
                char c = s.charAt(i);
                if (isDigit(c)) {
                    readNumber();
                } else if ((c == '-' || c == '−') && negativeAt(i)) {
                    readNegative();
                } else if (isWordChar(c)) {
                    readWord();
                } else {
                    out.append(c);
                    i++;
                }
            }
            return out.toString();
        }

        /** At a digit that starts a token (a digit inside a word such as "IR50404" is copied with its word). */
        private void readNumber() {
            Item first = item(i);
            if (first == null) {
                copyToken();
                return;
            }
            Item range = first.spelt() ? null : range(first);
            Item chosen = range != null ? range : first;
            out.append(chosen.words());
            i = chosen.end();
        }

        /** "12.000–13.000 đ" → "từ mười hai nghìn đến mười ba nghìn đồng". */
        private Item range(Item first) {
            int k = skipOneSpace(first.end());
            if (k >= n || "-–—".indexOf(s.charAt(k)) < 0) {
                return null;
            }
            k = skipOneSpace(k + 1);
            if (k >= n || !isDigit(s.charAt(k))) {
                return null;
            }
            Item second = item(k);
            if (second == null || second.spelt()) {
                return null;
            }
            String from = "từ".equals(lastWord()) ? "" : "từ ";
            return new Item(second.end(), from + first.words() + " đến " + second.words(), false);
        }

        /** A date, a time or a quantity starting at the digit {@code j}; null when none fits. */
        private Item item(int j) {
            Item item = isoDate(j);
            if (item == null) {
                item = date(j);
            }
            if (item == null) {
                item = time(j);
            }
            if (item == null) {
                item = quantity(j);
            }
            return item;
        }

        /** 2026-12-06. */
        private Item isoDate(int j) {
            int y = digits(j);
            if (y - j != 4 || !at(y, '-')) {
                return null;
            }
            int m = digits(y + 1);
            if (m - y - 1 != 2 || !at(m, '-')) {
                return null;
            }
            int d = digits(m + 1);
            if (d - m - 1 != 2 || !cleanEnd(d)) {
                return null;
            }
            return dateWords(d, value(m + 1, d), value(y + 1, m), value(j, y));
        }

        /** 6/12, 06/12/2026, 6-12-2026, 6.12.2026, and a month: 12/2026. */
        private Item date(int j) {
            int first = digits(j);
            if (first - j > 2 || first >= n) {
                return null;
            }
            char sep = s.charAt(first);
            if (sep != '/' && sep != '-' && sep != '.') {
                return null;
            }
            int second = digits(first + 1);
            int secondLength = second - first - 1;
            if (sep == '/' && secondLength == 4 && cleanEnd(second)) {
                int month = value(j, first);
                if (month < 1 || month > 12) {
                    return null;
                }
                String words = ("tháng".equals(lastWord()) ? "" : "tháng ") + month(month) + " năm "
                        + numbers.integer(value(first + 1, second));
                return new Item(second, words, false);
            }
            if (secondLength < 1 || secondLength > 2) {
                return null;
            }
            int day = value(j, first);
            int month = value(first + 1, second);
            if (day < 1 || day > 31 || month < 1 || month > 12) {
                return null;
            }
            if (at(second, sep)) {
                int year = digits(second + 1);
                if (year - second - 1 == 4 && cleanEnd(year)) {
                    return dateWords(year, day, month, value(second + 1, year));
                }
                return null;
            }
            return sep == '/' && cleanEnd(second) ? dateWords(second, day, month, -1) : null;
        }

        private Item dateWords(int end, int day, int month, int year) {
            if (day < 1 || day > 31 || month < 1 || month > 12) {
                return null;
            }
            String words = ("ngày".equals(lastWord()) ? "" : "ngày ") + numbers.integer(day) + " tháng " + month(month)
                    + (year >= 0 ? " năm " + numbers.integer(year) : "");
            return new Item(end, words, false);
        }

        /** 5h30, 17h, 17g30, 05:30 → "năm giờ ba mươi phút". */
        private Item time(int j) {
            int h = digits(j);
            if (h - j > 2 || h >= n) {
                return null;
            }
            int hours = value(j, h);
            char mark = s.charAt(h);
            if (hours > 24 || (mark != 'h' && mark != 'g' && mark != ':')) {
                return null;
            }
            int m = digits(h + 1);
            int minuteLength = m - h - 1;
            if (minuteLength == 0 && mark == 'h' && boundaryAt(h + 1) && cleanEnd(h + 1)) {
                return new Item(h + 1, numbers.integer(hours) + " giờ", false);
            }
            if (minuteLength != 2 || !boundaryAt(m) || !cleanEnd(m)) {
                return null;
            }
            int minutes = value(h + 1, m);
            if (minutes > 59) {
                return null;
            }
            return new Item(m, numbers.integer(hours) + " giờ"
                    + (minutes == 0 ? "" : " " + numbers.integer(minutes) + " phút"), false);
        }

        /** A number (12.500, 2,5, 2026), its unit or money, and "/kg". */
        private Item quantity(int j) {
            int run = digits(j);
            int length = run - j;
            int end = run;
            boolean grouped = false;
            if (length <= 3 && s.charAt(j) != '0') {
                while (at(end, '.') && digits(end + 1) - end - 1 == 3) {
                    end += 4;
                    grouped = true;
                }
            }
            if (!grouped && (length >= 9 || (length >= 4 && s.charAt(j) == '0'))) {
                // A telephone number, an account or a code: nobody reads it as a quantity.
                return boundaryAt(run) && cleanEnd(run)
                        ? new Item(run, VietnameseNumbers.digitByDigit(s.substring(j, run)), true) : null;
            }
            String whole = s.substring(j, end).replace(".", "");
            if (whole.length() > 15) {
                return null; // beyond a thousand tỷ: not a quantity anyone announces
            }
            StringBuilder words = new StringBuilder(numbers.integer(Long.parseLong(whole)));
            if (at(end, ',') && end + 1 < n && isDigit(s.charAt(end + 1))) {
                int fraction = digits(end + 1);
                words.append(" phẩy ").append(numbers.fraction(s.substring(end + 1, fraction)));
                end = fraction;
            }
            end = unit(end, words);
            end = per(per(end, words), words); // "3.000.000đ/hộ/tháng"
            if (!boundaryAt(end) || !cleanEnd(end)) {
                return null;
            }
            return new Item(end, words.toString(), false);
        }

        /** The unit or money after a number, at most one space away; its words appended. */
        private int unit(int j, StringBuilder words) {
            for (String[] unit : TIGHT_UNITS) {
                if (s.startsWith(unit[0], j) && boundaryAt(j + unit[0].length())) {
                    words.append(' ').append(unit[1]);
                    return j + unit[0].length();
                }
            }
            int k = skipOneSpace(j);
            for (String[] unit : UNITS) {
                if (s.startsWith(unit[0], k) && boundaryAt(k + unit[0].length())) {
                    words.append(' ').append(unit[1]);
                    return k + unit[0].length();
                }
            }
            return j;
        }

        /** "/kg" → "một ký"; the weather service's "/24h" → "trong hai mươi tư giờ". */
        private int per(int j, StringBuilder words) {
            if (!at(j, '/')) {
                return j;
            }
            int hours = digits(j + 1);
            if (hours > j + 1 && hours - j - 1 <= 2 && at(hours, 'h') && boundaryAt(hours + 1)) {
                words.append(" trong ").append(numbers.integer(value(j + 1, hours))).append(" giờ");
                return hours + 1;
            }
            for (String[] per : PER) {
                if (s.startsWith(per[0], j + 1) && boundaryAt(j + 1 + per[0].length())) {
                    words.append(" một ").append(per[1]);
                    return j + 1 + per[0].length();
                }
            }
            return j;
        }

        /** "-2°C" → "âm hai độ C"; only a temperature: "-5 hộ" is more likely a list's dash than a negative. */
        private void readNegative() {
            Item item = quantity(i + 1);
            if (item == null || !(item.words().endsWith(" độ C") || item.words().endsWith(" độ"))) {
                out.append(s.charAt(i));
                i++;
                return;
            }
            out.append("âm ").append(item.words());
            i = item.end();
        }

        /** A word as written, then what it announces: "thứ 2", "tháng 4", "CN", "gọi 114". */
        private void readWord() {
            int end = i;
            while (end < n && isWordChar(s.charAt(end))) {
                end++;
            }
            String word = s.substring(i, end);
            if (word.equals("CN")) {
                out.append("chủ nhật");
                i = end;
                return;
            }
            out.append(word);
            i = end;
            String lower = word.toLowerCase(Locale.ROOT);
            if (lower.equals("thứ")) {
                ordinalAfter();
            } else if (lower.equals("tháng")) {
                monthAfter();
            } else if (PHONE_WORDS.contains(lower)) {
                phoneAfter();
            }
        }

        /** "thứ 2" → "thứ hai", "thứ 4" → "thứ tư", "lần thứ 1" → "lần thứ nhất". */
        private void ordinalAfter() {
            int j = skipOneSpace(i);
            if (j == i) {
                return;
            }
            int end = digits(j);
            if (end == j || end - j > 2 || !boundaryAt(end) || !cleanEnd(end)) {
                return;
            }
            int value = value(j, end);
            out.append(s, i, j).append(value == 1 ? "nhất" : value == 4 ? "tư" : numbers.integer(value));
            i = end;
        }

        /** "tháng 4" → "tháng tư" (a month and a year, "tháng 4/2026", is read as a date). */
        private void monthAfter() {
            int j = skipOneSpace(i);
            if (j == i) {
                return;
            }
            int end = digits(j);
            if (end == j || end - j > 2 || !boundaryAt(end) || !cleanEnd(end)) {
                return;
            }
            int value = value(j, end);
            if (value >= 1 && value <= 12) {
                out.append(s, i, j).append(month(value));
                i = end;
            }
        }

        /** "gọi 114", "SĐT: 0912 345 678" → digit by digit, a pause between the groups as written. */
        private void phoneAfter() {
            int j = i;
            if (at(j, ':')) {
                j++;
            }
            j = skipOneSpace(j);
            if (j >= n || !isDigit(s.charAt(j))) {
                return;
            }
            StringBuilder words = new StringBuilder();
            StringBuilder all = new StringBuilder();
            int k = j;
            while (true) {
                int end = digits(k);
                String group = s.substring(k, end);
                all.append(group);
                words.append(words.isEmpty() ? "" : ", ").append(VietnameseNumbers.digitByDigit(group));
                k = end;
                if (k + 1 < n && " .-".indexOf(s.charAt(k)) >= 0 && isDigit(s.charAt(k + 1))) {
                    k++;
                } else {
                    break;
                }
            }
            String number = all.toString();
            boolean phone = number.length() >= 9 || (number.startsWith("0") && number.length() >= 8)
                    || ((number.startsWith("18") || number.startsWith("19")) && number.length() == 8)
                    || EMERGENCY_NUMBERS.contains(number);
            if (phone && boundaryAt(k) && cleanEnd(k)) {
                out.append(s, i, j).append(words);
                i = k;
            }
        }

        /** A number that no rule reads is copied whole, so that no part of it is read on its own. */
        private void copyToken() {
            int end = i;
            while (end < n && (isWordChar(s.charAt(end))
                    || (".,:/-".indexOf(s.charAt(end)) >= 0 && end + 1 < n && isWordChar(s.charAt(end + 1))))) {
                end++;
            }
            out.append(s, i, end);
            i = end;
        }

        private boolean negativeAt(int j) {
            return (j == 0 || Character.isWhitespace(s.charAt(j - 1)) || s.charAt(j - 1) == '(')
                    && j + 1 < n && isDigit(s.charAt(j + 1));
        }

        /** The number ends here: no letter or digit follows, nor a separator and a digit ("12.5", "6/12/26"). */
        private boolean cleanEnd(int k) {
            return k >= n || !(".,:/".indexOf(s.charAt(k)) >= 0 && k + 1 < n && isDigit(s.charAt(k + 1)));
        }

        private boolean boundaryAt(int k) {
            return k >= n || !isWordChar(s.charAt(k));
        }

        /** The last word already written, lower case: "ngày 6/12" is not read "ngày ngày sáu…". */
        private String lastWord() {
            int end = out.length();
            while (end > 0 && Character.isWhitespace(out.charAt(end - 1))) {
                end--;
            }
            int start = end;
            while (start > 0 && isWordChar(out.charAt(start - 1))) {
                start--;
            }
            return out.substring(start, end).toLowerCase(Locale.ROOT);
        }

        private int skipOneSpace(int k) {
            return k < n && (s.charAt(k) == ' ' || s.charAt(k) == '\u00A0') ? k + 1 : k;
        }

        private int digits(int k) {
            while (k < n && isDigit(s.charAt(k))) {
                k++;
            }
            return k;
        }

        /** Only called on at most four digits. */
        private int value(int from, int to) {
            return Integer.parseInt(s.substring(from, to));
        }

        private boolean at(int k, char c) {
            return k < n && s.charAt(k) == c;
        }

        private String month(int month) {
            return month == 4 ? "tư" : numbers.integer(month);
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Letters and digits of any script, and combining marks left by a keyboard that types diacritics apart. */
    private static boolean isWordChar(char c) {
        if (Character.isLetterOrDigit(c)) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK;
    }
}
