package vn.loalang.controller.bulletin;

import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A price as people type it into a spreadsheet, in đồng: "12.500", "12500", "12 500", "12,5 nghìn", "7,2k",
 * "1,2 triệu", "12.500 đ". A dot or a space groups thousands (the Vietnamese way); a comma before exactly three
 * digits does too (a spreadsheet set to English), elsewhere it is the decimal comma, allowed only before
 * "nghìn/ngàn/k/triệu" since there is no fraction of a đồng.
 */
public final class PriceText {
    /** The dearest price taken: a buffalo costs tens of millions, nothing at a market costs a trillion. */
    static final long MOST = 1_000_000_000_000L;
    private static final Pattern GROUPED = Pattern.compile("\\d{1,3}([. ]\\d{3})+|\\d{1,3}(,\\d{3})+|\\d+");
    private static final Pattern DECIMAL = Pattern.compile("\\d+([.,]\\d+)?");
    private static final Pattern WITH_UNIT = Pattern.compile("(.+?)\\s*(nghìn|ngàn|nghin|ngan|k|triệu|trieu|tr)");
    private static final Pattern CURRENCY = Pattern.compile("\\s*(vnđ|vnd|đồng|dong|đ)\\s*$");

    private PriceText() {
    }

    /** The price in đồng; an {@link IllegalArgumentException} saying why (Vietnamese / English) when it is none. */
    public static long parse(String written) {
        if (written == null || written.isBlank()) {
            throw new IllegalArgumentException("thiếu giá / the price is missing");
        }
        String s = Normalizer.normalize(written, Normalizer.Form.NFC).strip().toLowerCase(Locale.ROOT)
                .replace('\u00a0', ' ');
        s = CURRENCY.matcher(s).replaceFirst("").strip();
        long multiplier = 1;
        Matcher unit = WITH_UNIT.matcher(s);
        if (unit.matches()) {
            multiplier = unit.group(2).startsWith("tr") ? 1_000_000 : 1_000;
            s = unit.group(1).strip();
        }
        BigDecimal value;
        if (GROUPED.matcher(s).matches() && (multiplier == 1 || !s.contains(","))) {
            value = new BigDecimal(s.replaceAll("[., ]", ""));
        } else if (multiplier > 1 && DECIMAL.matcher(s).matches()) {
            value = new BigDecimal(s.replace(',', '.'));
        } else {
            throw new IllegalArgumentException("giá '" + written.strip() + "' không phải một số tiền (viết như 12.500"
                    + " hoặc 12,5 nghìn) / the price '" + written.strip() + "' is not an amount (write 12.500 or 12,5 nghìn)");
        }
        BigDecimal dong = value.multiply(BigDecimal.valueOf(multiplier));
        if (dong.stripTrailingZeros().scale() > 0) {
            throw new IllegalArgumentException("giá '" + written.strip() + "' có phần lẻ dưới một đồng / the price '"
                    + written.strip() + "' has a fraction of a đồng");
        }
        if (dong.compareTo(BigDecimal.valueOf(MOST)) > 0) {
            throw new IllegalArgumentException("giá '" + written.strip() + "' quá lớn / the price '" + written.strip()
                    + "' is too large");
        }
        return dong.longValueExact();
    }

    /** {@code 7200} as "7.200": the grouping people read on a page and in a chat. */
    public static String format(long dong) {
        String digits = Long.toString(Math.abs(dong));
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < digits.length(); i++) {
            if (i > 0 && (digits.length() - i) % 3 == 0) {
                out.append('.');
            }
            out.append(digits.charAt(i));
        }
        return (dong < 0 ? "-" : "") + out;
    }
}
