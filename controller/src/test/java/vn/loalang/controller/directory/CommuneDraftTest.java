package vn.loalang.controller.directory;

import org.junit.jupiter.api.Test;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.schedule.QuietHours;

import java.time.LocalTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The first-start wizard's commune: ids made from Vietnamese names, the time zone, and each refusal's field. */
class CommuneDraftTest {
    private static final CommuneDraft.Times MORNING = new CommuneDraft.Times("05:30", "06:30");
    private static final CommuneDraft.Times EVENING = new CommuneDraft.Times("17:00", "18:00");

    private static CommuneDraft draft(String name, List<CommuneDraft.VillageDraft> villages) {
        return new CommuneDraft(name, null, null, villages, MORNING, EVENING, null);
    }

    private static List<CommuneDraft.VillageDraft> villages(String... names) {
        return java.util.Arrays.stream(names).map(n -> new CommuneDraft.VillageDraft(n, null)).toList();
    }

    private static ChangeException refused(CommuneDraft d) {
        ChangeException e = assertThrows(ChangeException.class, d::toCommune);
        assertEquals(ChangeException.Kind.INVALID, e.kind());
        return e;
    }

    @Test
    void idsAreMadeFromVietnameseNames() {
        assertEquals("xa-an-binh", CommuneDraft.slug("Xã An Bình"));
        assertEquals("thon-dong-2", CommuneDraft.slug("  Thôn Đông 2 "));
        assertEquals("ap-phuoc-hoa", CommuneDraft.slug("Ấp Phước Hoà"));
        assertEquals("ban-ta-trang", CommuneDraft.slug("Bản Tả / Trảng!"));
        assertEquals("", CommuneDraft.slug("…"));
        assertEquals(64, CommuneDraft.slug("a".repeat(40) + " " + "b".repeat(40)).length());
    }

    @Test
    void aDraftBecomesACommuneWithItsVillagesAndTheTwoSessionsEmpty() {
        Commune c = new CommuneDraft("Xã An Bình", null, null, List.of(new CommuneDraft.VillageDraft("Thôn Đông", null),
                new CommuneDraft.VillageDraft("Thôn Tây", "tay")), new CommuneDraft.Times("05:45", "06:15"),
                new CommuneDraft.Times("17:30", "18:00"), new QuietHours(LocalTime.of(22, 0), LocalTime.of(5, 0)))
                .toCommune();
        assertEquals("xa-an-binh", c.commune().id());
        assertEquals("Xã An Bình", c.commune().name());
        assertEquals("Asia/Ho_Chi_Minh", c.commune().timeZone());
        assertEquals(List.of("thon-dong", "tay"), c.villages().stream().map(Commune.Village::id).toList());
        assertEquals(List.of("Thôn Đông", "Thôn Tây"), c.villages().stream().map(Commune.Village::name).toList());
        assertEquals(List.of(), c.stations());
        List<Commune.DailySession> daily = c.program().daily();
        assertEquals(List.of("morning", "evening"), daily.stream().map(Commune.DailySession::id).toList());
        assertEquals(LocalTime.of(5, 45), daily.get(0).start());
        assertEquals(LocalTime.of(18, 0), daily.get(1).end());
        assertTrue(daily.stream().allMatch(d -> d.items().isEmpty() && d.weekdays() == null));
        assertEquals("22:00–05:00", c.commune().quietHours().toString());
    }

    @Test
    void theTimeZoneIsCheckedAndDefaultsToVietnam() {
        Commune c = new CommuneDraft("Xã A", "xa-a", "Asia/Bangkok", villages("Thôn 1"), MORNING, EVENING, null)
                .toCommune();
        assertEquals("Asia/Bangkok", c.commune().timeZone());
        assertEquals("timeZone", refused(new CommuneDraft("Xã A", null, "Hà Nội", villages("Thôn 1"), MORNING,
                EVENING, null)).field());
    }

    @Test
    void eachRefusalNamesTheFieldAtFault() {
        assertEquals("name", refused(draft(" ", villages("Thôn 1"))).field());
        assertEquals("id", refused(draft("…", villages("Thôn 1"))).field());
        assertEquals("id", refused(new CommuneDraft("Xã A", "Xã A", null, villages("Thôn 1"), MORNING, EVENING,
                null)).field());
        assertEquals("villages", refused(draft("Xã A", List.of())).field());
        assertEquals("villages[2].name", refused(draft("Xã A", villages("Thôn 1", "Thôn 2", ""))).field());
        ChangeException twice = refused(draft("Xã A", villages("Thôn Đông", "Thôn đông")));
        assertEquals("villages[1].name", twice.field());
        assertTrue(twice.getMessage().contains("thon-dong"), twice.getMessage());
        assertEquals("villages[0].id", refused(draft("Xã A", List.of(new CommuneDraft.VillageDraft("Thôn 1", "Thôn/1"))))
                .field());
        assertEquals("morning.start", refused(new CommuneDraft("Xã A", null, null, villages("Thôn 1"),
                new CommuneDraft.Times("5h30", "06:30"), EVENING, null)).field());
        assertEquals("evening.end", refused(new CommuneDraft("Xã A", null, null, villages("Thôn 1"), MORNING,
                new CommuneDraft.Times("17:00", "16:00"), null)).field());
        assertEquals("evening.start", refused(new CommuneDraft("Xã A", null, null, villages("Thôn 1"), MORNING,
                new CommuneDraft.Times("06:00", "07:00"), null)).field());
        assertEquals("morning.start", refused(new CommuneDraft("Xã A", null, null, villages("Thôn 1"),
                new CommuneDraft.Times("04:30", "05:30"), EVENING,
                new QuietHours(LocalTime.of(22, 0), LocalTime.of(5, 0)))).field());
        assertEquals("evening.start", refused(new CommuneDraft("Xã A", null, null, villages("Thôn 1"), MORNING, null,
                null)).field());
    }

    @Test
    void theConsolesJsonReadsAsADraft() throws Exception {
        CommuneDraft d = Json.read(("{\"name\":\"Xã An Bình\",\"timeZone\":\"Asia/Ho_Chi_Minh\",\"villages\":[{\"name\":"
                + "\"Thôn Đông\"}],\"morning\":{\"start\":\"05:30\",\"end\":\"06:30\"},\"evening\":{\"start\":\"17:00\","
                + "\"end\":\"18:00\"},\"quietHours\":{\"start\":\"22:00\",\"end\":\"05:00\"}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8), CommuneDraft.class);
        assertEquals("thon-dong", d.toCommune().villages().get(0).id());
        assertEquals(LocalTime.of(22, 0), d.quietHours().start());
    }
}
