package vn.loalang.agent.playout;

import vn.loalang.agent.relay.Amplifiers;

import vn.loalang.protocol.station.EventReason;
import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;
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
import vn.loalang.agent.relay.RelaySequence;
import vn.loalang.protocol.testing.ManualClock;
import vn.loalang.agent.testing.RecordingSender;
import vn.loalang.audio.ContentHash;
import vn.loalang.audio.PcmFormat;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The amplifiers' side of playout, on Pi4J's mock GPIO: several channels switched on one after
 * another so each gets its own warm-up before the first sample, sense inputs that catch a relay
 * stuck on or an amplifier without power, and the watchdog that switches the relays OFF when the
 * sound card stops taking samples or playout keeps them on past a program's end.
 */
class AmplifierSafetyTest {
    private static final String STATION = "st-01";
    private static final Instant T0 = Instant.parse("2026-03-02T05:00:00Z");
    private static final PcmFormat OUTPUT = new PcmFormat(22_050, 1);
    private static final AgentConfig.Relay AMP = new AgentConfig.Relay("amp", 17, true, 300L);
    private static final AgentConfig.Relay LINE_B = new AgentConfig.Relay("loa-b", 27, false, 200L);
    private static final AgentConfig.Sense AMP_POWER = new AgentConfig.Sense("amp", 22, false);

    @TempDir
    Path dir;
    /** Stands still: every time in the player comes from the samples written. */
    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    private final Context pi4j = Pi4jRelayBank.contextFor("mock");
    private Pi4jRelayBank relays;
    private EventOutbox events;
    private final RecordingSender link = new RecordingSender(true);
    private ContentCache cache;

    @BeforeEach
    void station() throws IOException {
        relays = Pi4jRelayBank.on(STATION, pi4j, List.of(AMP, LINE_B), List.of(AMP_POWER));
        events = new EventOutbox(dir.resolve("events"), STATION, clock, Duration.ofHours(1));
        events.start(link);
        cache = new ContentCache(STATION, dir.resolve("cache"));
    }

    @AfterEach
    void shutdown() {
        events.close();
        relays.close();
        pi4j.shutdown();
    }

    private DigitalOutput pin(AgentConfig.Relay relay) {
        return pi4j.registry().get(Pi4jRelayBank.outputId(relay), DigitalOutput.class);
    }

    private boolean on(AgentConfig.Relay relay) {
        return (pin(relay).state() == DigitalState.HIGH) != relay.activeLow();
    }

    private void amplifierPower(boolean powered) {
        ((MockDigitalInput) pi4j.registry().get(Pi4jRelayBank.inputId(AMP_POWER), DigitalInput.class))
                .mockState(powered ? DigitalState.HIGH : DigitalState.LOW);
    }

    private Item cachedTone() throws IOException {
        Path source = Fixtures.path(Fixtures.ITEM_660HZ_1S);
        String sha = ContentHash.sha256(source);
        Files.copy(source, dir.resolve("cache").resolve(sha));
        return new Item("thong-bao", "Thông báo", sha, URI.create("http://127.0.0.1:9/content/x"), Files.size(source),
                1000, 0.0);
    }

    private List<StationEvent> reported(EventType type) {
        await().until(() -> link.sent().size() == events.lastSeq());
        return link.sentOfType(type);
    }

    @Test
    void channelsGoOnOneAfterAnotherAndEachHasItsWarmUpBeforeTheFirstSample() throws Exception {
        amplifierPower(true);
        RelaySequence sequence = new RelaySequence(List.of(Duration.ofMillis(300), Duration.ofMillis(200)),
                Duration.ofMillis(250));
        assertEquals(Duration.ofMillis(450), sequence.lead(), "max(300, 200 + 250)");
        // Where in the written sound each channel went on: the audio clock of the line.
        AtomicLong bytes = new AtomicLong();
        List<long[]> onAtByte = new CopyOnWriteArrayList<>();
        pin(AMP).addListener(e -> onAtByte.add(new long[]{0, bytes.get()}));
        pin(LINE_B).addListener(e -> onAtByte.add(new long[]{1, bytes.get()}));
        WavFileSink wav = new WavFileSink(dir.resolve("wav"), clock);
        AudioSink counted = (format, label) -> {
            AudioSink.Output out = wav.open(format, label);
            return new AudioSink.Output() {
                public Instant openedAt() {
                    return out.openedAt();
                }

                public void write(byte[] buf, int off, int len) throws IOException {
                    out.write(buf, off, len);
                    bytes.addAndGet(len);
                }

                public void drain() throws IOException {
                    out.drain();
                }

                public void close() throws IOException {
                    out.close();
                }
            };
        };
        SessionPlayer player = new SessionPlayer(STATION, new Amplifiers(STATION, relays, sequence, events::record),
                counted, cache, events, clock, Duration.ofMillis(100), OUTPUT, 0.0, null);
        Session session = new Session("sang", "Buổi sáng", T0, T0.plusSeconds(30), List.of(cachedTone()));

        player.play(session);

        assertEquals(4, onAtByte.size(), "each channel on once and off once: " + onAtByte.size());
        assertEquals(0, onAtByte.get(0)[0], "the first channel first");
        assertEquals(0, onAtByte.get(0)[1], "before any sound is written");
        assertEquals(1, onAtByte.get(1)[0]);
        Duration second = OUTPUT.durationOfBytes(onAtByte.get(1)[1]);
        assertTrue(second.minusMillis(250).abs().toMillis() <= 50, "second channel 250 ms later: " + second);
        StationEvent first = reported(EventType.ITEM_STARTED).get(0);
        assertTrue(Duration.between(T0.plusMillis(450), first.at()).abs().toNanos() < 1_000_000,
                "first sample after the longest lead, to the frame: every channel warmed up: " + first.at());
        assertFalse(on(AMP) || on(LINE_B));
        assertTrue(reported(EventType.RELAY_SENSE_MISMATCH).stream().anyMatch(e -> "STUCK_ON".equals(e.reason())),
                "the amplifier still reads powered after OFF: a stuck relay");
    }

    @Test
    void anAmplifierWithoutPowerAfterTheWarmUpIsReported() throws Exception {
        amplifierPower(false);
        SessionPlayer player = new SessionPlayer(STATION, new Amplifiers(STATION, relays,
                RelaySequence.together(2, Duration.ofMillis(100)), events::record),
                new WavFileSink(dir.resolve("wav"), clock), cache, events, clock, Duration.ofMillis(50), OUTPUT, 0.0, null);
        player.play(new Session("sang", "Buổi sáng", T0, T0.plusSeconds(30), List.of(cachedTone())));

        List<StationEvent> mismatches = reported(EventType.RELAY_SENSE_MISMATCH);
        assertEquals(1, mismatches.size(), mismatches.toString());
        assertEquals("NO_POWER", mismatches.get(0).reason());
        assertTrue(mismatches.get(0).detail().contains("relay amp is commanded ON"), mismatches.get(0).detail());
        assertEquals(Map.of("amp", false), relays.sensed());
    }

    @Test
    void aSoundCardThatStopsTakingSamplesHasTheRelaysSwitchedOffAndTheOutputClosed() throws Exception {
        AtomicLong nanos = new AtomicLong();
        Amplifiers amplifiers = new Amplifiers(STATION, relays, RelaySequence.together(2, Duration.ofMillis(100)),
                events::record);
        SinkWatchdog watchdog = new SinkWatchdog(STATION, amplifiers, events, clock, Duration.ofSeconds(5), nanos::get);
        CountDownLatch stuck = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        AtomicInteger writes = new AtomicInteger();
        AudioSink wedged = (format, label) -> new AudioSink.Output() {
            public Instant openedAt() {
                return clock.instant();
            }

            public void write(byte[] buf, int off, int len) throws IOException {
                if (writes.incrementAndGet() > 3) {
                    stuck.countDown();
                    try {
                        closed.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IOException("line closed under a blocked write");
                }
            }

            public void drain() {
            }

            public void close() {
                closed.countDown();
            }
        };
        SessionPlayer player = new SessionPlayer(STATION, amplifiers, wedged, cache, events, clock,
                Duration.ofMillis(50), OUTPUT, 0.0, watchdog);
        ExecutorService runner = Executors.newSingleThreadExecutor();
        try {
            Future<SessionPlayer.Outcome> playing = runner.submit(() ->
                    player.play(new Session("sang", "Buổi sáng", T0, T0.plusSeconds(30), List.of(cachedTone()))));
            assertTrue(stuck.await(10, TimeUnit.SECONDS), "the sink blocks");
            assertTrue(on(AMP) && on(LINE_B));

            nanos.addAndGet(Duration.ofSeconds(4).toNanos());
            watchdog.check();
            assertTrue(on(AMP), "4 s without progress is not yet a stall");
            nanos.addAndGet(Duration.ofSeconds(2).toNanos());
            watchdog.check();

            assertFalse(on(AMP) || on(LINE_B), "relays OFF the moment the stall is seen");
            assertEquals(EventReason.OUTPUT_STALLED, playing.get(10, TimeUnit.SECONDS).reason(), "the write was released");
        } finally {
            runner.shutdownNow();
            assertTrue(runner.awaitTermination(5, TimeUnit.SECONDS));
        }
        assertEquals("STALLED", reported(EventType.OUTPUT_STALLED).get(0).reason());
        assertEquals("OUTPUT_STALLED", reported(EventType.SESSION_FINISHED).get(0).reason());
    }

    @Test
    void relaysLeftOnAfterAProgramsWindowAreSwitchedOffByTheWatchdog() {
        ManualClock moving = new ManualClock(T0);
        SinkWatchdog watchdog = new SinkWatchdog(STATION, Amplifiers.offOnly(STATION, relays), events, moving,
                Duration.ofSeconds(5), System::nanoTime);
        watchdog.playing(T0.plusSeconds(60));
        relays.switchOn();
        moving.advance(Duration.ofSeconds(61));
        watchdog.check();
        assertTrue(on(AMP), "within the grace after the window");
        moving.advance(SinkWatchdog.GRACE);
        watchdog.check();
        assertFalse(on(AMP) || on(LINE_B));
        assertEquals("RELAYS_ON_TOO_LONG", reported(EventType.OUTPUT_STALLED).get(0).reason());

        watchdog.idle();
        relays.switchOn(1);
        moving.advance(SinkWatchdog.GRACE.plusMillis(1));
        watchdog.check();
        assertFalse(on(LINE_B), "relays on with nothing playing go off after the grace too");
    }
}
