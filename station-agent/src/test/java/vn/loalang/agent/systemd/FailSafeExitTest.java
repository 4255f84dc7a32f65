package vn.loalang.agent.systemd;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The order that keeps the amplifiers safe: relays OFF before anything else, even when that fails. */
class FailSafeExitTest {
    final List<String> steps = new CopyOnWriteArrayList<>();

    @Test
    void switchesTheRelaysOffThenExitsWithStatus70() {
        new FailSafeExit("st-01", () -> steps.add("relays off"), status -> steps.add("exit " + status))
                .uncaughtException(new Thread("playout-st-01"), new OutOfMemoryError("simulated"));

        assertEquals(List.of("relays off", "exit 70"), steps);
    }

    @Test
    void exitsEvenWhenTheRelaysCannotBeSwitchedOff() {
        // The unit's ExecStopPost (--relays-off) tries the pins again once the JVM is gone.
        new FailSafeExit("st-01", () -> {
            throw new IllegalStateException("simulated: the GPIO chip is gone");
        }, status -> steps.add("exit " + status)).uncaughtException(new Thread("main"), new StackOverflowError());

        assertEquals(List.of("exit 70"), steps);
    }

    @Test
    void aSecondDyingThreadSwitchesTheRelaysOffAgainButDoesNotExitTwice() {
        FailSafeExit handler = new FailSafeExit("st-01", () -> steps.add("relays off"), status -> steps.add("exit " + status));

        handler.uncaughtException(new Thread("playout-st-01"), new OutOfMemoryError("first"));
        handler.uncaughtException(new Thread("MQTT Call: st-01"), new OutOfMemoryError("second"));

        assertEquals(List.of("relays off", "exit 70", "relays off"), steps);
    }
}
