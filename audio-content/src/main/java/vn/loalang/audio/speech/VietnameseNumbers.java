package vn.loalang.audio.speech;

import java.util.Objects;

/**
 * Whole numbers, decimals and digit strings in Vietnamese words, the way an announcer says them: by groups of three
 * digits (nghìn/ngàn, triệu, tỷ), "mười" for 10–19 and "mươi" from 20, "mốt" (21), "lăm" (15, 25), "tư" (24),
 * "linh"/"lẻ" for a zero ten (105), and "không trăm" for a group after the first that has no hundreds (1.005 → một
 * nghìn không trăm linh năm). Used by {@link VietnameseReading}; decision 0043 says why "tư" after "mươi".
 */
public final class VietnameseNumbers {
    private static final String[] DIGITS = {"không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"};
    private static final long BILLION = 1_000_000_000L;

    private final String thousand;
    private final String zeroTen;

    private VietnameseNumbers(VietnameseReading.Dialect dialect) {
        Objects.requireNonNull(dialect, "dialect");
        this.thousand = dialect == VietnameseReading.Dialect.NORTH ? "nghìn" : "ngàn";
        this.zeroTen = dialect == VietnameseReading.Dialect.NORTH ? "linh" : "lẻ";
    }

    public static VietnameseNumbers of(VietnameseReading.Dialect dialect) {
        return new VietnameseNumbers(dialect);
    }

    /** The word of one digit, 0–9. */
    public static String digit(int d) {
        return DIGITS[d];
    }

    /** {@code n} ≥ 0 in words: 12500 → "mười hai nghìn năm trăm", 1000000000000 → "một nghìn tỷ". */
    public String integer(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("a whole number ≥ 0 is read here, not " + n);
        }
        if (n == 0) {
            return DIGITS[0];
        }
        StringBuilder words = new StringBuilder();
        integer(n, true, words);
        return words.toString();
    }

    /** Each digit of {@code digits} (ASCII 0–9 only) as its own word: "0912" → "không chín một hai". */
    public static String digitByDigit(CharSequence digits) {
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < digits.length(); i++) {
            char c = digits.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("'" + c + "' is not a digit");
            }
            space(words).append(DIGITS[c - '0']);
        }
        return words.toString();
    }

    /**
     * The part after the decimal comma: its leading zeros one by one ("05" → "không năm"), the rest as a number when
     * it has at most three digits ("25" → "hai mươi lăm", as announcers read "2,25 m"), else digit by digit.
     */
    public String fraction(CharSequence digits) {
        StringBuilder words = new StringBuilder();
        int i = 0;
        while (i < digits.length() - 1 && digits.charAt(i) == '0') {
            space(words).append(DIGITS[0]);
            i++;
        }
        CharSequence rest = digits.subSequence(i, digits.length());
        if (rest.length() <= 3) {
            space(words).append(integer(Long.parseLong(rest.toString())));
        } else {
            space(words).append(digitByDigit(rest));
        }
        return words.toString();
    }

    /** Tỷ above, recursively ("một nghìn tỷ"); below a billion by millions, thousands and units. */
    private void integer(long n, boolean leading, StringBuilder words) {
        long billions = n / BILLION;
        long below = n % BILLION;
        if (billions > 0) {
            integer(billions, leading, words);
            space(words).append("tỷ");
            leading = false;
        }
        long[] groups = {below / 1_000_000, below / 1000 % 1000, below % 1000};
        String[] names = {"triệu", thousand, null};
        for (int g = 0; g < groups.length; g++) {
            if (groups[g] == 0) {
                continue; // a zero group is not said: 1.000.500 → một triệu năm trăm
            }
            group((int) groups[g], leading, words);
            if (names[g] != null) {
                space(words).append(names[g]);
            }
            leading = false;
        }
    }

    /** One group of three digits, 1–999; after the first group its hundreds are said even when zero. */
    private void group(int n, boolean leading, StringBuilder words) {
        int hundreds = n / 100;
        int tens = n / 10 % 10;
        int units = n % 10;
        boolean saidHundreds = hundreds > 0 || !leading;
        if (saidHundreds) {
            space(words).append(DIGITS[hundreds]).append(" trăm");
        }
        if (tens == 0) {
            if (units > 0) {
                if (saidHundreds) {
                    space(words).append(zeroTen);
                }
                space(words).append(DIGITS[units]);
            }
        } else if (tens == 1) {
            space(words).append("mười");
            if (units > 0) {
                space(words).append(units == 5 ? "lăm" : DIGITS[units]);
            }
        } else {
            space(words).append(DIGITS[tens]).append(" mươi");
            if (units > 0) {
                space(words).append(switch (units) {
                    case 1 -> "mốt";
                    case 4 -> "tư";
                    case 5 -> "lăm";
                    default -> DIGITS[units];
                });
            }
        }
    }

    private static StringBuilder space(StringBuilder words) {
        if (!words.isEmpty()) {
            words.append(' ');
        }
        return words;
    }
}
