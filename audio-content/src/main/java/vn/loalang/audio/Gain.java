package vn.loalang.audio;

/** Gain on 16-bit little-endian PCM, in place. */
public final class Gain {
    /**
     * Where the soft limiter's knee begins: −3 dBFS. Below it a sample is only multiplied; above it,
     * it bends towards full scale and never reaches past it.
     */
    public static final double KNEE = Math.pow(10, -3 / 20.0) * Short.MAX_VALUE;

    private Gain() {
    }

    public static double dbToLinear(double db) {
        return Math.pow(10, db / 20);
    }

    /** Applies a linear gain in place, saturating instead of wrapping (a wrapped peak is a loud crack on a horn speaker). */
    public static void apply(byte[] buf, int off, int len, double linear) {
        checkRange(buf, off, len);
        if (linear == 1.0) {
            return;
        }
        for (int i = off; i + 1 < off + len; i += 2) {
            put(buf, i, Streams.clamp(get(buf, i) * linear));
        }
    }

    /**
     * Applies a linear gain in place like {@link #apply}; above unity gain, samples past {@link #KNEE}
     * go through a tanh knee instead of being cut flat. A positive level (a station set to +6 dB, a live
     * stream with no measured true peak) then rounds its loudest peaks off rather than clipping them,
     * which on a horn speaker is the difference between a louder voice and a distorted one. At or
     * below unity gain nothing can exceed full scale, so this is {@link #apply} exactly.
     */
    public static void applyLimited(byte[] buf, int off, int len, double linear) {
        if (linear <= 1.0) {
            apply(buf, off, len, linear);
            return;
        }
        checkRange(buf, off, len);
        for (int i = off; i + 1 < off + len; i += 2) {
            put(buf, i, limit(get(buf, i) * linear));
        }
    }

    /**
     * The soft limiter on one sample value (already multiplied by its gain): the identity up to
     * {@link #KNEE}, then {@code knee + room·tanh((|x| − knee) / room)}, which leaves the knee with slope
     * 1 (no kink to hear) and approaches full scale smoothly: a full-scale sample at +6 dB comes out
     * 3 steps below it, still rising, where a hard clamp would cut a flat top.
     */
    public static short limit(double x) {
        double a = Math.abs(x);
        if (a <= KNEE) {
            return Streams.clamp(x);
        }
        double room = Short.MAX_VALUE - KNEE;
        double bent = KNEE + room * Math.tanh((a - KNEE) / room);
        return Streams.clamp(Math.copySign(bent, x));
    }

    /**
     * A stream with a gain applied as it is read, through {@link #applyLimited}: for a player that
     * gives each item its level where it opens it.
     */
    public static PcmStream applied(PcmStream in, double linear) {
        if (linear == 1.0) {
            return in;
        }
        return new PcmStream() {
            @Override
            public PcmFormat format() {
                return in.format();
            }

            @Override
            public int read(byte[] buf, int off, int len) throws java.io.IOException {
                int n = in.read(buf, off, len);
                if (n > 0) {
                    applyLimited(buf, off, n, linear);
                }
                return n;
            }

            @Override
            public void close() throws java.io.IOException {
                in.close();
            }
        };
    }

    /**
     * Linear ramp from {@code from} at the first frame to {@code to} at the last, in place, with all
     * channels of a frame getting the same gain (so fades do not shift the stereo image).
     */
    public static void ramp(byte[] buf, int off, int len, PcmFormat f, double from, double to) {
        checkRange(buf, off, len);
        int frameBytes = f.frameBytes();
        int frames = len / frameBytes;
        for (int frame = 0; frame < frames; frame++) {
            double g = frames == 1 ? to : from + (to - from) * frame / (frames - 1);
            int base = off + frame * frameBytes;
            for (int i = base; i < base + frameBytes; i += 2) {
                put(buf, i, Streams.clamp(get(buf, i) * g));
            }
        }
    }

    private static void checkRange(byte[] buf, int off, int len) {
        if (off < 0 || len < 0 || off + len > buf.length || len % 2 != 0) {
            throw new IllegalArgumentException("range " + off + "+" + len + " is not whole 16-bit samples inside " + buf.length + " bytes");
        }
    }

    private static int get(byte[] b, int i) {
        return (short) ((b[i] & 0xff) | (b[i + 1] << 8));
    }

    private static void put(byte[] b, int i, short s) {
        b[i] = (byte) s;
        b[i + 1] = (byte) (s >> 8);
    }
}
