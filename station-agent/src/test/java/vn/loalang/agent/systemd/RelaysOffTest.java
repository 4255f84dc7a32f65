package vn.loalang.agent.systemd;

import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.RelayConfig;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vn.loalang.agent.AgentConfig;
import vn.loalang.agent.relay.Pi4jRelayBank;
import vn.loalang.agent.relay.RelayBank;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** {@code --relays-off} on Pi4J's mock GPIO: every pin left at its OFF level, never ON on the way. */
class RelaysOffTest {
    private static final RelayConfig AMP = new RelayConfig("amp", 17, false);
    private static final RelayConfig AMP_LOW = new RelayConfig("amp-2", 27, true);

    private final Context pi4j = Pi4jRelayBank.contextFor("mock");
    private final List<DigitalOutput> pins = new ArrayList<>();
    private final List<DigitalState> edges = new CopyOnWriteArrayList<>();

    @AfterEach
    void shutdown() {
        pi4j.shutdown();
    }

    private static AgentConfig config() {
        return new AgentConfig("st-01", "tcp://127.0.0.1:1", null, null, null, Path.of("/nonexistent"),
                Map.of("k1", "unused by --relays-off"), new GpioConfig("mock", List.of(AMP, AMP_LOW)), null,
                null, null, null, null, null, null, null, null, null);
    }

    /** The bank the real command builds, on a context the test can look into afterwards. */
    private RelayBank watchedBank(GpioConfig gpio) {
        Pi4jRelayBank bank = Pi4jRelayBank.on("st-01", pi4j, gpio.relays());
        for (RelayConfig relay : gpio.relays()) {
            DigitalOutput pin = pi4j.registry().get(Pi4jRelayBank.outputId(relay), DigitalOutput.class);
            pin.addListener(e -> edges.add(e.state()));
            pins.add(pin);
        }
        return bank;
    }

    @Test
    void leavesEveryPinAtItsOffLevelAndGivesItBack() {
        int status = RelaysOff.run(config().stationId(), config().gpio(), this::watchedBank);

        assertEquals(0, status);
        assertEquals(DigitalState.LOW, pins.get(0).state(), "active-high: OFF is LOW");
        assertEquals(DigitalState.HIGH, pins.get(1).state(), "active-low: OFF is HIGH");
        assertEquals(List.of(), edges, "created OFF and kept OFF: no pulse to the amplifiers");
        assertFalse(pi4j.registry().exists(Pi4jRelayBank.outputId(AMP)), "the pins are released for the next agent");
    }

    @Test
    void aPinThatCannotBeClaimedIsAFailureTheTechnicianIsToldOf() {
        // Another process (an agent that did not stop) still holds the amplifier's pin.
        pi4j.create(DigitalOutput.newConfigBuilder(pi4j).id(Pi4jRelayBank.outputId(AMP)).address(AMP.pin()).build());

        assertEquals(1, RelaysOff.run(config().stationId(), config().gpio(), this::watchedBank));
    }
}
