package vn.loalang.audio;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the audio in an MP3 file and reads its Xing/Info and LAME tags; walks frames to count them. */
final class Mp3Scanner {

    /** Search this far past the tags for the first frame; real files put it right there. */
    static final int SEARCH_WINDOW = 64 * 1024;

    private Mp3Scanner() {
    }

    /**
     * The Xing ("Xing" = VBR, "Info" = CBR) tag of the first frame and, when an encoder wrote
     * one, its LAME extension. frames and bytes are -1 when absent.
     */
    record XingTag(boolean vbr, long frames, long bytes, LameTag lame) {
    }

    /** Encoder delay and end padding in samples: what has to go for the decoded length to equal the source's. */
    record LameTag(String encoder, int encoderDelay, int padding) {
    }

    /**
     * The result of walking every frame header from the first frame to the end of the file.
     * Counts exclude the Xing/Info frame, which holds no audio.
     */
    record Walk(long audioFrames, long audioBytes, boolean bitrateVaries, int firstBitrateKbps, int midStreamTags,
                long cutFrameAt, int cutFrameNeeds, long cutFrameHas) {
        boolean lastFrameCut() {
            return cutFrameAt >= 0;
        }
    }

    /** Offset just past any ID3v2 tags at the start (files sometimes carry two). */
    static long skipId3v2(Path file) throws AudioContentException {
        long pos = 0;
        while (true) {
            byte[] h = FileBytes.read(file, pos, 10);
            int size = id3v2Size(h);
            if (size < 0) {
                return pos;
            }
            pos += size;
        }
    }

    /**
     * Where the MPEG frames end: the file size less the tags that taggers append after the last
     * frame, in any order: ID3v1 (128 bytes, written by LAME with --tt/--ta/--tl unless --id3v2-only),
     * Lyrics3 v2 and APEv2. mp3spi must not see them: after each frame JLayer checks that the next
     * 4 bytes are a frame header of the same stream, and when they are not (as with "TAG") it throws
     * the frame away and resyncs, so the last frame of every file with a trailing tag was lost.
     */
    static long audioEnd(Path file, long audioStart) throws AudioContentException {
        long end = FileBytes.size(file);
        while (true) {
            long tag = trailingTagSize(file, audioStart, end);
            if (tag <= 0) {
                return end;
            }
            end -= tag;
        }
    }

    /** Size of the tag that ends at end and starts after audioStart, or 0. */
    private static long trailingTagSize(Path file, long audioStart, long end) throws AudioContentException {
        long room = end - audioStart;
        if (room >= 128 && FileBytes.ascii(FileBytes.read(file, end - 128, 3), 0, "TAG")) {
            return 128;
        }
        if (room >= 32) {
            byte[] footer = FileBytes.read(file, end - 32, 32);
            if (FileBytes.ascii(footer, 0, "APETAGEX")) {
                // Size counts the items and this footer; a header of 32 more bytes is flagged by bit 31.
                long size = FileBytes.le32(footer, 12) + ((FileBytes.le32(footer, 20) & 0x8000_0000L) != 0 ? 32 : 0);
                if (size >= 32 && size <= room) {
                    return size;
                }
            }
        }
        if (room >= 15 + 11) {
            byte[] footer = FileBytes.read(file, end - 15, 15);
            if (FileBytes.ascii(footer, 6, "LYRICS200")) {
                long size = lyricsSize(footer) + 15;
                if (size > 15 && size <= room
                        && FileBytes.ascii(FileBytes.read(file, end - size, 11), 0, "LYRICSBEGIN")) {
                    return size;
                }
            }
        }
        return 0;
    }

    /** The 6 decimal digits of a Lyrics3 v2 size, or -1. */
    private static long lyricsSize(byte[] footer) {
        long size = 0;
        for (int i = 0; i < 6; i++) {
            int d = footer[i] - '0';
            if (d < 0 || d > 9) {
                return -1;
            }
            size = size * 10 + d;
        }
        return size;
    }

    /** Total size of the ID3v2 tag starting at h[0] (header, body, footer), or -1 if none. */
    static int id3v2Size(byte[] h) {
        if (h.length < 10 || !FileBytes.ascii(h, 0, "ID3") || (h[3] & 0xff) > 4 || (h[3] & 0xff) < 2) {
            return -1;
        }
        int size = 0;
        for (int i = 6; i < 10; i++) {
            if ((h[i] & 0x80) != 0) {
                return -1; // sizes are "synchsafe": 7 bits per byte
            }
            size = size << 7 | h[i];
        }
        boolean footer = (h[5] & 0x10) != 0;
        return 10 + size + (footer ? 10 : 0);
    }

    /**
     * Index in window of the first frame whose next two frames also parse as the same stream
     * (a lone 0xFFE sync is common in random data), or -1. A frame that ends exactly where the
     * file ends counts as confirmed, so very short files are found too.
     */
    static int findFirstFrame(byte[] window, long bytesToEndOfFile) {
        for (int i = 0; i + MpegFrameHeader.SIZE <= window.length; i++) {
            MpegFrameHeader first = MpegFrameHeader.parse(window, i);
            if (first != null && confirmed(window, i, first, bytesToEndOfFile, 2)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean confirmed(byte[] window, int at, MpegFrameHeader h, long bytesToEnd, int more) {
        long next = (long) at + h.frameBytes();
        if (next == bytesToEnd || more == 0) {
            return next <= bytesToEnd;
        }
        if (next + MpegFrameHeader.SIZE > window.length) {
            return false;
        }
        MpegFrameHeader n = MpegFrameHeader.parse(window, (int) next);
        return h.sameStream(n) && confirmed(window, (int) next, n, bytesToEnd, more - 1);
    }

    /** The Xing/Info tag in the frame at frame[0], or null. */
    static XingTag xingTag(byte[] frame, MpegFrameHeader h) {
        int at = h.xingOffset();
        boolean vbr = FileBytes.ascii(frame, at, "Xing");
        if (!vbr && !FileBytes.ascii(frame, at, "Info")) {
            return null;
        }
        if (at + 8 > frame.length) {
            return null;
        }
        long flags = FileBytes.be32(frame, at + 4);
        int p = at + 8;
        long frames = -1;
        long bytes = -1;
        if ((flags & 1) != 0 && p + 4 <= frame.length) {
            frames = FileBytes.be32(frame, p);
            p += 4;
        }
        if ((flags & 2) != 0 && p + 4 <= frame.length) {
            bytes = FileBytes.be32(frame, p);
            p += 4;
        }
        if ((flags & 4) != 0) {
            p += 100; // seek table
        }
        if ((flags & 8) != 0) {
            p += 4; // quality
        }
        return new XingTag(vbr, frames, bytes, lameTag(frame, p));
    }

    /**
     * The LAME extension right after the Xing fields: 9 bytes of encoder name, then at offset 21
     * 12 bits of encoder delay and 12 bits of padding. FFmpeg writes the same layout as "Lavf"/"Lavc".
     */
    private static LameTag lameTag(byte[] frame, int p) {
        if (p + 24 > frame.length) {
            return null;
        }
        if (!(FileBytes.ascii(frame, p, "LAME") || FileBytes.ascii(frame, p, "Lavf") || FileBytes.ascii(frame, p, "Lavc"))) {
            return null;
        }
        String encoder = new String(frame, p, 9, java.nio.charset.StandardCharsets.US_ASCII).trim();
        int d0 = frame[p + 21] & 0xff, d1 = frame[p + 22] & 0xff, d2 = frame[p + 23] & 0xff;
        int delay = d0 << 4 | d1 >> 4;
        int padding = (d1 & 0x0f) << 8 | d2;
        return new LameTag(encoder, delay, padding);
    }

    /**
     * Walks frame headers from audioStart up to audioEnd (see {@link #audioEnd}); stops early at the
     * first bytes that are not a frame of this stream.
     */
    static Walk walk(Path file, long audioStart, long audioEnd, MpegFrameHeader first, boolean skipXingFrame)
            throws AudioContentException {
        long size = audioEnd;
        long pos = audioStart;
        long frames = 0;
        long bytes = 0;
        boolean varies = false;
        int firstBitrate = -1;
        int tags = 0;
        byte[] h = new byte[MpegFrameHeader.SIZE];
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024)) {
            in.skipNBytes(pos);
            boolean skip = skipXingFrame;
            while (size - pos >= MpegFrameHeader.SIZE) {
                in.readNBytes(h, 0, MpegFrameHeader.SIZE);
                if (FileBytes.ascii(h, 0, "ID3") && size - pos >= 10) {
                    // A tag in the middle: MP3s joined together. mp3spi skips over it; so do we.
                    byte[] tagHeader = java.util.Arrays.copyOf(h, 10);
                    in.readNBytes(tagHeader, MpegFrameHeader.SIZE, 10 - MpegFrameHeader.SIZE);
                    int tag = id3v2Size(tagHeader);
                    if (tag < 0 || pos + tag > size) {
                        break;
                    }
                    in.skipNBytes(tag - 10);
                    pos += tag;
                    tags++;
                    continue;
                }
                MpegFrameHeader fh = MpegFrameHeader.parse(h, 0);
                if (!first.sameStream(fh)) {
                    break;
                }
                if (pos + fh.frameBytes() > size) {
                    return new Walk(frames, bytes, varies, Math.max(firstBitrate, 0), tags, pos, fh.frameBytes(), size - pos);
                }
                in.skipNBytes(fh.frameBytes() - MpegFrameHeader.SIZE);
                pos += fh.frameBytes();
                if (skip) {
                    skip = false;
                    continue;
                }
                frames++;
                bytes += fh.frameBytes();
                if (firstBitrate < 0) {
                    firstBitrate = fh.bitrateKbps();
                } else if (fh.bitrateKbps() != firstBitrate) {
                    varies = true;
                }
            }
        } catch (IOException e) {
            throw FileBytes.unreadable(file, e);
        }
        return new Walk(frames, bytes, varies, Math.max(firstBitrate, 0), tags, -1, 0, 0);
    }
}
