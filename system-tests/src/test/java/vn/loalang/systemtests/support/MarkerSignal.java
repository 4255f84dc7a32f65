package vn.loalang.systemtests.support;

import vn.loalang.audio.Pcm;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.WavWriter;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A known signal for live tests (plan §5): a 150 ms marker every 3 s over a −40 dBFS noise bed.
 * Marker k (from 0, at k × 3 s) is a sine of {@link #frequency}(k): 1000 to 2750 Hz in steps of
 * 250 Hz, k mod 8, so that which marker a station played is known for any latency under 24 s, and
 * a lost or repeated marker shows as a gap or a repeat in the sequence. The bed keeps every codec
 * and silence detector from treating the gaps as silence. Markers are −12 dBFS with 5 ms ramps, so
 * that their edges do not splash into the other markers' frequencies.
 *
 * <p>The same signal two ways: {@link #lavfi} for an ffmpeg that plays the province
 * ({@code -re -f lavfi -i …}), and {@link #wav} for a file.
 */
public final class MarkerSignal {
    public static final int[] FREQUENCIES = {1000, 1250, 1500, 1750, 2000, 2250, 2500, 2750};
    public static final Duration PERIOD = Duration.ofSeconds(3);
    public static final Duration MARKER = Duration.ofMillis(150);
    public static final double MARKER_DB = -12;
    public static final double BED_DB = -40;
    /** A threshold for the markers after a codec: 12 dB under them, 20 dB over the bed's share in a 100 Hz bin. */
    public static final double THRESHOLD_DB = -24;

    private static final double RAMP_SECONDS = 0.005;

    /** A marker found in rendered audio: when, and which of the 8 frequencies. */
    public record Marker(Duration at, int index) {
        public int hz() {
            return FREQUENCIES[index];
        }
    }

    private MarkerSignal() {
    }

    /** The frequency of marker {@code k}. */
    public static int frequency(long k) {
        return FREQUENCIES[(int) Math.floorMod(k, (long) FREQUENCIES.length)];
    }

    /**
     * The lavfi source for ffmpeg's {@code -i} after {@code -f lavfi}: this signal, mono, at
     * {@code sampleRate}, for ever (or until the process is stopped).
     */
    public static String lavfi(int sampleRate) {
        double period = PERIOD.toMillis() / 1000.0;
        double len = MARKER.toMillis() / 1000.0;
        String phase = "mod(t\\," + period + ")";
        String gate = "lt(" + phase + "\\," + len + ")*min(1\\,min(" + phase + "\\," + len + "-" + phase + ")/"
                + RAMP_SECONDS + ")";
        String hz = "(" + FREQUENCIES[0] + "+" + (FREQUENCIES[1] - FREQUENCIES[0]) + "*mod(floor(t/" + period + ")\\,"
                + FREQUENCIES.length + "))";
        String bed = bedPeak() + "*(2*random(0)-1)";
        String expr = bed + "+" + amplitude(MARKER_DB) + "*" + gate + "*sin(2*PI*" + hz + "*t)";
        return "aevalsrc='" + expr + "':s=" + sampleRate + ":c=mono";
    }

    /** The signal for {@code length}, mono 16-bit at {@code sampleRate}. */
    public static Pcm pcm(Duration length, int sampleRate) {
        return pcm(Duration.ZERO, length, sampleRate);
    }

    /**
     * The bed alone for {@code lead}, then the signal (marker 0 at {@code lead}), {@code length} in all, mono
     * 16-bit at {@code sampleRate}: a microphone's file whose first marker comes once the speaker is on air.
     */
    public static Pcm pcm(Duration lead, Duration length, int sampleRate) {
        double leadSeconds = lead.toNanos() / 1e9;
        int frames = (int) (length.toNanos() * sampleRate / 1_000_000_000L);
        ByteBuffer data = ByteBuffer.allocate(frames * 2).order(ByteOrder.LITTLE_ENDIAN);
        Random noise = new Random(17);
        double bed = bedPeak();
        double marker = amplitude(MARKER_DB);
        double period = PERIOD.toNanos() / 1e9;
        double len = MARKER.toNanos() / 1e9;
        for (int i = 0; i < frames; i++) {
            double t = (double) i / sampleRate - leadSeconds;
            double phase = t % period;
            double v = bed * (2 * noise.nextDouble() - 1);
            if (t >= 0 && phase < len) {
                double ramp = Math.min(1, Math.min(phase, len - phase) / RAMP_SECONDS);
                v += marker * ramp * Math.sin(2 * Math.PI * frequency((long) Math.floor(t / period)) * t);
            }
            data.putShort((short) Math.round(Math.max(-1, Math.min(1, v)) * 32767));
        }
        return new Pcm(new PcmFormat(sampleRate, 1), data.array());
    }

    /** Writes the signal for {@code length} to {@code file} as a WAV. */
    public static Path wav(Path file, Duration length, int sampleRate) throws IOException {
        WavWriter.write(file, pcm(length, sampleRate));
        return file;
    }

    /** Writes the bed for {@code lead}, then the signal, {@code length} in all, to {@code file} as a WAV. */
    public static Path wav(Path file, Duration lead, Duration length, int sampleRate) throws IOException {
        WavWriter.write(file, pcm(lead, length, sampleRate));
        return file;
    }

    /**
     * The markers in {@code audio}: a run of windows where one of the 8 frequencies is at or above
     * {@code thresholdDb}, after at least {@link ToneDetector#REARM} without any; its index is the
     * frequency strongest over the run's first 50 ms.
     */
    public static List<Marker> find(ToneDetector audio, double thresholdDb) {
        double[][] levels = new double[FREQUENCIES.length][];
        for (int f = 0; f < FREQUENCIES.length; f++) {
            levels[f] = audio.levelsDb(FREQUENCIES[f]);
        }
        int windows = audio.windows();
        int rearm = (int) (ToneDetector.REARM.toNanos() / ToneDetector.WINDOW.toNanos());
        int head = (int) (Duration.ofMillis(50).toNanos() / ToneDetector.WINDOW.toNanos());
        List<Marker> found = new ArrayList<>();
        int below = rearm;
        for (int w = 0; w < windows; w++) {
            boolean on = false;
            for (double[] l : levels) {
                on |= l[w] >= thresholdDb;
            }
            if (!on) {
                below++;
                continue;
            }
            if (below >= rearm) {
                int best = 0;
                double bestSum = Double.NEGATIVE_INFINITY;
                for (int f = 0; f < FREQUENCIES.length; f++) {
                    double sum = 0;
                    for (int i = w; i < Math.min(windows, w + head); i++) {
                        sum += Math.pow(10, levels[f][i] / 10);
                    }
                    if (sum > bestSum) {
                        bestSum = sum;
                        best = f;
                    }
                }
                found.add(new Marker(audio.at(w), best));
            }
            below = 0;
        }
        return found;
    }

    /** Whether {@code markers} follow one another as the signal plays them: each index one more (mod 8) than the last. */
    public static boolean consecutive(List<Marker> markers) {
        for (int i = 1; i < markers.size(); i++) {
            if (markers.get(i).index() != (markers.get(i - 1).index() + 1) % FREQUENCIES.length) {
                return false;
            }
        }
        return true;
    }

    private static double amplitude(double db) {
        return Math.pow(10, db / 20);
    }

    /** Uniform noise of this peak has an RMS of {@link #BED_DB}. */
    private static double bedPeak() {
        return amplitude(BED_DB) * Math.sqrt(3);
    }
}
