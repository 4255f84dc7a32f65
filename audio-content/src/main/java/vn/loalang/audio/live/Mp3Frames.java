package vn.loalang.audio.live;

import vn.loalang.audio.MpegFrameHeader;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Splits an MPEG audio byte stream (ffmpeg's output, an Icecast mount, the controller's live channel) into
 * whole frames. A stream may be joined anywhere, may carry ID3v2 and Xing/Info tags, and may arrive damaged
 * over a mobile link: this reader finds the first header that the next frame's header confirms, then takes
 * frames of that stream until a header breaks the pattern, and then searches again. Tags are skipped, and
 * every byte it passes over is counted ({@link #skippedBytes()}).
 *
 * <p>Nothing from the stream sizes an allocation: the buffer is fixed, and an ID3 tag, whatever size it
 * claims, is read past in place (a claim larger than the stream simply ends at end of stream).
 */
public final class Mp3Frames {
    /** Larger than any MPEG-1/2/2.5 layer I–III frame (layer II at 384 kbit/s and 32 kHz is 1,728 bytes), twice. */
    private static final int BUFFER = 8192;
    private static final int ID3_HEADER = 10;

    private final InputStream in;
    private final byte[] buf = new byte[BUFFER];
    private int start;
    private int end;
    private MpegFrameHeader locked;
    private long skippedBytes;
    private long frames;

    private Mp3Frames(InputStream in) {
        this.in = Objects.requireNonNull(in, "in");
    }

    public static Mp3Frames reading(InputStream in) {
        return new Mp3Frames(in);
    }

    /** The next audio frame; empty at the end of the stream. Blocks as the underlying stream does. */
    public Optional<Frame> next() throws IOException {
        while (true) {
            if (!fill(MpegFrameHeader.SIZE)) {
                return Optional.empty();
            }
            if (id3At(start)) {
                if (!fill(ID3_HEADER)) {
                    return Optional.empty();
                }
                long size = ID3_HEADER + syncsafe(start + 6) + ((buf[start + 5] & 0x10) != 0 ? 10 : 0);
                if (!skip(size)) {
                    return Optional.empty();
                }
                continue;
            }
            MpegFrameHeader h = MpegFrameHeader.parse(buf, start);
            if (h == null || h.frameBytes() < MpegFrameHeader.SIZE || (locked != null && !locked.sameStream(h))) {
                lose(1);
                continue;
            }
            if (locked == null) {
                // A header found by searching is believed only when a frame of the same stream follows it.
                if (!fill(h.frameBytes() + MpegFrameHeader.SIZE)) {
                    return Optional.empty();
                }
                int after = start + h.frameBytes();
                if (!h.sameStream(MpegFrameHeader.parse(buf, after)) && !id3At(after)) {
                    lose(1);
                    continue;
                }
                locked = h;
            } else if (!fill(h.frameBytes())) {
                return Optional.empty();
            }
            byte[] frame = Arrays.copyOfRange(buf, start, start + h.frameBytes());
            start += h.frameBytes();
            if (h.tagFrame(frame)) {
                skippedBytes += frame.length;
                continue;
            }
            frames++;
            return Optional.of(new Frame(frame, h.sampleRate(), h.samplesPerFrame(), h.channels()));
        }
    }

    /** Bytes passed over so far: tags, and anything that was not a frame of the stream. */
    public long skippedBytes() {
        return skippedBytes;
    }

    /** Audio frames returned so far. */
    public long frames() {
        return frames;
    }

    private void lose(int n) {
        start += n;
        skippedBytes += n;
        if (locked != null) {
            locked = null;
        }
    }

    private boolean id3At(int at) {
        return at + 3 <= end && buf[at] == 'I' && buf[at + 1] == 'D' && buf[at + 2] == '3';
    }

    private long syncsafe(int at) {
        return ((buf[at] & 0x7fL) << 21) | ((buf[at + 1] & 0x7fL) << 14) | ((buf[at + 2] & 0x7fL) << 7)
                | (buf[at + 3] & 0x7fL);
    }

    /** Passes over {@code n} bytes of the stream; false when it ends first. */
    private boolean skip(long n) throws IOException {
        skippedBytes += n;
        while (n > 0) {
            if (start == end && !fill(1)) {
                return false;
            }
            int take = (int) Math.min(n, end - start);
            start += take;
            n -= take;
        }
        return true;
    }

    /** Makes at least {@code n} bytes available from {@code start}; false at end of stream. */
    private boolean fill(int n) throws IOException {
        if (end - start >= n) {
            return true;
        }
        if (start + n > buf.length) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        while (end - start < n) {
            int read = in.read(buf, end, buf.length - end);
            if (read < 0) {
                return false;
            }
            end += read;
        }
        return true;
    }
}
