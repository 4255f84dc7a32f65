package vn.loalang.audio;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Small helpers shared by the stream implementations. */
final class Streams {

    private Streams() {
    }

    /** len rounded down to whole frames; a positive len below one frame is a caller bug. */
    static int wholeFrames(int len, PcmFormat format) {
        int frameBytes = format.frameBytes();
        if (len > 0 && len < frameBytes) {
            throw new IllegalArgumentException("buffer of " + len + " bytes cannot hold one " + format + " frame (" + frameBytes + " bytes)");
        }
        return len - len % frameBytes;
    }

    static byte[] readAll(PcmStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf, 0, buf.length)) >= 0) {
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    static short clamp(double v) {
        long r = Math.round(v);
        return (short) Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, r));
    }
}
