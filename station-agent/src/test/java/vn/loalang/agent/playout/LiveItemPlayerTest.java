package vn.loalang.agent.playout;

import com.pi4j.context.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.audio.WavFileSink;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.live.FakeLiveServer;
import vn.loalang.agent.live.LiveSource;
import vn.loalang.agent.live.LiveStates;
import vn.loalang.agent.live.LiveStreamReader;
import vn.loalang.agent.relay.Amplifiers;
import vn.loalang.agent.relay.Pi4jRelayBank;
import vn.loalang.agent.relay.RelayConfig;
import vn.loalang.agent.relay.RelaySequence;
import vn.loalang.agent.testing.RecordingSender;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.ContentHash;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.live.ChannelState;
import vn.loalang.protocol.live.LiveState;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.Fallback;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.schedule.RelaySpec;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Live items played for real: the agent's reader, jitter buffer and decoder against a local HTTP
 * server sending the channel's MP3 frames (a 440 Hz tone), on a session rendered at real-time pace into
 * a WAV file, amplifier relay on Pi4J's mock GPIO. The station clock stands still, so every event time
 * comes from the samples written.
 */
class LiveItemPlayerTest {
    private static final String STATION = "st-01";
    private static final Instant T0 = Instant.parse("2026-03-02T05:00:00Z");
    private static final Duration WARMUP = Duration.ofMillis(200);
    private static final Duration TAIL = Duration.ofMillis(100);
    private static final PcmFormat OUTPUT = new PcmFormat(44_100, 1);
    private static final Duration TOLERANCE = Duration.ofMillis(50);
    private static final RelayConfig AMP = new RelayConfig("amp", 17, true);
    private static final LiveChannelId CHANNEL = LiveChannelId.relay("vov1");
    private static final double RELAY_HZ = 440;

    @TempDir
    Path dir;

    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    private final Context pi4j = Pi4jRelayBank.contextFor("mock");
    private Pi4jRelayBank relays;
    private ContentCache cache;
    private EventOutbox events;
    private RecordingSender link;
    private FakeLiveServer server;
    private final LiveStates states = new LiveStates(STATION);

    @BeforeEach
    void station() throws IOException {
        relays = Pi4jRelayBank.on(STATION, pi4j, List.of(AMP));
        cache = new ContentCache(STATION, dir.resolve("cache"));
        events = new EventOutbox(dir.resolve("events"), STATION, clock, Duration.ofHours(1));
        link = new RecordingSender(true);
        events.start(link);
        server = new FakeLiveServer();
    }

    @AfterEach
    void shutdown() throws IOException {
        server.close();
        events.close();
        relays.close();
        pi4j.shutdown();
    }

    private LiveSource source;

    private SessionPlayer player() throws IOException {
        source = new LiveSource(STATION, new LiveStreamReader.Account(STATION, "secret"), null, states);
        return new SessionPlayer(STATION, new Amplifiers(STATION, relays,
                RelaySequence.together(relays.channelCount(), WARMUP), events::record),
                new WavFileSink(dir.resolve("wav"), clock), cache, events, clock, TAIL, OUTPUT, 0.0).playingLive(source);
    }

    /** A relay slot of the channel, {@code from}..{@code to} after T0, held 1 s in the buffer. */
    private Item relay(Duration from, Duration to, int maxSilenceSeconds, Fallback fallback, Item fallbackItem) {
        RelaySpec spec = new RelaySpec("vov1", "VOV1", server.url(), CHANNEL, RelaySpec.CODEC_MP3, T0.plus(from), T0.plus(to),
                EndRule.FIXED, maxSilenceSeconds, fallback, fallbackItem, 1000);
        return Item.live("vov1-" + from.toMillis(), "Tiếp sóng VOV1", spec, 0.0);
    }

    private Item cached(String fixture, String contentId, long durationMillis) throws IOException {
        Path source = Fixtures.path(fixture);
        String sha = ContentHash.sha256(source);
        Path target = dir.resolve("cache").resolve(sha);
        if (!Files.exists(target)) {
            Files.copy(source, target);
        }
        return new Item(contentId, "Bản tin " + contentId, sha, URI.create("http://127.0.0.1:9/content/" + contentId),
                Files.size(source), durationMillis, 0.0);
    }

    private static Program program(String id, Priority priority, Item... items) {
        return new Program(id, "Buổi sáng", priority, T0, T0.plusSeconds(60), List.of(items));
    }

    private Pcm rendered(String label) throws Exception {
        return AudioDecoder.decodeAll(dir.resolve("wav").resolve(STATION + "_" + label + ".wav"));
    }

    private List<StationEvent> reported() {
        await().until(() -> link.sent().size() == events.lastSeq());
        return link.sent();
    }

    private List<StationEvent> sent() {
        return link.sent();
    }

    private boolean sentAny(EventType type) {
        return link.sent().stream().anyMatch(e -> e.type() == type);
    }

    private static StationEvent first(List<StationEvent> events, EventType type, String contentId) {
        return events.stream().filter(e -> e.type() == type && contentId.equals(e.contentId())).findFirst()
                .orElseThrow(() -> new AssertionError(type + " of " + contentId + " in " + events));
    }

    private static void assertNear(Duration expected, Duration actual, String what) {
        assertTrue(actual.minus(expected).abs().compareTo(TOLERANCE) <= 0,
                what + ": expected " + expected.toMillis() + " ms ± " + TOLERANCE.toMillis() + ", was " + actual.toMillis() + " ms");
    }

    private static Duration heard(List<RenderedAudio.Run> runs, double hz) {
        return runs.stream().filter(r -> r.hz() == hz).map(RenderedAudio.Run::length).reduce(Duration.ZERO, Duration::plus);
    }

    private static List<EventType> types(List<StationEvent> events) {
        return events.stream().map(StationEvent::type).toList();
    }

    @Test
    void theRelayStartsAtItsSlotWithTheFirstLiveSampleAndFinishesAtItsEndWithWhatWasHeard() throws Exception {
        Item news = relay(Duration.ofMillis(1200), Duration.ofMillis(5200), 10, Fallback.REST_OF_SESSION, null);
        Program morning = program("2026-03-02.morning", Priority.SESSION, news);

        SessionPlayer.Outcome outcome = player().play(morning, Position.START, now -> null);

        assertEquals(new SessionPlayer.Outcome(1, 0), outcome);
        List<StationEvent> reported = reported();
        assertEquals(List.of(EventType.SESSION_STARTED, EventType.ITEM_STARTED, EventType.ITEM_FINISHED,
                EventType.SESSION_FINISHED), types(reported));
        StationEvent started = reported.get(1);
        StationEvent finished = reported.get(2);
        assertEquals(T0.plusMillis(1200), started.at(), "the first live sample at the slot's start: connected and primed before");
        assertNear(Duration.ofMillis(5200), Duration.between(T0, finished.at()), "finished at the slot's end");
        assertNotNull(finished.playedMillis());
        assertNear(Duration.ofMillis(4000), Duration.ofMillis(finished.playedMillis()), "played the whole slot");

        List<RenderedAudio.Run> runs = RenderedAudio.runs(rendered(morning.id()), RELAY_HZ);
        assertEquals(RenderedAudio.SILENCE, runs.get(0).hz());
        assertNear(Duration.ofMillis(1200), runs.get(1).start(), "the relay heard from the slot's start: " + runs);
        assertEquals(RELAY_HZ, runs.get(1).hz());
        assertNear(Duration.ofMillis(finished.playedMillis()), heard(runs, RELAY_HZ), "playedMillis is what the WAV holds");
        assertEquals(List.of("Basic " + java.util.Base64.getEncoder().encodeToString("st-01:secret".getBytes())),
                server.authorizations, "one connection, with the station's broker account");
    }

    @Test
    void aStalledStreamIsDroppedAfterMaxSilenceTheFallbackPlaysUntilTheStreamIsBackThenTheRelayResumes() throws Exception {
        Item fallback = cached(Fixtures.ITEM_1000HZ_1500MS, "nhac-cho", 1500); // a tone apart from the relay's
        Item news = relay(Duration.ofMillis(1200), Duration.ofMillis(12_000), 2, Fallback.ITEM_THEN_REST, fallback);
        Program morning = program("2026-03-02.morning", Priority.SESSION, news);
        SessionPlayer player = player();

        CompletableFuture<SessionPlayer.Outcome> playing = CompletableFuture.supplyAsync(
                () -> player.play(morning, Position.START, now -> null));
        await().until(() -> sentAny(EventType.ITEM_STARTED));
        await().pollDelay(Duration.ofMillis(1500)).until(() -> true); // 1.5 s of the relay heard
        server.stalled = true;
        await().until(() -> sentAny(EventType.ITEM_DROPPED));
        server.stalled = false; // back within the reader's 5 s timeout: the same connection goes on
        SessionPlayer.Outcome outcome = playing.get(30, TimeUnit.SECONDS);

        assertEquals(1, outcome.played());
        List<StationEvent> reported = reported();
        assertEquals(List.of(EventType.SESSION_STARTED, EventType.ITEM_STARTED, EventType.ITEM_DROPPED,
                EventType.ITEM_STARTED, EventType.ITEM_FINISHED, EventType.ITEM_RESUMED, EventType.ITEM_FINISHED,
                EventType.SESSION_FINISHED), types(reported), reported.toString());
        StationEvent dropped = first(reported, EventType.ITEM_DROPPED, news.contentId());
        assertEquals(EventReason.STREAM_STALLED.name(), dropped.reason());
        StationEvent fallbackStarted = first(reported, EventType.ITEM_STARTED, "nhac-cho");
        assertEquals(EventReason.FALLBACK.name(), fallbackStarted.reason());
        assertEquals(dropped.at(), fallbackStarted.at(), "the fallback at once");
        StationEvent resumed = first(reported, EventType.ITEM_RESUMED, news.contentId());
        StationEvent finished = first(reported, EventType.ITEM_FINISHED, news.contentId());
        assertNear(Duration.ofMillis(12_000), Duration.between(T0, finished.at()), "finished at the slot's end");

        List<RenderedAudio.Run> all = RenderedAudio.runs(rendered(morning.id()), RELAY_HZ, 1000);
        // From the fallback back to the relay: the rest of the fallback's last chunk after its fade-out (at most
        // one chunk, 46 ms) and the relay's 10 ms fade-in; measured 40-60 ms, never a second's gap.
        all.stream().filter(r -> r.hz() == RenderedAudio.SILENCE && r.start().compareTo(Duration.ofSeconds(5)) > 0
                && r.end().compareTo(Duration.ofMillis(11_900)) < 0).forEach(gap -> assertTrue(
                gap.length().toMillis() < 100, "the step back to the relay is no gap: " + gap));
        List<RenderedAudio.Run> runs = all.stream()
                .filter(r -> r.hz() != RenderedAudio.SILENCE || r.length().toMillis() >= 100).toList();
        // silence (warm-up, wait), relay, silence (the stall), fallback (cut), relay again, silence (tail)
        assertEquals(List.of(RenderedAudio.SILENCE, RELAY_HZ, RenderedAudio.SILENCE, 1000.0, RELAY_HZ, RenderedAudio.SILENCE),
                runs.stream().map(RenderedAudio.Run::hz).toList(), runs.toString());
        RenderedAudio.Run firstPart = runs.get(1);
        RenderedAudio.Run stall = runs.get(2);
        RenderedAudio.Run fill = runs.get(3);
        RenderedAudio.Run secondPart = runs.get(4);
        assertNear(Duration.ofSeconds(2), stall.length(), "silence for maxSilence, then the fallback");
        assertNear(firstPart.length(), Duration.ofMillis(dropped.playedMillis()), "ITEM_DROPPED's playedMillis");
        assertNear(Duration.between(T0, dropped.at()), fill.start(), "the drop when the fallback starts");
        assertTrue(fill.length().compareTo(Duration.ofMillis(1500)) < 0, "the fallback cut when the stream came back: " + fill);
        assertNear(fill.end(), Duration.between(T0, resumed.at()), "ITEM_RESUMED when the relay is heard again");
        assertNear(firstPart.length(), Duration.ofMillis(resumed.playedMillis()), "ITEM_RESUMED's playedMillis");
        assertNear(firstPart.length().plus(secondPart.length()), Duration.ofMillis(finished.playedMillis()),
                "ITEM_FINISHED's playedMillis: both parts");
    }

    @Test
    void aRefusedStreamIsNeverHeardTheItemFailsAndTheSessionGoesOn() throws Exception {
        server.status = 401;
        Item news = relay(Duration.ofMillis(200), Duration.ofMillis(30_000), 2, Fallback.REST_OF_SESSION, null);
        Item after = cached(Fixtures.ITEM_660HZ_1S, "thong-bao", 1000);
        Program morning = program("2026-03-02.morning", Priority.SESSION, news, after);

        SessionPlayer.Outcome outcome = player().play(morning, Position.START, now -> null);

        assertEquals(1, outcome.played());
        assertEquals(1, outcome.failed());
        List<StationEvent> reported = reported();
        StationEvent failed = first(reported, EventType.ITEM_FAILED, news.contentId());
        assertEquals(EventReason.STREAM_REFUSED.name(), failed.reason());
        assertTrue(failed.detail().contains("401"), failed.detail());
        assertNear(Duration.ofMillis(2200), Duration.between(T0, failed.at()), "given up after maxSilence");
        assertEquals(failed.at(), first(reported, EventType.ITEM_STARTED, "thong-bao").at(), "the next item at once");
        assertFalse(reported.stream().anyMatch(e -> e.type() == EventType.ITEM_STARTED && news.contentId().equals(e.contentId())));
    }

    @Test
    void anInterruptedUpstreamIsGivenUpAfterThreeSecondsAndTheProgrammesEndEndsTheItem() throws Exception {
        Item news = relay(Duration.ofMillis(1200), Duration.ofMillis(40_000), 20, Fallback.WAIT, null);
        Program morning = program("2026-03-02.morning", Priority.SESSION, news);
        SessionPlayer player = player();

        CompletableFuture<SessionPlayer.Outcome> playing = CompletableFuture.supplyAsync(
                () -> player.play(morning, Position.START, now -> null));
        await().until(() -> sentAny(EventType.ITEM_STARTED));
        String live = source.describe().orElseThrow();
        assertTrue(live.matches("relay-vov1 buffered \\d+\\.\\d s, 0 underruns"), "telemetry's live field: " + live);
        server.stalled = true;
        states.put(new LiveState(SchemaVersion.CURRENT, CHANNEL, ChannelState.INTERRUPTED, T0, null, "upstream stopped"));
        await().until(() -> sentAny(EventType.ITEM_DROPPED));
        states.put(new LiveState(SchemaVersion.CURRENT, CHANNEL, ChannelState.ENDED, T0.plusSeconds(1), T0.plusSeconds(1),
                "programme ended"));
        server.cut();
        SessionPlayer.Outcome outcome = playing.get(30, TimeUnit.SECONDS);

        assertEquals(1, outcome.played());
        assertEquals(Optional.empty(), source.describe(), "no live item once it is over");
        List<StationEvent> reported = reported();
        assertEquals(List.of(EventType.SESSION_STARTED, EventType.ITEM_STARTED, EventType.ITEM_DROPPED,
                EventType.ITEM_FINISHED, EventType.SESSION_FINISHED), types(reported), reported.toString());
        StationEvent dropped = reported.get(2);
        assertEquals(EventReason.UPSTREAM_INTERRUPTED.name(), dropped.reason());
        StationEvent finished = reported.get(3);
        assertEquals(EventReason.PROGRAMME_ENDED.name(), finished.reason());
        assertEquals(dropped.playedMillis(), finished.playedMillis(), "nothing heard after the drop");
        List<RenderedAudio.Run> runs = RenderedAudio.runs(rendered(morning.id()), RELAY_HZ);
        assertEquals(RELAY_HZ, runs.get(1).hz());
        assertNear(runs.get(1).end().plusSeconds(3), Duration.between(T0, dropped.at()),
                "dropped 3 s after the sound stopped, not after maxSilence's 20 s");
        assertTrue(Duration.between(T0, finished.at()).compareTo(Duration.ofSeconds(15)) < 0,
                "ended with the programme, long before the slot's 40 s: " + finished.at());
    }

    @Test
    void aPreemptedRelayRejoinsTheLiveEdgeAndAPreemptedTalkIsDropped() throws Exception {
        Item news = relay(Duration.ofMillis(1200), Duration.ofMillis(6_000), 10, Fallback.REST_OF_SESSION, null);
        Program morning = program("2026-03-02.morning", Priority.SESSION, news);
        SessionPlayer player = player();
        AtomicBoolean emergency = new AtomicBoolean();
        SessionPlayer.Interruption preempt = now -> emergency.get()
                ? new SessionPlayer.Stop(EventReason.PREEMPTED, "emergency e-1 takes the line") : null;

        CompletableFuture<SessionPlayer.Outcome> playing = CompletableFuture.supplyAsync(
                () -> player.play(morning, Position.START, preempt));
        await().until(() -> sentAny(EventType.ITEM_STARTED));
        await().pollDelay(Duration.ofMillis(1000)).until(() -> true);
        emergency.set(true);
        SessionPlayer.Outcome taken = playing.get(10, TimeUnit.SECONDS);
        assertTrue(taken.preempted());
        assertEquals(0, taken.resumeAt().item());
        assertTrue(taken.resumeAt().frames() > 0, "where it was: " + taken.resumeAt());

        emergency.set(false);
        SessionPlayer.Outcome rest = player.play(morning, taken.resumeAt(), preempt);
        assertEquals(1, rest.played());
        List<StationEvent> reported = reported();
        assertEquals(List.of(EventType.SESSION_STARTED, EventType.ITEM_STARTED, EventType.SESSION_PREEMPTED,
                EventType.SESSION_RESUMED, EventType.ITEM_RESUMED, EventType.ITEM_FINISHED, EventType.SESSION_FINISHED),
                types(reported), reported.toString());
        StationEvent resumed = reported.get(4);
        long before = OUTPUT.durationOfFrames(taken.resumeAt().frames()).toMillis();
        assertEquals(before, resumed.playedMillis(), "ITEM_RESUMED says how much was heard before");
        assertEquals(2, server.requests.get(), "a new connection for the resume: the live edge, not the old buffer");

        // A talk taken by an emergency is dropped: the program goes on after it, not in it.
        RelaySpec talkSpec = new RelaySpec("talk", "Ông trưởng thôn", server.url(), LiveChannelId.talk("t-20260302-050000-ab12"),
                RelaySpec.CODEC_MP3, T0, T0.plusSeconds(60), EndRule.PROGRAMME_END, 15, Fallback.WAIT, null,
                RelaySpec.TALK_JITTER_MILLIS);
        Item talkItem = Item.live("t-20260302-050000-ab12", "Họp thôn", talkSpec, 0.0);
        Program talk = program("t-20260302-050000-ab12", Priority.LIVE, talkItem);
        emergency.set(false);
        CompletableFuture<SessionPlayer.Outcome> talking = CompletableFuture.supplyAsync(
                () -> player.play(talk, Position.START, preempt));
        await().until(() -> sent().stream().anyMatch(e -> e.type() == EventType.ITEM_STARTED
                && talkItem.contentId().equals(e.contentId())));
        emergency.set(true);
        SessionPlayer.Outcome talkTaken = talking.get(10, TimeUnit.SECONDS);
        assertEquals(new Position(1, 0), talkTaken.resumeAt(), "nothing of the talk left to resume");
        StationEvent talkDropped = first(reported(), EventType.ITEM_DROPPED, talkItem.contentId());
        assertEquals(EventReason.PREEMPTED.name(), talkDropped.reason());
        assertTrue(talkDropped.playedMillis() > 0);
    }
}
