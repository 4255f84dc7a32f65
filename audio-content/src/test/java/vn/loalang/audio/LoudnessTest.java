package vn.loalang.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoudnessTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);
    // The commune's defaults: -16 LUFS, -1 dBTP, at most +12 dB.
    private static final double TARGET = -16;
    private static final double CEILING = -1;
    private static final double MAX_BOOST = 12;

    @Test
    void boostsAQuietItemToTheTarget() {
        assertEquals(4.0, new Loudness(-20, -10, MINUTE).gainTo(TARGET, CEILING, MAX_BOOST), 1e-9);
    }

    @Test
    void cutsALoudItemToTheTarget() {
        assertEquals(-6.0, new Loudness(-10, -0.5, MINUTE).gainTo(TARGET, CEILING, MAX_BOOST), 1e-9);
    }

    @Test
    void thePeakCeilingLimitsABoost() {
        // Wants +8 dB, but the peak at -3 dBTP may only rise 2 dB to reach -1 dBTP.
        assertEquals(2.0, new Loudness(-24, -3, MINUTE).gainTo(TARGET, CEILING, MAX_BOOST), 1e-9);
    }

    @Test
    void theMaximumBoostLimitsABoost() {
        // Wants +24 dB and the peak would allow +29; a whisper-quiet file is not raised beyond +12.
        assertEquals(12.0, new Loudness(-40, -30, MINUTE).gainTo(TARGET, CEILING, MAX_BOOST), 1e-9);
    }

    @Test
    void anItemPeakingAboveTheCeilingIsTurnedDownEvenBelowTarget() {
        assertEquals(-1.5, new Loudness(-18, 0.5, MINUTE).gainTo(TARGET, CEILING, MAX_BOOST), 1e-9);
    }

    @Test
    void silenceGetsNoGain() {
        Loudness silence = new Loudness(Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY, MINUTE);
        assertEquals(0.0, silence.gainTo(TARGET, CEILING, MAX_BOOST));
    }

    @Test
    void rejectsMeaninglessArguments() {
        Loudness l = new Loudness(-20, -10, MINUTE);
        assertThrows(IllegalArgumentException.class, () -> l.gainTo(Double.NaN, CEILING, MAX_BOOST));
        assertThrows(IllegalArgumentException.class, () -> l.gainTo(TARGET, Double.POSITIVE_INFINITY, MAX_BOOST));
        assertThrows(IllegalArgumentException.class, () -> l.gainTo(TARGET, CEILING, -1));
        assertThrows(IllegalArgumentException.class, () -> new Loudness(Double.NaN, -10, MINUTE));
    }

    /** The point of it all: measure, apply the gain with {@link Gain}, measure again. */
    @Test
    void appliedGainBringsAnItemToTheTarget() throws IOException {
        Pcm item = LoudnessMeterTest.stereoSine(44100, 1000, -26, 10); // stereo 1 kHz: LUFS = dBFS
        double gain = LoudnessMeter.measure(item.stream()).gainTo(TARGET, CEILING, MAX_BOOST);
        assertEquals(10.0, gain, 0.05);
        Gain.apply(item.data(), 0, item.data().length, Gain.dbToLinear(gain));
        assertEquals(TARGET, LoudnessMeter.measure(item.stream()).integratedLufs(), 0.05);
    }

    @Test
    void appliedGainKeepsTheTruePeakUnderTheCeiling() throws IOException {
        // Quiet speech-like level with one loud moment: the boost stops where that moment reaches -1 dBTP.
        Pcm item = LoudnessMeterTest.stereoSine(44100, 1000, -26, 10, -4, 0.5, -26, 10);
        Loudness before = LoudnessMeter.measure(item.stream());
        double gain = before.gainTo(TARGET, CEILING, MAX_BOOST);
        assertEquals(3.0, gain, 0.05);
        Gain.apply(item.data(), 0, item.data().length, Gain.dbToLinear(gain));
        Loudness after = LoudnessMeter.measure(item.stream());
        assertEquals(before.integratedLufs() + gain, after.integratedLufs(), 0.05);
        assertEquals(CEILING, after.truePeakDbtp(), 0.05);
    }
}
