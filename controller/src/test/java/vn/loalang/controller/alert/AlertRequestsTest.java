package vn.loalang.controller.alert;

import org.junit.jupiter.api.Test;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who may alert which villages, and what a request must hold, before anything is spoken, stored or sent. */
class AlertRequestsTest {
    private static final Instant NOW = Instant.parse("2026-11-30T14:00:00Z");
    private static final Commune COMMUNE = new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", null,
            null, null), List.of(new Commune.Village("thon-dong", "Thôn Đông", null),
            new Commune.Village("thon-tay", "Thôn Tây", null)), List.of(), List.of(), null);
    /** No library is needed to check a request: the recording is looked up afterwards. */
    private final AlertRequests requests = new AlertRequests(id -> Optional.empty());
    private final User headOfTay = user(Role.VILLAGE_HEAD, "thon-tay");
    private final User operator = user(Role.OPERATOR);

    private static User user(Role role, String... villages) {
        return new User("u-" + role.name().toLowerCase(), null, role, List.of(villages), "vi", NOW, false);
    }

    private static AlertService.Request ask(List<String> villages) {
        return new AlertService.Request(villages, "nuoc-lu", null, null, "lũ về đêm", null, null, null, null, null);
    }

    private static AlertService.Request withExpiry(Instant expires) {
        return new AlertService.Request(List.of("thon-tay"), "nuoc-lu", null, null, "lũ", null, null, null, expires, null);
    }

    private AlertRequests.Checked check(User user, AlertService.Request req) {
        return requests.check(user, req, COMMUNE, NOW);
    }

    private String refusedField(User user, AlertService.Request req) {
        return assertThrows(ChangeException.class, () -> check(user, req)).field();
    }

    @Test
    void aVillageHeadAlertsOnlyTheirOwnVillages() {
        assertEquals(List.of("thon-tay"), check(headOfTay, ask(List.of("thon-tay"))).villages());
        assertThrows(AlertService.RightsException.class, () -> check(headOfTay, ask(List.of("thon-dong"))));
        assertThrows(AlertService.RightsException.class, () -> check(headOfTay, ask(List.of("thon-tay", "thon-dong"))));
        assertThrows(AlertService.RightsException.class, () -> check(headOfTay, ask(List.of("*"))),
                "not the whole commune, even when it has only their village");
    }

    @Test
    void operatorsAndAdministratorsAlertAnyVillageOrTheWholeCommuneAndNobodyElseAny() {
        assertEquals(List.of("thon-dong", "thon-tay"), check(operator, ask(List.of("*"))).villages());
        assertEquals(List.of("thon-tay", "thon-dong"), check(user(Role.ADMIN), ask(List.of("thon-tay", "thon-dong",
                "thon-tay"))).villages(), "in the order asked, each once");
        assertEquals(List.of("thon-dong"), check(user(Role.CAP_SENDER), ask(List.of("thon-dong"))).villages(),
                "a warning authority's feed, through CapIntake");
        for (Role role : List.of(Role.TECHNICIAN)) {
            assertThrows(AlertService.RightsException.class, () -> check(user(role), ask(List.of("thon-tay"))),
                    role.name());
        }
        assertThrows(AlertService.RightsException.class, () -> AlertRequests.mayAct(headOfTay, List.of("thon-gone")),
                "a cancel for a village that is not theirs (or no longer exists)");
        AlertRequests.mayAct(operator, List.of("thon-gone"));
    }

    @Test
    void villagesMustBeNamedAndExist() {
        assertEquals("villages", refusedField(operator, ask(null)));
        assertEquals("villages", refusedField(operator, ask(List.of())));
        assertEquals("villages", refusedField(operator, ask(Arrays.asList("thon-tay", null))));
        assertEquals("villages", refusedField(operator, ask(List.of("thon-bac"))));
    }

    @Test
    void somethingToSayAndAReasonAreRequired() {
        assertEquals("contentId", refusedField(operator, new AlertService.Request(List.of("thon-tay"), null, " ", "vi",
                null, null, "lũ", null, null, null, null, null)));
        assertEquals("reason", refusedField(operator, new AlertService.Request(List.of("thon-tay"), "nuoc-lu", null, null,
                " ", null, null, null, null, null)));
        AlertRequests.Checked typed = check(operator, new AlertService.Request(List.of("thon-tay"), null,
                "Nước lũ đang lên", "vi", null, null, "lũ", null, null, null, null, null));
        assertTrue(typed.typed(), "a text without a recording is spoken");
        assertFalse(check(operator, ask(List.of("thon-tay"))).typed());
    }

    @Test
    void anAlertEndsWithinADay() {
        assertEquals(NOW.plus(Duration.ofMinutes(30)), check(operator, ask(List.of("thon-tay"))).expiresAt(),
                "half an hour unless said otherwise");
        assertEquals(NOW.plus(Duration.ofHours(24)), check(operator, withExpiry(NOW.plus(Duration.ofHours(24))))
                .expiresAt(), "24 hours exactly is allowed");
        assertEquals("expiresAt", refusedField(operator, withExpiry(NOW.plus(Duration.ofHours(24)).plusSeconds(1))));
        assertEquals("expiresAt", refusedField(operator, withExpiry(NOW)));
        assertEquals("expiresAt", refusedField(operator, new AlertService.Request(List.of("thon-tay"), "nuoc-lu", null,
                null, "lũ", null, null, null, null, 0)));
    }

    @Test
    void theAlertsOwnRulesAreCheckedBeforeAnythingIsSpoken() {
        for (AlertService.Request bad : List.of(
                new AlertService.Request(List.of("thon-tay"), "nuoc-lu", "URGENT", null, "lũ", null, null, null, null, null),
                new AlertService.Request(List.of("thon-tay"), "nuoc-lu", null, null, "lũ", "GONG", null, null, null, null),
                new AlertService.Request(List.of("thon-tay"), "nuoc-lu", null, null, "lũ", null, 11, null, null, null),
                new AlertService.Request(List.of("thon-tay"), "nuoc-lu", null, null, "lũ", null, 1, -1, null, null))) {
            ChangeException e = assertThrows(ChangeException.class, () -> check(operator, bad), bad.toString());
            assertEquals(ChangeException.Kind.INVALID, e.kind(), e.getMessage());
        }
        assertEquals("contentId", assertThrows(ChangeException.class, () -> requests.recording("khong-co")).field());
    }
}
