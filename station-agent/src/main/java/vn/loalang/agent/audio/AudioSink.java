package vn.loalang.agent.audio;

import vn.loalang.audio.PcmFormat;

import java.io.IOException;
import java.time.Instant;

/**
 * Where a session's sound goes. An output is opened when the amplifier relay is on and closed
 * before it goes off; {@link Output#write} blocks like a sound card does, so the position in
 * the written audio is the position in time.
 */
public interface AudioSink {
    /** Opens the output for one session; {@code label} names it in logs (and files). */
    Output open(PcmFormat format, String label) throws IOException;

    interface Output extends AutoCloseable {
        /** When the first frame written leaves the output. */
        Instant openedAt();

        void write(byte[] buf, int off, int len) throws IOException;

        /** Returns when everything written has been played. */
        void drain() throws IOException;

        @Override
        void close() throws IOException;
    }
}
