package vn.loalang.controller.alert.cap;

import vn.loalang.controller.alert.cap.CapAlert.MsgType;
import vn.loalang.controller.alert.cap.CapAlert.Reference;
import vn.loalang.controller.alert.cap.CapAlert.Scope;
import vn.loalang.controller.alert.cap.CapAlert.Status;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Decides what a received CAP alert does in the commune: go out at once, wait for an operator, be
 * ignored, or withdraw an earlier alert; and which villages it concerns and what they hear.
 *
 * <p>A fake or mistaken emergency on the loudspeakers is worse than a late one, so every rule leans
 * towards a person: only an {@code Actual} alert ever sounds, whatever the policy; anything short of
 * the policy's "at once" waits for an operator; anything that cannot concern the commune now (expired,
 * elsewhere, a test) never reaches a loudspeaker. Each decision says why, in Vietnamese then English,
 * for the operator and the audit log.
 */
public final class CapMapping {
    private final CapPolicy policy;
    private final Clock clock;

    public CapMapping(CapPolicy policy, Clock clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * What {@code alert} does in a commune of {@code villages}.
     *
     * @param villages the commune's villages as they are now (the list changes when communes merge)
     */
    public Decision decide(CapAlert alert, List<VillageArea> villages) {
        if (alert.status() != Status.Actual) {
            // Before anything else: a Test or Exercise Cancel must not withdraw a real alert either.
            return Decision.ignored(new Why(
                    "Bản tin " + alert.status() + " không phải cảnh báo thật, không bao giờ phát ra loa",
                    "status " + alert.status() + " is not a real alert: never broadcast"), List.of());
        }
        return switch (alert.msgType()) {
            case Ack, Error -> Decision.ignored(new Why(
                    "Bản tin " + alert.msgType() + " là trao đổi giữa các hệ thống, không phát ra loa",
                    "msgType " + alert.msgType() + " is between systems: never broadcast"), List.of());
            case Cancel -> cancel(alert);
            case Alert, Update -> broadcast(alert, new CapAreaMatcher(villages));
        };
    }

    private static Decision cancel(CapAlert alert) {
        if (alert.references().isEmpty()) {
            return Decision.ignored(new Why("Lệnh hủy không nêu bản tin nào (thiếu references)",
                    "Cancel names no earlier alert (references is empty)"), List.of());
        }
        String ids = alert.references().stream().map(Reference::identifier).collect(Collectors.joining(", "));
        // The stations to silence are wherever the earlier alerts went, which the controller knows, not
        // the area of the Cancel (often left out or written more loosely).
        return new Decision(Decision.Kind.CANCEL, Set.of(),
                new Why("Hủy bản tin đã gửi: " + ids, "withdraws " + ids).text(), alert.references(), null);
    }

    private Decision broadcast(CapAlert alert, CapAreaMatcher commune) {
        // An Update replaces its references even when it is itself ignored (e.g. the storm moved away):
        // the controller must drop a superseded alert still waiting for an operator.
        List<Reference> replaces = alert.references();
        if (alert.infos().isEmpty()) {
            return Decision.ignored(new Why("Bản tin không có phần nội dung (info) để phát",
                    "the alert has no info to broadcast"), replaces);
        }
        Instant now = clock.instant();
        List<CapInfo> current = alert.infos().stream()
                .filter(info -> info.expires() == null || info.expires().toInstant().isAfter(now)).toList();
        if (current.isEmpty()) {
            OffsetDateTime expired = alert.infos().stream().map(CapInfo::expires)
                    .max(Comparator.comparing(OffsetDateTime::toInstant)).orElseThrow();
            return Decision.ignored(new Why("Bản tin đã hết hạn lúc " + expired, "expired at " + expired),
                    replaces);
        }
        Map<CapInfo, Set<String>> covering = new LinkedHashMap<>();
        for (CapInfo info : current) {
            Set<String> villages = commune.villagesIn(info.areas());
            if (!villages.isEmpty()) {
                covering.put(info, villages);
            }
        }
        if (covering.isEmpty()) {
            String areas = current.stream().flatMap(info -> info.areas().stream()).map(CapArea::areaDesc)
                    .distinct().collect(Collectors.joining("; "));
            return Decision.ignored(new Why("Không có thôn nào của xã trong vùng cảnh báo (" + areas + ")",
                    "no village of the commune in the area (" + areas + ")"), replaces);
        }
        CapInfo spoken = covering.keySet().stream().filter(CapMapping::isVietnamese).findFirst()
                .orElse(covering.keySet().iterator().next());
        List<Why> shortOf = shortOfImmediate(alert, spoken, now);
        shortOf.addAll(otherSegments(alert, spoken, covering));
        Announcement announcement = Announcement.of(spoken);
        Set<String> villages = covering.get(spoken);
        String values = spoken.urgency() + ", " + spoken.severity() + ", " + spoken.certainty();
        if (shortOf.isEmpty()) {
            return new Decision(Decision.Kind.IMMEDIATE, villages, new Why(
                    "Phát ngay: " + spoken.event() + " (" + values + ")",
                    "broadcast at once: " + spoken.event() + " (" + values + ")").text(), replaces, announcement);
        }
        return new Decision(Decision.Kind.NEEDS_CONFIRMATION, villages, new Why(
                "Cần cán bộ xác nhận: " + spoken.event() + ": " + join(shortOf, Why::vi),
                "needs an operator: " + spoken.event() + ": " + join(shortOf, Why::en)).text(),
                replaces, announcement);
    }

    private List<Why> shortOfImmediate(CapAlert alert, CapInfo info, Instant now) {
        List<Why> shortOf = new ArrayList<>();
        atOnceOnly(shortOf, "độ khẩn", "urgency", info.urgency(), policy.immediateUrgencies());
        atOnceOnly(shortOf, "mức nghiêm trọng", "severity", info.severity(), policy.immediateSeverities());
        atOnceOnly(shortOf, "độ chắc chắn", "certainty", info.certainty(), policy.immediateCertainties());
        if (alert.scope() != Scope.Public) {
            shortOf.add(new Why("phạm vi " + alert.scope() + ", không dành cho công chúng",
                    "scope " + alert.scope() + " is not for the public"));
        }
        if (Duration.between(alert.sent().toInstant(), now).abs().compareTo(policy.immediateWithin()) > 0) {
            long minutes = policy.immediateWithin().toMinutes();
            shortOf.add(new Why("gửi lúc " + alert.sent() + ", lệch quá " + minutes + " phút so với bây giờ",
                    "sent " + alert.sent() + ", more than " + minutes + " min from now"));
        }
        return shortOf;
    }

    private static <E extends Enum<E>> void atOnceOnly(List<Why> shortOf, String vi, String en, E value,
                                                       Set<E> atOnce) {
        if (!atOnce.contains(value)) {
            String allowed = atOnce.isEmpty() ? "-"
                    : atOnce.stream().map(Enum::name).collect(Collectors.joining(", "));
            shortOf.add(new Why(vi + " " + value + " (phát ngay khi " + allowed + ")",
                    en + " " + value + " (at once only when " + allowed + ")"));
        }
    }

    /**
     * Several info blocks in one language are different parts of a warning (e.g. one severity for the
     * riverside villages, another inland), not translations. Only one is spoken, so when another also
     * covers the commune an operator sees them all rather than some villages silently going without.
     */
    private static List<Why> otherSegments(CapAlert alert, CapInfo spoken, Map<CapInfo, Set<String>> covering) {
        List<Why> others = new ArrayList<>();
        covering.forEach((info, villages) -> {
            if (info != spoken && info.language().equalsIgnoreCase(spoken.language())) {
                String which = "info[" + (alert.infos().indexOf(info) + 1) + "] (" + info.event() + ")";
                others.add(new Why(which + " cũng nêu: " + String.join(", ", villages),
                        which + " also covers: " + String.join(", ", villages)));
            }
        });
        return others;
    }

    private static boolean isVietnamese(CapInfo info) {
        return info.language().regionMatches(true, 0, "vi", 0, 2);
    }

    private static String join(List<Why> whys, Function<Why, String> language) {
        return whys.stream().map(language).collect(Collectors.joining("; "));
    }

    /** A reason in the operators' language first and in English for everyone else. */
    private record Why(String vi, String en) {
        String text() {
            return vi + " / " + en;
        }
    }

    /**
     * What to do with an alert.
     *
     * @param villages     the villages to broadcast to (IMMEDIATE) or to offer the operator
     *                     (NEEDS_CONFIRMATION), in the commune's order; empty otherwise
     * @param reason       why, in Vietnamese then English after a slash
     * @param references   the earlier alerts this one withdraws (CANCEL) or replaces (an Update of any kind):
     *                     wherever they went or wait, they stop; empty for a test, an Ack or an Error
     * @param announcement what the villages hear, for IMMEDIATE and NEEDS_CONFIRMATION; null otherwise
     */
    public record Decision(Kind kind, Set<String> villages, String reason, List<Reference> references,
                           Announcement announcement) {
        public enum Kind {
            /** Broadcast at once, pre-empting what plays. */
            IMMEDIATE,
            /** Real, but an operator confirms before it sounds. */
            NEEDS_CONFIRMATION,
            /** Never reaches a loudspeaker. */
            IGNORED,
            /** Withdraws the earlier alerts named in {@code references}. */
            CANCEL
        }

        public Decision {
            Objects.requireNonNull(kind, "kind");
            villages = Collections.unmodifiableSet(new LinkedHashSet<>(villages));
            Objects.requireNonNull(reason, "reason");
            references = List.copyOf(references);
            if ((announcement == null) == (kind == Kind.IMMEDIATE || kind == Kind.NEEDS_CONFIRMATION)) {
                throw new IllegalArgumentException(kind + " " + (announcement == null ? "needs" : "has no use for")
                        + " an announcement");
            }
        }

        private static Decision ignored(Why why, List<Reference> references) {
            return new Decision(Kind.IGNORED, Set.of(), why.text(), references, null);
        }
    }

    /**
     * What the villages hear: the Vietnamese info block when there is one (else the first), spoken as
     * its headline, description and instruction, and the sender's own recording when it sent one.
     *
     * @param info  the info block spoken, for its event, times and language
     * @param text  the words to speak (by a speech engine or an announcer)
     * @param audio the first {@code audio/*} resource with a URI, null when there is none
     */
    public record Announcement(CapInfo info, String text, CapResource audio) {
        public Announcement {
            Objects.requireNonNull(info, "info");
            Objects.requireNonNull(text, "text");
        }

        static Announcement of(CapInfo info) {
            List<String> parts = new ArrayList<>();
            for (String part : new String[] {info.headline(), info.description(), info.instruction()}) {
                if (part != null) {
                    parts.add(sentence(part));
                }
            }
            // CAP requires only the event; a warning without words still says what it is.
            String text = parts.isEmpty() ? sentence(info.event()) : String.join("\n", parts);
            CapResource audio = info.resources().stream().filter(CapResource::isPlayableAudio).findFirst().orElse(null);
            return new Announcement(info, text, audio);
        }

        /** A headline usually has no full stop; without one a speech engine runs it into what follows. */
        private static String sentence(String part) {
            return part.matches("(?s).*[.!?…:;]$") ? part : part + ".";
        }
    }
}
