package vn.loalang.audio;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens MP3 or WAV by content, not by name, as 16-bit PCM. MP3 goes through mp3spi with the
 * gapless trim described in the README: with a Xing/Info + LAME header the decoded length equals
 * the source length to the sample, which gapless joins and exact schedule timing rely on.
 */
public final class AudioDecoder {

    private AudioDecoder() {
    }

    /**
     * Opens MP3 (MPEG-1/2/2.5 layer III, CBR/VBR, ID3v2 tags) or WAV (PCM 8/16/24/32-bit) by
     * content. Lenient about truncation, as playback should be: a cut file plays up to the cut.
     * Use {@link AudioProbe#probe} to refuse such files before they are scheduled.
     */
    public static PcmStream open(Path file) throws AudioContentException {
        return openSource(file);
    }

    /** Decodes the whole file into memory; refuses truncated files, like {@link AudioProbe#probe}. */
    public static Pcm decodeAll(Path file) throws AudioContentException {
        try (SourceStream in = openSource(file)) {
            byte[] data = readAll(in, file);
            in.finish();
            return new Pcm(in.format(), data);
        } catch (IOException e) {
            throw FileBytes.unreadable(file, e);
        }
    }

    static SourceStream openSource(Path file) throws AudioContentException {
        byte[] head = FileBytes.read(file, 0, Mp3Scanner.SEARCH_WINDOW);
        if (head.length == 0) {
            throw new AudioContentException(AudioContentException.Problem.EMPTY, file,
                    FileBytes.name(file) + " is empty (0 bytes): the upload or download did not complete");
        }
        if (WavStream.looksLikeWav(head)) {
            return WavStream.open(file);
        }
        return Mp3Stream.open(file, head);
    }

    static byte[] readAll(SourceStream in, Path file) throws AudioContentException {
        try {
            return Streams.readAll(in);
        } catch (IOException e) {
            throw FileBytes.unreadable(file, e);
        }
    }
}
