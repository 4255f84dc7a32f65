package vn.loalang.controller.live;

import org.junit.jupiter.api.Test;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.live.LatePolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Who may talk live to which villages, for how long, and what a request must hold: the rights of alerts. */
class TalkRequestsTest {
    private static final Instant NOW = Instant.parse("2026-12-06T08:15:00Z");
    private static final Commune COMMUNE = new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", null,
            null, null), List.of(new Commune.Village("thon-dong", "Thôn Đông", null),
            new Commune.Village("thon-tay", "Thôn Tây", null)), List.of(), List.of(), null);
    private final TalkRequests requests = new TalkRequests();

    private static User user(Role role, String... villages) {
        return new User("u-" + role.name().toLowerCase().replace('_', '-'), null, role, List.of(villages), "vi", NOW, false);
    }

    private TalkRequests.Checked check(User user, List<String> villages) {
        return requests.check(user, new TalkService.Request(villages, "Họp", null), COMMUNE, NOW);
    }

    /** Each role against each kind of request: "ok" with the villages it goes to, or how it is refused. */
    private String outcome(User user, List<String> villages) {
        try {
            return "ok " + check(user, villages).villages();
        } catch (TalkService.RightsException e) {
            return "403";
        } catch (ChangeException e) {
            return "400 " + e.field();
        }
    }

    @Test
    void theRightsTable() {
        User head = user(Role.VILLAGE_HEAD, "thon-tay");
        User headOfBoth = user(Role.VILLAGE_HEAD, "thon-tay", "thon-dong");
        User operator = user(Role.OPERATOR);
        User admin = user(Role.ADMIN);
        User technician = user(Role.TECHNICIAN);
        User cap = user(Role.CAP_SENDER);
        List<String> tay = List.of("thon-tay");
        List<String> dong = List.of("thon-dong");
        List<String> both = List.of("thon-tay", "thon-dong");
        List<String> whole = List.of("*");

        assertEquals("ok [thon-tay]", outcome(head, tay));
        assertEquals("403", outcome(head, dong), "not a village of theirs");
        assertEquals("403", outcome(head, both), "one village not theirs refuses the whole request");
        assertEquals("403", outcome(head, whole), "not the whole commune, even through '*'");
        assertEquals("ok [thon-tay, thon-dong]", outcome(headOfBoth, both));
        assertEquals("403", outcome(headOfBoth, whole), "'*' stays an operator's, however many villages a head has");

        for (User staff : List.of(operator, admin)) {
            assertEquals("ok [thon-dong]", outcome(staff, dong));
            assertEquals("ok [thon-tay, thon-dong]", outcome(staff, both));
            assertEquals("ok [thon-dong, thon-tay]", outcome(staff, whole), "the whole commune, in its order");
        }
        for (User other : List.of(technician, cap)) {
            assertEquals("403", outcome(other, tay), other.role() + " does not talk live");
        }

        assertEquals("400 villages", outcome(operator, List.of()));
        assertEquals("400 villages", outcome(operator, List.of("thon-bac")), "no such village");
        assertEquals("400 villages", outcome(operator, null));
        assertEquals("ok [thon-tay]", outcome(operator, List.of("thon-tay", "thon-tay")), "named twice, once");
    }

    @Test
    void aTalkLastsAtMostFifteenMinutesHasATitleAndALatePolicy() {
        TalkRequests.Checked c = check(user(Role.OPERATOR), List.of("thon-tay"));
        assertEquals(NOW.plus(Duration.ofMinutes(15)), c.maxEnd());
        assertEquals(NOW, c.startedAt());
        assertEquals("Họp", c.title());
        assertEquals(LatePolicy.PLAY_LATE, c.late(), "by default a station that missed it plays it late");

        User op = user(Role.OPERATOR);
        assertEquals("Nói trực tiếp", requests.check(op, new TalkService.Request(List.of("thon-tay"), "  ", null),
                COMMUNE, NOW).title(), "a blank title gets the plain name");
        assertEquals(LatePolicy.SKIP, requests.check(op, new TalkService.Request(List.of("thon-tay"), null, "skip"),
                COMMUNE, NOW).late());
        assertEquals("late", assertThrows(ChangeException.class, () -> requests.check(op,
                new TalkService.Request(List.of("thon-tay"), null, "LATER"), COMMUNE, NOW)).field());
        assertEquals("title", assertThrows(ChangeException.class, () -> requests.check(op,
                new TalkService.Request(List.of("thon-tay"), "x".repeat(TalkRequests.TITLE_MAX + 1), null), COMMUNE,
                NOW)).field());
        assertThrows(IllegalArgumentException.class, () -> new TalkRequests(Duration.ofMinutes(31)),
                "no commune may make a talk longer than the wire allows");
    }

    @Test
    void whoMayEndATalk() {
        TalkRequests.mayAct(user(Role.VILLAGE_HEAD, "thon-tay"), List.of("thon-tay"));
        TalkRequests.mayAct(user(Role.OPERATOR), List.of("thon-tay", "thon-dong"));
        assertThrows(TalkService.RightsException.class,
                () -> TalkRequests.mayAct(user(Role.VILLAGE_HEAD, "thon-tay"), List.of("thon-tay", "thon-dong")));
        assertThrows(TalkService.RightsException.class,
                () -> TalkRequests.mayAct(user(Role.TECHNICIAN), List.of("thon-tay")));
    }
}
