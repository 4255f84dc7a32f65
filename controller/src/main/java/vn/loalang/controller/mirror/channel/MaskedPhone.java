package vn.loalang.controller.mirror.channel;

/**
 * A phone number as it may appear in a log or a reason: "09x xxx x678" (the network's first digits and the last
 * three, enough for a technician to tell two numbers apart). A resident's number is personal data (Decree
 * 13/2023/NĐ-CP): whole, it goes only to the SMS service.
 */
final class MaskedPhone {
    private MaskedPhone() {
    }

    static String of(String number) {
        if (number == null) {
            return "(none)";
        }
        String digits = number.replaceAll("\\D", "");
        if (digits.startsWith("84") && digits.length() >= 11) {
            digits = "0" + digits.substring(2);
        }
        if (digits.length() < 6) {
            return "x".repeat(digits.length());
        }
        StringBuilder masked = new StringBuilder(digits.substring(0, 2));
        masked.append("x".repeat(digits.length() - 5)).append(digits.substring(digits.length() - 3));
        // Grouped as it is said: 3, 3, then the rest ("09x xxx x678").
        return masked.substring(0, 3) + " " + masked.substring(3, 6) + " " + masked.substring(6);
    }

    /** A Vietnamese mobile number in the domestic form eSMS takes: "+84912345678" → "0912345678". */
    static String domestic(String number) {
        String digits = number.replaceAll("[^0-9+]", "");
        if (digits.startsWith("+84")) {
            return "0" + digits.substring(3);
        }
        if (digits.startsWith("84") && digits.length() == 11) {
            return "0" + digits.substring(2);
        }
        return digits;
    }

    /** {@code text} (a service's words) with every phone-number-like run of digits masked. */
    static String scrub(String text) {
        return java.util.regex.Pattern.compile("\\+?\\d{9,13}").matcher(text).replaceAll(m -> of(m.group()));
    }
}
