package vn.loalang.systemtests.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The alert bench's pooled figures: a percentile over every alert of a condition, against the raw rounds beside them. */
class PooledTest {
    /** {@code count} durations of {@code from}, {@code from + 1}, ... milliseconds, in nanoseconds. */
    private static List<Long> millis(int from, int count) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add((from + i) * 1_000_000L);
        }
        return out;
    }

    @Test
    void theP99OfThreeAlertsOfFiftyAgentsIsThe149thOf150NotTheLargest() {
        // Alert 1: 1..50 ms, alert 2: 51..100 ms, alert 3: 101..150 ms.
        Pooled pooled = new Pooled(List.of(
                new Pooled.Round(millis(1, 50), millis(1, 50), millis(1, 10)),
                new Pooled.Round(millis(51, 50), millis(51, 50), millis(1, 10)),
                new Pooled.Round(millis(101, 50), millis(101, 50), millis(1, 10))), 0);

        assertEquals(150, pooled.fromCall().count());
        assertEquals(149.0, pooled.fromCall().p99(), 1e-9);
        assertEquals(150.0, pooled.fromCall().max(), 1e-9);
        assertEquals(75.0, pooled.fromCall().p50(), 1e-9);
        assertEquals(50.0, pooled.rounds().get(0).fromCall().p99(), 1e-9, "one alert's p99 of 50 is its largest");
    }

    @Test
    void theRatioIsThePooledP99OverThePooledRawP99OfTheSameRounds() {
        // Raw rounds: 1..100 ms (p99 99) before the first alert, 101..200 ms (p99 199) before the second.
        Pooled pooled = new Pooled(List.of(
                new Pooled.Round(millis(101, 100), millis(1, 100), millis(1, 100)),
                new Pooled.Round(millis(201, 100), millis(1, 100), millis(101, 100))), 0);

        assertEquals(298.0, pooled.fromCall().p99(), 1e-9, "the 198th of the 200 first sounds pooled");
        assertEquals(198.0, pooled.raw().p99(), 1e-9, "the 198th of the 200 raw receipts pooled");
        assertEquals(298.0 / 198.0, pooled.ratio(), 1e-9, "not the mean of the alerts' own ratios");
        assertEquals(List.of(199.0 / 99.0, 299.0 / 199.0), pooled.ratios(), "each alert against its own round");
        assertEquals(99.0 / 198.0, pooled.ratioFromAnswer(), 1e-9, "1..100 ms twice: the 198th is 99");
    }

    @Test
    void theWarmUpIsAddedToTheRawFanOut() {
        Pooled pooled = new Pooled(List.of(new Pooled.Round(millis(1, 100), millis(1, 100), millis(1, 100))), 100);

        assertEquals(99.0 / 199.0, pooled.ratio(), 1e-9);
        assertEquals(List.of(99.0 / 199.0), pooled.ratios());
    }

    @Test
    void aConditionWithoutAlertsIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> new Pooled(List.of(), 0));
    }
}
