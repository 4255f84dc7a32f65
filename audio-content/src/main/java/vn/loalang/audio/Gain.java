package vn.loalang.audio;

/** Gain on 16-bit little-endian PCM, in place. */
public final class Gain {

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
