package vn.loalang.audio;

import java.io.Closeable;
import java.io.IOException;

/** A pull stream of 16-bit PCM in one format. */
public interface PcmStream extends Closeable {

    PcmFormat format();

    /**
     * Reads up to len bytes, always whole frames; -1 at the end. Returns 0 only when len is 0;
     * a len smaller than one frame is rejected rather than answered with 0, which would spin callers.
     */
    int read(byte[] buf, int off, int len) throws IOException;
}
