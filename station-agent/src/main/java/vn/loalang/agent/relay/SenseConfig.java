package vn.loalang.agent.relay;

import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;

/** An input that reads an amplifier's power (e.g. through an optocoupler), for the relay it follows. */
public record SenseConfig(String relay, int pin, Boolean activeLow) {
    /** Its settings in {@code station.json}, defined once (see {@link vn.loalang.agent.AgentOptions#ALL}). */
    public static final Option<String> SENSE_RELAY = Option.of("gpio.senses[].relay", OptionType.text("NAME"),
            "the relay a sense input follows").required().example("amp").help("The relay whose amplifier this input reads.");
    public static final Option<Integer> SENSE_PIN = Option.of("gpio.senses[].pin", OptionType.integer(0, 53, null),
            "a sense input's BCM pin").required().example("22").help("Its input pin, by BCM number.");
    public static final Option<Boolean> SENSE_ACTIVE_LOW = Option.of("gpio.senses[].activeLow", OptionType.bool(),
            "whether a sense input is active-low").byDefault(false).help("True when LOW means the amplifier has power.");

    public SenseConfig {
        SENSE_RELAY.check(relay);
        activeLow = SENSE_ACTIVE_LOW.check(activeLow);
        SENSE_PIN.check(pin, "gpio.senses[" + relay + "].pin");
    }
}
