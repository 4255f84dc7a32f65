package vn.loalang.protocol.gpio;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionException;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RelayPinsTest {

    @Test
    void theHeaderPinsTheBoardAndTheBootLeaveAloneAreTheSafeOnes() {
        assertEquals(List.of(4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27), RelayPins.SAFE);
        for (int pin : List.of(0, 1, 2, 3, 14, 15, 28, 40, 53, -1)) {
            assertFalse(RelayPins.isSafe(pin), "BCM " + pin);
        }
        assertEquals("BCM 2 is I2C1 SDA, held HIGH at power-on by a 1.8 kΩ resistor on the board", RelayPins.whyNot(2));
        assertEquals("BCM 30 is not on the 40-pin header", RelayPins.whyNot(30));
    }

    @Test
    void powerOnPullsAreUpTo8AndDownFrom9() {
        assertEquals(RelayPins.Pull.UP, RelayPins.pullAtPowerOn(4));
        assertEquals(RelayPins.Pull.UP, RelayPins.pullAtPowerOn(8));
        assertEquals(RelayPins.Pull.DOWN, RelayPins.pullAtPowerOn(9));
        assertEquals(RelayPins.Pull.DOWN, RelayPins.pullAtPowerOn(27));
        // The case: an active-low board on 27 is pulled ON until config.txt's line applies.
        assertFalse(RelayPins.offFromPowerOn(27, true));
        assertTrue(RelayPins.offFromPowerOn(27, false));
        assertTrue(RelayPins.offFromPowerOn(5, true));
        assertFalse(RelayPins.offFromPowerOn(5, false));
    }

    @Test
    void theBootLineDrivesTheOffLevel() {
        assertEquals("gpio=27=op,dh", RelayPins.bootLine(27, true), "active-low: OFF is HIGH");
        assertEquals("gpio=17=op,dl", RelayPins.bootLine(17, false), "active-high: OFF is LOW");
        assertThrows(IllegalArgumentException.class, () -> RelayPins.bootLine(14, true));
    }

    @Test
    void anOptionOfThisTypeRefusesAnUnsafePinWithTheRuleInWords() {
        Option<Integer> pin = Option.of("gpio.relays[].pin", RelayPins.optionType(), "a relay's BCM pin").example("17");
        assertEquals(17, pin.read("17"));
        OptionException e = assertThrows(OptionException.class, () -> pin.check(3, "gpio.relays[amp].pin"));
        assertEquals("gpio.relays[amp].pin = 3 is not allowed: give a relay's BCM pin as " + RelayPins.RULE + ", e.g. 17",
                e.getMessage());
        assertThrows(OptionException.class, () -> pin.read("seventeen"));
    }
}
