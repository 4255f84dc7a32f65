package vn.loalang.controller.live;

import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.VillageChoice;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.live.LatePolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Whether a live talk may start, before anything is stored, sent or listened to. The rights are those of
 * alerts ({@code alert.AlertRequests}): a village head only their own villages, an operator or
 * administrator any, or the whole commune as {@code "*"}; nobody else (a technician, a CAP feed) talks.
 * A talk lasts at most {@link #MAX_MINUTES}; its title is what the stations' logs and the reports show.
 * Refusals are {@link ChangeException}s naming the field, or {@link TalkService.RightsException}.
 */
final class TalkRequests {
    /** {@code live.talkMaxMinutes}: a talk ends by itself after this, whatever the speaker does. */
    static final int MAX_MINUTES = 15;
    static final int TITLE_MAX = 120;

    /** A request that passed: where it goes, its title, when it must end, what a station that missed it does. */
    record Checked(List<String> villages, String title, LatePolicy late, Instant startedAt, Instant maxEnd) {
    }

    private final Duration longest;

    TalkRequests(Duration longest) {
        if (longest.isNegative() || longest.isZero() || longest.compareTo(vn.loalang.protocol.live.LiveTalk.LONGEST) > 0) {
            throw new IllegalArgumentException("a talk's maximum length must be within 0–"
                    + vn.loalang.protocol.live.LiveTalk.LONGEST.toMinutes() + " min, not " + longest);
        }
        this.longest = longest;
    }

    TalkRequests() {
        this(Duration.ofMinutes(MAX_MINUTES));
    }

    Checked check(User user, TalkService.Request req, Commune c, Instant now) {
        if (req == null) {
            throw new ChangeException(Kind.INVALID, null, "the request body must be a JSON object");
        }
        List<String> villages = villagesFor(user, req.villages(), c);
        String title = req.title() == null || req.title().isBlank() ? "Nói trực tiếp" : req.title().strip();
        if (title.length() > TITLE_MAX) {
            throw new ChangeException(Kind.INVALID, "title", "Tiêu đề quá dài / the title is longer than " + TITLE_MAX
                    + " characters");
        }
        LatePolicy late;
        try {
            late = req.late() == null || req.late().isBlank() ? c.commune().live().talkLate()
                    : LatePolicy.valueOf(req.late().strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ChangeException(Kind.INVALID, "late", "late must be PLAY_LATE or SKIP, not " + req.late());
        }
        return new Checked(villages, title, late, now, now.plus(longest));
    }

    /**
     * The villages {@code user} may talk to among {@code asked}: a village head only their own, an
     * operator or administrator any, or the whole commune as {@code "*"}.
     */
    static List<String> villagesFor(User user, List<String> asked, Commune c) {
        VillageChoice choice = VillageChoice.of(asked, c);
        if (choice.wholeCommune() && user.role() == Role.VILLAGE_HEAD) {
            throw new TalkService.RightsException("Trưởng thôn chỉ nói với thôn mình / a village head talks only to"
                    + " their own villages, not the whole commune");
        }
        List<String> villages = choice.villages();
        mayAct(user, villages);
        return villages;
    }

    /** Whether {@code user} may start or end a talk to {@code villages}. */
    static void mayAct(User user, List<String> villages) {
        if (user.role() != Role.VILLAGE_HEAD && user.role() != Role.OPERATOR && user.role() != Role.ADMIN) {
            throw new TalkService.RightsException("Vai trò " + user.role() + " không nói trực tiếp / role "
                    + user.role() + " may not talk live");
        }
        if (user.role() == Role.VILLAGE_HEAD) {
            for (String v : villages) {
                if (!user.villages().contains(v)) {
                    throw new TalkService.RightsException("Thôn " + v + " không thuộc quyền của " + user.username()
                            + " / village " + v + " is not one of " + user.username() + "'s villages");
                }
            }
        }
    }
}
