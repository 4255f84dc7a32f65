package vn.loalang.agent.playout;

import com.pi4j.context.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.audio.DigitalGain;
import vn.loalang.agent.audio.WavFileSink;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.relay.Amplifiers;
import vn.loalang.agent.relay.Pi4jRelayBank;
import vn.loalang.agent.relay.RelayConfig;
import vn.loalang.agent.relay.RelaySequence;
import vn.loalang.agent.testing.RecordingSender;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.ContentHash;
import vn.loalang.audio.Gain;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.Tones;
import vn.loalang.audio.WavWriter;
import vn.loalang.audio.analysis.PcmAnalysis;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Session;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The level a program plays at, measured in what the WAV sink rendered: an MP3 item from a real cache,
 * played at the station's level and with the operator's session volume, the technician's station volume
 * and the installer's trim added; an emergency at the station's level whatever it carries; a full-scale
 * tone at +6 dB rounded off below full scale by the soft limiter.
 */
class VolumeTest {
    private static final String STATION = "st-01";
    private static final Instant T0 = Instant.parse("2026-03-02T05:00:00Z");
    private static final Duration WARMUP = Duration.ofMillis(200);
    private static final PcmFormat OUTPUT = new PcmFormat(44_100, 1);
    private static final RelayConfig AMP = new RelayConfig("amp", 17, true);

    @TempDir
    Path dir;

    private final Clock clock = Clock.fixed(T0, ZoneOffset.UTC);
    private final Context pi4j = Pi4jRelayBank.contextFor("mock");
    private Pi4jRelayBank relays;
    private ContentCache cache;
    private EventOutbox events;

    @BeforeEach
    void station() throws IOException {
        relays = Pi4jRelayBank.on(STATION, pi4j, List.of(AMP));
        cache = new ContentCache(STATION, dir.resolve("cache"));
        events = new EventOutbox(dir.resolve("events"), STATION, clock, Duration.ofHours(1));
        events.start(new RecordingSender(true));
    }

    @AfterEach
    void shutdown() {
        events.close();
        relays.close();
        pi4j.shutdown();
    }

    private SessionPlayer player(Level level) throws IOException {
        return new SessionPlayer(STATION, new Amplifiers(STATION, relays,
                RelaySequence.together(relays.channelCount(), WARMUP), events::record),
                new WavFileSink(dir.resolve("wav"), clock), cache, events, clock, Duration.ofMillis(100), OUTPUT, level,
                null);
    }

    private Item cached(Path source, String contentId, long durationMillis) throws IOException {
        String sha = ContentHash.sha256(source);
        Path target = dir.resolve("cache").resolve(sha);
        if (!Files.exists(target)) {
            Files.copy(source, target);
        }
        return new Item(contentId, "Bản tin " + contentId, sha, URI.create("http://127.0.0.1:9/content/" + contentId),
                Files.size(source), durationMillis, 0.0);
    }

    private Item giaLua() throws IOException {
        return cached(Fixtures.path(Fixtures.ITEM_440HZ_2S), "gia-lua", 2000);
    }

    private static Session session(String id, Double volumeDb, Item item) {
        return new Session(id, "Buổi sáng", T0, T0.plusSeconds(60), List.of(item), volumeDb);
    }

    private Pcm rendered(String programId) throws Exception {
        return AudioDecoder.decodeAll(dir.resolve("wav").resolve(STATION + "_" + programId + ".wav"));
    }

    /** The RMS of the item's middle second (away from its fades), in dBFS. */
    private double itemLevel(String programId) throws Exception {
        Pcm pcm = rendered(programId);
        return PcmAnalysis.rmsDbfs(pcm, RenderedAudio.frames(OUTPUT, Duration.ofMillis(700)),
                RenderedAudio.frames(OUTPUT, Duration.ofMillis(1700)));
    }

    private static void assertDrop(double expectedDb, double reference, double measured) {
        assertEquals(expectedDb, reference - measured, 0.3,
                "reference " + reference + " dBFS, measured " + measured + " dBFS");
    }

    @Test
    void aSessionAtMinus12DbPlaysItsItem12DbQuieter() throws Exception {
        Level level = Level.trim(0.0);
        player(level).play(session("2026-03-02.reference", null, giaLua()));
        player(level).play(session("2026-03-02.morning", -12.0, giaLua()));

        double reference = itemLevel("2026-03-02.reference");
        assertTrue(reference > -20, "the fixture is audible: " + reference + " dBFS");
        assertDrop(12.0, reference, itemLevel("2026-03-02.morning"));
        assertNull(level.onAirDb(), "nothing on air once the session is over");
    }

    @Test
    void trimStationAndSessionLevelsAddUp() throws Exception {
        player(Level.trim(0.0)).play(session("2026-03-02.reference", null, giaLua()));
        // Installer's trim −2, technician's station −4, operator's session −6: −12 in all.
        Level level = new Level(STATION, -2.0, () -> -4.0, new DigitalGain());
        assertEquals(-6.0, level.stationDb(), 1e-9);
        // Asked at every chunk while the session plays: the level telemetry reports as on air.
        java.util.Set<Double> onAir = new java.util.HashSet<>();
        player(level).play(Program.of(session("2026-03-02.morning", -6.0, giaLua())), Position.START, now -> {
            onAir.add(level.onAirDb());
            return null;
        });

        assertDrop(12.0, itemLevel("2026-03-02.reference"), itemLevel("2026-03-02.morning"));
        assertEquals(java.util.Set.of(-12.0), onAir, "on air while it played");
        assertNull(level.onAirDb(), "nothing on air after it");
    }

    @Test
    void anEmergencyPlaysAtTheStationLevelWhateverItCarries() throws Exception {
        player(Level.trim(0.0)).play(session("2026-03-02.reference", null, giaLua()));
        Level level = new Level(STATION, 0.0, () -> -4.0, new DigitalGain());
        Program emergency = new Program("a-lu", "Lũ quét", Priority.EMERGENCY, T0, T0.plusSeconds(60),
                List.of(giaLua()), null, -20.0);
        assertEquals(-4.0, level.of(emergency), 1e-9);
        player(level).play(emergency, Position.START, now -> null);

        assertDrop(4.0, itemLevel("2026-03-02.reference"), itemLevel("a-lu"));
    }

    @Test
    void plusSixDbOnAFullScaleToneIsRoundedOffNotClipped() throws Exception {
        Path tone = dir.resolve("full-scale.wav");
        WavWriter.write(tone, Tones.tone(OUTPUT, 1000, Duration.ofSeconds(1), 1.0));
        Level level = Level.trim(0.0);
        player(level).play(session("2026-03-02.loud", 6.0, cached(tone, "full-scale", 1000)));

        Pcm pcm = rendered("2026-03-02.loud");
        int peak = 0;
        int atFullScale = 0;
        for (long f = 0; f < pcm.frames(); f++) {
            int s = pcm.sample(f, 0);
            peak = Math.max(peak, Math.abs(s));
            if (s >= Short.MAX_VALUE || s <= Short.MIN_VALUE) {
                atFullScale++;
            }
        }
        assertEquals(0, atFullScale, "no sample is cut at full scale");
        assertTrue(peak > Gain.KNEE, "the tone is louder than the knee: peak " + peak);
        // Louder than the tone at its own level, by less than the 6 dB asked: the peaks were bent, not cut.
        double rms = PcmAnalysis.rmsDbfs(pcm, RenderedAudio.frames(OUTPUT, Duration.ofMillis(400)),
                RenderedAudio.frames(OUTPUT, Duration.ofMillis(1000)));
        assertTrue(rms > -3.0 + 0.5 && rms < 0.0, "RMS " + rms + " dBFS");
    }
}
