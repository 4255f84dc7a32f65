package vn.loalang.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GainTest {

    @Test
    void decibels() {
        assertEquals(1.0, Gain.dbToLinear(0), 1e-12);
        assertEquals(10.0, Gain.dbToLinear(20), 1e-12);
        assertEquals(0.5012, Gain.dbToLinear(-6), 1e-4);
    }

    @Test
    void applySaturatesInsteadOfWrapping() {
        Pcm pcm = samples(new PcmFormat(8000, 1), 20000, -20000, 1000, -1);
        Gain.apply(pcm.data(), 0, pcm.data().length, 2.0);
        assertEquals(Short.MAX_VALUE, pcm.sample(0, 0));
        assertEquals(Short.MIN_VALUE, pcm.sample(1, 0));
        assertEquals(2000, pcm.sample(2, 0));
        assertEquals(-2, pcm.sample(3, 0));
    }

    @Test
    void applyTouchesOnlyTheGivenRange() {
        Pcm pcm = samples(new PcmFormat(8000, 1), 100, 100, 100);
        Gain.apply(pcm.data(), 2, 2, 0.5);
        assertEquals(100, pcm.sample(0, 0));
        assertEquals(50, pcm.sample(1, 0));
        assertEquals(100, pcm.sample(2, 0));
    }

    @Test
    void rampGoesFromFirstToLastFrameWithBothChannelsAlike() {
        PcmFormat stereo = new PcmFormat(8000, 2);
        Pcm pcm = samples(stereo, 10000, -10000, 10000, -10000, 10000, -10000, 10000, -10000, 10000, -10000);
        Gain.ramp(pcm.data(), 0, pcm.data().length, stereo, 0.0, 1.0);
        int[] expected = {0, 2500, 5000, 7500, 10000};
        for (int f = 0; f < 5; f++) {
            assertEquals(expected[f], pcm.sample(f, 0));
            assertEquals(-expected[f], pcm.sample(f, 1));
        }
    }

    @Test
    void limiterLeavesEverythingBelowTheKneeAsApplyWould() {
        Pcm limited = samples(new PcmFormat(8000, 1), 10000, -10000, 11000, 3);
        Pcm plain = samples(new PcmFormat(8000, 1), 10000, -10000, 11000, 3);
        Gain.applyLimited(limited.data(), 0, limited.data().length, 2.0);
        Gain.apply(plain.data(), 0, plain.data().length, 2.0);
        for (int i = 0; i < 4; i++) {
            assertEquals(plain.sample(i, 0), limited.sample(i, 0));
        }
        assertEquals(20000, limited.sample(0, 0));
        assertEquals(-20000, limited.sample(1, 0));
    }

    @Test
    void limiterBendsPeaksBelowFullScaleAndKeepsTheirOrder() {
        // Full scale at +6 dB: a hard clamp would cut all three to 32767, a flat top heard as a crack.
        Pcm pcm = samples(new PcmFormat(8000, 1), 16000, 24000, 32767, -32768);
        Gain.applyLimited(pcm.data(), 0, pcm.data().length, Gain.dbToLinear(6));
        int a = pcm.sample(0, 0);
        int b = pcm.sample(1, 0);
        int c = pcm.sample(2, 0);
        assertTrue(a > Gain.KNEE && a < b && b < c && c < Short.MAX_VALUE, a + " < " + b + " < " + c + " < 32767");
        int d = pcm.sample(3, 0);
        assertTrue(d > Short.MIN_VALUE && (d == -c || d == -c - 1), "negative peaks are bent alike: " + d);
    }

    @Test
    void limiterKneeHasNoStep() {
        // Just past the knee the bent value is within a step of the straight one: the knee is not heard.
        double x = Gain.KNEE + 50;
        assertEquals(x, Gain.limit(x), 1.0);
        assertEquals(-x, Gain.limit(-x), 1.0);
        assertTrue(Gain.limit(1e9) <= Short.MAX_VALUE);
    }

    @Test
    void limiterAtOrBelowUnityIsPlainGain() {
        Pcm limited = samples(new PcmFormat(8000, 1), 32767, -32768, 30000);
        Gain.applyLimited(limited.data(), 0, limited.data().length, 1.0);
        assertEquals(32767, limited.sample(0, 0));
        assertEquals(-32768, limited.sample(1, 0));
        Gain.applyLimited(limited.data(), 0, limited.data().length, 0.5);
        assertEquals(15000, limited.sample(2, 0));
    }

    @Test
    void appliedStreamGainsWhatIsRead() throws Exception {
        Pcm pcm = samples(new PcmFormat(8000, 1), 1000, -1000);
        try (PcmStream s = Gain.applied(pcm.stream(), 0.5)) {
            byte[] buf = new byte[4];
            assertEquals(4, s.read(buf, 0, 4));
            Pcm out = new Pcm(pcm.format(), buf);
            assertEquals(500, out.sample(0, 0));
            assertEquals(-500, out.sample(1, 0));
        }
    }

    static Pcm samples(PcmFormat f, int... values) {
        byte[] data = new byte[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            data[2 * i] = (byte) values[i];
            data[2 * i + 1] = (byte) (values[i] >> 8);
        }
        return new Pcm(f, data);
    }
}
