package vn.loalang.audio;

import java.io.IOException;

/**
 * Windowed-sinc (Kaiser) sample-rate converter. Output frame k sits at input position
 * k * inRate / outRate, computed in exact integer arithmetic so long streams never drift.
 * The filter is symmetric around that position (it looks ahead into the input), so there is no
 * group delay: a tone that starts at 1.000 s still starts at 1.000 s.
 */
final class Resampler implements PcmStream {

    /** Zero crossings of the sinc on each side: ~80 dB stopband with the Kaiser window below. */
    private static final int ZERO_CROSSINGS = 16;
    private static final double KAISER_BETA = 8.6;
    /** Passband edge as a fraction of the lower Nyquist frequency; the rest is transition band. */
    private static final double PASSBAND = 0.92;
    /** Kernel table entries per input sample; linear interpolation between them. */
    private static final int TABLE_STEPS = 256;
    private static final int READ_FRAMES = 4096;
    /** Most phases whose weights are kept: 44.1↔48 kHz has 147 or 160, 22.05→44.1 kHz has 2. */
    private static final int MAX_TABLED_PHASES = 1024;

    private final PcmStream in;
    private final PcmFormat format;
    private final int channels;
    private final long inRate;
    private final long outRate;
    private final double halfWidth;   // kernel reach in input samples
    private final int reach;           // whole input samples each side
    private final float[] kernel;      // h(x) for x = i / TABLE_STEPS, x in [0, halfWidth]
    private final double[] weights;
    /**
     * The weights of every output phase, computed once: output frame k falls at phase
     * (k * inRate mod outRate) / gcd, and the weights depend on nothing else. Null when the rates
     * have too many phases; then they are computed per frame.
     */
    private final double[][] phaseWeights;
    private final long phaseStep;

    private float[][] hist;            // input samples per channel, hist[c][0] is input index histStart
    private long histStart;
    private int histLen;
    private boolean inputEnded;
    private long inputFrames;          // total, known once inputEnded
    private long outFrame;             // next output frame index
    private byte[] raw = new byte[0];

    Resampler(PcmStream in, int outRate) {
        this.in = in;
        this.channels = in.format().channels();
        this.format = new PcmFormat(outRate, channels);
        this.inRate = in.format().sampleRate();
        this.outRate = outRate;
        // Below the lower of the two Nyquist frequencies, in cycles per input sample.
        double cutoff = 0.5 * Math.min(1.0, (double) outRate / inRate) * PASSBAND;
        this.halfWidth = ZERO_CROSSINGS / (2 * cutoff);
        this.reach = (int) Math.ceil(halfWidth);
        this.kernel = new float[(int) Math.ceil(halfWidth * TABLE_STEPS) + 2];
        double i0Beta = besselI0(KAISER_BETA);
        for (int i = 0; i < kernel.length; i++) {
            double x = (double) i / TABLE_STEPS;
            double r = x / halfWidth;
            double window = r >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0Beta;
            double arg = 2 * cutoff * x;
            double sinc = x == 0 ? 1 : Math.sin(Math.PI * arg) / (Math.PI * arg);
            kernel[i] = (float) (2 * cutoff * sinc * window);
        }
        this.weights = new double[2 * reach + 1];
        this.hist = new float[channels][READ_FRAMES + 4 * reach + 2];
        this.phaseStep = gcd(inRate, outRate);
        long phases = outRate / phaseStep;
        if (phases <= MAX_TABLED_PHASES) {
            this.phaseWeights = new double[(int) phases][];
            for (int ph = 0; ph < phases; ph++) {
                double frac = (double) (ph * phaseStep) / outRate;
                double[] w = new double[2 * reach + 1];
                fillWeights(w, frac);
                phaseWeights[ph] = w;
            }
        } else {
            this.phaseWeights = null;
        }
    }

    /** The filter's weights for the input samples around a position {@code frac} past a whole input sample. */
    private void fillWeights(double[] w, double frac) {
        for (int t = 0; t < w.length; t++) {
            // The distance from the output's position to input sample ip - reach + t: ip itself cancels out.
            w[t] = kernelAt(Math.abs(frac + reach - t));
        }
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }

    @Override
    public PcmFormat format() {
        return format;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int maxFrames = Streams.wholeFrames(len, format) / format.frameBytes();
        if (maxFrames == 0) {
            return 0;
        }
        int done = 0;
        int o = off;
        while (done < maxFrames) {
            long num = outFrame * inRate;
            long ip = num / outRate;
            double frac = (double) (num % outRate) / outRate;
            long last = ip + reach;
            while (!inputEnded && histStart + histLen <= last) {
                fill(ip - reach);
            }
            if (inputEnded && outFrame >= (inputFrames * outRate + inRate - 1) / inRate) {
                break;
            }
            long first = ip - reach;
            double[] w;
            if (phaseWeights != null) {
                w = phaseWeights[(int) ((num % outRate) / phaseStep)];
            } else {
                w = weights;
                fillWeights(w, frac);
            }
            for (int c = 0; c < channels; c++) {
                float[] h = hist[c];
                double acc = 0;
                for (int t = 0; t < w.length; t++) {
                    long j = first + t - histStart;
                    if (j >= 0 && j < histLen) {
                        acc += w[t] * h[(int) j];
                    }
                }
                short s = Streams.clamp(acc);
                buf[o++] = (byte) s;
                buf[o++] = (byte) (s >> 8);
            }
            outFrame++;
            done++;
        }
        return done == 0 ? -1 : o - off;
    }

    private double kernelAt(double x) {
        if (x >= halfWidth) {
            return 0;
        }
        double p = x * TABLE_STEPS;
        int i = (int) p;
        double f = p - i;
        return kernel[i] + f * (kernel[i + 1] - kernel[i]);
    }

    /** Reads more input, first dropping samples before keepFrom, which no later output needs. */
    private void fill(long keepFrom) throws IOException {
        int drop = (int) Math.max(0, Math.min(histLen, keepFrom - histStart));
        if (drop > 0) {
            for (float[] h : hist) {
                System.arraycopy(h, drop, h, 0, histLen - drop);
            }
            histStart += drop;
            histLen -= drop;
        }
        if (hist[0].length - histLen < READ_FRAMES) {
            for (int c = 0; c < channels; c++) {
                hist[c] = java.util.Arrays.copyOf(hist[c], histLen + 2 * READ_FRAMES);
            }
        }
        int want = READ_FRAMES * in.format().frameBytes();
        if (raw.length < want) {
            raw = new byte[want];
        }
        int n = in.read(raw, 0, want);
        if (n < 0) {
            inputEnded = true;
            inputFrames = histStart + histLen;
            return;
        }
        int frames = n / in.format().frameBytes();
        for (int f = 0; f < frames; f++) {
            for (int c = 0; c < channels; c++) {
                int i = (f * channels + c) * 2;
                hist[c][histLen + f] = (short) ((raw[i] & 0xff) | (raw[i + 1] << 8));
            }
        }
        histLen += frames;
    }

    /** Modified Bessel function of the first kind, order 0: the Kaiser window (also used by {@link TruePeak}). */
    static double besselI0(double x) {
        double sum = 1;
        double term = 1;
        for (int k = 1; k < 50; k++) {
            term *= (x / (2 * k)) * (x / (2 * k));
            sum += term;
            if (term < 1e-12 * sum) {
                break;
            }
        }
        return sum;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
