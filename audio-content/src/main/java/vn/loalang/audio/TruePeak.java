package vn.loalang.audio;

/**
 * True-peak level as BS.1770-4 Annex 2 describes it: the signal is oversampled four times and the
 * largest absolute value is kept, so that peaks between samples (which a DAC or a later resampler
 * will produce) are seen. A 12 kHz sine at 48 kHz sampled at 45 degrees shows its samples 3 dB below
 * its real peak; a sample-peak meter would let a gain push it 3 dB into clipping.
 *
 * <p>The interpolator is a Kaiser-windowed sinc (16 input samples per output, beta 5), flat within
 * 0.03 dB up to 0.4 × the sample rate (19.2 kHz at 48 kHz): within the +0.2/−0.4 dB that EBU Tech 3341
 * allows true-peak meters, with margin. The original samples are kept exactly (phase 0).
 */
final class TruePeak {

    static final int OVERSAMPLING = 4;
    /** Input samples on each side of the interpolated point. */
    private static final int HALF_TAPS = 8;
    private static final int TAPS = 2 * HALF_TAPS;
    private static final double KAISER_BETA = 5;

    /** PHASES[p - 1][i] weights sample n - HALF_TAPS + 1 + i for the point n + p / OVERSAMPLING. */
    private static final double[][] PHASES = phases();

    // Per channel, the last TAPS samples, each stored twice (at i and i + TAPS), so that the
    // window ending at any position is one contiguous run: no modulo in the inner loop.
    private final double[][] history;
    private int position;
    private double peak;

    TruePeak(int channels) {
        history = new double[channels][2 * TAPS];
    }

    /**
     * Adds one frame's samples (full scale = 1.0). Interpolates between the samples HALF_TAPS - 1
     * and HALF_TAPS frames back, the latest point whose window is complete.
     */
    void add(double[] frame) {
        int p = position;
        for (int c = 0; c < history.length; c++) {
            double[] h = history[c];
            double x = frame[c];
            h[p] = x;
            h[p + TAPS] = x;
            peak = Math.max(peak, Math.abs(x));
            int start = p + 1; // window = h[start .. start + TAPS), oldest first
            for (double[] taps : PHASES) {
                double y = 0;
                for (int i = 0; i < TAPS; i++) {
                    y += taps[i] * h[start + i];
                }
                peak = Math.max(peak, Math.abs(y));
            }
        }
        position = (p + 1) % TAPS;
    }

    /** Linear peak (1.0 = full scale) after flushing the last samples' interpolation with silence. */
    double finish() {
        double[] zeros = new double[history.length];
        for (int i = 0; i < HALF_TAPS; i++) {
            add(zeros);
        }
        return peak;
    }

    private static double[][] phases() {
        double[][] phases = new double[OVERSAMPLING - 1][TAPS];
        double i0Beta = Resampler.besselI0(KAISER_BETA);
        for (int p = 1; p < OVERSAMPLING; p++) {
            double frac = (double) p / OVERSAMPLING;
            double sum = 0;
            for (int i = 0; i < TAPS; i++) {
                double t = frac - (i - HALF_TAPS + 1); // distance from that input sample to the point
                double r = t / HALF_TAPS;
                double window = Resampler.besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
                double sinc = Math.sin(Math.PI * t) / (Math.PI * t);
                phases[p - 1][i] = sinc * window;
                sum += phases[p - 1][i];
            }
            // Unity gain at DC for every phase, so a constant signal does not ripple at 4x.
            for (int i = 0; i < TAPS; i++) {
                phases[p - 1][i] /= sum;
            }
        }
        return phases;
    }
}
