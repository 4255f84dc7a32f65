package vn.loalang.agent;

import com.pi4j.context.Context;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.audio.WavFileSink;
import vn.loalang.agent.link.ReconnectConfig;
import vn.loalang.agent.link.TestBroker;
import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.Pi4jRelayBank;
import vn.loalang.agent.relay.RelayConfig;
import vn.loalang.audio.ContentHash;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.testing.Tmpfs;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16 point 3, the gap left (decision 0023): a schedule that arrives when the card is full cannot be
 * stored. The station plays by it, but must not record it in its replay guard: after a reboot it would
 * refuse the retained copy as a duplicate and play the older schedule it had stored. The whole agent on a
 * real tmpfs, filled, with a real broker (Moquette on 127.0.0.1) keeping the newer schedule retained.
 */
class FullCardScheduleTest {
    private static final String ID = "thon-dong-1";
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final Topics topics = Topics.defaults();
    private final KeyPair commune = Ed25519Keys.generate();
    private final EnvelopeSigner signer = new EnvelopeSigner("k1", commune.getPrivate(), Clock.systemUTC());
    private final RelayConfig relay = new RelayConfig("amp", 17, false);

    @TempDir
    Path dir;
    private Tmpfs card;
    private Path data;
    private TestBroker broker;
    private MqttClient controller;
    private Context pi4j;
    private StationAgent agent;
    private Item item;

    @BeforeEach
    void start() throws Exception {
        card = Tmpfs.mount(dir.resolve("card"), 8192);
        data = card.dir().resolve("loalang");
        broker = TestBroker.onFreePort().start();
        controller = new MqttClient(broker.url(), "controller-test", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        controller.connect(options);
        // One item, cached: no download fills the card or the journal while the test looks.
        Path source = Fixtures.path(Fixtures.ITEM_660HZ_1S);
        String sha = ContentHash.sha256(source);
        Files.createDirectories(data.resolve("cache"));
        Files.copy(source, data.resolve("cache").resolve(sha));
        item = new Item("thoi-tiet", "Thời tiết", sha, URI.create("http://127.0.0.1:9/content/" + sha), Files.size(source),
                1000, 0.0);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (agent != null) {
                agent.close();
            }
            if (pi4j != null) {
                pi4j.shutdown();
            }
            controller.disconnect();
            controller.close();
            broker.close();
        } finally {
            card.close();
        }
    }

    private void boot() throws Exception {
        GpioConfig gpio = new GpioConfig("mock", List.of(relay));
        AgentConfig config = new AgentConfig(ID, broker.url(), null, null, null, data,
                Map.of("k1", Ed25519Keys.publicPem(commune.getPublic())), gpio, null, 200L, 100L, null,
                new ReconnectConfig(100L, 1000L), 2000L);
        pi4j = Pi4jRelayBank.contextFor("mock");
        agent = StationAgent.start(config, Clock.systemUTC(), Pi4jRelayBank.on(ID, pi4j, gpio.relays()),
                new WavFileSink(dir.resolve("heard"), Clock.systemUTC()));
    }

    private void reboot() throws Exception {
        agent.close();
        pi4j.shutdown();
        agent = null;
        pi4j = null;
        boot();
    }

    /** Version {@code version} with {@code sessions} sessions of five items each, tomorrow, signed now and retained. */
    private byte[] publishRetained(long version, int sessions) throws Exception {
        Instant start = Instant.now().plus(Duration.ofDays(1));
        List<Session> list = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            Instant at = start.plus(Duration.ofMinutes(10L * i));
            list.add(new Session("buoi-" + i, "Buổi " + i, at, at.plus(Duration.ofMinutes(5)),
                    List.of(item, item, item, item, item)));
        }
        Instant now = Instant.now();
        Schedule s = new Schedule(SchemaVersion.CURRENT, ID, "thon-dong", version, "Asia/Ho_Chi_Minh", now,
                now.plus(Duration.ofDays(3)), list);
        byte[] signed = signer.sign(MessageType.SCHEDULE, topics.schedule(ID), s, now.plus(Duration.ofDays(3)));
        controller.publish(topics.schedule(ID), signed, 1, true);
        return signed;
    }

    private long version() {
        return agent.schedule().map(Schedule::version).orElse(0L);
    }

    private Path stored() {
        return data.resolve("state").resolve("schedule.signed.json");
    }

    @Test
    void aScheduleTheFullCardCouldNotKeepIsTakenAgainAfterARebootAndNotTheOlderStoredOne() throws Exception {
        byte[] first = publishRetained(1, 1);
        boot();
        await("version 1 held").atMost(WAIT).until(() -> version() == 1);
        await("and stored").atMost(WAIT).until(() -> Files.exists(stored()) && Files.size(stored()) == first.length);

        // Room for the replay guard (one page of the tmpfs), not for a schedule of two pages.
        Path filler = card.fillLeaving(4096);
        byte[] second = publishRetained(2, 3);
        assertTrue(second.length > 4096 && second.length < 8000, "the newer schedule needs two pages (and fits the "
                + "test broker's 8 kB message limit): " + second.length + " bytes");
        await("version 2 plays, from memory").atMost(WAIT).until(() -> version() == 2);
        assertArrayEquals(first, Files.readAllBytes(stored()), "the full card kept version 1 on disk");

        // The power comes back with room on the card again (the technician cleared it); the broker still keeps 2.
        Files.delete(filler);
        reboot();
        await("after the reboot the retained version 2 is taken, not refused as a duplicate").atMost(WAIT)
                .until(() -> version() == 2);
        await("and stored now").atMost(WAIT).until(() -> java.util.Arrays.equals(second, Files.readAllBytes(stored())));

        // Once stored it is recorded: another reboot takes the stored copy and ignores the retained one quietly.
        reboot();
        assertEquals(2, version(), "read from the card at boot");
        await("connected again").atMost(WAIT).until(() -> agent.connected());
    }

    @Test
    void aScheduleTheCardStillCannotKeepAfterARebootIsStillPlayedFromTheRetainedCopy() throws Exception {
        byte[] first = publishRetained(1, 1);
        boot();
        await("version 1 held and stored").atMost(WAIT).until(() -> version() == 1 && Files.exists(stored()));
        card.fillLeaving(4096);
        publishRetained(2, 3);
        await("version 2 plays, from memory").atMost(WAIT).until(() -> version() == 2);

        reboot();
        await("still full after the reboot: version 2 again, from the broker").atMost(WAIT).until(() -> version() == 2);
        assertArrayEquals(first, Files.readAllBytes(stored()));
    }
}
