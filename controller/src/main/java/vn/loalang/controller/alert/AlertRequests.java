package vn.loalang.controller.alert;

import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.VillageChoice;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.alert.AlertPreamble;
import vn.loalang.protocol.alert.AlertPriority;
import vn.loalang.protocol.schedule.Item;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Whether an alert may and can go out, before anything is spoken, stored or sent: who asks for
 * which villages (a village head only their own, an operator or administrator any or the whole
 * commune as {@code "*"}), something to say (a recording or a text), a reason for the audit log, an
 * expiry within 24 hours, and the alert's own rules (priority, preamble, repeats, interval).
 * Refusals are {@link ChangeException}s naming the field, or {@link AlertService.RightsException}.
 */
final class AlertRequests {
    /** A request that passed: the villages it goes to, whether its text is to be spoken, when it ends. */
    record Checked(AlertService.Request request, List<String> villages, boolean typed, Instant issuedAt,
                   Instant expiresAt) {
        AlertPriority priority() {
            return request.priority() == null ? Alert.DEFAULT_PRIORITY : AlertPriority.of(request.priority());
        }

        int repeats() {
            return request.repeats() == null ? Alert.DEFAULT_REPEATS : request.repeats();
        }

        int intervalSeconds() {
            return request.intervalSeconds() == null ? Alert.DEFAULT_INTERVAL_SECONDS : request.intervalSeconds();
        }

        /** The title asked for, else the content's own. */
        String title(LibraryItem content) {
            return blank(request.title()) ? content.title() : request.title().strip();
        }

        /** The alert as it goes to {@code zone}, saying {@code items}. */
        Alert alert(String id, String zone, String title, List<Item> items) {
            try {
                return new Alert(SchemaVersion.CURRENT, id, zone, priority(), title, request.reason().strip(), issuedAt,
                        expiresAt, AlertPreamble.of(request.preamble()), items, repeats(), intervalSeconds(), false);
            } catch (IllegalArgumentException e) {
                throw new ChangeException(Kind.INVALID, null, e.getMessage());
            }
        }
    }

    private final Function<String, Optional<LibraryItem>> library;

    AlertRequests(Function<String, Optional<LibraryItem>> library) {
        this.library = library;
    }

    /** Everything that can be checked before the text is spoken: no orphan recording for a refused alert. */
    Checked check(User user, AlertService.Request req, Commune c, Instant now) {
        List<String> villages = villagesFor(user, req.villages(), c);
        boolean typed = blank(req.contentId()) && !blank(req.text());
        if (!typed && blank(req.contentId())) {
            throw new ChangeException(Kind.INVALID, "contentId", "Chưa chọn nội dung / choose a recorded warning, upload"
                    + " a clip or type a text");
        }
        if (blank(req.reason())) {
            throw new ChangeException(Kind.INVALID, "reason", "Cần lý do / a reason is required (it goes in the audit log)");
        }
        Instant expires = req.expiresAt() != null ? req.expiresAt()
                : now.plus(Duration.ofMinutes(req.durationMinutes() == null ? Alert.DEFAULT_LIFE.toMinutes() : req.durationMinutes()));
        if (!expires.isAfter(now)) {
            throw new ChangeException(Kind.INVALID, "expiresAt", "Thời hạn đã qua / the expiry " + expires
                    + " is in the past");
        }
        if (expires.isAfter(now.plus(Alert.LONGEST))) {
            throw new ChangeException(Kind.INVALID, "expiresAt", "an alert lasts at most 24 hours; trigger it again"
                    + " tomorrow if it must go on");
        }
        Checked checked = new Checked(req, villages, typed, now, expires);
        checked.alert("a-check", villages.get(0), "check", List.of()); // the alert's own rules, on a stand-in
        return checked;
    }

    /** The recording asked for, from the library. */
    LibraryItem recording(String contentId) {
        return library.apply(contentId).orElseThrow(() -> new ChangeException(Kind.INVALID, "contentId",
                "Không có bản tin / no library item with id " + contentId));
    }

    /** Refuses content that has expired in the commune's calendar: the stations would leave it out. */
    static void requireCurrent(LibraryItem content, Commune c, Instant now) {
        if (content.expiredOn(LocalDate.ofInstant(now, c.commune().zone()))) {
            throw new ChangeException(Kind.INVALID, "contentId", "Bản tin " + content.id() + " đã hết hạn / the item"
                    + " expired on " + content.expires());
        }
    }

    /**
     * The villages {@code user} may alert among {@code asked}: a village head only their own, an
     * operator or administrator any, or the whole commune as {@code "*"}; nobody else any.
     */
    static List<String> villagesFor(User user, List<String> asked, Commune c) {
        VillageChoice choice = VillageChoice.of(asked, c);
        if (choice.wholeCommune() && user.role() == Role.VILLAGE_HEAD) {
            throw new AlertService.RightsException("Trưởng thôn chỉ phát cho thôn mình / a village head alerts only"
                    + " their own villages, not the whole commune");
        }
        List<String> villages = choice.villages();
        mayAct(user, villages);
        return villages;
    }

    /** Whether {@code user} may trigger or cancel an alert for {@code villages} (which may no longer all exist). */
    static void mayAct(User user, List<String> villages) {
        // A CAP feed's account broadcasts only through CapIntake: the API lets it post CAP and nothing else.
        if (user.role() != Role.VILLAGE_HEAD && user.role() != Role.OPERATOR && user.role() != Role.ADMIN
                && user.role() != Role.CAP_SENDER) {
            throw new AlertService.RightsException("Vai trò " + user.role() + " không phát cảnh báo / role "
                    + user.role() + " may not trigger or cancel alerts");
        }
        if (user.role() == Role.VILLAGE_HEAD) {
            for (String v : villages) {
                if (!user.villages().contains(v)) {
                    throw new AlertService.RightsException("Thôn " + v + " không thuộc quyền của " + user.username()
                            + " / village " + v + " is not one of " + user.username() + "'s villages");
                }
            }
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
