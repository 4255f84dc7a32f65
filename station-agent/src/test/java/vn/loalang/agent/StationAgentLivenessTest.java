package vn.loalang.agent;

import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.RelayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.audio.WavFileSink;
import vn.loalang.agent.relay.Pi4jRelayBank;
import vn.loalang.protocol.signing.Ed25519Keys;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the systemd watchdog is fed on: a whole agent, alive without a broker, not alive once stopped. */
class StationAgentLivenessTest {
    @TempDir
    Path dir;

    @Test
    void anAgentWithoutALinkIsAliveAndAStoppedOneIsNot() throws IOException {
        GpioConfig gpio = new GpioConfig("mock", List.of(new RelayConfig("amp", 17, false)));
        AgentConfig config = new AgentConfig("st-01", "tcp://127.0.0.1:1", null, null, null, dir,
                Map.of("k1", Ed25519Keys.publicPem(Ed25519Keys.generate().getPublic())), gpio, null, null, null, null,
                null, null, null, null, null, null);
        Clock clock = Clock.systemUTC();
        StationAgent agent = StationAgent.start(config, clock, Pi4jRelayBank.fromConfig("st-01", gpio),
                new WavFileSink(dir.resolve("rendered"), clock));

        assertFalse(agent.connected(), "no broker listens there");
        assertTrue(agent.alive(), "playing from disk without a link is normal");

        agent.close();

        await().until(() -> !agent.alive());
    }
}
