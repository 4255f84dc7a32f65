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
import vn.loalang.agent.live.FakeLiveServer;
import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.Pi4jRelayBank;
import vn.loalang.agent.relay.RelayConfig;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.analysis.PcmAnalysis;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.live.LatePolicy;
import vn.loalang.protocol.live.LiveTalk;
import vn.loalang.protocol.live.TalkState;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.Fallback;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.schedule.RelaySpec;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole agent (issue 17, WP1's "done when"): a real broker on 127.0.0.1, a signed schedule whose
 * session is a relay of a local MP3 stream, then a signed live talk to the station's village; the
 * station plays both into its WAV sink and reports them through the broker.
 */
class StationLiveTest {
    private static final String ID = "thon-dong-1";
    private static final String ZONE = "thon-dong";
    private static final String TALK = "t-20261206-081500-ab12";
    private static final Duration WAIT = Duration.ofSeconds(40);
    private final Topics topics = Topics.defaults();
    private final KeyPair commune = Ed25519Keys.generate();
    private final EnvelopeSigner signer = new EnvelopeSigner("k1", commune.getPrivate(), Clock.systemUTC());
    private final RelayConfig relay = new RelayConfig("amp", 17, false);
    private final List<StationEvent> reported = new CopyOnWriteArrayList<>();

    @TempDir
    Path dir;
    private TestBroker broker;
    private MqttClient controller;
    private Context pi4j;
    private StationAgent agent;
    private FakeLiveServer stream;

    @BeforeEach
    void start() throws Exception {
        broker = TestBroker.onFreePort().start();
        stream = new FakeLiveServer();
        controller = new MqttClient(broker.url(), "controller-test", new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        controller.connect(options);
        controller.subscribe(topics.event(ID), (topic, message) -> reported.add(Json.read(message.getPayload(),
                StationEvent.class)));
        GpioConfig gpio = new GpioConfig("mock", List.of(relay));
        AgentConfig config = new AgentConfig(ID, broker.url(), null, null, null, dir.resolve("data"),
                Map.of("k1", Ed25519Keys.publicPem(commune.getPublic())), gpio, null, 200L, 100L, null,
                new ReconnectConfig(100L, 1000L), 2000L);
        pi4j = Pi4jRelayBank.contextFor("mock");
        agent = StationAgent.start(config, Clock.systemUTC(), Pi4jRelayBank.on(ID, pi4j, gpio.relays()),
                new WavFileSink(dir.resolve("heard"), Clock.systemUTC()));
        await("connected").atMost(WAIT).until(() -> agent.connected());
    }

    @AfterEach
    void stop() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (pi4j != null) {
            pi4j.shutdown();
        }
        controller.disconnect();
        controller.close();
        broker.close();
        stream.close();
    }

    private boolean reported(EventType type, String session) {
        return reported.stream().anyMatch(e -> e.type() == type && session.equals(e.sessionId()));
    }

    private Pcm heard(String program) throws Exception {
        return AudioDecoder.decodeAll(dir.resolve("heard").resolve(ID + "_" + program + ".wav"));
    }

    @Test
    void aRelayInTheScheduleAndALiveTalkToTheVillageArePlayedFromTheirStreams() throws Exception {
        Instant start = Instant.now().plusSeconds(3).truncatedTo(ChronoUnit.SECONDS);
        RelaySpec spec = new RelaySpec("vov1", "VOV1", stream.url(), LiveChannelId.relay("vov1"), RelaySpec.CODEC_MP3,
                start, start.plusSeconds(4), EndRule.FIXED, 10, Fallback.REST_OF_SESSION, null, 1000);
        Session morning = new Session("2026-12-06.morning", "Buổi sáng", start, start.plusSeconds(20),
                List.of(Item.live("vov1-0530", "Tiếp sóng VOV1", spec, 0.0)));
        Instant now = Instant.now();
        Schedule schedule = new Schedule(SchemaVersion.CURRENT, ID, ZONE, 1, "Asia/Ho_Chi_Minh", now.minusSeconds(60),
                now.plus(Duration.ofDays(1)), List.of(morning));
        controller.publish(topics.schedule(ID), signer.sign(MessageType.SCHEDULE, topics.schedule(ID), schedule,
                now.plus(Duration.ofDays(1))), 1, true);

        await("the relay session played").atMost(WAIT).until(() -> reported(EventType.SESSION_FINISHED, morning.id()));
        StationEvent finished = reported.stream().filter(e -> e.type() == EventType.ITEM_FINISHED).findFirst().orElseThrow();
        assertTrue(finished.playedMillis() > 3_500, "the 4 s slot heard: " + finished.playedMillis() + " ms");
        Pcm relayed = heard(morning.id());
        long w = relayed.format().sampleRate(); // frames per second
        assertEquals(440.0, PcmAnalysis.dominantOf(relayed, w * 3 / 10 + w / 2, w * 3 / 10 + w * 3, 440, 660, 1000),
                "the relay's tone inside the slot");

        // A live talk to the village: on the line at once, ended by the signed ENDED and the stream's end.
        Instant talkStart = Instant.now();
        LiveTalk onAir = new LiveTalk(SchemaVersion.CURRENT, TALK, ZONE, "Họp thôn", "Ông Ba", stream.url(),
                LiveChannelId.talk(TALK), "mp3", TalkState.ON_AIR, talkStart, talkStart.plusSeconds(600), null, null,
                LatePolicy.SKIP, talkStart.plusSeconds(3600), null);
        String talkTopic = topics.zoneTalk(ZONE, TALK);
        controller.publish(talkTopic, signer.sign(MessageType.LIVE_TALK, talkTopic, onAir, onAir.lateUntil()), 1, true);
        await("the talk is on air, after the station's chime").atMost(WAIT).until(() -> reported.stream()
                .anyMatch(e -> e.type() == EventType.ITEM_STARTED && TALK.equals(e.contentId())));
        assertEquals("builtin-chime", reported.stream().filter(e -> e.type() == EventType.ITEM_STARTED
                && TALK.equals(e.sessionId())).findFirst().orElseThrow().contentId());
        long sentAtStart = stream.bytesSent.get();
        await("two more seconds of the operator's voice sent").atMost(WAIT)
                .until(() -> stream.bytesSent.get() - sentAtStart >= 2 * 4_000);

        Instant ended = Instant.now();
        LiveTalk over = new LiveTalk(SchemaVersion.CURRENT, TALK, ZONE, "Họp thôn", "Ông Ba", stream.url(),
                LiveChannelId.talk(TALK), "mp3", TalkState.ENDED, talkStart, talkStart.plusSeconds(600), ended, null,
                LatePolicy.SKIP, talkStart.plusSeconds(3600), null);
        controller.publish(talkTopic, signer.sign(MessageType.LIVE_TALK, talkTopic, over, over.lateUntil()), 1, true);
        stream.status = 404; // the talk's channel is gone, as on the controller
        stream.cut();
        await("the talk finished with the programme").atMost(WAIT).until(() -> reported(EventType.SESSION_FINISHED, TALK));
        StationEvent talkFinished = reported.stream().filter(e -> e.type() == EventType.ITEM_FINISHED
                && TALK.equals(e.contentId())).findFirst().orElseThrow();
        assertEquals("PROGRAMME_ENDED", talkFinished.reason());
        assertTrue(talkFinished.playedMillis() >= 1_500, "the talk heard: " + talkFinished.playedMillis() + " ms");
        Pcm talk = heard(TALK);
        assertTrue(PcmAnalysis.rmsDbfs(talk, 0, talk.frames()) > -40, "the talk's audio is in the station's sound");
        assertTrue(reported.stream().noneMatch(e -> e.type() == EventType.MESSAGE_REJECTED), reported.toString());
        assertTrue(stream.authorizations.stream().allMatch(String::isEmpty), "a station without a broker account sends none");
    }
}
