package vn.loalang.agent.playout;

import vn.loalang.agent.relay.RelayConfig;
import vn.loalang.agent.relay.Amplifiers;
import vn.loalang.agent.relay.RelaySequence;

import vn.loalang.protocol.station.EventReason;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.AgentConfig;
import vn.loalang.agent.audio.AudioSink;
import vn.loalang.agent.audio.WavFileSink;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.relay.Pi4jRelayBank;
import vn.loalang.agent.testing.RecordingSender;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.ContentHash;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.analysis.PcmAnalysis;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Session;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sessions played for real: MP3 fixtures from a real cache, decoded and rendered at real-time pace into
 * a WAV file, with an active-low amplifier relay on Pi4J's mock GPIO watched at the pin.
 */
class SessionPlayerTest {
    private static final String STATION = "st-01";
    private static final Instant T0 = Instant.parse("2026-03-02T05:00:00Z");
    private static final Duration WARMUP = Duration.ofMillis(200);
    private static final Duration TAIL = Duration.ofMillis(100);
    private static final PcmFormat OUTPUT = new PcmFormat(44_100, 1);
    private static final Duration TOLERANCE = Duration.ofMillis(50);
    private static final RelayConfig AMP = new RelayConfig("amp", 17, true);

    @TempDir
    Path dir;

    /** The station clock stands still: every timestamp comes from the samples written, so they are exact. */
    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    private final Context pi4j = Pi4jRelayBank.contextFor("mock");
    private final List<Boolean> relayEdges = new CopyOnWriteArrayList<>();
    private final AtomicInteger writesWithRelayOff = new AtomicInteger();
    private final AtomicInteger writes = new AtomicInteger();
    private Pi4jRelayBank relays;
    private ContentCache cache;
    private EventOutbox events;
    private RecordingSender link;
    private WavFileSink wav;

    @BeforeEach
    void station() throws IOException {
        relays = Pi4jRelayBank.on(STATION, pi4j, List.of(AMP));
        pin().addListener(e -> relayEdges.add(isOn(e.state())));
        cache = new ContentCache(STATION, dir.resolve("cache"));
        events = new EventOutbox(dir.resolve("events"), STATION, clock, Duration.ofHours(1));
        link = new RecordingSender(true);
        events.start(link);
        wav = new WavFileSink(dir.resolve("wav"), clock);
    }

    @AfterEach
    void shutdown() {
        events.close();
        relays.close();
        pi4j.shutdown();
    }

    private DigitalOutput pin() {
        return pi4j.registry().get(Pi4jRelayBank.outputId(AMP), DigitalOutput.class);
    }

    private static boolean isOn(DigitalState level) {
        return level == DigitalState.LOW; // active-low board
    }

    /** The WAV sink, watched: every write is checked against the relay pin. */
    private AudioSink watched(AudioSink real) {
        return (format, label) -> {
            AudioSink.Output out = real.open(format, label);
            return new AudioSink.Output() {
                @Override
                public Instant openedAt() {
                    return out.openedAt();
                }

                @Override
                public void write(byte[] buf, int off, int len) throws IOException {
                    writes.incrementAndGet();
                    if (!isOn(pin().state())) {
                        writesWithRelayOff.incrementAndGet();
                    }
                    out.write(buf, off, len);
                }

                @Override
                public void drain() throws IOException {
                    out.drain();
                }

                @Override
                public void close() throws IOException {
                    out.close();
                }
            };
        };
    }

    private SessionPlayer player(AudioSink sink, double volumeDb) {
        return new SessionPlayer(STATION, new Amplifiers(STATION, relays,
                RelaySequence.together(relays.channelCount(), WARMUP), events::record), sink, cache, events, clock, TAIL,
                OUTPUT, volumeDb);
    }

    private SessionPlayer player() {
        return player(watched(wav), 0.0);
    }

    /** Puts a fixture into the cache under its SHA-256, as the prefetcher would have. */
    private Item cached(String fixture, String contentId, long durationMillis, double gainDb) throws IOException {
        Path source = Fixtures.path(fixture);
        String sha = ContentHash.sha256(source);
        Files.copy(source, dir.resolve("cache").resolve(sha));
        return new Item(contentId, "Bản tin " + contentId, sha, URI.create("http://127.0.0.1:9/content/" + contentId),
                Files.size(source), durationMillis, gainDb);
    }

    private Item cached(String fixture, String contentId, long durationMillis) throws IOException {
        return cached(fixture, contentId, durationMillis, 0.0);
    }

    private static Session session(String id, Instant start, Instant end, Item... items) {
        return new Session(id, "Buổi sáng", start, end, List.of(items));
    }

    private Pcm rendered(String sessionId) throws Exception {
        return AudioDecoder.decodeAll(dir.resolve("wav").resolve(STATION + "_" + sessionId + ".wav"));
    }

    /** Every event the player recorded, as the controller receives them. */
    private List<StationEvent> reported() {
        await().until(() -> link.sent().size() == events.lastSeq());
        return link.sent();
    }

    private static StationEvent only(List<StationEvent> events, EventType type) {
        List<StationEvent> found = events.stream().filter(e -> e.type() == type).toList();
        assertEquals(1, found.size(), type + " in " + events);
        return found.get(0);
    }

    private static void assertNear(Duration expected, Duration actual, String what) {
        assertTrue(actual.minus(expected).abs().compareTo(TOLERANCE) <= 0,
                what + ": expected " + expected.toMillis() + " ms ± " + TOLERANCE.toMillis() + ", was " + actual.toMillis() + " ms");
    }

    private static void assertNear(Instant expected, Instant actual, String what) {
        assertNear(Duration.ZERO, Duration.between(expected, actual), what + " at " + actual + " vs " + expected);
    }

    private static void assertRuns(List<RenderedAudio.Run> actual, double[] hz, long[] millis) {
        assertEquals(hz.length, actual.size(), "runs of sound: " + actual);
        Duration at = Duration.ZERO;
        for (int i = 0; i < hz.length; i++) {
            RenderedAudio.Run run = actual.get(i);
            assertEquals(hz[i], run.hz(), "run " + i + " of " + actual);
            assertNear(at, run.start(), "start of run " + i + " (" + hz[i] + " Hz)");
            assertNear(Duration.ofMillis(millis[i]), run.length(), "length of run " + i + " (" + hz[i] + " Hz)");
            at = at.plusMillis(millis[i]);
        }
    }

    @Test
    void playsWarmupThenItemsGaplessInOrderThenTailWithTheRelayOnOnlyMeanwhile() throws Exception {
        Item giaLua = cached(Fixtures.ITEM_440HZ_2S, "gia-lua", 2000);
        Item thoiTiet = cached(Fixtures.ITEM_1000HZ_1500MS, "thoi-tiet", 1500);
        Item thongBao = cached(Fixtures.ITEM_660HZ_1S, "thong-bao", 1000);
        Session morning = session("2026-03-02.morning", T0, T0.plusSeconds(60), giaLua, thoiTiet, thongBao);

        SessionPlayer.Outcome outcome = player().play(morning);

        assertEquals(new SessionPlayer.Outcome(3, 0), outcome);
        Pcm pcm = rendered(morning.id());
        assertEquals(OUTPUT, pcm.format());
        assertNear(Duration.ofMillis(200 + 2000 + 1500 + 1000 + 100), pcm.duration(), "rendered length");
        assertRuns(RenderedAudio.runs(pcm, 440, 1000, 660),
                new double[]{RenderedAudio.SILENCE, 440, 1000, 660, RenderedAudio.SILENCE},
                new long[]{200, 2000, 1500, 1000, 100});
        assertEquals(Double.NEGATIVE_INFINITY,
                PcmAnalysis.rmsDbfs(pcm, 0, RenderedAudio.frames(OUTPUT, Duration.ofMillis(195))), "warm-up is digital silence");
        assertEquals(Double.NEGATIVE_INFINITY, PcmAnalysis.rmsDbfs(pcm,
                pcm.frames() - RenderedAudio.frames(OUTPUT, Duration.ofMillis(90)), pcm.frames()), "tail is digital silence");

        assertEquals(List.of(true, false), relayEdges, "relay switched on once and off once");
        assertTrue(writes.get() > 0);
        assertEquals(0, writesWithRelayOff.get(), "no sound while the amplifier is unpowered");
        assertFalse(relays.isOn());
        assertFalse(isOn(pin().state()));
    }

    @Test
    void reportsTheSessionAndEachItemStampedWhenItsSoundLeavesTheLine() throws Exception {
        Item giaLua = cached(Fixtures.ITEM_440HZ_2S, "gia-lua", 2000);
        Item thongBao = cached(Fixtures.ITEM_660HZ_1S, "thong-bao", 1000);
        Session morning = session("2026-03-02.morning", T0, T0.plusSeconds(60), giaLua, thongBao);

        player().play(morning);

        List<StationEvent> reported = reported();
        assertEquals(List.of(EventType.SESSION_STARTED, EventType.ITEM_STARTED, EventType.ITEM_FINISHED,
                EventType.ITEM_STARTED, EventType.ITEM_FINISHED, EventType.SESSION_FINISHED),
                reported.stream().map(StationEvent::type).toList());
        assertTrue(reported.stream().allMatch(e -> morning.id().equals(e.sessionId())));
        assertEquals(List.of("gia-lua", "gia-lua", "thong-bao", "thong-bao"),
                reported.subList(1, 5).stream().map(StationEvent::contentId).toList());
        assertEquals(T0, reported.get(0).at(), "session start: relay on");
        assertEquals(T0.plus(WARMUP), reported.get(1).at(), "first item right after the warm-up");
        assertNear(T0.plusMillis(2200), reported.get(2).at(), "first item finished");
        assertEquals(reported.get(2).at(), reported.get(3).at(), "second item starts where the first ended: no gap");
        assertNear(T0.plusMillis(3200), reported.get(4).at(), "second item finished");
        StationEvent finished = reported.get(5);
        assertNull(finished.reason());
        assertTrue(finished.detail().contains("played 2 of 2"), finished.detail());
    }

    @Test
    void firstSampleLeavesAtTheSessionStartWhenTheRelayWentOnEarlier() throws Exception {
        Item thongBao = cached(Fixtures.ITEM_660HZ_1S, "thong-bao", 1000, -4.0);
        Session noon = session("2026-03-02.noon", T0.plusMillis(500), T0.plusSeconds(60), thongBao);

        player(watched(wav), -2.0).play(noon);

        Pcm pcm = rendered(noon.id());
        assertRuns(RenderedAudio.runs(pcm, 440, 1000, 660),
                new double[]{RenderedAudio.SILENCE, 660, RenderedAudio.SILENCE}, new long[]{500, 1000, 100});
        assertEquals(T0.plusMillis(500), only(reported(), EventType.ITEM_STARTED).at());
        // The fixture is a -9 dBFS RMS tone; item gain -4 dB and station volume -2 dB add up.
        long from = RenderedAudio.frames(OUTPUT, Duration.ofMillis(700));
        long to = RenderedAudio.frames(OUTPUT, Duration.ofMillis(1300));
        double level = PcmAnalysis.rmsDbfs(pcm, from, to);
        assertTrue(Math.abs(level - (-9 - 4 - 2)) < 1.0, "level " + level + " dBFS");
    }

    @Test
    void aMissingItemIsReportedAndTheOthersStillPlay() throws Exception {
        Item missing = new Item("tin-moi", "Tin mới", "0".repeat(64), URI.create("http://127.0.0.1:9/content/tin-moi"),
                1000, 1000, 0.0);
        Item thongBao = cached(Fixtures.ITEM_660HZ_1S, "thong-bao", 1000);
        Session morning = session("2026-03-02.morning", T0, T0.plusSeconds(60), missing, thongBao);

        SessionPlayer.Outcome outcome = player().play(morning);

        assertEquals(new SessionPlayer.Outcome(1, 1), outcome);
        List<StationEvent> reported = reported();
        StationEvent failed = only(reported, EventType.ITEM_FAILED);
        assertEquals("tin-moi", failed.contentId());
        assertEquals("CONTENT_MISSING", failed.reason());
        assertEquals(T0.plus(WARMUP), failed.at());
        StationEvent started = only(reported, EventType.ITEM_STARTED);
        assertEquals("thong-bao", started.contentId());
        assertEquals(T0.plus(WARMUP), started.at(), "the next item takes the missing one's place at once");
        assertTrue(only(reported, EventType.SESSION_FINISHED).detail().contains("played 1 of 2"));
        assertRuns(RenderedAudio.runs(rendered(morning.id()), 440, 1000, 660),
                new double[]{RenderedAudio.SILENCE, 660, RenderedAudio.SILENCE}, new long[]{200, 1000, 100});
        assertEquals(List.of(true, false), relayEdges);
    }

    /** Late audio that arrives in the cache at the {@code arrivesAtPoll}-th look (each look follows 50 ms of silence). */
    private Program.LateContent arriving(Item late, String fixture, int arrivesAtPoll, Item standIn) {
        AtomicInteger polls = new AtomicInteger();
        return new Program.LateContent() {
            @Override
            public boolean stillComing(Item item) {
                if (item.equals(late) && polls.incrementAndGet() == arrivesAtPoll) {
                    try {
                        Files.copy(Fixtures.path(fixture), dir.resolve("cache").resolve(late.sha256()));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return item.equals(late) && polls.get() <= arrivesAtPoll;
            }

            @Override
            public Optional<Item> standIn() {
                return Optional.ofNullable(standIn);
            }
        };
    }

    @Test
    void audioStillBeingFetchedIsAwaitedInSilenceWithTheAmplifiersOnThenPlays() throws Exception {
        Item siren = cached(Fixtures.ITEM_440HZ_2S, "builtin-siren", 2000);
        String sha = ContentHash.sha256(Fixtures.path(Fixtures.ITEM_660HZ_1S));
        // Its real size: the cache checks a file against the item's signed size before its first play.
        Item clip = new Item("nuoc-lu", "Nước lũ", sha, URI.create("http://127.0.0.1:9/content/nuoc-lu"),
                Files.size(Fixtures.path(Fixtures.ITEM_660HZ_1S)), 1000, 0.0);
        Program alert = new Program("a-1", "Nước lũ", Priority.EMERGENCY, T0, T0.plusSeconds(60), List.of(siren, clip),
                arriving(clip, Fixtures.ITEM_660HZ_1S, 5, null));

        SessionPlayer.Outcome outcome = player().play(alert, Position.START, now -> null);

        assertEquals(new SessionPlayer.Outcome(2, 0), outcome);
        assertRuns(RenderedAudio.runs(rendered(alert.id()), 440, 1000, 660),
                new double[]{RenderedAudio.SILENCE, 440, RenderedAudio.SILENCE, 660, RenderedAudio.SILENCE},
                new long[]{200, 2000, 250, 1000, 100});
        assertEquals(List.of(true, false), relayEdges, "the amplifiers stay on while the clip is awaited");
        assertEquals(0, writesWithRelayOff.get());
    }

    @Test
    void theWaitForLateAudioEndsWithTheWindowEvenIfTheAudioIsSaidToBeComingStill() throws Exception {
        Item siren = cached(Fixtures.ITEM_440HZ_2S, "builtin-siren", 2000);
        Item never = new Item("tin-1", "Tin 1", "1".repeat(64), URI.create("http://127.0.0.1:9/content/tin-1"), 1000, 500, 0.0);
        Program alert = new Program("a-3", "Nước lũ", Priority.EMERGENCY, T0, T0.plusMillis(3200), List.of(siren, never),
                new Program.LateContent() {
                    @Override
                    public boolean stillComing(Item item) {
                        return true; // a fetch that never ends: the line must not wait on it for ever
                    }

                    @Override
                    public Optional<Item> standIn() {
                        return Optional.empty();
                    }
                });

        SessionPlayer.Outcome outcome = player().play(alert, Position.START, now -> null);

        assertEquals(1, outcome.played());
        Pcm pcm = rendered(alert.id());
        assertTrue(pcm.duration().compareTo(Duration.ofMillis(3200).plus(TAIL).plus(TOLERANCE)) <= 0,
                "nothing past the window: " + pcm.duration());
        assertEquals(List.of(true, false), relayEdges, "the amplifiers go off when the window ends");
        assertFalse(relays.isOn());
    }

    @Test
    void audioThatDoesNotArriveIsReplacedOnceByTheStandInAndTheRestIsReportedMissing() throws Exception {
        Item siren = cached(Fixtures.ITEM_440HZ_2S, "builtin-siren", 2000);
        Item fallback = cached(Fixtures.ITEM_660HZ_1S, "builtin-fallback", 1000);
        Item first = new Item("tin-1", "Tin 1", "1".repeat(64), URI.create("http://127.0.0.1:9/content/tin-1"), 1000, 3000, 0.0);
        Item second = new Item("tin-2", "Tin 2", "2".repeat(64), URI.create("http://127.0.0.1:9/content/tin-2"), 1000, 3000, 0.0);
        Program alert = new Program("a-2", "Nước lũ", Priority.EMERGENCY, T0, T0.plusSeconds(60),
                List.of(siren, first, second), arriving(null, null, 0, fallback));

        SessionPlayer.Outcome outcome = player().play(alert, Position.START, now -> null);

        assertEquals(new SessionPlayer.Outcome(2, 1), outcome);
        assertRuns(RenderedAudio.runs(rendered(alert.id()), 440, 1000, 660),
                new double[]{RenderedAudio.SILENCE, 440, 660, RenderedAudio.SILENCE}, new long[]{200, 2000, 1000, 100});
        List<StationEvent> reported = reported();
        assertEquals(List.of("builtin-siren", "builtin-fallback"),
                reported.stream().filter(e -> e.type() == EventType.ITEM_STARTED).map(StationEvent::contentId).toList());
        StationEvent failed = only(reported, EventType.ITEM_FAILED);
        assertEquals("tin-2", failed.contentId());
        assertEquals("CONTENT_MISSING", failed.reason());
    }

    @Test
    void aCorruptCachedFileFailsToDecodeAndTheRestPlays() throws Exception {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        Path scratch = Files.write(dir.resolve("noise.bin"), noise);
        String sha = ContentHash.sha256(scratch);
        Files.move(scratch, dir.resolve("cache").resolve(sha));
        Item corrupt = new Item("hong", "Tệp hỏng", sha, URI.create("http://127.0.0.1:9/content/hong"), noise.length,
                1000, 0.0);
        Item thongBao = cached(Fixtures.ITEM_660HZ_1S, "thong-bao", 1000);
        Session morning = session("2026-03-02.morning", T0, T0.plusSeconds(60), corrupt, thongBao);

        SessionPlayer.Outcome outcome = player().play(morning);

        assertEquals(new SessionPlayer.Outcome(1, 1), outcome);
        List<StationEvent> reported = reported();
        StationEvent failed = only(reported, EventType.ITEM_FAILED);
        assertEquals("hong", failed.contentId());
        assertEquals("DECODE_FAILED", failed.reason());
        assertEquals("thong-bao", only(reported, EventType.ITEM_FINISHED).contentId());
        assertTrue(only(reported, EventType.SESSION_FINISHED).detail().contains("played 1 of 2"));
        assertRuns(RenderedAudio.runs(rendered(morning.id()), 440, 1000, 660),
                new double[]{RenderedAudio.SILENCE, 660, RenderedAudio.SILENCE}, new long[]{200, 1000, 100});
    }

    @Test
    void anItemThatWouldOverrunTheWindowIsSkipped() throws Exception {
        // Started a second late: 660 Hz fits, 440 Hz (2 s) would end after the window closes.
        Item thongBao = cached(Fixtures.ITEM_660HZ_1S, "thong-bao", 1000);
        Item giaLua = cached(Fixtures.ITEM_440HZ_2S, "gia-lua", 2000);
        Session late = session("2026-03-02.late", T0.minusSeconds(1), T0.plusSeconds(3), thongBao, giaLua);

        SessionPlayer.Outcome outcome = player().play(late);

        assertEquals(new SessionPlayer.Outcome(1, 1), outcome);
        List<StationEvent> reported = reported();
        StationEvent failed = only(reported, EventType.ITEM_FAILED);
        assertEquals("gia-lua", failed.contentId());
        assertEquals("WINDOW_ENDED", failed.reason());
        assertRuns(RenderedAudio.runs(rendered(late.id()), 440, 1000, 660),
                new double[]{RenderedAudio.SILENCE, 660, RenderedAudio.SILENCE}, new long[]{200, 1000, 100});
    }

    @Test
    void aSessionWhoseWindowClosesTooSoonIsSkippedWithoutSwitchingTheRelay() throws Exception {
        Item giaLua = cached(Fixtures.ITEM_440HZ_2S, "gia-lua", 2000);
        Item thongBao = cached(Fixtures.ITEM_660HZ_1S, "thong-bao", 1000);
        // Not even the shortest item (1 s) fits between now + warm-up and the end of the window.
        Session missed = session("2026-03-02.morning", T0.minusSeconds(5), T0.plusMillis(1100), giaLua, thongBao);

        SessionPlayer.Outcome outcome = player().play(missed);

        assertEquals(new SessionPlayer.Outcome(0, 2, EventReason.WINDOW_ENDED, null), outcome);
        List<StationEvent> reported = reported();
        assertEquals(1, reported.size(), "only the session's end is reported: " + reported);
        StationEvent finished = reported.get(0);
        assertEquals(EventType.SESSION_FINISHED, finished.type());
        assertEquals("WINDOW_ENDED", finished.reason());
        assertTrue(finished.detail().contains("played 0 of 2"), finished.detail());
        assertEquals(List.of(), relayEdges, "the amplifier was never powered");
        assertEquals(0, writes.get());
        assertFalse(Files.exists(dir.resolve("wav").resolve(STATION + "_" + missed.id() + ".wav")));
    }

    @Test
    void theRelayGoesOffWhenTheOutputCannotBeOpened() throws Exception {
        Item thongBao = cached(Fixtures.ITEM_660HZ_1S, "thong-bao", 1000);
        AudioSink noSoundCard = (format, label) -> {
            throw new IOException("no line matching " + format);
        };

        SessionPlayer.Outcome outcome = player(noSoundCard, 0.0)
                .play(session("2026-03-02.morning", T0, T0.plusSeconds(60), thongBao));

        assertEquals(new SessionPlayer.Outcome(0, 0, EventReason.OUTPUT_FAILED, null), outcome);
        assertEquals(List.of(true, false), relayEdges);
        assertFalse(isOn(pin().state()));
        StationEvent finished = only(reported(), EventType.SESSION_FINISHED);
        assertEquals("OUTPUT_FAILED", finished.reason());
        assertTrue(finished.detail().contains("played 0 of 1"), finished.detail());
    }

    @Test
    void theRelayGoesOffWhenTheOutputFailsInTheMiddle() throws Exception {
        Item giaLua = cached(Fixtures.ITEM_440HZ_2S, "gia-lua", 2000);
        AudioSink unplugged = (format, label) -> new AudioSink.Output() {
            private int written;

            @Override
            public Instant openedAt() {
                return T0;
            }

            @Override
            public void write(byte[] buf, int off, int len) throws IOException {
                if (++written > 10) {
                    throw new IOException("USB sound card unplugged");
                }
            }

            @Override
            public void drain() {
            }

            @Override
            public void close() {
            }
        };

        player(unplugged, 0.0).play(session("2026-03-02.morning", T0, T0.plusSeconds(60), giaLua));

        assertEquals(List.of(true, false), relayEdges);
        List<StationEvent> reported = reported();
        assertEquals("OUTPUT_FAILED", only(reported, EventType.SESSION_FINISHED).reason());
    }

    @Test
    void stoppingTheAgentEndsTheSessionAtOnceWithTheRelayOff() throws Exception {
        Item giaLua = cached(Fixtures.ITEM_440HZ_2S, "gia-lua", 2000);
        Item thongBao = cached(Fixtures.ITEM_660HZ_1S, "thong-bao", 1000);
        SessionPlayer player = player();
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            Future<SessionPlayer.Outcome> playing = runner.submit(
                    () -> player.play(session("2026-03-02.morning", T0, T0.plusSeconds(60), giaLua, thongBao)));
            await().until(() -> !link.sentOfType(EventType.ITEM_STARTED).isEmpty());

            player.stop();

            assertEquals(new SessionPlayer.Outcome(0, 1, EventReason.STOPPED, null), playing.get(5, TimeUnit.SECONDS));
        } finally {
            runner.shutdownNow();
            assertTrue(runner.awaitTermination(5, TimeUnit.SECONDS));
        }
        assertEquals(List.of(true, false), relayEdges);
        List<StationEvent> reported = reported();
        StationEvent failed = only(reported, EventType.ITEM_FAILED);
        assertEquals("gia-lua", failed.contentId());
        assertEquals("STOPPED", failed.reason());
        assertEquals("STOPPED", only(reported, EventType.SESSION_FINISHED).reason());
        List<String> started = new ArrayList<>();
        reported.stream().filter(e -> e.type() == EventType.ITEM_STARTED).forEach(e -> started.add(e.contentId()));
        assertEquals(List.of("gia-lua"), started, "nothing starts after the stop");
    }
}
