package vn.loalang.controller.live;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A talk's uplink may send a steady rate, and a few seconds of it at once after a stall, not a flood. */
class UplinkBudgetTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aBurstOfAFewSecondsPassesThenOnlyTheSteadyRate() {
        UplinkBudget budget = new UplinkBudget(1000, 5, 0);
        assertTrue(budget.take(5000, 0), "five seconds' worth at once");
        assertFalse(budget.take(1, 0), "and not a byte more");
        assertTrue(budget.take(1000, SECOND), "a second later, a second's worth");
        assertFalse(budget.take(1, SECOND));
        assertTrue(budget.take(500, SECOND + SECOND / 2));
    }

    @Test
    void aLongSilenceDoesNotSaveUpMoreThanTheBurst() {
        UplinkBudget budget = new UplinkBudget(1000, 5, 0);
        budget.take(5000, 0);
        assertFalse(budget.take(5001, 3600 * SECOND), "an hour of silence buys five seconds, not an hour");
        assertTrue(budget.take(5000, 3600 * SECOND));
    }

    @Test
    void aSteadySenderAtTheRateIsNeverRefused() {
        UplinkBudget budget = new UplinkBudget(4000, 5, 0);
        for (int i = 1; i <= 600; i++) {
            assertTrue(budget.take(400, i * SECOND / 10), "100 ms pieces of 400 bytes, message " + i);
        }
    }
}
