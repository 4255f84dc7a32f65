package vn.loalang.controller.bulletin;

import vn.loalang.audio.speech.VietnameseReading;

import java.time.LocalTime;
import java.util.List;
import java.util.Locale;

/**
 * How the morning market-prices bulletin is made.
 *
 * @param source    {@code csv}: the table the officer last uploaded; {@code feed}: fetched from {@code feedUrl}
 *                  at {@code prepareAt} (the last table kept is used when the feed fails, while it is fresh)
 * @param feedUrl   the JSON feed's address (with {@code feed})
 * @param prepareAt when the bulletin is written and spoken each day, at least 30 minutes before the first
 *                  session that plays it, so every station has fetched it by then
 * @param market    the market named in the bulletin when the table names none
 * @param dialect   {@code north} or {@code south}: how numbers are read (nghìn/ngàn, linh/lẻ)
 */
public record BulletinSettings(String source, String feedUrl, LocalTime prepareAt, String market, String dialect) {
    public static final BulletinSettings DEFAULT = new BulletinSettings("csv", null, LocalTime.of(4, 30), "", "north");

    public BulletinSettings {
        source = source == null ? "csv" : source.strip().toLowerCase(Locale.ROOT);
        if (!List.of("csv", "feed").contains(source)) {
            throw new IllegalArgumentException("source là csv hoặc feed / source must be csv or feed");
        }
        feedUrl = feedUrl == null || feedUrl.isBlank() ? null : feedUrl.strip();
        if ("feed".equals(source) && feedUrl == null) {
            throw new IllegalArgumentException("cần địa chỉ nguồn giá (feedUrl) / a feed needs its feedUrl");
        }
        if (feedUrl != null && feedUrl.length() > 500) {
            throw new IllegalArgumentException("feedUrl dài quá 500 ký tự / feedUrl is longer than 500 characters");
        }
        prepareAt = prepareAt == null ? DEFAULT_PREPARE : prepareAt.withSecond(0).withNano(0);
        market = market == null ? "" : market.strip();
        if (market.length() > 80) {
            throw new IllegalArgumentException("tên chợ dài quá 80 ký tự / the market's name is longer than 80 characters");
        }
        dialect = dialect == null ? "north" : dialect.strip().toLowerCase(Locale.ROOT);
        if (!List.of("north", "south").contains(dialect)) {
            throw new IllegalArgumentException("dialect là north hoặc south / dialect must be north or south");
        }
    }

    private static final LocalTime DEFAULT_PREPARE = LocalTime.of(4, 30);

    /** The reading that matches {@link #dialect()}. */
    public VietnameseReading reading() {
        return VietnameseReading.of("south".equals(dialect) ? VietnameseReading.Dialect.SOUTH
                : VietnameseReading.Dialect.NORTH);
    }
}
