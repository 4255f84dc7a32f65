package vn.loalang.agent.live;

import vn.loalang.audio.live.Frame;

import javazoom.jl.decoder.Bitstream;
import javazoom.jl.decoder.BitstreamException;
import javazoom.jl.decoder.Decoder;
import javazoom.jl.decoder.DecoderException;
import javazoom.jl.decoder.Header;
import javazoom.jl.decoder.SampleBuffer;

import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * JLayer's decoder fed one MP3 frame at a time. Layer III frames borrow bits from earlier frames
 * (the bit reservoir), which JLayer keeps inside its decoder together with the {@link Bitstream} it
 * was first given, so one bitstream is fed for the whole item, through a queue the frames are put in.
 * A frame JLayer cannot decode (a damaged one off a 3G link) is dropped, and the decoder starts over
 * at the next frame, which loses at most the reservoir's few frames.
 */
final class FrameDecoder implements LiveDecoder {

    private final Feed feed = new Feed();
    private Bitstream bitstream;
    private Decoder decoder;
    private long failed;

    @Override
    public Decoded decode(Frame frame) {
        feed.add(frame.bytes());
        try {
            if (bitstream == null) {
                bitstream = new Bitstream(feed);
                decoder = new Decoder();
            }
            Header header = bitstream.readFrame();
            if (header == null) {
                return restart();
            }
            try {
                SampleBuffer out = (SampleBuffer) decoder.decodeFrame(header, bitstream);
                return new Decoded(out.getBuffer(), out.getBufferLength(), out.getSampleFrequency(), out.getChannelCount());
            } finally {
                bitstream.closeFrame();
            }
        } catch (DecoderException | BitstreamException | RuntimeException e) {
            // JLayer indexes its tables by what the frame says (ArrayIndexOutOfBounds on damaged data):
            // the frame is lost, not the item.
            return restart();
        }
    }

    @Override
    public long failed() {
        return failed;
    }

    private Decoded restart() {
        failed++;
        feed.clear();
        bitstream = null;
        decoder = null;
        return null;
    }

    /**
     * The frames not yet read by JLayer. Empty reads as the end of the stream (-1), never as a wait:
     * JLayer peeks past each frame for the next header, and reads the end there as "in sync".
     */
    private static final class Feed extends InputStream {
        private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
        private int pos;

        void add(byte[] b) {
            chunks.addLast(b);
        }

        void clear() {
            chunks.clear();
            pos = 0;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            int n = 0;
            while (n < len && !chunks.isEmpty()) {
                byte[] head = chunks.peekFirst();
                int take = Math.min(len - n, head.length - pos);
                System.arraycopy(head, pos, b, off + n, take);
                n += take;
                pos += take;
                if (pos == head.length) {
                    chunks.pollFirst();
                    pos = 0;
                }
            }
            return n == 0 ? -1 : n;
        }

        @Override
        public int available() {
            int n = -pos;
            for (byte[] c : chunks) {
                n += c.length;
            }
            return n;
        }
    }
}
