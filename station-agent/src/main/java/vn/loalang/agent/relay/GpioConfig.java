package vn.loalang.agent.relay;

import java.util.List;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;

/**
 * Which GPIO provider switches the relays; {@code mock} only in simulation and tests.
 *
 * @param staggerMillis pause between switching one relay channel on and the next, so that the
 *                      amplifiers' inrush currents do not add up on a weak supply
 * @param senses        optional inputs that read back whether each amplifier really has power
 */
public record GpioConfig(String provider, List<RelayConfig> relays, Long staggerMillis, List<SenseConfig> senses) {
    /** Its settings in {@code station.json}, defined once (see {@link vn.loalang.agent.AgentOptions#ALL}). */
    public static final Option<String> GPIO_PROVIDER = Option.of("gpio.provider", OptionType.oneOf("gpiod", "mock"),
                    "the GPIO provider").byDefault("gpiod")
            .help("gpiod switches the Raspberry Pi's (3B+, Zero 2 W, 4, 5) pins; mock only in simulation and tests. "
                    + "With no gpio section at all the station is simulated (mock, one relay amp on BCM 17), which the agent "
                    + "refuses without --simulate.");
    public static final Option<Object> GPIO_RELAYS = Option.of("gpio.relays",
                    OptionType.structure("list", "at least one relay, names and pins used once"), "the relay outputs")
            .defaultInWords("required in a gpio section").help("The amplifier relays, switched ON one after the other in this order.");
    public static final Option<Long> GPIO_STAGGER_MILLIS = Option.of("gpio.staggerMillis",
                    OptionType.whole(0, 10_000, "milliseconds"), "the pause between relay channels").byDefault(300L)
            .help("The pause between switching one relay channel ON and the next, so that the amplifiers' inrush "
                    + "currents do not add up on a weak supply.");
    public static final Option<Object> GPIO_SENSES = Option.of("gpio.senses",
                    OptionType.structure("list", "inputs on pins no relay uses, each for a relay of gpio.relays"),
                    "the amplifier power inputs").defaultInWords("none")
            .help("Optional inputs (e.g. through an optocoupler) that read back whether each amplifier really has power.");

    public GpioConfig(String provider, List<RelayConfig> relays) {
        this(provider, relays, null, null);
    }

    public GpioConfig {
        provider = GPIO_PROVIDER.check(provider);
        if (relays == null || relays.isEmpty()) {
            throw new IllegalArgumentException("gpio.relays is empty: list at least the amplifier relay, e.g. {\"name\":\"amp\",\"pin\":17}");
        }
        relays = List.copyOf(relays);
        staggerMillis = GPIO_STAGGER_MILLIS.check(staggerMillis);
        senses = senses == null ? List.of() : List.copyOf(senses);
        java.util.Set<String> names = new java.util.HashSet<>();
        java.util.Set<Integer> pins = new java.util.HashSet<>();
        for (RelayConfig r : relays) {
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("gpio.relays: the name " + r.name() + " is used twice");
            }
            if (!pins.add(r.pin())) {
                throw new IllegalArgumentException("gpio: BCM pin " + r.pin() + " is used twice");
            }
        }
        for (SenseConfig s : senses) {
            if (!names.contains(s.relay())) {
                throw new IllegalArgumentException("gpio.senses: relay " + s.relay() + " is not in gpio.relays");
            }
            if (!pins.add(s.pin())) {
                throw new IllegalArgumentException("gpio: BCM pin " + s.pin() + " is used twice");
            }
        }
    }

    public static GpioConfig simulated() {
        return new GpioConfig("mock", List.of(new RelayConfig("amp", 17, false)));
    }
}
