package vn.loalang.agent.playout;

import vn.loalang.agent.relay.RelayConfig;
import java.util.function.BiConsumer;
import vn.loalang.agent.trust.SignedInbox;
import vn.loalang.agent.relay.Amplifiers;
import vn.loalang.agent.relay.RelaySequence;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.AgentConfig;
import vn.loalang.agent.audio.WavFileSink;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.relay.Pi4jRelayBank;
import vn.loalang.agent.schedule.ScheduleKeeper;
import vn.loalang.agent.testing.RecordingSender;
import vn.loalang.agent.trust.TrustGate;
import vn.loalang.audio.ContentHash;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
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
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deciding when to play, on the real clock: each session once, at its time, and not again after a restart. */
class PlayoutSchedulerTest {
    private static final String STATION = "st-01";
    private static final String TOPIC = Topics.defaults().schedule(STATION);
    private static final Duration WARMUP = Duration.ofMillis(200);
    private static final RelayConfig AMP = new RelayConfig("amp", 17, false);

    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();
    private final KeyPair commune = Ed25519Keys.generate();
    private final Context pi4j = Pi4jRelayBank.contextFor("mock");
    private final List<Instant> relayOnAt = new CopyOnWriteArrayList<>();
    private final List<PlayoutScheduler> schedulers = new ArrayList<>();
    private Pi4jRelayBank relays;
    private EventOutbox events;
    private RecordingSender link;
    private ScheduleKeeper keeper;
    /** Its replay guard is written behind each message: closed before the temporary folder goes. */
    private TrustGate gate;
    /** The schedule topic as the station's link delivers it: through the signed inbox to the keeper. */
    private BiConsumer<String, byte[]> deliver;
    private ContentCache cache;

    @BeforeEach
    void station() throws IOException {
        relays = Pi4jRelayBank.on(STATION, pi4j, List.of(AMP));
        pi4j.registry().get(Pi4jRelayBank.outputId(AMP), DigitalOutput.class).addListener(e -> {
            if (e.state() == DigitalState.HIGH) {
                relayOnAt.add(clock.instant());
            }
        });
        events = new EventOutbox(dir.resolve("events"), STATION, clock, Duration.ofHours(1));
        link = new RecordingSender(true);
        events.start(link);
        EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("k1", commune.getPublic()), clock, Duration.ofMinutes(5));
        gate = new TrustGate(STATION, verifier, dir.resolve("state"), events);
        keeper = new ScheduleKeeper(STATION, TOPIC, verifier, dir.resolve("state"), events);
        deliver = new SignedInbox(STATION, Topics.defaults(), gate, events).schedules(keeper);
        cache = new ContentCache(STATION, dir.resolve("cache"));
    }

    @AfterEach
    void shutdown() {
        schedulers.forEach(PlayoutScheduler::close);
        gate.close();
        events.close();
        relays.close();
        pi4j.shutdown();
    }

    private PlayoutScheduler startScheduler() throws IOException {
        SessionPlayer player = new SessionPlayer(STATION, new Amplifiers(STATION, relays,
                RelaySequence.together(relays.channelCount(), WARMUP), events::record),
                new WavFileSink(dir.resolve("wav"), clock), cache, events, clock, Duration.ofMillis(100), new PcmFormat(22_050, 1), 0.0);
        PlayoutScheduler scheduler = new PlayoutScheduler(STATION, keeper, player, events, clock, dir.resolve("state"));
        schedulers.add(scheduler);
        scheduler.start();
        return scheduler;
    }

    private Item cachedTone() throws IOException {
        Path source = Fixtures.path(Fixtures.ITEM_660HZ_1S);
        String sha = ContentHash.sha256(source);
        Files.copy(source, dir.resolve("cache").resolve(sha));
        return new Item("thong-bao", "Thông báo", sha, URI.create("http://127.0.0.1:9/content/thong-bao"),
                Files.size(source), 1000, 0.0);
    }

    private void receive(Session... sessions) {
        Instant now = clock.instant();
        Schedule schedule = new Schedule(1, STATION, "xom-1", 1, "Asia/Ho_Chi_Minh", now.minusSeconds(60),
                now.plus(Duration.ofHours(1)), List.of(sessions));
        byte[] signed = new EnvelopeSigner("k1", commune.getPrivate(), clock)
                .sign(MessageType.SCHEDULE, TOPIC, schedule, now.plus(Duration.ofHours(1)));
        deliver.accept(TOPIC, signed);
        assertEquals(1, keeper.current().orElseThrow().version());
    }

    private List<String> reported(EventType type) {
        return link.sent().stream().filter(e -> e.type() == type).map(StationEvent::sessionId).toList();
    }

    @Test
    void playsEachSessionOnceAtItsTimeAndNotAgainAfterARestart() throws Exception {
        Item tone = cachedTone();
        Instant now = clock.instant();
        // The first window stays open long enough after the first play for a second, whole play.
        Session first = new Session("first", "Buổi sáng", now.plusMillis(500), now.plusMillis(3000), List.of(tone));
        Session second = new Session("second", "Buổi trưa", now.plusMillis(3100), now.plusSeconds(60), List.of(tone));
        PlayoutScheduler scheduler = startScheduler();

        receive(first, second);
        await().until(() -> reported(EventType.SESSION_FINISHED).contains("first"));

        assertFalse(relays.isOn());
        assertEquals(1, relayOnAt.size());
        assertFalse(relayOnAt.get(0).isBefore(first.start().minus(WARMUP)), "relay on no earlier than start - warm-up: "
                + relayOnAt.get(0) + " vs " + first.start());

        // A restart of the agent while the first session's window is still open.
        scheduler.close();
        startScheduler();
        await().until(() -> reported(EventType.SESSION_FINISHED).contains("second"));

        assertEquals(List.of("first", "second"), reported(EventType.SESSION_STARTED),
                "the first session was not played again after the restart");
        assertEquals(List.of("first", "second"), reported(EventType.SESSION_FINISHED), "nor skipped and reported again");
        assertEquals(2, relayOnAt.size());
    }

    /** A Pi booting with a clock nothing vouches for (decision 0021): the schedule waits, silent, and nothing counts as missed. */
    @Test
    void whileTheClockIsNotTrustedNoSessionPlaysNorCountsAsMissed() throws Exception {
        Item tone = cachedTone();
        Instant now = clock.instant();
        Session gone = new Session("gone", "Buổi sáng", now.minusSeconds(50), now.minusSeconds(40), List.of(tone));
        Session due = new Session("due", "Buổi trưa", now.plusMillis(300), now.plusSeconds(30), List.of(tone));
        java.util.concurrent.atomic.AtomicBoolean trusted = new java.util.concurrent.atomic.AtomicBoolean(false);
        SessionPlayer player = new SessionPlayer(STATION, new Amplifiers(STATION, relays,
                RelaySequence.together(relays.channelCount(), WARMUP), events::record),
                new WavFileSink(dir.resolve("wav"), clock), cache, events, clock, Duration.ofMillis(100), new PcmFormat(22_050, 1), 0.0);
        PlayoutScheduler scheduler = new PlayoutScheduler(STATION, keeper, player, events, clock, dir.resolve("state"));
        schedulers.add(scheduler);
        scheduler.sessionsOnlyWhen(trusted::get);
        scheduler.start();
        receive(gone, due);

        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                .until(() -> relayOnAt.isEmpty() && reported(EventType.SESSION_FINISHED).isEmpty());

        trusted.set(true);
        scheduler.wake();
        await().until(() -> reported(EventType.SESSION_FINISHED).containsAll(List.of("gone", "due")));
        assertEquals(List.of("due"), reported(EventType.SESSION_STARTED));
        assertEquals(1, relayOnAt.size());
    }

    @Test
    void aSessionWhoseWholeWindowPassedWhileTheAgentWasDownIsReportedMissedOnce() throws Exception {
        Item tone = cachedTone();
        Instant now = clock.instant();
        Session gone = new Session("gone", "Buổi sáng", now.minusSeconds(50), now.minusSeconds(40), List.of(tone));
        Session later = new Session("later", "Buổi chiều", now.plusSeconds(600), now.plusSeconds(700), List.of(tone));
        receive(gone, later);

        startScheduler().close();
        startScheduler();
        await().until(() -> !reported(EventType.SESSION_FINISHED).isEmpty());

        List<StationEvent> finished = link.sent().stream().filter(e -> e.type() == EventType.SESSION_FINISHED).toList();
        assertEquals(1, finished.size(), "reported once, not again after the restart: " + finished);
        assertEquals("gone", finished.get(0).sessionId());
        assertEquals("MISSED", finished.get(0).reason());
        assertTrue(relayOnAt.isEmpty(), "nothing was switched for a session that cannot be played");
    }

    @Test
    void aRoundThatKeepsFailingIsTriedAgainLessOftenButAtLeastEveryFiveSeconds() {
        assertEquals(Duration.ofMillis(250), PlayoutScheduler.pauseAfter(1));
        assertEquals(Duration.ofMillis(500), PlayoutScheduler.pauseAfter(2));
        assertEquals(Duration.ofSeconds(4), PlayoutScheduler.pauseAfter(5));
        assertEquals(PlayoutScheduler.FAILING_PAUSE_MAX, PlayoutScheduler.pauseAfter(6));
        assertEquals(PlayoutScheduler.FAILING_PAUSE_MAX, PlayoutScheduler.pauseAfter(1_000_000));
    }
}
