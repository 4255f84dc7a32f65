package vn.loalang.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import vn.loalang.audio.analysis.PcmAnalysis;

class TonesTest {

    private final PcmFormat f = new PcmFormat(44100, 2);

    @Test
    void toneHasItsFrequencyLevelAndLength() {
        Pcm tone = Tones.tone(f, 1000, Duration.ofMillis(500), 0.5);
        assertEquals(22050, tone.frames());
        // Away from the 10 ms fades, whose envelope spreads a little energy off the bin.
        assertTrue(PcmAnalysis.toneRatio(tone, 1000, 2205, 19845) > 0.999);
        assertTrue(PcmAnalysis.toneRatio(tone, 1100, 2205, 19845) < 0.01);
        assertEquals(20 * Math.log10(0.5 / Math.sqrt(2)), PcmAnalysis.rmsDbfs(tone, 2205, 19845), 0.05);
    }

    /** No click: the fade starts and ends at zero and rises gradually. */
    @Test
    void toneFadesInAndOut() {
        Pcm tone = Tones.tone(f, 1000, Duration.ofMillis(200), 1.0);
        assertEquals(0, tone.sample(0, 0));
        assertTrue(Math.abs(tone.sample(tone.frames() - 1, 0)) < 50);
        assertTrue(PcmAnalysis.rmsDbfs(tone, 0, 44) < PcmAnalysis.rmsDbfs(tone, 441, 485) - 20, "first ms much quieter than the 10th");
    }

    @Test
    void chimeIsAudibleShortAndDescending() {
        Pcm chime = Tones.chime(f);
        assertEquals(1.5, chime.duration().toMillis() / 1000.0, 0.1);
        assertTrue(PcmAnalysis.rmsDbfs(chime, 0, chime.frames()) > -30);
        int peak = 0;
        for (long n = 0; n < chime.frames(); n++) {
            peak = Math.max(peak, Math.abs(chime.sample(n, 0)));
        }
        assertEquals(16384, peak, 200, "peak at -6 dBFS");
        double[] notes = {783.99, 659.26, 523.25};
        int r = f.sampleRate();
        assertEquals(783.99, PcmAnalysis.dominantOf(chime, r / 20, r / 4, notes));
        assertEquals(659.26, PcmAnalysis.dominantOf(chime, r * 2 / 5, r * 3 / 5, notes));
        assertEquals(523.25, PcmAnalysis.dominantOf(chime, r * 3 / 4, r, notes));
    }

    @Test
    void silenceIsSilent() {
        Pcm silence = Tones.silence(f, Duration.ofMillis(250));
        assertEquals(11025, silence.frames());
        assertEquals(Double.NEGATIVE_INFINITY, PcmAnalysis.rmsDbfs(silence, 0, silence.frames()));
        assertTrue(PcmAnalysis.soundSegments(silence, -60, Duration.ofMillis(10)).isEmpty());
    }
}
