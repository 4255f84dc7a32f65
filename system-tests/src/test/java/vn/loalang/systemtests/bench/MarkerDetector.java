package vn.loalang.systemtests.bench;

import vn.loalang.systemtests.support.MarkerSignal;
import vn.loalang.systemtests.support.ToneDetector;

import java.util.ArrayList;
import java.util.List;

/**
 * {@link MarkerSignal#find} as the audio goes by: the live bench's stations cannot keep a whole talk of
 * PCM each (200 stations × 30 s at 44.1 kHz is half a gigabyte), so the same decision is made window by
 * window on what is written to the line. Same windows ({@link ToneDetector#WINDOW}, Hann), same
 * threshold and re-arm, same choice of frequency (the strongest over the first 50 ms of the run), so an
 * onset here is the onset {@code MarkerSignal.find} reports on the same samples (MarkerDetectorTest).
 * One writer thread; {@link #onsets} may be read from another.
 */
final class MarkerDetector {
    /** A marker's first window: its first frame (counted from the first frame accepted) and its index (0–7). */
    record Onset(long frame, int index) {
    }

    private static final int FREQUENCIES = MarkerSignal.FREQUENCIES.length;

    private final int channels;
    private final int window;
    private final double[] hann;
    private final double hannSum;
    /** √(Σh²) of the window, and the threshold as an amplitude: for {@link #quieterThanAnyTone}. */
    private final double hannNorm;
    private final double thresholdAmplitude;
    private final double[] coeff = new double[FREQUENCIES];
    private final double thresholdDb;
    private final int rearmWindows;
    private final int headWindows;
    private final float[] samples;
    private int filled;
    private long windowStart;
    private int below;
    /** The onset being identified: its first window, and the power of each frequency summed over its head. */
    private long pendingFrame = -1;
    private int pendingWindows;
    private final double[] pendingPower = new double[FREQUENCIES];
    private final List<Onset> onsets = new ArrayList<>();

    MarkerDetector(int sampleRate, int channels, double thresholdDb) {
        this.channels = channels;
        this.window = Math.max(1, (int) (sampleRate * ToneDetector.WINDOW.toNanos() / 1_000_000_000L));
        this.hann = new double[window];
        double s = 0;
        for (int i = 0; i < window; i++) {
            hann[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / window);
            s += hann[i];
        }
        this.hannSum = s;
        double squares = 0;
        for (double h : hann) {
            squares += h * h;
        }
        this.hannNorm = Math.sqrt(squares);
        this.thresholdAmplitude = Math.pow(10, thresholdDb / 20);
        for (int f = 0; f < FREQUENCIES; f++) {
            coeff[f] = 2 * Math.cos(2 * Math.PI * MarkerSignal.FREQUENCIES[f] / sampleRate);
        }
        this.thresholdDb = thresholdDb;
        this.rearmWindows = (int) (ToneDetector.REARM.toNanos() / ToneDetector.WINDOW.toNanos());
        this.headWindows = (int) (java.time.Duration.ofMillis(50).toNanos() / ToneDetector.WINDOW.toNanos());
        this.samples = new float[window];
        this.below = rearmWindows;
    }

    /** 16-bit little-endian PCM, whole frames; channels are averaged, as {@link ToneDetector} does. */
    void accept(byte[] buf, int off, int len) {
        int frameBytes = 2 * channels;
        for (int p = off; p + frameBytes <= off + len; p += frameBytes) {
            int sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += (short) ((buf[p + 2 * c] & 0xff) | (buf[p + 2 * c + 1] << 8));
            }
            samples[filled++] = (float) sum / channels;
            if (filled == window) {
                endOfWindow();
                windowStart += window;
                filled = 0;
            }
        }
    }

    private void endOfWindow() {
        double[] db = new double[FREQUENCIES];
        boolean on = false;
        if (pendingFrame < 0 && quieterThanAnyTone()) {
            // No frequency can reach the threshold: the 8 filters are not run (about 95 % of the windows).
            below++;
            return;
        }
        for (int f = 0; f < FREQUENCIES; f++) {
            db[f] = levelDb(coeff[f]);
            on |= db[f] >= thresholdDb;
        }
        if (pendingFrame >= 0) {
            head(db);
        }
        if (!on) {
            below++;
            return;
        }
        if (below >= rearmWindows && pendingFrame < 0) {
            pendingFrame = windowStart;
            pendingWindows = 0;
            java.util.Arrays.fill(pendingPower, 0);
            head(db);
        }
        below = 0;
    }

    /** One more window of the pending onset's head; after {@code headWindows} its strongest frequency names it. */
    private void head(double[] db) {
        for (int f = 0; f < FREQUENCIES; f++) {
            pendingPower[f] += Math.pow(10, db[f] / 10);
        }
        if (++pendingWindows < headWindows) {
            return;
        }
        int best = 0;
        for (int f = 1; f < FREQUENCIES; f++) {
            if (pendingPower[f] > pendingPower[best]) {
                best = f;
            }
        }
        synchronized (onsets) {
            onsets.add(new Onset(pendingFrame, best));
        }
        pendingFrame = -1;
    }

    /**
     * Whether the window's energy is too small for any one frequency to reach the threshold. By Cauchy–Schwarz,
     * |Σ x·h·e^{-iωn}| ≤ √(Σx²)·√(Σh²), so a level is at most 2·√(Σx²)·√(Σh²)/Σh (of full scale): below the
     * threshold, the window is off whatever its frequencies, exactly as the filters would find.
     */
    private boolean quieterThanAnyTone() {
        double energy = 0;
        for (int i = 0; i < window; i++) {
            energy += (double) samples[i] * samples[i];
        }
        double bound = 2 * Math.sqrt(energy) * hannNorm / hannSum / 32768.0;
        return bound < thresholdAmplitude;
    }

    private double levelDb(double c) {
        double s1 = 0;
        double s2 = 0;
        for (int i = 0; i < window; i++) {
            double s0 = samples[i] * hann[i] + c * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        double power = s1 * s1 + s2 * s2 - c * s1 * s2;
        double amplitude = 2 * Math.sqrt(Math.max(power, 0)) / hannSum / 32768.0;
        return amplitude <= 1e-10 ? -200 : 20 * Math.log10(amplitude);
    }

    /** The onsets identified so far, in order. */
    List<Onset> onsets() {
        synchronized (onsets) {
            return List.copyOf(onsets);
        }
    }
}
