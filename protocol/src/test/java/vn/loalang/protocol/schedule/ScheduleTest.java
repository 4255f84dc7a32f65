package vn.loalang.protocol.schedule;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.SchemaVersion;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleTest {
    static final String SHA = "a".repeat(64);
    static final Instant T0 = Instant.parse("2026-11-23T22:30:00Z"); // 05:30 in Hà Nội

    static Item item(String id, long millis) {
        return new Item(id, "Bản tin " + id, SHA, URI.create("http://127.0.0.1:8080/content/" + SHA), 1000, millis, -3.5);
    }

    static Session session(String id, Instant start, long windowSeconds, Item... items) {
        return new Session(id, "Buổi sáng", start, start.plusSeconds(windowSeconds), List.of(items));
    }

    static Schedule schedule(Session... sessions) {
        return new Schedule(SchemaVersion.CURRENT, "thon-1", "thon-1", 7, "Asia/Ho_Chi_Minh", T0.minusSeconds(3600),
                T0.plusSeconds(86400), List.of(sessions));
    }

    @Test
    void roundTripsThroughJsonAndSortsSessions() throws Exception {
        Schedule original = schedule(session("evening", T0.plusSeconds(3600 * 12), 3600, item("b", 2000)),
                session("morning", T0, 3600, item("a", 1000), item("b", 2000)));
        Schedule copy = Json.read(Json.write(original), Schedule.class);
        assertEquals(original, copy);
        assertEquals("morning", copy.sessions().get(0).id());
        assertEquals(3000, copy.sessions().get(0).playlistDuration().toMillis());
        String json = new String(Json.write(original), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"start\":\"2026-11-23T22:30:00Z\""), json);
    }

    @Test
    void refusesOverlappingSessions() {
        var e = assertThrows(IllegalArgumentException.class, () -> schedule(session("morning", T0, 3600, item("a", 1000)),
                session("extra", T0.plusSeconds(1800), 3600, item("a", 1000))));
        assertTrue(e.getMessage().contains("overlap"), e.getMessage());
    }

    @Test
    void refusesAPlaylistLongerThanItsWindow() {
        var e = assertThrows(IllegalArgumentException.class, () -> session("morning", T0, 2, item("a", 1500), item("b", 1000)));
        assertTrue(e.getMessage().contains("playlist lasts"), e.getMessage());
    }

    @Test
    void refusesBadItems() {
        assertThrows(IllegalArgumentException.class,
                () -> new Item("a", "t", "xyz", URI.create("http://h/c"), 1, 1, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new Item("a", "t", SHA, URI.create("file:///etc/passwd"), 1, 1, 0));
        assertThrows(IllegalArgumentException.class,
                () -> new Item("a", "t", SHA, URI.create("http://h/c"), 1, 0, 0));
    }

    @Test
    void malformedJsonIsRejectedWithAReasonNotACrash() {
        for (String bad : List.of("", "not json", "[]", "null", "{\"schema\":1}", "{\"schema\":2,\"stationId\":\"a\"}",
                "{\"schema\":1,\"stationId\":\"a\",\"zone\":\"z\",\"version\":1,\"timeZone\":\"Mars/Base\","
                        + "\"validFrom\":\"2026-01-01T00:00:00Z\",\"validUntil\":\"2026-01-02T00:00:00Z\",\"sessions\":[]}")) {
            var e = assertThrows(MalformedMessageException.class,
                    () -> Json.read(bad.getBytes(StandardCharsets.UTF_8), Schedule.class), bad);
            assertTrue(e.getMessage().startsWith("Schedule"), e.getMessage());
        }
    }

    @Test
    void findsTheNextSession() {
        Schedule s = schedule(session("morning", T0, 3600, item("a", 1000)),
                session("evening", T0.plusSeconds(43200), 3600, item("a", 1000)));
        assertEquals("morning", s.nextSession(T0.minusSeconds(10)).orElseThrow().id());
        assertEquals("morning", s.nextSession(T0.plusSeconds(10)).orElseThrow().id());
        assertEquals("evening", s.nextSession(T0.plusSeconds(3600)).orElseThrow().id());
        assertTrue(s.nextSession(T0.plusSeconds(86400)).isEmpty());
    }
}
