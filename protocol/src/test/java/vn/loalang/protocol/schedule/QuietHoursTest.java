package vn.loalang.protocol.schedule;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.Json;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuietHoursTest {
    private static final ZoneId HANOI = ZoneId.of("Asia/Ho_Chi_Minh");

    private static Instant at(String localTime) {
        return LocalTime.parse(localTime).atDate(java.time.LocalDate.of(2026, 12, 1)).atZone(HANOI).toInstant();
    }

    @Test
    void quietHoursThatWrapMidnightAreReadInTheCommunesZone() {
        QuietHours night = new QuietHours(LocalTime.of(22, 0), LocalTime.of(5, 0));
        assertTrue(night.contains(at("22:00"), HANOI));
        assertTrue(night.contains(at("03:10"), HANOI));
        assertFalse(night.contains(at("05:00"), HANOI), "the end is not quiet: the morning session starts");
        assertFalse(night.contains(at("17:30"), HANOI));
        QuietHours noon = new QuietHours(LocalTime.of(11, 30), LocalTime.of(13, 30));
        assertTrue(noon.contains(at("12:00"), HANOI));
        assertFalse(noon.contains(at("13:30"), HANOI));
        assertThrows(IllegalArgumentException.class, () -> new QuietHours(LocalTime.NOON, LocalTime.NOON));
    }

    @Test
    void aScheduleCarriesThemAndAnOlderScheduleWithoutThemStillReads() throws Exception {
        Instant now = at("12:00");
        Schedule s = new Schedule(1, "st-1", "xom-1", 1, "Asia/Ho_Chi_Minh", now, now.plusSeconds(3600), List.of(),
                new QuietHours(LocalTime.of(22, 0), LocalTime.of(5, 0)));
        Schedule back = Json.read(Json.write(s), Schedule.class);
        assertEquals(s, back);
        assertTrue(back.quietAt(at("23:00")));
        String old = new String(Json.write(new Schedule(1, "st-1", "xom-1", 1, "Asia/Ho_Chi_Minh", now,
                now.plusSeconds(3600), List.of())), java.nio.charset.StandardCharsets.UTF_8);
        assertFalse(old.contains("quietHours"), "absent, not null, on the wire");
        assertFalse(Json.read(old.getBytes(java.nio.charset.StandardCharsets.UTF_8), Schedule.class).quietAt(at("23:00")));
    }
}
