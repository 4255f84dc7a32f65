package vn.loalang.protocol.gpio;

import vn.loalang.protocol.config.OptionType;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * Which BCM pins of a Raspberry Pi's 40-pin header may drive an amplifier relay, and what each does
 * from power-on until a program claims it. One table for the server ({@code provision station
 * --relays}), the agent ({@code gpio.relays[].pin}) and the docs; the Pi install script keeps the same
 * list in its {@code SAFE_RELAY_PINS} line, which a test compares with {@link #SAFE}.
 *
 * <p>At reset the SoC (BCM2837 on Pi 3B+ and Zero 2 W, BCM2711 on Pi 4) makes every header pin an input
 * with a weak pull: up on 0–8, down on 9–27. Pi 5's RP1 is taken to do the same, which the meter check
 * of docs/station-install.md confirms or not on the first Pi 5. A relay board
 * sees that pull until the firmware applies config.txt's {@code gpio=} lines, a few seconds after power.
 * Pins are refused where the board or the boot itself drives them: 0–1 (the HAT ID EEPROM, read by the
 * firmware at boot), 2–3 (I2C1, with 1.8 kΩ pull-ups soldered on the board: HIGH at power-on whatever
 * is configured), 14–15 (the serial port: TX toggles while the boot console prints). 28 and above are
 * not on the header.
 */
public final class RelayPins {
    /** The pull each header pin has from power-on until it is configured: the level a relay sees first. */
    public enum Pull { UP, DOWN }

    /** The refused pins, each with why, in the words the technician reads in the refusal. */
    public static final Map<Integer, String> UNSUITABLE = Collections.unmodifiableMap(new TreeMap<>(Map.of(
            0, "ID_SD of the HAT ID EEPROM, read by the firmware at boot",
            1, "ID_SC of the HAT ID EEPROM, read by the firmware at boot",
            2, "I2C1 SDA, held HIGH at power-on by a 1.8 kΩ resistor on the board",
            3, "I2C1 SCL, held HIGH at power-on by a 1.8 kΩ resistor on the board",
            14, "UART TX, toggling while the boot console prints",
            15, "UART RX, the serial console's input")));

    /** Every pin a relay may use: the header's 0–27 without {@link #UNSUITABLE}. */
    public static final List<Integer> SAFE = IntStream.rangeClosed(0, 27).filter(p -> !UNSUITABLE.containsKey(p))
            .boxed().toList();

    /** The rule in words, as the docs, {@code --help} and every refusal say it. */
    public static final String RULE = "a BCM pin of the 40-pin header from 4 to 27 except 14 and 15 "
            + "(0-1: HAT ID EEPROM, 2-3: I2C with the board's pull-ups, 14-15: serial console, 28+: not on the header)";

    private RelayPins() {
    }

    /** The option type of a relay's pin: whole numbers in {@link #SAFE}, refused with {@link #RULE}. */
    public static OptionType<Integer> optionType() {
        return OptionType.integer(RULE, SAFE::contains);
    }

    public static boolean isSafe(int pin) {
        return SAFE.contains(pin);
    }

    /** Why {@code pin} is refused, for a message: the table's reason, or that it is not on the header. */
    public static String whyNot(int pin) {
        String reason = UNSUITABLE.get(pin);
        if (reason != null) {
            return "BCM " + pin + " is " + reason;
        }
        return "BCM " + pin + " is not on the 40-pin header";
    }

    /** The pull a header pin has from power-on until configured. */
    public static Pull pullAtPowerOn(int pin) {
        if (pin < 0 || pin > 27) {
            throw new IllegalArgumentException("BCM " + pin + " is not on the 40-pin header");
        }
        return pin <= 8 ? Pull.UP : Pull.DOWN;
    }

    /**
     * Whether the pin's power-on pull alone already keeps the relay OFF (active-low board on a pulled-up
     * pin, active-high board on a pulled-down one). When not, the relay may switch ON for the seconds
     * before the firmware applies the config.txt line: the installer warns, and the docs say so.
     */
    public static boolean offFromPowerOn(int pin, boolean activeLow) {
        return (pullAtPowerOn(pin) == Pull.UP) == activeLow;
    }

    /** The config.txt line that holds the relay OFF from the firmware on: {@code gpio=27=op,dh} for an active-low one. */
    public static String bootLine(int pin, boolean activeLow) {
        if (!isSafe(pin)) {
            throw new IllegalArgumentException(whyNot(pin));
        }
        return "gpio=" + pin + "=op," + (activeLow ? "dh" : "dl");
    }
}
