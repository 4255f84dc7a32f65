package vn.loalang.agent.relay;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vn.loalang.agent.AgentConfig;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The relay bank on Pi4J's mock GPIO: pin levels for active-high and active-low boards, OFF whenever in doubt. */
class Pi4jRelayBankTest {
    private static final RelayConfig AMP = new RelayConfig("amp", 17, false);
    private static final RelayConfig AMP_LOW = new RelayConfig("amp-2", 27, true);

    private final Context pi4j = Pi4jRelayBank.contextFor("mock");

    @AfterEach
    void shutdown() {
        pi4j.shutdown();
    }

    private DigitalOutput pin(RelayConfig relay) {
        return pi4j.registry().get(Pi4jRelayBank.outputId(relay), DigitalOutput.class);
    }

    private Pi4jRelayBank bank() {
        return Pi4jRelayBank.on("st-01", pi4j, List.of(AMP, AMP_LOW));
    }

    @Test
    void allChannelsAreOffRightAfterCreation() {
        Pi4jRelayBank relays = bank();

        assertFalse(relays.isOn());
        assertEquals(DigitalState.LOW, pin(AMP).state(), "active-high: OFF is LOW");
        assertEquals(DigitalState.HIGH, pin(AMP_LOW).state(), "active-low: OFF is HIGH");
    }

    @Test
    void outputsAreCreatedOnTheConfiguredPins() {
        bank();

        assertEquals(17, pin(AMP).address());
        assertEquals(27, pin(AMP_LOW).address());
    }

    @Test
    void switchOnEnergisesEveryChannelInItsOwnPolarity() {
        Pi4jRelayBank relays = bank();

        relays.switchOn();

        assertTrue(relays.isOn());
        assertEquals(DigitalState.HIGH, pin(AMP).state());
        assertEquals(DigitalState.LOW, pin(AMP_LOW).state());
    }

    @Test
    void switchOffReturnsEveryChannelToItsOffLevel() {
        Pi4jRelayBank relays = bank();
        relays.switchOn();

        relays.switchOff();

        assertFalse(relays.isOn());
        assertEquals(DigitalState.LOW, pin(AMP).state());
        assertEquals(DigitalState.HIGH, pin(AMP_LOW).state());
    }

    @Test
    void eachSwitchIsOneEdgePerPin() {
        Pi4jRelayBank relays = bank();
        List<DigitalState> edges = new CopyOnWriteArrayList<>();
        pin(AMP_LOW).addListener(e -> edges.add(e.state()));

        relays.switchOn();
        relays.switchOn();
        relays.switchOff();
        relays.switchOff();

        assertEquals(List.of(DigitalState.LOW, DigitalState.HIGH), edges);
    }

    @Test
    void closeLeavesEveryChannelOff() {
        Pi4jRelayBank relays = bank();
        relays.switchOn();
        DigitalOutput amp = pin(AMP);
        DigitalOutput ampLow = pin(AMP_LOW);

        relays.close();

        assertFalse(relays.isOn());
        assertEquals(DigitalState.LOW, amp.state());
        assertEquals(DigitalState.HIGH, ampLow.state());
    }

    @Test
    void closeGivesThePinsBackButLeavesACallersContextRunningForARestartedAgent() {
        Pi4jRelayBank relays = bank();

        relays.close();

        assertFalse(pi4j.isShutdown(), "the caller shuts its own context down");
        assertFalse(pi4j.registry().exists(Pi4jRelayBank.outputId(AMP)), "the pin is released");
        Pi4jRelayBank again = bank();
        assertFalse(again.isOn());
        assertEquals(DigitalState.LOW, pin(AMP).state());
    }

    @Test
    void shuttingPi4jDownWhileOnLeavesThePinsAtTheirOffLevel() {
        Pi4jRelayBank relays = bank();
        DigitalOutput amp = pin(AMP);
        DigitalOutput ampLow = pin(AMP_LOW);
        relays.switchOn();

        pi4j.shutdown();

        assertEquals(DigitalState.LOW, amp.state());
        assertEquals(DigitalState.HIGH, ampLow.state());
    }

    @Test
    void aBankFromConfigOwnsItsContextAndStartsOff() {
        Pi4jRelayBank relays = Pi4jRelayBank.fromConfig("st-01", new GpioConfig("mock", List.of(AMP)));
        try {
            assertFalse(relays.isOn());
            relays.switchOn();
            assertTrue(relays.isOn());
        } finally {
            relays.close();
        }
        assertFalse(relays.isOn());
    }
}
