package vn.loalang.audio;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javazoom.spi.mpeg.sampled.convert.DecodedMpegAudioInputStream;
import javazoom.spi.mpeg.sampled.file.MpegEncoding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MP3 through mp3spi (JLayer), trimmed to the source's exact length.
 *
 * <p>Measured with LAME 3.100 files (see README): mp3spi outputs every frame as
 * {@code samplesPerFrame} samples, including the Xing/Info frame (decoded as silence), and its
 * synthesis filterbank delays everything by 529 samples, the standard layer III decoder delay.
 * So sample n of the source is output sample {@code [Info frame] + encoderDelay + 529 + n}, and
 * the source has {@code frames * samplesPerFrame - encoderDelay - padding} samples. Without a
 * LAME tag the encoder delay and padding are unknown: only the Info frame and the decoder's own
 * delay are trimmed, and the length is whole frames.
 */
final class Mp3Stream extends SourceStream {

    private static final Logger log = LoggerFactory.getLogger(Mp3Stream.class);

    /** Samples of layer III decoder delay in mp3spi/JLayer, measured (matches mpg123's GAPLESS_DELAY). */
    static final int DECODER_DELAY = 529;

    private final long audioStart;
    private final long audioEnd;     // where the frames end: trailing ID3v1/APE/Lyrics3 tags excluded
    private final MpegFrameHeader first;
    private final Mp3Scanner.XingTag xing;
    private final AudioInputStream decoded;
    private final int frameBytes;
    private long skipBytes;          // still to discard at the start
    private final long limitFrames;  // source length in frames, or -1 if unknown
    private long decodedBytes;       // everything mp3spi produced, trimmed or not
    private byte[] scratch = new byte[0];
    private boolean ended;

    private Mp3Stream(Path file, long audioStart, long audioEnd, MpegFrameHeader first, Mp3Scanner.XingTag xing, boolean lengthKnown,
                      AudioInputStream decoded) {
        super(file, new PcmFormat(first.sampleRate(), first.channels()));
        this.audioStart = audioStart;
        this.audioEnd = audioEnd;
        this.first = first;
        this.xing = xing;
        this.decoded = decoded;
        this.frameBytes = format().frameBytes();

        int spf = first.samplesPerFrame();
        long skip = (xing != null ? spf : 0) + DECODER_DELAY;
        long limit = -1;
        Mp3Scanner.LameTag lame = xing == null ? null : xing.lame();
        if (lame != null && xing.frames() > 0 && lengthKnown) {
            long source = xing.frames() * spf - lame.encoderDelay() - lame.padding();
            if (source > 0) {
                skip += lame.encoderDelay();
                limit = source;
            } else {
                log.warn("{}: ignoring implausible LAME tag (delay {}, padding {}, {} frames)",
                        name(), lame.encoderDelay(), lame.padding(), xing.frames());
            }
        }
        this.skipBytes = skip * frameBytes;
        this.limitFrames = limit;
        log.debug("{}: {}, xing {}, trimming {} samples at the start, length {}", name(), first.describe(), xing, skip,
                limit < 0 ? "unknown" : limit);
    }

    static Mp3Stream open(Path file, byte[] head) throws AudioContentException {
        long size = FileBytes.size(file);
        long audioStart = Mp3Scanner.skipId3v2(file);
        byte[] window = audioStart == 0 ? head : FileBytes.read(file, audioStart, Mp3Scanner.SEARCH_WINDOW);
        int at = Mp3Scanner.findFirstFrame(window, size - audioStart);
        if (at < 0) {
            throw ContentSniffer.notMp3(file, audioStart == 0 ? head : window, audioStart, size);
        }
        audioStart += at;
        byte[] frame = FileBytes.read(file, audioStart, 2048);
        MpegFrameHeader first = MpegFrameHeader.parse(frame, 0);
        if (first.layer() != 3) {
            throw new AudioContentException(AudioContentException.Problem.UNSUPPORTED_FORMAT, file,
                    FileBytes.name(file) + " is " + first.describe() + " (MP" + first.layer()
                            + "), not MP3: only layer III is supported, re-encode it as MP3");
        }
        Mp3Scanner.XingTag xing = Mp3Scanner.xingTag(frame, first);
        long audioEnd = Mp3Scanner.audioEnd(file, audioStart);
        return new Mp3Stream(file, audioStart, audioEnd, first, xing, !staleTag(file, audioStart, audioEnd, first, xing),
                openMp3spi(file, first, audioStart, audioEnd));
    }

    /**
     * MP3s joined by copying one after the other ("cat a.mp3 b.mp3", or "copy /b" on Windows)
     * keep the first file's tag: trusting its length would silently drop everything after the
     * first part. Only when the frames take more bytes than the tag says are they counted, so
     * ordinary files cost nothing.
     */
    private static boolean staleTag(Path file, long audioStart, long audioEnd, MpegFrameHeader first, Mp3Scanner.XingTag xing)
            throws AudioContentException {
        if (xing == null || xing.bytes() <= 0 || xing.frames() <= 0 || audioEnd - audioStart <= xing.bytes()) {
            return false;
        }
        long frames = Mp3Scanner.walk(file, audioStart, audioEnd, first, true).audioFrames();
        if (frames <= xing.frames()) {
            return false;
        }
        log.warn("{}: the MP3 header announces {} frames but the file holds {}: probably several MP3s joined together;"
                + " playing all of it, without exact length", FileBytes.name(file), xing.frames(), frames);
        return true;
    }

    /**
     * mp3spi's classes are used directly, not through AudioSystem's service lookup, so a shaded
     * jar with unmerged META-INF/services still decodes; and it is handed the stream at the first
     * frame, so it never parses ID3 tags (large cover images and odd encodings cannot trip it);
     * and the stream ends with the last frame, before any trailing tag, or mp3spi would drop that
     * frame (see {@link Mp3Scanner#audioEnd}).
     * <p>
     * Its file reader ({@code MpegAudioFileReader}) is not used either: to find the format, which
     * {@code first} already holds, it allocated a 4 MB push-back buffer for every file and left the
     * stream marked with a 4 MB limit, so the read buffer grew to hold the file as it played: about
     * 4 MB of garbage per item, which sent a station's 16 MB heap into full collections while it
     * played (docs/benchmarks.md, "Issue 16, CPU over TLS"). The decoder reads the same bytes from
     * the same first frame either way.
     */
    private static AudioInputStream openMp3spi(Path file, MpegFrameHeader first, long audioStart, long audioEnd)
            throws AudioContentException {
        InputStream in = null;
        try {
            in = Files.newInputStream(file);
            in.skipNBytes(audioStart);
            in = new BufferedInputStream(new Bounded(in, audioEnd - audioStart), 64 * 1024);
            AudioFormat mp3 = new AudioFormat(encoding(first), first.sampleRate(), AudioSystem.NOT_SPECIFIED,
                    first.channels(), AudioSystem.NOT_SPECIFIED, (float) first.sampleRate() / first.samplesPerFrame(), true);
            AudioInputStream encoded = new AudioInputStream(in, mp3, AudioSystem.NOT_SPECIFIED);
            AudioFormat pcm16 = new AudioFormat(first.sampleRate(), 16, first.channels(), true, false);
            return new DecodedMpegAudioInputStream(pcm16, encoded);
        } catch (IOException e) {
            closeQuietly(in);
            throw FileBytes.unreadable(file, e);
        }
    }

    /** The MPEG encoding of a layer III stream of this version, as mp3spi names it. */
    private static AudioFormat.Encoding encoding(MpegFrameHeader first) {
        return switch (first.version()) {
            case 1 -> MpegEncoding.MPEG1L3;
            case 2 -> MpegEncoding.MPEG2L3;
            default -> MpegEncoding.MPEG2DOT5L3;
        };
    }

    @Override
    protected int readFrames(byte[] buf, int off, int len) throws IOException {
        while (skipBytes > 0) {
            if (scratch.length == 0) {
                scratch = new byte[(int) Math.min(16 * 1024, skipBytes)];
            }
            int n = decodeInto(scratch, 0, (int) Math.min(scratch.length, skipBytes));
            if (n < 0) {
                return -1;
            }
            skipBytes -= n;
        }
        long remaining = limitFrames < 0 ? Long.MAX_VALUE : (limitFrames - framesDelivered()) * frameBytes;
        if (remaining <= 0) {
            return -1;
        }
        int want = (int) Math.min(len, remaining);
        int n = ended ? -1 : decodeInto(buf, off, want);
        if (n < 0 && limitFrames >= 0 && decodedAllAnnounced()) {
            // The filterbank's last 529 samples never come out; when LAME's padding is shorter than
            // that, the source's final samples are lost with them. Silence keeps the exact length.
            java.util.Arrays.fill(buf, off, off + want, (byte) 0);
            return want;
        }
        return n;
    }

    /** Reads from mp3spi, counting everything it decodes; AudioInputStream returns whole frames. */
    private int decodeInto(byte[] buf, int off, int len) throws IOException {
        int n;
        try {
            n = decoded.read(buf, off, len);
        } catch (RuntimeException e) {
            // JLayer indexes its Huffman tables by what the frame says (seen: ArrayIndexOutOfBounds on a
            // damaged upload, found by fuzzing): a damaged file is an unreadable one, not a crash of
            // the library upload or of the station's playout.
            throw new IOException(FileBytes.name(file) + " has damaged MP3 data the decoder cannot read ("
                    + e.getClass().getSimpleName() + ")", e);
        }
        if (n < 0) {
            ended = true;
            return -1;
        }
        decodedBytes += n;
        return n;
    }

    /** Decodes the frames past the trimmed end (the padding), so that frame counts cover the whole file. */
    private void drainDecoder() throws AudioContentException {
        try {
            byte[] buf = new byte[16 * 1024];
            while (!ended && decodeInto(buf, 0, buf.length) >= 0) {
                // counted in decodeInto
            }
        } catch (IOException e) {
            throw FileBytes.unreadable(file, e);
        }
    }

    /** MPEG frames mp3spi decoded, the Info frame excluded. */
    private long audioFramesDecoded() {
        long frames = decodedBytes / frameBytes / first.samplesPerFrame();
        return xing != null ? Math.max(0, frames - 1) : frames;
    }

    private boolean decodedAllAnnounced() {
        return xing != null && audioFramesDecoded() >= xing.frames();
    }

    @Override
    AudioInfo finish() throws AudioContentException {
        drainDecoder();
        Mp3Scanner.Walk walk = Mp3Scanner.walk(file, audioStart, audioEnd, first, xing != null);
        long decodedFrames = audioFramesDecoded();
        if (xing != null && xing.frames() > 0 && decodedFrames < xing.frames()) {
            throw truncated("the MP3 header announces " + xing.frames() + " frames but only " + decodedFrames
                    + " could be decoded");
        }
        if (xing != null && xing.frames() < 0 && xing.bytes() > 0 && audioStart + xing.bytes() > audioEnd) {
            throw truncated("the MP3 header announces " + xing.bytes() + " bytes of audio but the file ends after "
                    + (audioEnd - audioStart));
        }
        if (walk.lastFrameCut()) {
            throw truncated("the last MP3 frame (at byte " + walk.cutFrameAt() + ") needs " + walk.cutFrameNeeds()
                    + " bytes but the file ends after " + walk.cutFrameHas());
        }
        // mp3spi loses the frame right after a tag in the middle of the stream while it resyncs.
        if (decodedFrames < walk.audioFrames() - walk.midStreamTags()) {
            throw truncated("decoding stopped after " + decodedFrames + " of " + walk.audioFrames()
                    + " MP3 frames; the rest of the audio data is damaged");
        }
        boolean vbr = (xing != null && xing.vbr()) || walk.bitrateVaries();
        int kbps = walk.firstBitrateKbps();
        if (vbr && walk.audioFrames() > 0) {
            double seconds = (double) walk.audioFrames() * first.samplesPerFrame() / first.sampleRate();
            kbps = (int) Math.round(walk.audioBytes() * 8 / seconds / 1000);
        }
        return new AudioInfo("MP3", format(), format().durationOfFrames(framesDelivered()), kbps, vbr);
    }

    @Override
    public void close() throws IOException {
        decoded.close();
    }

    /** The first limit bytes of in: what mp3spi may see. */
    private static final class Bounded extends java.io.FilterInputStream {
        private long left;

        Bounded(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = super.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (left <= 0) {
                return -1;
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(Math.min(n, left));
            left -= Math.max(0, skipped);
            return skipped;
        }

        @Override
        public int available() throws IOException {
            return (int) Math.min(super.available(), left);
        }

        @Override
        public boolean markSupported() {
            return false;
        }
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // already failing; the original error is the one to report
            }
        }
    }
}
