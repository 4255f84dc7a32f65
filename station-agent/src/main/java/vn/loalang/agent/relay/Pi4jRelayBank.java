package vn.loalang.agent.relay;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Relays on Raspberry Pi GPIO through Pi4J 2. Each output is created in its OFF level and told to
 * return to it when Pi4J shuts down, so the amplifiers are unpowered from boot until a session
 * asks for them. Active-low relay boards (most cheap ones) are handled here, nowhere else.
 */
public final class Pi4jRelayBank implements RelayBank {
    private static final Logger log = LoggerFactory.getLogger(Pi4jRelayBank.class);

    private static final class Channel {
        final RelayConfig relay;
        final DigitalOutput output;
        volatile boolean on;

        Channel(RelayConfig relay, DigitalOutput output) {
            this.relay = relay;
            this.output = output;
        }

        DigitalState level(boolean on) {
            return (on != relay.activeLow()) ? DigitalState.HIGH : DigitalState.LOW;
        }
    }

    private record Sense(SenseConfig sense, DigitalInput input) {
        boolean powered() {
            return (input.state() == DigitalState.HIGH) != sense.activeLow();
        }
    }

    private final String stationId;
    private final Context pi4j;
    private final boolean ownsContext;
    private final List<Channel> channels = new ArrayList<>();
    private final List<Sense> senses = new ArrayList<>();

    /** Builds the Pi4J context the config names: gpiod (Raspberry Pi 4 and 5) or mock (simulation). */
    public static Pi4jRelayBank fromConfig(String stationId, GpioConfig gpio) {
        return new Pi4jRelayBank(stationId, contextFor(gpio.provider()), true, gpio.relays(), gpio.senses());
    }

    /** Uses a context owned by the caller (tests that watch the mock pins). */
    public static Pi4jRelayBank on(String stationId, Context pi4j, List<RelayConfig> relays) {
        return new Pi4jRelayBank(stationId, pi4j, false, relays, List.of());
    }

    /** As {@link #on(String, Context, List)}, with sense inputs. */
    public static Pi4jRelayBank on(String stationId, Context pi4j, List<RelayConfig> relays,
                                   List<SenseConfig> senses) {
        return new Pi4jRelayBank(stationId, pi4j, false, relays, senses);
    }

    public static Context contextFor(String provider) {
        if (provider.equals("mock")) {
            return Pi4J.newContextBuilder().add(new MockPlatform())
                    .add(MockDigitalOutputProvider.newInstance(), MockDigitalInputProvider.newInstance()).build();
        }
        return Pi4J.newContextBuilder()
                .add(GpioDDigitalOutputProvider.newInstance(), GpioDDigitalInputProvider.newInstance()).build();
    }

    /** The Pi4J id of a relay's output, for whoever wants to watch it. */
    public static String outputId(RelayConfig relay) {
        return "relay-" + relay.name();
    }

    /** The Pi4J id of a sense input, for tests that set the mock level. */
    public static String inputId(SenseConfig sense) {
        return "sense-" + sense.relay();
    }

    private Pi4jRelayBank(String stationId, Context pi4j, boolean ownsContext, List<RelayConfig> relays,
                          List<SenseConfig> senseInputs) {
        this.stationId = stationId;
        this.pi4j = pi4j;
        this.ownsContext = ownsContext;
        for (RelayConfig relay : relays) {
            DigitalState off = relay.activeLow() ? DigitalState.HIGH : DigitalState.LOW;
            DigitalOutput output = pi4j.create(DigitalOutput.newConfigBuilder(pi4j)
                    .id(outputId(relay))
                    .name("Amplifier relay " + relay.name())
                    .address(relay.pin())
                    .initial(off)
                    .shutdown(off)
                    .build());
            channels.add(new Channel(relay, output));
        }
        for (SenseConfig sense : senseInputs) {
            DigitalInput input = pi4j.create(DigitalInput.newConfigBuilder(pi4j)
                    .id(inputId(sense))
                    .name("Amplifier power feedback of relay " + sense.relay())
                    .address(sense.pin())
                    .build());
            senses.add(new Sense(sense, input));
        }
        switchOff();
        log.info("Station {} relays ready, all OFF: {}", stationId,
                relays.stream().map(r -> r.name() + "@GPIO" + r.pin() + (r.activeLow() ? " (active-low)" : "")).toList());
    }

    @Override
    public int channelCount() {
        return channels.size();
    }

    @Override
    public String channelName(int channel) {
        return channels.get(channel).relay.name();
    }

    @Override
    public synchronized void switchOn(int channel) {
        Channel c = channels.get(channel);
        c.output.state(c.level(true));
        c.on = true;
        log.info("Station {} switched amplifier relay {} ON", stationId, c.relay.name());
    }

    @Override
    public synchronized void switchOff() {
        RuntimeException failure = null;
        for (Channel c : channels) {
            try {
                c.output.state(c.level(false));
                c.on = false;
            } catch (RuntimeException e) {
                // Keep going: one stuck channel must not leave the others powered.
                failure = e;
                log.error("Station {} could not switch relay {} OFF: {}", stationId, c.relay.name(), e.toString());
            }
        }
        log.info("Station {} switched amplifier relays OFF", stationId);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean isOn() {
        return channels.stream().anyMatch(c -> c.on);
    }

    @Override
    public boolean isOn(int channel) {
        return channels.get(channel).on;
    }

    @Override
    public Map<String, Boolean> sensed() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (Sense s : senses) {
            out.put(s.sense().relay(), s.powered());
        }
        return out;
    }

    /** Gives the pins back to a context the caller owns, so that a restarted agent can claim them again. */
    private void release() {
        for (Channel c : channels) {
            try {
                pi4j.shutdown(c.output.id());
            } catch (Exception e) {
                log.warn("Station {} could not release relay {}: {}", stationId, c.relay.name(), e.toString());
            }
        }
        for (Sense s : senses) {
            try {
                pi4j.shutdown(s.input().id());
            } catch (Exception e) {
                log.warn("Station {} could not release the sense input of {}: {}", stationId, s.sense().relay(),
                        e.toString());
            }
        }
    }

    @Override
    public synchronized void close() {
        try {
            switchOff();
        } finally {
            if (ownsContext) {
                pi4j.shutdown();
            } else {
                release();
            }
        }
    }
}
