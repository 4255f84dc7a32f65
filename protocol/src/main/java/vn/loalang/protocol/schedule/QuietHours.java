package vn.loalang.protocol.schedule;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Hours of the commune's day when nothing but an emergency may sound (e.g. 22:00–05:00, wrapping
 * midnight), in the commune's time zone. Carried in the schedule so that a station enforces them
 * itself, with or without a link.
 */
public record QuietHours(LocalTime start, LocalTime end) {
    public QuietHours {
        Objects.requireNonNull(start, "quietHours.start");
        Objects.requireNonNull(end, "quietHours.end");
        if (start.equals(end)) {
            throw new IllegalArgumentException("quiet hours start and end are both " + start);
        }
    }

    /** Whether {@code at}, read in {@code zone}, falls in the quiet hours (start inclusive, end exclusive). */
    public boolean contains(Instant at, ZoneId zone) {
        LocalTime t = LocalTime.ofInstant(at, zone);
        return start.isBefore(end)
                ? !t.isBefore(start) && t.isBefore(end)
                : !t.isBefore(start) || t.isBefore(end);
    }

    /** Whether the window [from, to) of one day (sessions do not cross midnight) meets the quiet hours. */
    public boolean overlaps(LocalTime from, LocalTime to) {
        return start.isBefore(end)
                ? from.isBefore(end) && start.isBefore(to)
                : from.isBefore(end) || start.isBefore(to);
    }

    @Override
    public String toString() {
        return start + "–" + end;
    }
}
