package vn.loalang.systemtests.bench;

import vn.loalang.agent.AgentConfig;
import vn.loalang.agent.audio.AudioConfig;
import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.RelayConfig;
import vn.loalang.controller.server.Controller;
import vn.loalang.protocol.station.Presence;
import vn.loalang.systemtests.support.SimulatedStation;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The live bench's full agents: whole {@code StationAgent}s in the bench's JVM (signed inbox, talk keeper,
 * arbiter, live item player with its own reader, buffer and decoder; mock relays), each with its broker
 * account and a {@link MarkerSink} as its sound card, so their markers are placed by the same clock model
 * as the light stations'. Amplifier warm-up 0 ms, as in the alert bench: the warm-up is a site's setting,
 * not the chain's.
 */
final class FullLiveAgents implements AutoCloseable {
    private record Agent(SimulatedStation sim, MarkerSink sink) {
    }

    private final List<Agent> agents = new ArrayList<>();

    private FullLiveAgents() {
    }

    /** Starts one agent per account and waits until each is ONLINE at the controller and connected. */
    static FullLiveAgents start(Controller controller, List<LightLiveStations.Account> accounts, Path dir)
            throws BenchException {
        FullLiveAgents full = new FullLiveAgents();
        try {
            for (LightLiveStations.Account a : accounts) {
                Path own = dir.resolve(a.stationId());
                AgentConfig config = new AgentConfig(a.stationId(), controller.brokerUrl(), a.username(), a.password(),
                        null, own, Map.of(controller.keyId(), controller.publicKeyPem()),
                        new GpioConfig("mock", List.of(new RelayConfig("amp", 17, true))),
                        AudioConfig.wavFiles(own.resolve("rendered")), 0L, null, null, null, null);
                MarkerSink sink = new MarkerSink(Clock.systemUTC());
                SimulatedStation sim = new SimulatedStation(config, Clock.systemUTC());
                full.agents.add(new Agent(sim, sink));
                sim.start(sink);
            }
            Wait.until("every full agent to be ONLINE and connected", Duration.ofSeconds(60), () -> {
                for (Agent a : full.agents) {
                    boolean online = controller.monitor().state(a.sim().id()).filter(x -> x.presence() == Presence.ONLINE)
                            .isPresent();
                    if (!online || !a.sim().agent().connected()) {
                        return Optional.empty();
                    }
                }
                return Optional.of(true);
            });
            return full;
        } catch (java.io.IOException e) {
            full.close();
            throw new BenchException("a full agent did not start: " + e.getMessage());
        } catch (BenchException | RuntimeException e) {
            full.close();
            throw e;
        }
    }

    int count() {
        return agents.size();
    }

    /** The markers each agent's sink played, by station. */
    Map<String, List<MarkerSink.Heard>> heard() {
        Map<String, List<MarkerSink.Heard>> out = new LinkedHashMap<>();
        agents.forEach(a -> out.put(a.sim().id(), a.sink().heard()));
        return out;
    }

    /** Sink underruns over every agent. */
    int underruns() {
        return agents.stream().mapToInt(a -> a.sink().underruns()).sum();
    }

    @Override
    public void close() {
        agents.forEach(a -> a.sim().close());
    }
}
