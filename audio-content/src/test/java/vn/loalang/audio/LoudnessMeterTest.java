package vn.loalang.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import vn.loalang.audio.AudioContentException.Problem;
import vn.loalang.audio.testing.Fixtures;

/**
 * Against EBU Tech 3341 (v3, 2016) "minimum requirements" test signals, synthesised here, and
 * against ffmpeg's ebur128 filter on real MP3 fixtures. Tech 3341 specifies its signals at 48 kHz;
 * they are also run at 44.1 kHz (the usual MP3 rate) and 11.025 kHz, where the K-weighting
 * coefficients must be recomputed and a 100 ms step is not a whole number of samples.
 */
class LoudnessMeterTest {

    /** Tech 3341's tolerance for integrated loudness. */
    private static final double TECH_3341 = 0.1;

    // --- EBU Tech 3341, integrated loudness cases 1 to 5 (stereo 1 kHz sine, same in both channels)

    @ParameterizedTest(name = "{0} Hz")
    @ValueSource(ints = {48000, 44100, 11025})
    void case1SineAtMinus23DbfsReadsMinus23Lufs(int rate) throws IOException {
        assertIntegrated(-23.0, stereoSine(rate, 1000, -23, 20));
    }

    @ParameterizedTest(name = "{0} Hz")
    @ValueSource(ints = {48000, 44100})
    void case2SineAtMinus33DbfsReadsMinus33Lufs(int rate) throws IOException {
        assertIntegrated(-33.0, stereoSine(rate, 1000, -33, 20));
    }

    /** The relative gate: the two -36 dBFS parts are more than 10 LU under the whole and do not count. */
    @ParameterizedTest(name = "{0} Hz")
    @ValueSource(ints = {48000, 44100})
    void case3RelativeGateIgnoresQuietParts(int rate) throws IOException {
        assertIntegrated(-23.0, stereoSine(rate, 1000, -36, 10, -23, 60, -36, 10));
    }

    /** Both gates: -72 dBFS is under the absolute gate, -36 under the relative one. */
    @ParameterizedTest(name = "{0} Hz")
    @ValueSource(ints = {48000, 44100})
    void case4AbsoluteAndRelativeGates(int rate) throws IOException {
        assertIntegrated(-23.0, stereoSine(rate, 1000, -72, 10, -36, 10, -23, 60, -36, 10, -72, 10));
    }

    /** Nothing gated: the integrated loudness is the power mean of -26, -20 and -26 LUFS. */
    @ParameterizedTest(name = "{0} Hz")
    @ValueSource(ints = {48000, 44100})
    void case5PowerAverageWithoutGating(int rate) throws IOException {
        assertIntegrated(-23.0, stereoSine(rate, 1000, -26, 20, -20, 20.1, -26, 20));
    }

    // --- Channels, frequency weighting, gates at the edges

    /**
     * BS.1770-4: a 0 dBFS 1 kHz sine in one of L, C or R reads -3.01 LKFS. A mono file is that one
     * channel (weight 1.0, not counted twice); the same sine in both stereo channels reads 0.
     */
    @Test
    void monoIsOneChannelWithWeightOne() throws IOException {
        assertEquals(-3.01, LoudnessMeter.measure(sine(1, 48000, 997, 0, 5).stream()).integratedLufs(), 0.02);
        assertEquals(0.00, LoudnessMeter.measure(sine(2, 48000, 997, 0, 5).stream()).integratedLufs(), 0.02);
        // The brief's example: mono, -20 dBFS peak.
        assertEquals(-23.0, LoudnessMeter.measure(sine(1, 44100, 1000, -20, 5).stream()).integratedLufs(), TECH_3341);
    }

    /** The README's way to count a mono file as dual mono (what the station plays): upmix first. */
    @Test
    void monoUpmixedToStereoMeasuresAsDualMono() throws Exception {
        Path mono = Fixtures.path("tone-1khz-3s-44k-mono-cbr.mp3");
        double asIs = LoudnessMeter.measure(mono).integratedLufs();
        try (PcmStream in = AudioDecoder.open(mono)) {
            double dual = LoudnessMeter.measure(PcmConverter.convert(in, new PcmFormat(44100, 2))).integratedLufs();
            assertEquals(asIs + 3.01, dual, 0.01);
        }
    }

    /**
     * A sine's loudness is its level plus the K-weighting gain at its frequency (BS.1770-4's curve,
     * from its 48 kHz coefficients: -8.30 dB at 30 Hz, +2.04 dB at 1.5 kHz, +4.04 dB at 10 kHz) minus
     * 0.691. At 44.1 kHz the figures must be the same; the 48 kHz table used there would be off by 0.9 LU at
     * 30 Hz and 0.3 LU at 1.5 kHz.
     */
    @ParameterizedTest(name = "{0} Hz")
    @ValueSource(ints = {48000, 44100})
    void frequencyWeightingIsTheSameAtEveryRate(int rate) throws IOException {
        assertIntegrated(-20 - 8.304 - 0.691, stereoSine(rate, 30, -20, 10), 0.02);
        assertIntegrated(-20 + 2.036 - 0.691, stereoSine(rate, 1500, -20, 10), 0.02);
        assertIntegrated(-20 + 4.042 - 0.691, stereoSine(rate, 10_000, -20, 10), 0.02);
    }

    @Test
    void silenceHasNoLoudnessAndNoPeak() throws IOException {
        Loudness l = LoudnessMeter.measure(Tones.silence(new PcmFormat(44100, 2), Duration.ofSeconds(5)).stream());
        assertEquals(Double.NEGATIVE_INFINITY, l.integratedLufs());
        assertEquals(Double.NEGATIVE_INFINITY, l.truePeakDbtp());
        assertEquals(Duration.ofSeconds(5), l.measured());
    }

    @Test
    void everythingUnderTheAbsoluteGateReadsAsSilence() throws IOException {
        Loudness l = LoudnessMeter.measure(stereoSine(48000, 1000, -75, 5).stream());
        assertEquals(Double.NEGATIVE_INFINITY, l.integratedLufs());
        assertEquals(-75, l.truePeakDbtp(), 0.5); // 6 LSB tall in 16 bits: quantisation moves the peak
    }

    /** Only whole 400 ms blocks count (BS.1770); 399 ms has none, 400 ms exactly one. */
    @Test
    void shorterThanOneBlockHasNoIntegratedLoudness() throws IOException {
        assertEquals(Double.NEGATIVE_INFINITY, LoudnessMeter.measure(stereoSine(48000, 1000, -23, 0.399).stream()).integratedLufs());
        assertEquals(-23.0, LoudnessMeter.measure(stereoSine(48000, 1000, -23, 0.400).stream()).integratedLufs(), 0.1);
    }

    // --- True peak

    /**
     * A 12 kHz sine at 48 kHz sampled 45 degrees off its peaks: every sample is 3.01 dB under the
     * real peak. Sample peak would read -9.03; the 4x oversampled true peak reads the real -6.02.
     */
    @Test
    void truePeakSeesThePeakBetweenSamples() throws IOException {
        PcmFormat f = new PcmFormat(48000, 2);
        double amplitude = 0.5;
        double[] signal = new double[48000];
        int fade = 480;
        for (int n = 0; n < signal.length; n++) {
            // Faded in and out over 10 ms: a sine switched on at full level really does overshoot
            // between samples (the DAC would show it too), which is not what this test is about.
            double edge = Math.min(1, Math.min(n, signal.length - 1 - n) / (double) fade);
            signal[n] = edge * amplitude * Math.sin(2 * Math.PI * n / 4 + Math.PI / 4);
        }
        Loudness l = LoudnessMeter.measure(toPcm(f, signal).stream());
        assertEquals(20 * Math.log10(amplitude), l.truePeakDbtp(), 0.05);
    }

    @Test
    void truePeakOfALowToneIsItsSamplePeak() throws IOException {
        assertEquals(-6.02, LoudnessMeter.measure(stereoSine(44100, 1000, -6.02, 2).stream()).truePeakDbtp(), 0.02);
    }

    // --- Real files, against ffmpeg

    /**
     * Reference values from ffmpeg 5.1.9 (Debian 12), whose ebur128 filter is an independent BS.1770
     * implementation with its own MP3 decoder:
     * {@code ffmpeg -i FILE -af ebur128=peak=true:metadata=1,ametadata=print:file=m.txt -f null -},
     * then the last lavfi.r128.I and the largest lavfi.r128.true_peaks_chN (in dB) in m.txt.
     * We agree within 0.015 LU and 0.03 dB; the tolerances leave room for a decoder update only.
     */
    record Reference(String file, double integratedLufs, double truePeakDbtp, Duration length) {
        @Override
        public String toString() {
            return file;
        }
    }

    static Stream<Reference> ffmpegReferences() {
        return Stream.of(
                new Reference("tone-1khz-3s-48k-stereo-cbr.mp3", -6.440, -6.34, Duration.ofSeconds(3)),
                new Reference("tone-1khz-3s-44k-mono-cbr.mp3", -9.450, -6.38, Duration.ofSeconds(3)),
                new Reference("tone-1khz-3s-44k-stereo-vbr-id3.mp3", -6.011, -5.60, Duration.ofSeconds(3)),
                new Reference("tone-1khz-2s-11k-mono-mpeg25.mp3", -9.410, -6.30, Duration.ofSeconds(2)),
                new Reference("item-440hz-2s.mp3", -10.140, -6.39, Duration.ofSeconds(2)),
                new Reference("item-1000hz-1500ms.mp3", -8.992, -5.29, Duration.ofMillis(1500)),
                // 1 s silence, 0.5 s tone, 1 s silence: gating decides the answer here.
                new Reference("burst-1khz-at-1s-48k-stereo-cbr.mp3", -8.485, -5.93, Duration.ofMillis(2500)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ffmpegReferences")
    void realMp3sMeasureAsFfmpegDoes(Reference r) throws AudioContentException {
        Loudness l = LoudnessMeter.measure(Fixtures.path(r.file()));
        assertEquals(r.integratedLufs(), l.integratedLufs(), 0.05, "integrated loudness");
        assertEquals(r.truePeakDbtp(), l.truePeakDbtp(), 0.1, "true peak");
        assertEquals(r.length(), l.measured());
    }

    @Test
    void measuresWav() throws AudioContentException {
        // 1 kHz at -6 dBFS, mono: -6 - 3.01 = -9.0 (ffmpeg: -9.000 LUFS).
        Loudness l = LoudnessMeter.measure(Fixtures.path("tone-1khz-1s-8k-mono-16bit.wav"));
        assertEquals(-9.0, l.integratedLufs(), 0.1);
    }

    @Test
    void refusesTruncatedAndMissingFiles() {
        AudioContentException cut = assertThrows(AudioContentException.class,
                () -> LoudnessMeter.measure(Fixtures.path("truncated.mp3")));
        assertEquals(Problem.TRUNCATED, cut.problem());
        AudioContentException missing = assertThrows(AudioContentException.class,
                () -> LoudnessMeter.measure(Path.of("no-such-file.mp3")));
        assertEquals(Problem.UNREADABLE, missing.problem());
    }

    // --- Signals

    /** Sine on both channels of a stereo stream, phase-continuous through level changes: (dBFS, seconds) pairs. */
    static Pcm stereoSine(int rate, double hz, double... levelsAndSeconds) {
        return sine(2, rate, hz, levelsAndSeconds);
    }

    static Pcm sine(int channels, int rate, double hz, double... levelsAndSeconds) {
        int total = 0;
        for (int i = 1; i < levelsAndSeconds.length; i += 2) {
            total += (int) Math.round(levelsAndSeconds[i] * rate);
        }
        double[] signal = new double[total];
        int n = 0;
        for (int i = 0; i < levelsAndSeconds.length; i += 2) {
            double amplitude = Math.pow(10, levelsAndSeconds[i] / 20);
            int end = n + (int) Math.round(levelsAndSeconds[i + 1] * rate);
            for (; n < end; n++) {
                signal[n] = amplitude * Math.sin(2 * Math.PI * hz * n / rate);
            }
        }
        return toPcm(new PcmFormat(rate, channels), signal);
    }

    /** Same signal on every channel; full scale is 32768, as the meter reads it. */
    static Pcm toPcm(PcmFormat f, double[] signal) {
        byte[] data = new byte[signal.length * f.frameBytes()];
        int i = 0;
        for (double v : signal) {
            short s = Streams.clamp(v * 32768);
            for (int c = 0; c < f.channels(); c++) {
                data[i++] = (byte) s;
                data[i++] = (byte) (s >> 8);
            }
        }
        return new Pcm(f, data);
    }

    private static void assertIntegrated(double expected, Pcm pcm) throws IOException {
        assertIntegrated(expected, pcm, TECH_3341);
    }

    private static void assertIntegrated(double expected, Pcm pcm, double tolerance) throws IOException {
        double measured = LoudnessMeter.measure(pcm.stream()).integratedLufs();
        assertEquals(expected, measured, tolerance, () -> pcm.format() + ": " + measured + " LUFS");
    }

    @Test
    void asBroadcastAMonoFileMeasuresLikeItsStereoTwin() throws Exception {
        java.nio.file.Path mono = vn.loalang.audio.testing.Fixtures.path(vn.loalang.audio.testing.Fixtures.ITEM_440HZ_2S);
        Loudness standard = LoudnessMeter.measure(mono);
        Loudness broadcast = LoudnessMeter.measureAsBroadcast(mono);

        org.junit.jupiter.api.Assertions.assertEquals(standard.integratedLufs() + 3.01, broadcast.integratedLufs(), 0.02);
        java.nio.file.Path stereo = vn.loalang.audio.testing.Fixtures.path(vn.loalang.audio.testing.Fixtures.ITEM_660HZ_1S);
        org.junit.jupiter.api.Assertions.assertEquals(LoudnessMeter.measure(stereo).integratedLufs(),
                LoudnessMeter.measureAsBroadcast(stereo).integratedLufs(), 1e-9, "stereo is measured as it is");
    }
}
