package vn.loalang.agent.relay;

import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;
import vn.loalang.protocol.gpio.RelayPins;

/**
 * One relay output: BCM pin number; active-low boards energise the relay when the pin is LOW.
 *
 * @param warmupMillis how long this channel's amplifier needs before the first sample; null: the station's
 */
public record RelayConfig(String name, int pin, Boolean activeLow, Long warmupMillis) {
    /** Its settings in {@code station.json}, defined once (see {@link vn.loalang.agent.AgentOptions#ALL}). */
    public static final Option<String> RELAY_NAME = Option.of("gpio.relays[].name", OptionType.text("NAME"), "a relay's name")
            .required().example("amp").help("The relay channel's name, e.g. amp.");
    public static final Option<Integer> RELAY_PIN = Option.of("gpio.relays[].pin", RelayPins.optionType(),
            "a relay's BCM pin").required().example("17")
            .help("Its output pin, by BCM number. Pins the board or the boot drives are refused (docs/station-install.md, "
                    + "section 10); the install script holds each relay OFF from power-on through config.txt.");
    public static final Option<Boolean> RELAY_ACTIVE_LOW = Option.of("gpio.relays[].activeLow", OptionType.bool(),
            "whether a relay board is active-low").byDefault(false)
            .help("True for boards that energise the relay when the pin is LOW: OFF is then HIGH, also at boot "
                    + "(config.txt gpio=PIN=op,dh).");
    public static final Option<Long> RELAY_WARMUP_MILLIS = Option.of("gpio.relays[].warmupMillis",
                    OptionType.whole(0, 30_000, "milliseconds"), "a channel's warm-up")
            .defaultInWords("the station's warmupMillis").example("3000")
            .help("This channel's amplifier warm-up, when it differs from the station's.");

    public RelayConfig(String name, int pin, Boolean activeLow) {
        this(name, pin, activeLow, null);
    }

    public RelayConfig {
        RELAY_NAME.check(name);
        String shown = "gpio.relays[" + name + "].";
        activeLow = RELAY_ACTIVE_LOW.check(activeLow);
        RELAY_PIN.check(pin, shown + "pin");
        if (warmupMillis != null) { // null: the station's warmupMillis
            RELAY_WARMUP_MILLIS.check(warmupMillis, shown + "warmupMillis");
        }
    }
}
