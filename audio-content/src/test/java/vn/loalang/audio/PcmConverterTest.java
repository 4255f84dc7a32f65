package vn.loalang.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import vn.loalang.audio.analysis.PcmAnalysis;
import vn.loalang.audio.testing.Fixtures;

class PcmConverterTest {

    private static final PcmFormat STEREO_48K = new PcmFormat(48000, 2);

    private static Pcm convert(Pcm in, PcmFormat target) throws IOException {
        try (PcmStream s = PcmConverter.convert(in.stream(), target)) {
            assertEquals(target, s.format());
            return new Pcm(target, Streams.readAll(s));
        }
    }

    @Test
    void sameFormatIsPassedThrough() {
        PcmStream in = Tones.silence(STEREO_48K, Duration.ofMillis(10)).stream();
        assertSame(in, PcmConverter.convert(in, STEREO_48K));
    }

    /** The agent's common case: a 22.05 kHz mono item played on a 48 kHz stereo output. */
    @Test
    void mono22kItemTo48kStereoKeepsToneDurationAndTiming() throws Exception {
        Pcm item = AudioDecoder.decodeAll(Fixtures.path(Fixtures.ITEM_1000HZ_1500MS));
        Pcm out;
        try (PcmStream s = PcmConverter.convert(AudioDecoder.open(Fixtures.path(Fixtures.ITEM_1000HZ_1500MS)), STEREO_48K)) {
            out = new Pcm(STEREO_48K, Streams.readAll(s));
        }
        assertEquals(item.frames() * 48000 / 22050, out.frames(), 1.0);
        assertEquals(Duration.ofMillis(1500), out.duration());
        assertTrue(PcmAnalysis.toneRatio(out, 1000, 12000, 60000) > 0.99);
        assertTrue(PcmAnalysis.toneRatio(out, 660, 12000, 60000) < 0.01);
        for (long n = 0; n < out.frames(); n += 97) {
            assertEquals(out.sample(n, 0), out.sample(n, 1), "both channels carry the mono signal");
        }
        // No group delay: still phase 0 at sample 0, like the source sine.
        assertEquals(0, Mp3DecodingTest.bestLag(out, 1000, 24000, 28800, 0, 20));
        assertEquals(PcmAnalysis.rmsDbfs(item, 5000, 30000), PcmAnalysis.rmsDbfs(out, 12000, 60000), 0.1);
    }

    @Test
    void downsamplingKeepsTheToneAndRemovesWhatTheNewRateCannotCarry() throws Exception {
        Pcm wanted = Tones.tone(STEREO_48K, 1000, Duration.ofSeconds(1), 0.5);
        Pcm tooHigh = Tones.tone(STEREO_48K, 15000, Duration.ofSeconds(1), 0.5);
        PcmFormat mono22k = new PcmFormat(22050, 1);

        Pcm kept = convert(wanted, mono22k);
        assertEquals(22050, kept.frames());
        assertTrue(PcmAnalysis.toneRatio(kept, 1000, 2000, 20000) > 0.999);
        // 15 kHz would alias to 7.05 kHz without the anti-aliasing filter.
        Pcm removed = convert(tooHigh, mono22k);
        assertTrue(PcmAnalysis.rmsDbfs(removed, 2000, 20000) < -60, () -> "alias at " + PcmAnalysis.rmsDbfs(removed, 2000, 20000) + " dBFS");
    }

    /** Exact integer positions: an hour would drift by seconds with an accumulated floating-point step. */
    @Test
    void lengthIsExactOverLongStreams() throws Exception {
        Pcm minute = Tones.silence(new PcmFormat(44100, 1), Duration.ofSeconds(60));
        assertEquals(60 * 48000, convert(minute, new PcmFormat(48000, 1)).frames());
        Pcm odd = Tones.silence(new PcmFormat(44100, 1), Duration.ofMillis(1001));
        // 44145.1 frames become 48048 at 48 kHz: rounded up to the whole output frame.
        assertEquals(48048, convert(odd, new PcmFormat(48000, 1)).frames());
    }

    @Test
    void stereoToMonoAveragesAndMonoToStereoCopies() throws Exception {
        Pcm stereo = GainTest.samples(new PcmFormat(8000, 2), 1000, 3000, -32768, -32768, 32767, -32768);
        Pcm mono = convert(stereo, new PcmFormat(8000, 1));
        assertArrayEquals(GainTest.samples(new PcmFormat(8000, 1), 2000, -32768, 0).data(), mono.data());
        Pcm back = convert(mono, new PcmFormat(8000, 2));
        assertArrayEquals(GainTest.samples(new PcmFormat(8000, 2), 2000, 2000, -32768, -32768, 0, 0).data(), back.data());
    }

    @Test
    void convertedSegmentsStayWhereTheyWere() throws Exception {
        PcmFormat mono22k = new PcmFormat(22050, 1);
        Pcm program = concat(mono22k, Tones.silence(mono22k, Duration.ofMillis(500)),
                Tones.tone(mono22k, 440, Duration.ofSeconds(1), 0.5), Tones.silence(mono22k, Duration.ofMillis(500)));
        List<PcmAnalysis.Segment> segments = PcmAnalysis.soundSegments(convert(program, STEREO_48K), -40, Duration.ofMillis(20));
        assertEquals(1, segments.size());
        assertEquals(500, segments.get(0).start().toMillis(), 3);
        assertEquals(1000, segments.get(0).duration().toMillis(), 6);
    }

    static Pcm concat(PcmFormat f, Pcm... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Pcm p : parts) {
            out.writeBytes(p.data());
        }
        return new Pcm(f, out.toByteArray());
    }
}
