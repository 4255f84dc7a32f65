package vn.loalang.controller.mirror;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Times in the mirror's tables: UTC with milliseconds always written ({@code 2026-12-06T05:10:00.000Z}), so that
 * comparing the text (the sender's {@code next_at <= ?}) is comparing the times; {@link Instant#parse} reads them.
 */
final class StoredTime {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private StoredTime() {
    }

    static String of(Instant t) {
        return FORMAT.format(t.truncatedTo(ChronoUnit.MILLIS));
    }

    static Instant parse(String stored) {
        return stored == null ? null : Instant.parse(stored);
    }
}
