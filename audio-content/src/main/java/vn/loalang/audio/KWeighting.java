package vn.loalang.audio;

/**
 * The BS.1770 K-weighting filter: a high-shelf ("stage 1", +4 dB above ~1.7 kHz, the acoustic
 * effect of the head) followed by the RLB high-pass ("stage 2", ~38 Hz).
 *
 * <p>BS.1770-4 tabulates the coefficients for 48 kHz only. Using that table at 44.1 kHz would shift
 * both corners by 48/44.1 (about 0.1 octave) and misread bass and presence. So the coefficients are
 * derived for the actual rate from the analog prototypes behind the table (centre frequency, Q and
 * gain as fitted in libebur128), through the bilinear transform with
 * pre-warping; at 48 kHz this reproduces the table to 1e-9 ({@code KWeightingTest}).
 */
final class KWeighting {

    // Analog prototype of stage 1 (high shelf).
    private static final double SHELF_HZ = 1681.974450955533;
    private static final double SHELF_GAIN_DB = 3.999843853973347;
    private static final double SHELF_Q = 0.7071752369554196;
    /** Exponent that places the shelf's mid-band gain; part of the same fit. */
    private static final double SHELF_VB_EXPONENT = 0.4996667741545416;

    // Analog prototype of stage 2 (RLB high-pass).
    private static final double HIGHPASS_HZ = 38.13547087602444;
    private static final double HIGHPASS_Q = 0.5003270373238773;

    /** One second-order section, a0 normalised to 1: y = b0 x + b1 x1 + b2 x2 - a1 y1 - a2 y2. */
    record Biquad(double b0, double b1, double b2, double a1, double a2) {
    }

    private final Biquad shelf;
    private final Biquad highPass;

    // Direct form II transposed state, per channel: two stages, two state variables each.
    private final double[] s1a;
    private final double[] s1b;
    private final double[] s2a;
    private final double[] s2b;

    KWeighting(int sampleRate, int channels) {
        shelf = shelf(sampleRate);
        highPass = highPass(sampleRate);
        s1a = new double[channels];
        s1b = new double[channels];
        s2a = new double[channels];
        s2b = new double[channels];
    }

    static Biquad shelf(int sampleRate) {
        double k = Math.tan(Math.PI * SHELF_HZ / sampleRate);
        double vh = Math.pow(10, SHELF_GAIN_DB / 20);
        double vb = Math.pow(vh, SHELF_VB_EXPONENT);
        double a0 = 1 + k / SHELF_Q + k * k;
        return new Biquad(
                (vh + vb * k / SHELF_Q + k * k) / a0,
                2 * (k * k - vh) / a0,
                (vh - vb * k / SHELF_Q + k * k) / a0,
                2 * (k * k - 1) / a0,
                (1 - k / SHELF_Q + k * k) / a0);
    }

    static Biquad highPass(int sampleRate) {
        double k = Math.tan(Math.PI * HIGHPASS_HZ / sampleRate);
        double a0 = 1 + k / HIGHPASS_Q + k * k;
        // Numerator 1, -2, 1 left unnormalised, exactly as in BS.1770's table: the -0.691 dB constant
        // of the standard was calibrated with that small passband gain included.
        return new Biquad(1, -2, 1, 2 * (k * k - 1) / a0, (1 - k / HIGHPASS_Q + k * k) / a0);
    }

    /** Filters one sample of channel c (full scale = 1.0) and returns it K-weighted. */
    double filter(int c, double x) {
        Biquad f = shelf;
        double y = f.b0 * x + s1a[c];
        s1a[c] = f.b1 * x - f.a1 * y + s1b[c];
        s1b[c] = f.b2 * x - f.a2 * y;

        Biquad h = highPass;
        double z = h.b0 * y + s2a[c];
        s2a[c] = h.b1 * y - h.a1 * z + s2b[c];
        s2b[c] = h.b2 * y - h.a2 * z;
        return z;
    }
}
