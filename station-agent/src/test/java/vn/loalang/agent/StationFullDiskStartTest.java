package vn.loalang.agent;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.audio.WavFileSink;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.link.ReconnectConfig;
import vn.loalang.agent.playout.Priority;
import vn.loalang.agent.playout.Program;
import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.Pi4jRelayBank;
import vn.loalang.agent.relay.RelayConfig;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.Tones;
import vn.loalang.audio.WavWriter;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.testing.Tmpfs;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole agent booting on a card with no byte free (a real tmpfs, filled): it starts, and an
 * emergency whose audio it had cached plays — relay ON, the sound, relay OFF — while its play log,
 * which the card refuses, is kept in memory for the controller.
 */
class StationFullDiskStartTest {
    private static final String ID = "st-full";
    private static final RelayConfig AMP = new RelayConfig("amp", 17, false);

    @TempDir
    Path dir;
    private Tmpfs card;
    private StationAgent agent;
    private Context pi4j;

    @AfterEach
    void stop() throws Exception {
        try {
            if (agent != null) {
                agent.close();
            }
            if (pi4j != null) {
                pi4j.shutdown();
            }
        } finally {
            if (card != null) {
                card.close();
            }
        }
    }

    private StationAgent boot(Path data, List<Boolean> relay) throws Exception {
        GpioConfig gpio = new GpioConfig("mock", List.of(AMP));
        AgentConfig config = new AgentConfig(ID, "tcp://127.0.0.1:1", null, null, null, data,
                Map.of("k1", Ed25519Keys.publicPem(Ed25519Keys.generate().getPublic())), gpio, null, 200L, 200L, null,
                new ReconnectConfig(100L, 500L), null);
        pi4j = Pi4jRelayBank.contextFor("mock");
        Pi4jRelayBank relays = Pi4jRelayBank.on(ID, pi4j, gpio.relays());
        pi4j.registry().get(Pi4jRelayBank.outputId(AMP), DigitalOutput.class)
                .addListener(e -> relay.add(e.state() == DigitalState.HIGH));
        // What the loudspeaker hears is written off the full card.
        return StationAgent.start(config, Clock.systemUTC(), relays, new WavFileSink(dir.resolve("heard"), Clock.systemUTC()));
    }

    @Test
    void anAgentBootingOnAFullCardStartsAndPlaysAnEmergencyItHadCached() throws Exception {
        bootsOnAFullCardAndPlaysACachedEmergency(false);
    }

    @Test
    void anAgentWhoseBuiltInClipsTheCardLostStartsWithoutThemOnAFullCardAndPlaysAnEmergency() throws Exception {
        bootsOnAFullCardAndPlaysACachedEmergency(true);
    }

    private void bootsOnAFullCardAndPlaysACachedEmergency(boolean builtinsLost) throws Exception {
        card = Tmpfs.mount(dir.resolve("card"), 4096);
        Path data = card.dir().resolve("loalang");
        agent = boot(data, new CopyOnWriteArrayList<>());
        PcmFormat format = new PcmFormat(22_050, 1);
        byte[] siren = WavWriter.bytes(Tones.tone(format, 880, Duration.ofSeconds(2), 0.2));
        String sha = new ContentCache(ID, data.resolve("cache")).keep(siren, "test emergency");
        agent.close();
        agent = null;
        pi4j.shutdown();
        if (builtinsLost) {
            // The siren, chime and fallback the agent keeps: gone (a damaged copy is deleted the same way).
            try (var files = Files.list(data.resolve("cache"))) {
                for (Path f : files.filter(f -> Files.isRegularFile(f) && !f.getFileName().toString().equals(sha)).toList()) {
                    Files.delete(f);
                }
            }
        }
        card.fill();
        assertTrue(card.usable() < 4096, "the card is full: " + card.usable() + " bytes free");

        List<Boolean> relay = new CopyOnWriteArrayList<>();
        agent = boot(data, relay);
        Instant now = Instant.now();
        agent.submit(new Program("bao-lu", "Báo lũ", Priority.EMERGENCY, now, now.plusSeconds(60), List.of(new Item(
                "coi-bao-lu", "Còi báo lũ", sha, URI.create("http://127.0.0.1:1/content/coi-bao-lu"), siren.length,
                2000, 0.0))));

        await("the emergency played and the relay is OFF again").atMost(Duration.ofSeconds(30))
                .until(() -> relay.size() >= 2 && !relay.get(relay.size() - 1));
        assertTrue(relay.contains(true), "the amplifier was switched on: " + relay);
        Path heard = dir.resolve("heard").resolve(ID + "_bao-lu.wav");
        long heardMillis = AudioDecoder.decodeAll(heard).duration().toMillis();
        assertTrue(heardMillis >= 2000, "the whole siren was heard: " + heardMillis + " ms");
        assertTrue(agent.pendingEvents() > 0, "its play log waits in memory for the controller");
    }
}
