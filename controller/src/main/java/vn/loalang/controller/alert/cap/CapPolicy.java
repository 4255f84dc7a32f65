package vn.loalang.controller.alert.cap;

import vn.loalang.controller.alert.cap.CapInfo.Certainty;
import vn.loalang.controller.alert.cap.CapInfo.Severity;
import vn.loalang.controller.alert.cap.CapInfo.Urgency;

import java.time.Duration;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What a commune lets go to its loudspeakers without an operator: an alert goes out at once only when
 * its urgency, severity and certainty are all in these sets, it is for the public, and it was sent
 * within {@code immediateWithin} of now (an old message replayed, or a sender's clock far off, waits
 * for a person). Everything else that is real waits for an operator. Which statuses may sound at all
 * is not a policy: only {@code Actual} ever does.
 */
public record CapPolicy(Set<Urgency> immediateUrgencies, Set<Severity> immediateSeverities,
                        Set<Certainty> immediateCertainties, Duration immediateWithin) {
    /**
     * At once: Immediate or Expected, Extreme or Severe, Observed or Likely (the "act now, it is bad and
     * it is coming" corner of CAP), sent within the last hour.
     */
    public static final CapPolicy DEFAULT = new CapPolicy(
            EnumSet.of(Urgency.Immediate, Urgency.Expected),
            EnumSet.of(Severity.Extreme, Severity.Severe),
            EnumSet.of(Certainty.Observed, Certainty.Likely),
            Duration.ofHours(1));

    public CapPolicy {
        immediateUrgencies = copy(Urgency.class, immediateUrgencies);
        immediateSeverities = copy(Severity.class, immediateSeverities);
        immediateCertainties = copy(Certainty.class, immediateCertainties);
        Objects.requireNonNull(immediateWithin, "immediateWithin");
        if (immediateWithin.isNegative() || immediateWithin.isZero()) {
            throw new IllegalArgumentException("immediateWithin must be positive, not " + immediateWithin);
        }
    }

    /** In declaration order, so that messages list the values as CAP lists them. */
    private static <E extends Enum<E>> Set<E> copy(Class<E> type, Collection<E> values) {
        EnumSet<E> copy = EnumSet.noneOf(type);
        copy.addAll(values);
        return Collections.unmodifiableSet(copy);
    }
}
