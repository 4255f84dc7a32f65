package vn.loalang.agent.relay;

import com.pi4j.Pi4J;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalInputProvider;
import com.pi4j.plugin.gpiod.provider.gpio.digital.GpioDDigitalOutputProvider;
import com.pi4j.plugin.mock.platform.MockPlatform;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInputProvider;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalOutputProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.AgentConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * Relays on Raspberry Pi GPIO through Pi4J 2. Each output is created in its OFF level and told to
 * return to it when Pi4J shuts down, so the amplifiers are unpowered from boot until a session
 * asks for them. Active-low relay boards (most cheap ones) are handled here, nowhere else.
 */
public final class Pi4jRelayBank implements RelayBank {
    private static final Logger log = LoggerFactory.getLogger(Pi4jRelayBank.class);

    private record Channel(AgentConfig.Relay relay, DigitalOutput output) {
        DigitalState level(boolean on) {
            return (on != relay.activeLow()) ? DigitalState.HIGH : DigitalState.LOW;
        }
    }

    private final String stationId;
    private final Context pi4j;
    private final boolean ownsContext;
    private final List<Channel> channels = new ArrayList<>();
    private volatile boolean on;

    /** Builds the Pi4J context the config names: gpiod (Raspberry Pi 4 and 5) or mock (simulation). */
    public static Pi4jRelayBank fromConfig(String stationId, AgentConfig.Gpio gpio) {
        return new Pi4jRelayBank(stationId, contextFor(gpio.provider()), true, gpio.relays());
    }

    /** Uses a context owned by the caller (tests that watch the mock pins). */
    public static Pi4jRelayBank on(String stationId, Context pi4j, List<AgentConfig.Relay> relays) {
        return new Pi4jRelayBank(stationId, pi4j, false, relays);
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
    public static String outputId(AgentConfig.Relay relay) {
        return "relay-" + relay.name();
    }

    private Pi4jRelayBank(String stationId, Context pi4j, boolean ownsContext, List<AgentConfig.Relay> relays) {
        this.stationId = stationId;
        this.pi4j = pi4j;
        this.ownsContext = ownsContext;
        for (AgentConfig.Relay relay : relays) {
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
        switchOff();
        log.info("Station {} relays ready, all OFF: {}", stationId,
                relays.stream().map(r -> r.name() + "@GPIO" + r.pin() + (r.activeLow() ? " (active-low)" : "")).toList());
    }

    @Override
    public synchronized void switchOn() {
        for (Channel c : channels) {
            c.output().state(c.level(true));
        }
        on = true;
        log.info("Station {} switched amplifier relays ON", stationId);
    }

    @Override
    public synchronized void switchOff() {
        RuntimeException failure = null;
        for (Channel c : channels) {
            try {
                c.output().state(c.level(false));
            } catch (RuntimeException e) {
                // Keep going: one stuck channel must not leave the others powered.
                failure = e;
                log.error("Station {} could not switch relay {} OFF: {}", stationId, c.relay().name(), e.toString());
            }
        }
        on = false;
        log.info("Station {} switched amplifier relays OFF", stationId);
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean isOn() {
        return on;
    }

    /** Gives the pins back to a context the caller owns, so that a restarted agent can claim them again. */
    private void release() {
        for (Channel c : channels) {
            try {
                pi4j.shutdown(c.output().id());
            } catch (Exception e) {
                log.warn("Station {} could not release relay {}: {}", stationId, c.relay().name(), e.toString());
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
