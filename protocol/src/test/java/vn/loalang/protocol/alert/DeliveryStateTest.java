package vn.loalang.protocol.alert;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vn.loalang.protocol.alert.DeliveryState.CANCELLED;
import static vn.loalang.protocol.alert.DeliveryState.COMPLETED;
import static vn.loalang.protocol.alert.DeliveryState.FAILED;
import static vn.loalang.protocol.alert.DeliveryState.PENDING;
import static vn.loalang.protocol.alert.DeliveryState.PLAYING;
import static vn.loalang.protocol.alert.DeliveryState.RECEIVED;
import static vn.loalang.protocol.alert.DeliveryState.RELAY_ON;

class DeliveryStateTest {
    @Test
    void theNamesAreTheStringsTheApiAndTheConsoleAlwaysShowed() {
        assertEquals(List.of("PENDING", "RECEIVED", "RELAY_ON", "PLAYING", "COMPLETED", "FAILED", "CANCELLED"),
                Arrays.stream(DeliveryState.values()).map(Enum::name).toList());
    }

    @Test
    void progressMovesForwardAndMaySkipAStep() {
        assertTrue(PENDING.canMoveTo(RECEIVED));
        assertTrue(RECEIVED.canMoveTo(RELAY_ON));
        assertTrue(RELAY_ON.canMoveTo(PLAYING));
        assertTrue(PLAYING.canMoveTo(COMPLETED));
        assertEquals(PLAYING, RECEIVED.after(PLAYING), "PLAYING before RELAY_ON: the relay was on all the same");
        assertEquals(PLAYING, PLAYING.after(RELAY_ON), "the late RELAY_ON does not move it back");
        assertEquals(RELAY_ON, RELAY_ON.after(RECEIVED));
        assertFalse(RECEIVED.canMoveTo(RECEIVED), "the same event twice changes nothing");
    }

    @Test
    void failedAndCancelledEndItFromAnyProgressAndNothingLeavesAnEnd() {
        for (DeliveryState s : List.of(PENDING, RECEIVED, RELAY_ON, PLAYING)) {
            assertFalse(s.isFinal(), s.name());
            assertEquals(FAILED, s.after(FAILED));
            assertEquals(CANCELLED, s.after(CANCELLED));
            assertEquals(COMPLETED, s.after(COMPLETED));
        }
        for (DeliveryState end : List.of(COMPLETED, FAILED, CANCELLED)) {
            assertTrue(end.isFinal(), end.name());
            for (DeliveryState any : DeliveryState.values()) {
                assertFalse(end.canMoveTo(any), end + " → " + any);
            }
        }
        assertEquals(COMPLETED, COMPLETED.after(RECEIVED), "a late RECEIVED after COMPLETED does not move it back");
        assertEquals(COMPLETED, COMPLETED.after(FAILED), "a repeat that failed after the first was heard in full");
    }
}
