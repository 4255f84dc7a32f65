package vn.loalang.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import vn.loalang.audio.KWeighting.Biquad;

class KWeightingTest {

    /** ITU-R BS.1770-4, Annex 1, Tables 1 and 2: the coefficients it gives, for 48 kHz only. */
    static final Biquad TABLE_SHELF = new Biquad(1.53512485958697, -2.69169618940638, 1.19839281085285,
            -1.69065929318241, 0.73248077421585);
    static final Biquad TABLE_HIGH_PASS = new Biquad(1.0, -2.0, 1.0, -1.99004745483398, 0.99007225036621);

    @Test
    void at48kHzTheDerivedCoefficientsAreTheStandardsTable() {
        assertBiquad(TABLE_SHELF, KWeighting.shelf(48000));
        assertBiquad(TABLE_HIGH_PASS, KWeighting.highPass(48000));
    }

    /**
     * The reason for deriving the coefficients: at 44.1 kHz they give the 48 kHz response, while
     * the 48 kHz table used as is would move the bass roll-off and the shelf by 0.1 octave.
     */
    @Test
    void at44100HzTheResponseIsThe48kHzOneAndTheTableWouldNotBe() {
        double[] hz = {30, 100, 997, 1500, 3000, 10_000};
        double worstDerived = 0;
        double worstTable = 0;
        for (double f : hz) {
            double reference = responseDb(KWeighting.shelf(48000), KWeighting.highPass(48000), f, 48000);
            double derived = responseDb(KWeighting.shelf(44100), KWeighting.highPass(44100), f, 44100);
            double table = responseDb(TABLE_SHELF, TABLE_HIGH_PASS, f, 44100);
            worstDerived = Math.max(worstDerived, Math.abs(derived - reference));
            worstTable = Math.max(worstTable, Math.abs(table - reference));
        }
        assertTrue(worstDerived < 0.01, "derived coefficients at 44.1 kHz are off by " + worstDerived + " dB");
        assertTrue(worstTable > 0.3, "the 48 kHz table at 44.1 kHz is off by only " + worstTable + " dB");
    }

    /** The anchor of BS.1770's -0.691 dB offset: K-weighting adds +0.691 dB at 997 Hz. */
    @Test
    void gainAt997HzIsTheOffsetOfTheStandard() {
        double db = responseDb(KWeighting.shelf(48000), KWeighting.highPass(48000), 997, 48000);
        assertEquals(0.691, db, 0.001);
    }

    @Test
    void filteringMatchesTheComputedResponse() {
        KWeighting k = new KWeighting(44100, 1);
        double hz = 50;
        double sumIn = 0;
        double sumOut = 0;
        for (int n = 0; n < 441_000; n++) {
            double x = Math.sin(2 * Math.PI * hz * n / 44100);
            double y = k.filter(0, x);
            if (n >= 44_100) { // after the high-pass has settled
                sumIn += x * x;
                sumOut += y * y;
            }
        }
        double expected = responseDb(KWeighting.shelf(44100), KWeighting.highPass(44100), hz, 44100);
        assertEquals(expected, 10 * Math.log10(sumOut / sumIn), 0.01);
    }

    /** |H(e^jw)| of the two stages in cascade, in dB. */
    static double responseDb(Biquad shelf, Biquad highPass, double hz, int sampleRate) {
        double w = 2 * Math.PI * hz / sampleRate;
        return magnitudeDb(shelf, w) + magnitudeDb(highPass, w);
    }

    private static double magnitudeDb(Biquad q, double w) {
        double numRe = q.b0() + q.b1() * Math.cos(w) + q.b2() * Math.cos(2 * w);
        double numIm = -q.b1() * Math.sin(w) - q.b2() * Math.sin(2 * w);
        double denRe = 1 + q.a1() * Math.cos(w) + q.a2() * Math.cos(2 * w);
        double denIm = -q.a1() * Math.sin(w) - q.a2() * Math.sin(2 * w);
        return 10 * Math.log10((numRe * numRe + numIm * numIm) / (denRe * denRe + denIm * denIm));
    }

    private static void assertBiquad(Biquad expected, Biquad actual) {
        assertEquals(expected.b0(), actual.b0(), 1e-9);
        assertEquals(expected.b1(), actual.b1(), 1e-9);
        assertEquals(expected.b2(), actual.b2(), 1e-9);
        assertEquals(expected.a1(), actual.a1(), 1e-9);
        assertEquals(expected.a2(), actual.a2(), 1e-9);
    }
}
