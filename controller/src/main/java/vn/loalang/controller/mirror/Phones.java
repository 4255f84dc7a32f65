package vn.loalang.controller.mirror;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Vietnamese mobile numbers as the mirror keeps them: typed as {@code 0912 345 678}, {@code 0912.345.678},
 * {@code +84 912 345 678} or {@code 84912345678}; stored normalised as E.164 ({@code +84912345678}); shown and
 * audited masked ({@code 09x xxx x678}), so that a screen, a log or the audit table gives no one the whole number
 * (personal data, Decree 13/2023/NĐ-CP). Mobile prefixes since the 2018 renumbering: 03, 05, 07, 08, 09.
 */
public final class Phones {
    /** Separators people type inside a number; removed before the number is read. */
    private static final Pattern SEPARATORS = Pattern.compile("[\\s.\\-()]");
    private static final Pattern NATIONAL = Pattern.compile("0([35789]\\d{8})");
    private static final Pattern INTERNATIONAL = Pattern.compile("\\+?84([35789]\\d{8})");
    private static final Pattern E164 = Pattern.compile("\\+84([35789]\\d{8})");

    private Phones() {
    }

    /** The number as E.164 ({@code +84…}), or empty when it is not a Vietnamese mobile number. */
    public static Optional<String> normalise(String typed) {
        if (typed == null || typed.length() > 32) {
            return Optional.empty();
        }
        String digits = SEPARATORS.matcher(typed.strip()).replaceAll("");
        Matcher national = NATIONAL.matcher(digits);
        if (national.matches()) {
            return Optional.of("+84" + national.group(1));
        }
        Matcher international = INTERNATIONAL.matcher(digits);
        return international.matches() ? Optional.of("+84" + international.group(1)) : Optional.empty();
    }

    /**
     * A stored number masked for people: the national prefix's first two digits and the last three, as
     * {@code 09x xxx x678}. Anything that is not a stored number is masked whole.
     */
    public static String mask(String e164) {
        Matcher m = e164 == null ? null : E164.matcher(e164);
        if (m == null || !m.matches()) {
            return "xxx xxx xxxx";
        }
        String national = "0" + m.group(1);
        return national.substring(0, 2) + "x xxx x" + national.substring(7);
    }
}
