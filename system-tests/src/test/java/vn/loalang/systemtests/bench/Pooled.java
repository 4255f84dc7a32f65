package vn.loalang.systemtests.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The measured alerts of one condition (quiet, or under recompiles) taken together. Each alert
 * comes with the raw fan-out round taken right before it, so that the baseline samples the same
 * stretch of the run as the alerts it is compared with. p99 is over the pool: 50 agents over 3
 * alerts are 150 first sounds, and their 99th percentile is the 149th smallest, where the p99 of
 * one alert's 50 agents is its largest. A single alert's ratio is kept beside it, so that the
 * spread between alerts stays visible.
 *
 * @param warmupMillis the amplifier warm-up added to the raw fan-out before comparing (0 in the bench)
 */
record Pooled(List<Round> rounds, long warmupMillis) {
    /**
     * One measured alert: each agent's first sound from the call's start and from its answer,
     * and every raw subscriber's receipt in the counted publishes of the round before it (nanoseconds).
     */
    record Round(List<Long> fromCallNanos, List<Long> fromAnswerNanos, List<Long> rawNanos) {
        Percentiles fromCall() {
            return Percentiles.ofNanos(fromCallNanos);
        }

        Percentiles raw() {
            return Percentiles.ofNanos(rawNanos);
        }

        /** This alert's own ratio: its agents' p99 from the call's start over its own round's raw p99. */
        double ratio(long warmupMillis) {
            return fromCall().p99() / (raw().p99() + warmupMillis);
        }
    }

    Pooled {
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("no alert measured in this condition");
        }
        rounds = List.copyOf(rounds);
    }

    /** Every agent's first sound from the call's start, over all the condition's alerts. */
    Percentiles fromCall() {
        return pool(Round::fromCallNanos);
    }

    /** The same from the call's answer (issue 5's measure). */
    Percentiles fromAnswer() {
        return pool(Round::fromAnswerNanos);
    }

    /** Every raw subscriber's receipt over the rounds taken next to the condition's alerts. */
    Percentiles raw() {
        return pool(Round::rawNanos);
    }

    /** The condition's ratio: pooled p99 from the call's start over (pooled raw p99 + warm-up). */
    double ratio() {
        return fromCall().p99() / (raw().p99() + warmupMillis);
    }

    /** The same from the call's answer. */
    double ratioFromAnswer() {
        return fromAnswer().p99() / (raw().p99() + warmupMillis);
    }

    /** Each alert's own ratio, in the order they were measured. */
    List<Double> ratios() {
        return rounds.stream().map(r -> r.ratio(warmupMillis)).toList();
    }

    private Percentiles pool(Function<Round, List<Long>> of) {
        List<Long> all = new ArrayList<>();
        rounds.forEach(r -> all.addAll(of.apply(r)));
        return Percentiles.ofNanos(all);
    }
}
