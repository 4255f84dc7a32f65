package vn.loalang.agent.live;

import vn.loalang.audio.live.Frame;

import vn.loalang.audio.PcmConverter;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.PcmStream;

import java.io.IOException;
import java.util.Arrays;

/**
 * A live item's audio at the line's format, decoded frame by frame from the {@link JitterBuffer}
 * and upsampled through {@link PcmConverter} (the channel runs at half the line rate). It
 * <b>never blocks</b>: when the buffer has nothing to give it returns silence and says it was
 * {@link #starved()}, so the line keeps its pace, its pre-emption checks and its watchdog, and the
 * player decides what a long silence means. It ends (-1) only when the buffer has ended and is
 * drained, or once closed.
 * <p>
 * When a talk's buffer holds a surplus ({@link JitterBuffer#hasSurplus()}: a stall left it later than it
 * needs to be), a decoded frame that {@link SpeechPauses} calls a pause is skipped, at most every other
 * frame, so pauses are shortened by half at most and speech is never cut.
 */
public final class LivePcmStream implements PcmStream {
    /** Silence handed to the converter per empty poll: one frame of the channel (576 samples). */
    private static final int SILENT_SAMPLES = 576;

    private final JitterBuffer buffer;
    private final PcmFormat line;
    private final LiveDecoder decoder;
    private final SpeechPauses pauses = new SpeechPauses();
    /** Whether the frame before was skipped: two in a row never are. */
    private boolean skippedLast;
    private Source source;
    private PcmStream converted;
    private boolean starvedInRead;
    /** Source samples of live audio, and of silence before the first of them, in the read under way. */
    private long liveSamplesInRead;
    private long silenceBeforeLiveInRead;
    private volatile boolean starved = true;
    private volatile long liveFrames;
    private volatile long leadingSilenceFrames;
    /**
     * Line frames of live audio the converter has taken in but not yet given out: it reads ahead of what it
     * writes, so a read's live input and its output differ a little, and the difference is carried.
     */
    private double liveFramesOwed;
    private volatile long framesDecoded;
    private volatile boolean closed;

    public LivePcmStream(JitterBuffer buffer, PcmFormat line) {
        this(buffer, line, LiveDecoder.jlayer());
    }

    public LivePcmStream(JitterBuffer buffer, PcmFormat line, LiveDecoder decoder) {
        this.buffer = buffer;
        this.line = line;
        this.decoder = decoder;
    }

    @Override
    public PcmFormat format() {
        return line;
    }

    /** Whether the last read ended in silence because the buffer had nothing (or is priming). */
    public boolean starved() {
        return starved;
    }

    /** Line frames of live audio in the last read (the rest was silence). */
    public long liveFrames() {
        return liveFrames;
    }

    /** Line frames of silence before the first live sample in the last read: where the live sound began in it. */
    public long leadingSilenceFrames() {
        return leadingSilenceFrames;
    }

    /** MP3 frames decoded so far: zero until the first live sample. */
    public long framesDecoded() {
        return framesDecoded;
    }

    /** Frames that could not be decoded and were dropped (each a 26 ms gap). */
    public long framesFailed() {
        return decoder.failed();
    }

    public JitterBuffer buffer() {
        return buffer;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
        int whole = len - len % line.frameBytes();
        if (whole <= 0) {
            if (len == 0) {
                return 0;
            }
            throw new IllegalArgumentException("read of " + len + " bytes: less than one frame of " + line);
        }
        if (closed) {
            return -1;
        }
        starvedInRead = false;
        liveSamplesInRead = 0;
        silenceBeforeLiveInRead = 0;
        if (converted == null) {
            LiveDecoder.Decoded first = nextDecoded();
            if (first == null) {
                if (buffer.drained()) {
                    return -1;
                }
                Arrays.fill(buf, off, off + whole, (byte) 0);
                starved = true;
                liveFrames = 0;
                leadingSilenceFrames = whole / line.frameBytes();
                return whole;
            }
            startConverter(first);
        }
        int n = converted.read(buf, off, whole);
        if (n < 0 && source.changedTo != null) {
            // The channel came back at another rate (its encoder restarted with other settings).
            startConverter(source.changedTo);
            n = converted.read(buf, off, whole);
        }
        starved = starvedInRead;
        // Counted at the source's rate, where the silence is inserted; the converter's look-ahead (under 2 ms) is ignored.
        int frames = Math.max(0, n) / line.frameBytes();
        double ratio = (double) line.sampleRate() / source.format.sampleRate();
        liveFramesOwed += liveSamplesInRead * ratio;
        long live = Math.min(frames, (long) Math.floor(liveFramesOwed + 1e-6));
        liveFramesOwed -= live;
        liveFrames = live;
        leadingSilenceFrames = live == 0 ? frames : Math.min(frames - live, Math.round(silenceBeforeLiveInRead * ratio));
        return n;
    }

    private void startConverter(LiveDecoder.Decoded first) {
        source = new Source(first);
        converted = PcmConverter.convert(source, line);
    }

    /** The next decodable frame's PCM, or null when the buffer has none to give now. */
    private LiveDecoder.Decoded nextDecoded() {
        for (Frame f; (f = buffer.poll()) != null; ) {
            LiveDecoder.Decoded d = decoder.decode(f);
            if (d != null && d.length() > 0) {
                boolean pause = pauses.isPause(d.samples(), d.length());
                if (pause && !skippedLast && buffer.hasSurplus()) {
                    // Decoded all the same: the decoder's overlap stays continuous, and a pause hides the seam.
                    buffer.shedFrame(f);
                    skippedLast = true;
                    continue;
                }
                skippedLast = false;
                framesDecoded++;
                return d;
            }
        }
        starvedInRead = true;
        return null;
    }

    @Override
    public void close() {
        closed = true;
    }

    /**
     * The decoded frames at the channel's own format, as the converter pulls them: at most one frame
     * per read, silence when the buffer is empty, the end when it is drained, or when a frame of
     * another format comes (kept in {@link #changedTo} to start a new converter with).
     */
    private final class Source implements PcmStream {
        private final PcmFormat format;
        private short[] pending;
        private int pendingPos;
        private int pendingLen;
        private LiveDecoder.Decoded changedTo;

        Source(LiveDecoder.Decoded first) {
            this.format = new PcmFormat(first.sampleRate(), first.channels());
            take(first);
        }

        private void take(LiveDecoder.Decoded d) {
            pending = Arrays.copyOf(d.samples(), d.length());
            pendingPos = 0;
            pendingLen = d.length();
        }

        @Override
        public PcmFormat format() {
            return format;
        }

        @Override
        public int read(byte[] buf, int off, int len) {
            if (changedTo != null) {
                return -1;
            }
            if (pendingPos == pendingLen) {
                LiveDecoder.Decoded d = closed ? null : nextDecoded();
                if (d == null) {
                    if (closed || buffer.drained()) {
                        return -1;
                    }
                    int silentFrames = Math.min(len / format.frameBytes(), SILENT_SAMPLES);
                    int silent = silentFrames * format.frameBytes();
                    Arrays.fill(buf, off, off + silent, (byte) 0);
                    if (liveSamplesInRead == 0) {
                        silenceBeforeLiveInRead += silentFrames;
                    }
                    return silent;
                }
                if (d.sampleRate() != format.sampleRate() || d.channels() != format.channels()) {
                    changedTo = d;
                    return -1;
                }
                take(d);
            }
            int samples = Math.min((pendingLen - pendingPos), len / 2);
            samples -= samples % format.channels();
            for (int i = 0; i < samples; i++) {
                short s = pending[pendingPos + i];
                buf[off + 2 * i] = (byte) s;
                buf[off + 2 * i + 1] = (byte) (s >> 8);
            }
            pendingPos += samples;
            liveSamplesInRead += samples / format.channels();
            starvedInRead = false;
            return samples * 2;
        }

        @Override
        public void close() {
            // nothing held: the buffer belongs to the reader
        }
    }
}
