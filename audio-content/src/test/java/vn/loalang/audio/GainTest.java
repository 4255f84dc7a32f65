package vn.loalang.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

    static Pcm samples(PcmFormat f, int... values) {
        byte[] data = new byte[values.length * 2];
        for (int i = 0; i < values.length; i++) {
            data[2 * i] = (byte) values[i];
            data[2 * i + 1] = (byte) (values[i] >> 8);
        }
        return new Pcm(f, data);
    }
}
