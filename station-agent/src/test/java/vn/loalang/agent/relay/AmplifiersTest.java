package vn.loalang.agent.relay;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import vn.loalang.agent.AgentConfig;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The amplifiers' one owner on Pi4J's mock GPIO: its transitions, the ones it refuses, and its fail-safe. */
class AmplifiersTest {
    private static final String STATION = "st-01";
    private static final AgentConfig.Relay AMP = new AgentConfig.Relay("amp", 17, false);
    private static final AgentConfig.Relay LINE_B = new AgentConfig.Relay("line-b", 27, true);
    private static final AgentConfig.Sense AMP_SENSE = new AgentConfig.Sense("amp", 22, false);
    private static final RelaySequence SEQUENCE = new RelaySequence(
            List.of(Duration.ofMillis(200), Duration.ofMillis(100)), Duration.ofMillis(250));

    private final Context pi4j = Pi4jRelayBank.contextFor("mock");
    private final Pi4jRelayBank bank = Pi4jRelayBank.on(STATION, pi4j, List.of(AMP, LINE_B), List.of(AMP_SENSE));
    private final List<StationEvent.Draft> reported = new CopyOnWriteArrayList<>();
    private final Amplifiers amplifiers = new Amplifiers(STATION, bank, SEQUENCE, reported::add);

    @AfterEach
    void shutdown() {
        pi4j.shutdown();
    }

    private boolean on(AgentConfig.Relay relay) {
        DigitalState level = pi4j.registry().get(Pi4jRelayBank.outputId(relay), DigitalOutput.class).state();
        return (level == DigitalState.HIGH) != relay.activeLow();
    }

    private boolean anyOn() {
        return on(AMP) || on(LINE_B);
    }

    /** The amplifier's power as its sense input reads it. */
    private void ampPowered(boolean powered) {
        ((MockDigitalInput) pi4j.registry().get(Pi4jRelayBank.inputId(AMP_SENSE), DigitalInput.class))
                .mockState(powered ? DigitalState.HIGH : DigitalState.LOW);
    }

    private void toOn() {
        amplifiers.warmUp("s-1");
        amplifiers.switchOnNext("s-1");
        ampPowered(true);
        amplifiers.onAir("s-1");
    }

    @Test
    void warmingFollowsTheSequenceChannelByChannelThenGoesOnAir() {
        assertEquals(Amplifiers.State.OFF, amplifiers.state());
        assertFalse(anyOn(), "OFF at power-on");

        amplifiers.warmUp("s-1");
        assertEquals(Amplifiers.State.WARMING, amplifiers.state());
        assertTrue(on(AMP) && !on(LINE_B), "the first channel alone");
        assertEquals(Optional.of(Duration.ofMillis(250)), amplifiers.nextChannelAfter(), "the second a stagger later");

        assertTrue(amplifiers.switchOnNext("s-1"));
        assertTrue(on(AMP) && on(LINE_B));
        assertEquals(Optional.empty(), amplifiers.nextChannelAfter(), "every channel is on");
        assertEquals(Duration.ofMillis(350), amplifiers.lead(), "the longest of warm-up plus stagger");

        ampPowered(true);
        assertTrue(amplifiers.onAir("s-1"));
        assertEquals(Amplifiers.State.ON, amplifiers.state());
        assertEquals(Map.of("amp", true, "line-b", true), amplifiers.channels());
        assertEquals(List.of(), reported, "the amplifier reads powered: nothing to report");
    }

    @Test
    void aHandOverKeepsTheAmplifiersPoweredForTheNextProgram() {
        toOn();

        assertTrue(amplifiers.handOver("s-1"));
        assertEquals(Amplifiers.State.HANDOVER, amplifiers.state());
        assertTrue(on(AMP) && on(LINE_B), "no gap in power for the program that takes the line");

        assertTrue(amplifiers.takeOver("alert-1"));
        assertEquals(Amplifiers.State.ON, amplifiers.state());
        assertTrue(amplifiers.onAir("alert-1"), "on air at once: no warm-up");
        assertTrue(on(AMP) && on(LINE_B));
    }

    @Test
    void aTakeOverPowersAgainAChannelAFaultSwitchedOff() {
        amplifiers.warmUp("s-1");
        amplifiers.handOver("s-1"); // pre-empted during its warm-up: only the first channel is on

        assertTrue(amplifiers.takeOver("alert-1"));
        assertTrue(on(AMP) && on(LINE_B));
    }

    @Test
    void aHandOverNobodyTakesEndsOff() {
        toOn();
        amplifiers.handOver("s-1");

        amplifiers.off(null);

        assertEquals(Amplifiers.State.OFF, amplifiers.state());
        assertFalse(anyOn());
    }

    @Test
    void takingOverWhenNothingWasHandedOverIsAColdStart() {
        assertFalse(amplifiers.takeOver("s-1"));
        assertEquals(Amplifiers.State.OFF, amplifiers.state());
        assertFalse(anyOn());
    }

    @Test
    void illegalTransitionsThrowAndSwitchNoRelay() {
        amplifiers.warmUp("s-1");
        var fromWarming = assertThrows(Amplifiers.IllegalTransitionException.class, () -> amplifiers.warmUp("s-2"));
        assertEquals(Amplifiers.State.WARMING, fromWarming.from());
        assertThrows(Amplifiers.IllegalTransitionException.class, () -> amplifiers.takeOver("s-2"));
        assertTrue(on(AMP) && !on(LINE_B), "nothing changed");
        assertEquals(Amplifiers.State.WARMING, amplifiers.state());

        amplifiers.switchOnNext("s-1");
        assertThrows(Amplifiers.IllegalTransitionException.class, () -> amplifiers.switchOnNext("s-1"),
                "no channel is left to switch");
        amplifiers.onAir("s-1");
        assertThrows(Amplifiers.IllegalTransitionException.class, () -> amplifiers.warmUp("s-2"));
        assertThrows(Amplifiers.IllegalTransitionException.class, () -> amplifiers.switchOnNext("s-1"));
        assertThrows(Amplifiers.IllegalTransitionException.class, () -> amplifiers.takeOver("s-2"),
                "a program on the line is not taken over: it hands over first");
        assertEquals(Amplifiers.State.ON, amplifiers.state());

        amplifiers.handOver("s-1");
        assertThrows(Amplifiers.IllegalTransitionException.class, () -> amplifiers.handOver("s-1"));
        assertThrows(Amplifiers.IllegalTransitionException.class, () -> amplifiers.warmUp("s-2"));
        assertThrows(Amplifiers.IllegalTransitionException.class, () -> amplifiers.onAir("s-2"));
        assertEquals(Amplifiers.State.HANDOVER, amplifiers.state());
        assertTrue(on(AMP) && on(LINE_B), "still powered for the program to come");
    }

    @Test
    void failSafeSwitchesEverythingOffFromEachStateAndAgain() {
        for (Amplifiers.State from : Amplifiers.State.values()) {
            switch (from) {
                case OFF -> {
                }
                case WARMING -> amplifiers.warmUp("s-1");
                case ON -> toOn();
                case HANDOVER -> {
                    toOn();
                    amplifiers.handOver("s-1");
                }
            }
            assertEquals(from, amplifiers.state());

            amplifiers.failSafe();
            assertEquals(Amplifiers.State.OFF, amplifiers.state(), "from " + from);
            assertFalse(anyOn(), "from " + from);
            amplifiers.failSafe();
            assertFalse(anyOn(), "a second fail-safe changes nothing");
        }
    }

    @Test
    void aFailSafeDuringTheWarmUpIsNotUndoneByTheNextChannel() {
        amplifiers.warmUp("s-1");

        amplifiers.failSafe(); // the sink watchdog, or a thread dying, while the playout warms up

        assertFalse(amplifiers.switchOnNext("s-1"), "refused: the fail-safe won");
        assertFalse(amplifiers.onAir("s-1"));
        assertFalse(amplifiers.handOver("s-1"));
        assertFalse(anyOn());
        assertEquals(Amplifiers.State.OFF, amplifiers.state());
        amplifiers.off("s-1");
        assertFalse(anyOn());
    }

    @Test
    void aFailSafeFromAnotherThreadAlwaysLeavesEveryRelayOff() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 200; round++) {
                amplifiers.off(null);
                amplifiers.warmUp("s-" + round);
                CyclicBarrier together = new CyclicBarrier(2);
                String program = "s-" + round;
                Future<?> playout = threads.submit(() -> {
                    together.await();
                    if (amplifiers.switchOnNext(program)) {
                        amplifiers.onAir(program);
                    }
                    return null;
                });
                Future<?> watchdog = threads.submit(() -> {
                    together.await();
                    amplifiers.failSafe();
                    return null;
                });
                playout.get(5, TimeUnit.SECONDS);
                watchdog.get(5, TimeUnit.SECONDS);

                assertEquals(Amplifiers.State.OFF, amplifiers.state(), "round " + round);
                assertFalse(anyOn(), "round " + round + ": a channel went on after the fail-safe");
            }
        } finally {
            threads.shutdownNow();
            assertTrue(threads.awaitTermination(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void anAmplifierWithoutPowerOnAirAndOneStillPoweredAfterOffAreReported() {
        amplifiers.warmUp("s-1");
        amplifiers.switchOnNext("s-1");
        ampPowered(false); // a blown fuse

        amplifiers.onAir("s-1");
        assertEquals(1, reported.size(), reported.toString());
        assertEquals(EventType.RELAY_SENSE_MISMATCH, reported.get(0).type());
        assertEquals("NO_POWER", reported.get(0).reason());
        assertEquals("s-1", reported.get(0).sessionId());

        ampPowered(true); // welded contacts
        amplifiers.off("s-1");
        assertEquals(2, reported.size(), reported.toString());
        assertEquals("STUCK_ON", reported.get(1).reason());
        assertTrue(reported.get(1).detail().contains("relay amp is commanded OFF"), reported.get(1).detail());
    }

    @Test
    void closingLeavesEveryRelayOff() {
        toOn();

        amplifiers.close();

        assertEquals(Amplifiers.State.OFF, amplifiers.state());
        assertFalse(bank.isOn());
    }
}
