package vn.loalang.audio.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.Tones;

class PcmAnalysisTest {

    private static final PcmFormat F = new PcmFormat(48000, 2);

    private static Pcm program(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < parts.length; i += 2) {
            Duration d = Duration.ofMillis((Integer) parts[i + 1]);
            double hz = ((Number) parts[i]).doubleValue();
            out.writeBytes((hz == 0 ? Tones.silence(F, d) : Tones.tone(F, hz, d, 0.5)).data());
        }
        return new Pcm(F, out.toByteArray());
    }

    @Test
    void segmentsAreFoundAtTheirPositionsAndIdentified() {
        Pcm p = program(0, 500, 440, 1000, 0, 300, 660, 500, 0, 250);
        List<PcmAnalysis.Segment> s = PcmAnalysis.soundSegments(p, -40, Duration.ofMillis(20));
        assertEquals(2, s.size(), s::toString);
        assertEquals(500, s.get(0).start().toMillis(), 2);
        assertEquals(1000, s.get(0).duration().toMillis(), 4);
        assertEquals(1800, s.get(1).start().toMillis(), 2);
        assertEquals(500, s.get(1).duration().toMillis(), 4);
        double[] candidates = {440, 660, 1000, 1500};
        assertEquals(440, PcmAnalysis.dominantOf(p, s.get(0).fromFrame(), s.get(0).toFrame(), candidates));
        assertEquals(660, PcmAnalysis.dominantOf(p, s.get(1).fromFrame(), s.get(1).toFrame(), candidates));
    }

    @Test
    void gapsShorterThanTheWindowAreMerged() {
        Pcm shortGap = program(0, 100, 1000, 300, 0, 15, 1000, 300, 0, 100);
        assertEquals(1, PcmAnalysis.soundSegments(shortGap, -40, Duration.ofMillis(50)).size());
        Pcm longGap = program(0, 100, 1000, 300, 0, 80, 1000, 300, 0, 100);
        assertEquals(2, PcmAnalysis.soundSegments(longGap, -40, Duration.ofMillis(50)).size());
    }

    @Test
    void soundAtTheVeryEdgesIsFound() {
        List<PcmAnalysis.Segment> s = PcmAnalysis.soundSegments(program(1000, 200), -40, Duration.ofMillis(30));
        assertEquals(1, s.size());
        assertEquals(0, s.get(0).fromFrame(), 96);
        assertEquals(9600, s.get(0).toFrame(), 96);
    }

    @Test
    void levelsAndRatios() {
        Pcm p = program(1000, 500);
        assertEquals(-9.03, PcmAnalysis.rmsDbfs(p, 4800, 19200), 0.02);
        assertEquals(Double.NEGATIVE_INFINITY, PcmAnalysis.rmsDbfs(program(0, 100), 0, 4800));
        // Two equal tones: each holds half the power.
        byte[] a = program(440, 500).data();
        byte[] b = program(1000, 500).data();
        byte[] mix = new byte[a.length];
        for (int i = 0; i < a.length; i += 2) {
            int s = ((short) ((a[i] & 0xff) | a[i + 1] << 8) + (short) ((b[i] & 0xff) | b[i + 1] << 8)) / 2;
            mix[i] = (byte) s;
            mix[i + 1] = (byte) (s >> 8);
        }
        Pcm both = new Pcm(F, mix);
        assertEquals(0.5, PcmAnalysis.toneRatio(both, 440, 4800, 19200), 0.01);
        assertEquals(0.5, PcmAnalysis.toneRatio(both, 1000, 4800, 19200), 0.01);
        assertTrue(PcmAnalysis.toneRatio(both, 660, 4800, 19200) < 0.01);
    }
}
