package vn.loalang.audio;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A decoder's output that, once read to the end, can tell whether the file held all the audio it
 * announced. Playback reads leniently (a cut file plays up to the cut); probing and
 * {@link AudioDecoder#decodeAll} call {@link #finish()} and refuse it.
 */
abstract sealed class SourceStream implements PcmStream permits Mp3Stream, WavStream {

    protected final Path file;
    private final PcmFormat format;
    private long framesDelivered;

    SourceStream(Path file, PcmFormat format) {
        this.file = file;
        this.format = format;
    }

    @Override
    public final PcmFormat format() {
        return format;
    }

    @Override
    public final int read(byte[] buf, int off, int len) throws IOException {
        int n = Streams.wholeFrames(len, format);
        if (n == 0) {
            return 0;
        }
        int got = readFrames(buf, off, n);
        if (got > 0) {
            framesDelivered += got / format.frameBytes();
        }
        return got;
    }

    /** Like read, with len already a positive whole number of frames; must return whole frames. */
    protected abstract int readFrames(byte[] buf, int off, int len) throws IOException;

    long framesDelivered() {
        return framesDelivered;
    }

    /** Called after the stream returned -1: checks completeness and describes what was decoded. */
    abstract AudioInfo finish() throws AudioContentException;

    protected String name() {
        return FileBytes.name(file);
    }

    protected AudioContentException truncated(String detail) {
        return new AudioContentException(AudioContentException.Problem.TRUNCATED, file,
                name() + " is truncated: " + detail + " (the file was probably cut during upload or download)");
    }
}
