package vn.loalang.controller.mirror.channel;

import vn.loalang.controller.mirror.Phones;

import java.util.regex.Pattern;

/**
 * Phone numbers in what a channel says and sends. A resident's number is personal data (Decree 13/2023/NĐ-CP):
 * whole, it goes only to the SMS service; in a reason or a log line it is masked as {@link Phones} masks it
 * ("09x xxx x678"), also where a service's own words quote it.
 */
final class MaskedPhone {
    private static final Pattern NUMBER_LIKE = Pattern.compile("\\+?\\d{9,13}");

    private MaskedPhone() {
    }

    /** {@code number} (E.164 or as typed) masked; anything not a Vietnamese mobile number masked whole. */
    static String of(String number) {
        return Phones.mask(Phones.normalise(number).orElse(null));
    }

    /** A Vietnamese mobile number in the domestic form eSMS takes: "+84912345678" → "0912345678". */
    static String domestic(String number) {
        return Phones.normalise(number).map(e164 -> "0" + e164.substring(3))
                .orElse(number.replaceAll("[^0-9+]", ""));
    }

    /** {@code text} (a service's words) with every phone-number-like run of digits masked. */
    static String scrub(String text) {
        return NUMBER_LIKE.matcher(text).replaceAll(m -> of(m.group()));
    }
}
