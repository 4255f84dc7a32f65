package vn.loalang.controller.bulletin;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the morning's market-prices bulletin from a price table, as an announcer would say it:
 * "Bản tin giá cả nông sản sáng ngày 6/12/2026 tại Chợ An Bình. Lúa IR50404: 7.200 đồng một ký, tăng 200 đồng so
 * với hôm trước. …". The text keeps its digits: people read "7.200" faster than words on the console and in a
 * chat; {@code VietnameseReading} writes them out just before speech.
 */
public final class PriceBulletinWriter {
    /** A table older than this many days is not read on the air: yesterday's prices are news, last week's mislead. */
    public static final int MAX_AGE_DAYS = 2;
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d/M/uuuu", Locale.ROOT);
    /** How a unit is said after "đồng một …": abbreviations as people say them; anything else as written. */
    private static final Map<String, String> SAID = Map.of("kg", "ký", "kí", "ký", "g", "gam", "l", "lít",
            "lit", "lít", "m", "mét", "m2", "mét vuông", "m²", "mét vuông");

    /** A table too old (or dated after the bulletin's day) for the bulletin; the message is for the operator. */
    public static final class StaleTable extends Exception {
        public StaleTable(String message) {
            super(message);
        }
    }

    private PriceBulletinWriter() {
    }

    /** The bulletin's title in the library and in chats. */
    public static String title(LocalDate day) {
        return "Giá cả nông sản " + day.format(DAY);
    }

    /** The bulletin of {@code day} from {@code table}; refused when the table is too old for that morning. */
    public static String write(PriceTable table, LocalDate day) throws StaleTable {
        long age = ChronoUnit.DAYS.between(table.date(), day);
        if (age > MAX_AGE_DAYS) {
            throw new StaleTable("Bảng giá ngày " + table.date().format(DAY) + " đã cũ " + age + " ngày (quá "
                    + MAX_AGE_DAYS + " ngày): không phát bản tin, hãy tải bảng giá mới / the price table of "
                    + table.date() + " is " + age + " days old (more than " + MAX_AGE_DAYS + "): no bulletin until a"
                    + " new table is given");
        }
        if (age < 0) {
            throw new StaleTable("Bảng giá ghi ngày " + table.date().format(DAY) + ", sau ngày " + day.format(DAY)
                    + " / the price table is dated " + table.date() + ", after " + day);
        }
        StringBuilder text = new StringBuilder("Bản tin giá cả nông sản sáng ngày ").append(day.format(DAY));
        if (!table.market().isEmpty()) {
            text.append(" tại ").append(table.market());
        }
        text.append('.');
        if (age > 0) {
            text.append(" Giá ngày ").append(table.date().format(DAY)).append('.');
        }
        for (PriceRow row : table.rows()) {
            text.append(' ').append(row.name()).append(": ").append(PriceText.format(row.price()))
                    .append(" đồng một ").append(said(row.unit()));
            if (row.previous() != null) {
                long change = row.price() - row.previous();
                text.append(", ").append(change > 0 ? "tăng " + PriceText.format(change) + " đồng"
                        : change < 0 ? "giảm " + PriceText.format(-change) + " đồng" : "không đổi")
                        .append(" so với hôm trước");
            }
            if (row.note() != null) {
                text.append(", ").append(row.note().replaceAll("[.\\s]+$", ""));
            }
            text.append('.');
        }
        return text.append(" Hết bản tin giá cả.").toString();
    }

    private static String said(String unit) {
        String u = unit.strip();
        return SAID.getOrDefault(u.toLowerCase(Locale.ROOT), u);
    }
}
