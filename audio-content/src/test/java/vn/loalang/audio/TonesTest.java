package vn.loalang.audio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
        assertEquals(16384, peak(chime), 200, "peak at -6 dBFS");
        double[] notes = {783.99, 659.26, 523.25};
        int r = f.sampleRate();
        assertEquals(783.99, PcmAnalysis.dominantOf(chime, r / 20, r / 4, notes));
        assertEquals(659.26, PcmAnalysis.dominantOf(chime, r * 2 / 5, r * 3 / 5, notes));
        assertEquals(523.25, PcmAnalysis.dominantOf(chime, r * 3 / 4, r, notes));
    }

    @Test
    void sirenSweepsTheBandThreeTimes() {
        Pcm siren = Tones.siren(f);
        assertEquals(3.6, siren.duration().toMillis() / 1000.0, 0.001);
        double[] band = {600, 750, 900, 1050, 1200};
        for (int sweep = 0; sweep < 3; sweep++) {
            double start = 1.2 * sweep;
            // Low at each sweep's ends, high in its middle, passing the centre on the way up and down.
            assertEquals(600.0, dominantAt(siren, start + 0.05, band), "sweep " + sweep + " starts low");
            assertEquals(900.0, dominantAt(siren, start + 0.3, band), "sweep " + sweep + " rising");
            assertEquals(1200.0, dominantAt(siren, start + 0.6, band), "sweep " + sweep + " top");
            assertEquals(900.0, dominantAt(siren, start + 0.9, band), "sweep " + sweep + " falling");
            assertEquals(600.0, dominantAt(siren, start + 1.15, band), "sweep " + sweep + " ends low");
        }
        assertEquals(16384, peak(siren), 20, "peak at -6 dBFS, well under full scale");
    }

    /** 150 ms fades: no click at either end, and no sudden blast either. */
    @Test
    void sirenFadesInAndOut() {
        Pcm siren = Tones.siren(f);
        int ms = f.sampleRate() / 1000;
        long last = siren.frames();
        assertEquals(0, siren.sample(0, 0));
        assertTrue(Math.abs(siren.sample(last - 1, 0)) < 50);
        double full = PcmAnalysis.rmsDbfs(siren, 300 * ms, 320 * ms);
        assertEquals(-9.03, full, 0.1, "a -6 dBFS sine between the fades");
        assertTrue(PcmAnalysis.rmsDbfs(siren, 0, 20 * ms) < full - 25, "first 20 ms");
        assertTrue(PcmAnalysis.rmsDbfs(siren, last - 20 * ms, last) < full - 25, "last 20 ms");
        assertTrue(PcmAnalysis.rmsDbfs(siren, 70 * ms, 80 * ms) < full - 3, "still rising at 75 ms");
    }

    @Test
    void preamblesAreDeterministicAndTheSameOnEveryChannel() {
        assertEquals(Tones.siren(f), Tones.siren(f));
        assertEquals(Tones.alertChime(f), Tones.alertChime(f));
        Pcm siren = Tones.siren(f);
        for (long n = 0; n < siren.frames(); n += 997) {
            assertEquals(siren.sample(n, 0), siren.sample(n, 1));
        }
        Pcm mono = Tones.siren(new PcmFormat(22050, 1));
        assertEquals(Math.round(3.6 * 22050), mono.frames());
    }

    @Test
    void sirenNeedsARateAboveTwiceItsTopFrequency() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tones.siren(new PcmFormat(2000, 1)));
        assertEquals("1200.0 Hz cannot be represented at 2000 Hz", e.getMessage());
    }

    @Test
    void alertChimeRisesTwiceAndDecays() {
        Pcm chime = Tones.alertChime(f);
        assertEquals(3.1, chime.duration().toMillis() / 1000.0, 0.001);
        assertEquals(16384, peak(chime), 200, "peak at -6 dBFS");
        double[] notes = {523.25, 659.26, 783.99};
        for (double pass : new double[] {0, 1.5}) {
            assertEquals(523.25, dominantAt(chime, pass + 0.15, notes), "C5 at " + pass);
            assertEquals(659.26, dominantAt(chime, pass + 0.45, notes), "E5 at " + pass);
            assertEquals(783.99, dominantAt(chime, pass + 0.75, notes), "G5 at " + pass);
        }
        int ms = f.sampleRate() / 1000;
        long last = chime.frames();
        assertEquals(0, chime.sample(0, 0));
        double strike = PcmAnalysis.rmsDbfs(chime, 2100 * ms, 2150 * ms);
        assertTrue(PcmAnalysis.rmsDbfs(chime, last - 50 * ms, last) < strike - 30, "rung out by the end");
        assertTrue(Math.abs(chime.sample(last - 1, 0)) < 50);
    }

    /** Dominant candidate in the 40 ms around {@code seconds}: short, as the siren's frequency moves. */
    private double dominantAt(Pcm pcm, double seconds, double... candidates) {
        long centre = Math.round(seconds * f.sampleRate());
        long half = f.sampleRate() / 50;
        return PcmAnalysis.dominantOf(pcm, centre - half, centre + half, candidates);
    }

    private static int peak(Pcm pcm) {
        int peak = 0;
        for (long n = 0; n < pcm.frames(); n++) {
            peak = Math.max(peak, Math.abs(pcm.sample(n, 0)));
        }
        return peak;
    }

    @Test
    void silenceIsSilent() {
        Pcm silence = Tones.silence(f, Duration.ofMillis(250));
        assertEquals(11025, silence.frames());
        assertEquals(Double.NEGATIVE_INFINITY, PcmAnalysis.rmsDbfs(silence, 0, silence.frames()));
        assertTrue(PcmAnalysis.soundSegments(silence, -60, Duration.ofMillis(10)).isEmpty());
    }
}
