package vn.loalang.audio;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static vn.loalang.audio.AudioContentException.Problem.UNSUPPORTED_FORMAT;

/**
 * WAV with integer PCM of 8, 16, 24 or 32 bits, read by our own RIFF parser rather than
 * JavaSound's: we need the data chunk's declared size to tell a cut file from a whole one.
 */
final class WavStream extends SourceStream {

    private static final int FORMAT_PCM = 1;
    private static final int FORMAT_EXTENSIBLE = 0xFFFE;
    /** Written by streaming encoders that cannot go back to patch the size: "until the end of the file". */
    private static final long SIZE_UNKNOWN = 0xFFFFFFFFL;

    private final InputStream in;
    private final int bytesPerSample;
    private final long declaredBytes;
    private final long availableBytes;
    private long remaining; // source bytes left to read, whole source frames
    private byte[] scratch = new byte[0];

    private WavStream(Path file, PcmFormat format, int bytesPerSample, long dataStart, long declared, long available)
            throws AudioContentException {
        super(file, format);
        this.bytesPerSample = bytesPerSample;
        this.declaredBytes = declared;
        this.availableBytes = available;
        long sourceFrame = (long) bytesPerSample * format.channels();
        this.remaining = Math.min(declared, available) / sourceFrame * sourceFrame;
        try {
            this.in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
            in.skipNBytes(dataStart);
        } catch (IOException e) {
            throw FileBytes.unreadable(file, e);
        }
    }

    static boolean looksLikeWav(byte[] head) {
        return FileBytes.ascii(head, 0, "RIFF") && FileBytes.ascii(head, 8, "WAVE");
    }

    static WavStream open(Path file) throws AudioContentException {
        String name = FileBytes.name(file);
        long size = FileBytes.size(file);
        long pos = 12;
        byte[] fmt = null;
        while (pos + 8 <= size) {
            byte[] chunk = FileBytes.read(file, pos, 8);
            long chunkSize = FileBytes.le32(chunk, 4);
            if (FileBytes.ascii(chunk, 0, "fmt ")) {
                fmt = FileBytes.read(file, pos + 8, (int) Math.min(chunkSize, 64));
            } else if (FileBytes.ascii(chunk, 0, "data")) {
                if (fmt == null) {
                    throw unsupported(file, name + " is a WAV file whose data comes before its format description");
                }
                long dataStart = pos + 8;
                long declared = chunkSize == SIZE_UNKNOWN ? size - dataStart : chunkSize;
                return fromFmt(file, fmt, dataStart, declared, size - dataStart);
            }
            pos += 8 + chunkSize + (chunkSize & 1); // chunks are padded to even sizes
        }
        throw new AudioContentException(fmt == null ? AudioContentException.Problem.NOT_AUDIO : AudioContentException.Problem.TRUNCATED,
                file, name + (fmt == null ? " has a WAV header but no audio format description" : " is a WAV file with no audio data chunk"));
    }

    private static WavStream fromFmt(Path file, byte[] fmt, long dataStart, long declared, long available)
            throws AudioContentException {
        String name = FileBytes.name(file);
        if (fmt.length < 16) {
            throw unsupported(file, name + " has a damaged WAV format description (" + fmt.length + " bytes)");
        }
        int tag = FileBytes.le16(fmt, 0);
        int channels = FileBytes.le16(fmt, 2);
        long rate = FileBytes.le32(fmt, 4);
        int bits = FileBytes.le16(fmt, 14);
        if (tag == FORMAT_EXTENSIBLE && fmt.length >= 26) {
            tag = FileBytes.le16(fmt, 24); // first two bytes of the sub-format GUID are the format tag
        }
        if (tag != FORMAT_PCM) {
            throw unsupported(file, name + " is a WAV file in " + formatName(tag)
                    + ", which is not supported: export it as 16-bit PCM WAV or as MP3");
        }
        if (bits != 8 && bits != 16 && bits != 24 && bits != 32) {
            throw unsupported(file, name + " is a " + bits + "-bit WAV file: only 8, 16, 24 and 32-bit PCM are supported");
        }
        PcmFormat format;
        try {
            format = new PcmFormat((int) rate, channels);
        } catch (IllegalArgumentException e) {
            throw unsupported(file, name + " is a WAV file with " + e.getMessage());
        }
        return new WavStream(file, format, bits / 8, dataStart, declared, available);
    }

    private static String formatName(int tag) {
        return switch (tag) {
            case 2 -> "ADPCM";
            case 3 -> "32-bit floating point";
            case 6 -> "A-law";
            case 7 -> "mu-law";
            case 0x55 -> "MP3 (an MP3 inside a WAV wrapper)";
            default -> "format 0x" + Integer.toHexString(tag);
        };
    }

    private static AudioContentException unsupported(Path file, String message) {
        return new AudioContentException(UNSUPPORTED_FORMAT, file, message);
    }

    @Override
    protected int readFrames(byte[] buf, int off, int len) throws IOException {
        if (remaining == 0) {
            return -1;
        }
        int frames = len / format().frameBytes();
        int sourceFrame = bytesPerSample * format().channels();
        int want = (int) Math.min((long) frames * sourceFrame, remaining);
        if (bytesPerSample == 2) {
            int n = in.readNBytes(buf, off, want);
            remaining -= n;
            return n == 0 ? endEarly() : n - n % sourceFrame;
        }
        if (scratch.length < want) {
            scratch = new byte[want];
        }
        int n = in.readNBytes(scratch, 0, want);
        remaining -= n;
        n -= n % sourceFrame;
        int out = off;
        for (int i = 0; i < n; i += bytesPerSample) {
            // Keep the top 16 bits: 8-bit WAV is unsigned, wider samples are signed little-endian.
            int s = bytesPerSample == 1 ? ((scratch[i] & 0xff) - 128) << 8
                    : (scratch[i + bytesPerSample - 2] & 0xff) | scratch[i + bytesPerSample - 1] << 8;
            buf[out++] = (byte) s;
            buf[out++] = (byte) (s >> 8);
        }
        return n == 0 ? endEarly() : out - off;
    }

    /** The file shrank under us (it was being replaced): end cleanly rather than spin. */
    private int endEarly() {
        remaining = 0;
        return -1;
    }

    @Override
    AudioInfo finish() throws AudioContentException {
        if (declaredBytes > availableBytes) {
            int sourceFrame = bytesPerSample * format().channels();
            long rate = format().sampleRate();
            throw truncated(String.format(java.util.Locale.ROOT, "the WAV header announces %d bytes (%.2f s) of audio but the file holds only %d bytes (%.2f s)",
                    declaredBytes, (double) declaredBytes / sourceFrame / rate, availableBytes, (double) availableBytes / sourceFrame / rate));
        }
        return new AudioInfo("WAV", format(), format().durationOfFrames(framesDelivered()), 0, false);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
