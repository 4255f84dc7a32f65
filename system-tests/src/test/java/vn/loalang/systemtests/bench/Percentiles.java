package vn.loalang.systemtests.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/**
 * The median, 99th percentile and maximum of a set of durations, in milliseconds. Percentiles are
 * by nearest rank: p99 of 1,000 values is the 990th smallest, a value that was measured, so that
 * "p99 under one second" means 990 stations were under a second.
 */
record Percentiles(int count, double p50, double p99, double max) {

    static Percentiles ofNanos(Collection<Long> nanos) {
        if (nanos.isEmpty()) {
            throw new IllegalArgumentException("no durations to sum up");
        }
        double[] ms = nanos.stream().mapToDouble(n -> n / 1e6).toArray();
        Arrays.sort(ms);
        return new Percentiles(ms.length, rank(ms, 50), rank(ms, 99), ms[ms.length - 1]);
    }

    /** The value with {@code p} % of the values at or below it: the ceil(p/100 * n)-th smallest. */
    static double rank(double[] sorted, int p) {
        int k = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(k, 1) - 1];
    }

    /** "p50 12.3 ms, p99 45.6 ms, max 78.9 ms". */
    String describe() {
        return String.format(Locale.ROOT, "p50 %.1f ms, p99 %.1f ms, max %.1f ms", p50, p99, max);
    }
}
