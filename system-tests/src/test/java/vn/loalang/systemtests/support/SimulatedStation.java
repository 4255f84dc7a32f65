package vn.loalang.systemtests.support;

import vn.loalang.agent.audio.AudioConfig;
import vn.loalang.agent.clock.SimulatedTimeSync;
import vn.loalang.agent.clock.TimeSync;
import vn.loalang.agent.link.ReconnectConfig;
import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.RelayConfig;
import vn.loalang.agent.relay.SenseConfig;
import vn.loalang.agent.telemetry.TelemetryConfig;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
import vn.loalang.agent.AgentConfig;
import vn.loalang.agent.StationAgent;
import vn.loalang.agent.audio.AudioSink;
import vn.loalang.agent.audio.WavFileSink;
import vn.loalang.agent.relay.Pi4jRelayBank;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A station agent as on a pole, but with the Pi4J mock provider for GPIO and WAV files for sound.
 * The relay pin is watched at the hardware edge: every level change is recorded with the clock.
 * With a sense input, the amplifier behind the relay is simulated too: its power follows the relay
 * unless the test breaks it.
 */
public final class SimulatedStation implements AutoCloseable {
    /** A relay edge: {@code on} is the amplifier's power, after active-low translation. */
    public record Edge(Instant at, boolean on) {
    }

    private AgentConfig config;
    private final Clock clock;
    private final Context pi4j;
    private final List<Edge> edges = new CopyOnWriteArrayList<>();
    private final boolean activeLow;
    private StationAgent agent;
    /** The amplifier's power while a fault holds it whatever the relay; null while it follows the relay. */
    private volatile Boolean forcedPower;

    public SimulatedStation(String id, String brokerUrl, String keyId, String publicKeyPem, Path dir, Clock clock,
                            boolean activeLow, long warmupMillis, long tailMillis) {
        this(new AgentConfig(id, brokerUrl, null, null, null, dir, Map.of(keyId, publicKeyPem),
                new GpioConfig("mock", List.of(new RelayConfig("amp", 17, activeLow))),
                AudioConfig.wavFiles(dir.resolve("rendered")), warmupMillis, tailMillis, null,
                new ReconnectConfig(100L, 1000L), 2000L), clock);
    }

    /** A station of the caller's config; its GPIO must be mock, and its first relay is the one watched. */
    public SimulatedStation(AgentConfig config, Clock clock) {
        this.clock = clock;
        this.activeLow = config.gpio().relays().get(0).activeLow();
        this.config = config;
        this.pi4j = Pi4jRelayBank.contextFor("mock");
    }

    /** Telemetry this often instead of every 30 s, so a test can move its clock without the station going stale. */
    public SimulatedStation reportingEvery(long seconds) {
        return with(config.gpio(), new TelemetryConfig(seconds));
    }

    /** An input on BCM {@code pin} that reads whether the first relay's amplifier has power, as an optocoupler would. */
    public SimulatedStation withAmplifierSense(int pin) {
        GpioConfig g = config.gpio();
        return with(new GpioConfig(g.provider(), g.relays(), g.staggerMillis(),
                List.of(new SenseConfig(g.relays().get(0).name(), pin, false))), config.telemetry());
    }

    private SimulatedStation with(GpioConfig gpio, TelemetryConfig telemetry) {
        AgentConfig c = config;
        config = new AgentConfig(c.stationId(), c.brokerUrl(), c.username(), c.password(), c.topicRoot(), c.dataDir(),
                c.trustedKeys(), gpio, c.audio(), c.warmupMillis(), c.tailMillis(), c.maxClockSkewSeconds(),
                c.reconnect(), c.ackTimeoutMillis(), c.playout(), c.cache(), c.clock(), telemetry, c.caFile());
        return this;
    }

    public SimulatedStation start() throws IOException {
        return start(new WavFileSink(config.audio().wavDir(), clock));
    }

    /**
     * Starts the agent as a Pi without a battery clock boots after a power cut: its own clock is {@code pi}
     * (the test's, stepped by hours), and NTP answers as {@code ntp} says. Relay edges stay on the test's clock.
     */
    public SimulatedStation startWithClock(Clock pi, TimeSync ntp) throws IOException {
        return start(new WavFileSink(config.audio().wavDir(), pi), pi, ntp);
    }

    /** Starts the agent with its sound going to {@code sink} instead of WAV files. */
    public SimulatedStation start(AudioSink sink) throws IOException {
        return start(sink, clock, new SimulatedTimeSync(true));
    }

    private SimulatedStation start(AudioSink sink, Clock agentClock, TimeSync ntp) throws IOException {
        Pi4jRelayBank relays = Pi4jRelayBank.on(config.stationId(), pi4j, config.gpio().relays(), config.gpio().senses());
        DigitalOutput pin = pi4j.registry().get(Pi4jRelayBank.outputId(config.gpio().relays().get(0)), DigitalOutput.class);
        edges.add(new Edge(clock.instant(), isOn(pin.state())));
        senseAmplifier();
        // Called on the thread that switches the relay, before the agent reads its sense input back.
        pin.addListener(e -> {
            edges.add(new Edge(clock.instant(), isOn(e.state())));
            senseAmplifier();
        });
        agent = StationAgent.start(config, agentClock, ntp, relays, sink);
        return this;
    }

    /**
     * Breaks (or mends) the amplifier's power as its sense input reads it: true, powered whatever the
     * relay (contacts welded shut); false, unpowered (a blown fuse); null, following the relay again.
     */
    public void amplifierPower(Boolean forced) {
        forcedPower = forced;
        senseAmplifier();
    }

    private void senseAmplifier() {
        for (SenseConfig sense : config.gpio().senses()) {
            Boolean forced = forcedPower;
            boolean powered = forced != null ? forced : relayOn();
            ((MockDigitalInput) pi4j.registry().get(Pi4jRelayBank.inputId(sense), DigitalInput.class))
                    .mockState(powered != sense.activeLow() ? DigitalState.HIGH : DigitalState.LOW);
        }
    }

    private boolean isOn(DigitalState level) {
        return (level == DigitalState.HIGH) != activeLow;
    }

    public String id() {
        return config.stationId();
    }

    public StationAgent agent() {
        return agent;
    }

    /** Relay power over time; the first entry is the level right after the relay bank was created. */
    public List<Edge> relayEdges() {
        return List.copyOf(edges);
    }

    public boolean relayOn() {
        DigitalOutput pin = pi4j.registry().get(Pi4jRelayBank.outputId(config.gpio().relays().get(0)), DigitalOutput.class);
        return isOn(pin.state());
    }

    public Path wav(String sessionId) {
        return config.audio().wavDir().resolve(config.stationId() + "_" + sessionId + ".wav");
    }

    public Path dataDir() {
        return config.dataDir();
    }

    /** Stops the agent (relays OFF) and keeps its data directory, as a reboot would. */
    public void stopAgent() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
    }

    @Override
    public void close() {
        stopAgent();
        pi4j.shutdown();
    }
}
