package vn.loalang.systemtests.support;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.WavWriter;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The detector on WAVs generated here, whose tones and times are known to the sample. */
class ToneDetectorTest {
    private static final int RATE = 44_100;

    /** A tone of {@code hz} at {@code db} from {@code fromMs} to {@code toMs}, over white noise of RMS {@code noiseDb}, stereo. */
    private static Pcm tone(int lengthMs, double hz, double db, int fromMs, int toMs, double noiseDb) {
        int frames = RATE * lengthMs / 1000;
        ByteBuffer b = ByteBuffer.allocate(frames * 4).order(ByteOrder.LITTLE_ENDIAN);
        Random r = new Random(1);
        double a = Math.pow(10, db / 20);
        double n = Math.pow(10, noiseDb / 20) * Math.sqrt(3);
        for (int i = 0; i < frames; i++) {
            double t = (double) i / RATE;
            double v = n * (2 * r.nextDouble() - 1);
            if (t * 1000 >= fromMs && t * 1000 < toMs) {
                v += a * Math.sin(2 * Math.PI * hz * t);
            }
            short s = (short) Math.round(v * 32767);
            b.putShort(s).putShort(s);
        }
        return new Pcm(new PcmFormat(RATE, 2), b.array());
    }

    @Test
    void aToneReadsItsLevelAndItsNeighbours250HzAwayReadFarBelow(@TempDir Path dir) throws Exception {
        Path wav = dir.resolve("tone.wav");
        WavWriter.write(wav, tone(1000, 1500, -12, 0, 1000, -200));
        ToneDetector d = ToneDetector.of(wav);

        double on = Arrays.stream(d.levelsDb(1500)).average().orElseThrow();
        assertEquals(-12, on, 0.5, "a −12 dBFS sine reads −12 dB");
        double neighbour = Arrays.stream(d.levelsDb(1750)).max().orElseThrow();
        assertTrue(neighbour < -12 - 25, "1750 Hz reads " + neighbour + " dB beside a −12 dB tone at 1500 Hz");
        assertEquals(Duration.ofSeconds(1), d.length());
    }

    @Test
    void onsetsAreFoundToTheWindowAndOneTonIsOneOnset(@TempDir Path dir) throws Exception {
        Pcm a = tone(3000, 2000, -12, 500, 650, -40);
        Pcm b = tone(3000, 2000, -12, 1730, 1880, -40);
        byte[] mixed = new byte[a.data().length];
        for (int i = 0; i < mixed.length; i += 2) {
            int s = (short) ((a.data()[i] & 0xff) | (a.data()[i + 1] << 8))
                    + (short) ((b.data()[i] & 0xff) | (b.data()[i + 1] << 8));
            s = Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, s));
            mixed[i] = (byte) s;
            mixed[i + 1] = (byte) (s >> 8);
        }
        Path wav = dir.resolve("two.wav");
        WavWriter.write(wav, new Pcm(a.format(), mixed));

        List<Duration> onsets = ToneDetector.of(wav).onsets(2000, -24);

        assertEquals(2, onsets.size(), "onsets " + onsets);
        assertEquals(500, onsets.get(0).toMillis(), 10);
        assertEquals(1730, onsets.get(1).toMillis(), 10);
    }

    @Test
    void noiseAndOtherTonesMakeNoOnset(@TempDir Path dir) throws Exception {
        Path wav = dir.resolve("other.wav");
        WavWriter.write(wav, tone(2000, 1000, -6, 200, 1800, -40));

        ToneDetector d = ToneDetector.of(wav);

        assertTrue(d.onsets(1250, -24).isEmpty(), "a −6 dB tone at 1000 Hz is not a 1250 Hz marker");
        assertTrue(d.onsets(2750, -24).isEmpty(), "noise at −40 dBFS is not a marker");
        assertEquals(List.of(Duration.ofMillis(200)), d.onsets(1000, -24));
    }
}
