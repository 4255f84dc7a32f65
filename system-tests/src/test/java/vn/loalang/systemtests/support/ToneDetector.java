package vn.loalang.systemtests.support;

import vn.loalang.audio.AudioContentException;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.Pcm;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds tones in rendered audio: the level of one frequency in each 10 ms window (Goertzel over a
 * Hann window, so that a tone 250 Hz away leaks about 30 dB less than it has), and the onsets where
 * that level rises through a threshold. Live tests use it on a station's WAV to find the markers
 * of {@link MarkerSignal} that crossed ffmpeg, the channel, Icecast, the jitter buffer and the
 * decoder; its resolution (10 ms) is far below what they assert (a few hundred ms).
 */
public final class ToneDetector {
    /** One analysis window. */
    public static final Duration WINDOW = Duration.ofMillis(10);
    /** After an onset, the level must stay below the threshold this long before the next one counts. */
    public static final Duration REARM = Duration.ofMillis(300);

    private final float[] mono;
    private final int sampleRate;
    private final int window;
    private final double[] hann;
    private final double hannSum;

    /** @param pcm 16-bit PCM; channels are averaged */
    public ToneDetector(Pcm pcm) {
        this.sampleRate = pcm.format().sampleRate();
        int channels = pcm.format().channels();
        long frames = pcm.frames();
        this.mono = new float[Math.toIntExact(frames)];
        for (int f = 0; f < frames; f++) {
            int sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += pcm.sample(f, c);
            }
            mono[f] = (float) sum / channels;
        }
        this.window = Math.max(1, (int) (sampleRate * WINDOW.toNanos() / 1_000_000_000L));
        this.hann = new double[window];
        double s = 0;
        for (int i = 0; i < window; i++) {
            hann[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / window);
            s += hann[i];
        }
        this.hannSum = s;
    }

    /** A WAV or MP3 file, decoded whole. */
    public static ToneDetector of(Path file) throws AudioContentException {
        return new ToneDetector(AudioDecoder.decodeAll(file));
    }

    /** The audio's length. */
    public Duration length() {
        return Duration.ofNanos(mono.length * 1_000_000_000L / sampleRate);
    }

    /** How many windows the audio has. */
    public int windows() {
        return mono.length / window;
    }

    /** The start of window {@code w}. */
    public Duration at(int w) {
        return Duration.ofNanos((long) w * window * 1_000_000_000L / sampleRate);
    }

    /**
     * The amplitude of {@code hz} in each window, in dB relative to a full-scale sine: a sine of
     * amplitude 0.25 of full scale reads −12 dB. Silence reads −200 dB.
     */
    public double[] levelsDb(double hz) {
        double coeff = 2 * Math.cos(2 * Math.PI * hz / sampleRate);
        double[] out = new double[windows()];
        for (int w = 0; w < out.length; w++) {
            int base = w * window;
            double s1 = 0;
            double s2 = 0;
            for (int i = 0; i < window; i++) {
                double s0 = mono[base + i] * hann[i] + coeff * s1 - s2;
                s2 = s1;
                s1 = s0;
            }
            double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
            double amplitude = 2 * Math.sqrt(Math.max(power, 0)) / hannSum / 32768.0;
            out[w] = amplitude <= 1e-10 ? -200 : 20 * Math.log10(amplitude);
        }
        return out;
    }

    /**
     * Where {@code hz} rises to {@code thresholdDb} or above: the start of the first window at or
     * above it, after at least {@link #REARM} below it (so one tone is one onset however it wobbles).
     */
    public List<Duration> onsets(double hz, double thresholdDb) {
        double[] levels = levelsDb(hz);
        int rearm = (int) (REARM.toNanos() / WINDOW.toNanos());
        List<Duration> onsets = new ArrayList<>();
        int below = rearm;
        for (int w = 0; w < levels.length; w++) {
            if (levels[w] >= thresholdDb) {
                if (below >= rearm) {
                    onsets.add(at(w));
                }
                below = 0;
            } else {
                below++;
            }
        }
        return onsets;
    }
}
