package vn.loalang.audio;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Streaming 16-bit PCM WAV writer: RIFF/data sizes patched on close so a file is valid even for long renders. */
public final class WavWriter implements Closeable {

    private static final int HEADER_BYTES = 44;
    /** RIFF sizes are 32-bit: about 6 hours of 48 kHz stereo. */
    private static final long MAX_DATA_BYTES = 0xFFFFFFFFL - (HEADER_BYTES - 8);

    private static final long UNKNOWN_SIZE = 0xFFFFFFFFL;

    private final Path file;
    private final PcmFormat format;
    private final FileChannel channel;
    private final OutputStream out;
    private long dataBytes;
    private boolean closed;

    public WavWriter(Path file, PcmFormat format) throws IOException {
        this.file = file;
        this.format = format;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
        // Until close patches them, the sizes say "unknown": readers (ours included) then take the
        // data to run to the end of the file, so a render cut short by a crash is still playable.
        out.write(header(UNKNOWN_SIZE).array());
    }

    /** Whole frames only: a stray half frame would swap left and right for the rest of the file. */
    public void write(byte[] buf, int off, int len) throws IOException {
        if (closed) {
            throw new IOException(FileBytes.name(file) + " is already closed");
        }
        if (len % format.frameBytes() != 0) {
            throw new IllegalArgumentException(len + " bytes is not a whole number of " + format + " frames");
        }
        if (dataBytes + len > MAX_DATA_BYTES) {
            throw new IOException(FileBytes.name(file) + " would exceed the 4 GiB limit of the WAV format");
        }
        out.write(buf, off, len);
        dataBytes += len;
    }

    public long framesWritten() {
        return dataBytes / format.frameBytes();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (channel) {
            out.flush();
            ByteBuffer header = header(dataBytes);
            while (header.hasRemaining()) {
                channel.write(header, header.position());
            }
        }
    }

    public static void write(Path file, Pcm pcm) throws IOException {
        try (WavWriter w = new WavWriter(file, pcm.format())) {
            w.write(pcm.data(), 0, pcm.data().length);
        }
    }

    /**
     * A whole WAV file in memory, for a short clip (a preamble, a test tone): made without a scratch
     * file, so a station whose disk is full still has its siren.
     */
    public static byte[] bytes(Pcm pcm) {
        byte[] data = pcm.data();
        if ((long) data.length > MAX_DATA_BYTES) {
            throw new IllegalArgumentException("a WAV file holds at most 4 GiB of audio");
        }
        return ByteBuffer.allocate(HEADER_BYTES + data.length).put(header(pcm.format(), data.length)).put(data).array();
    }

    private ByteBuffer header(long data) {
        return header(format, data);
    }

    private static ByteBuffer header(PcmFormat format, long data) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) Math.min(UNKNOWN_SIZE, HEADER_BYTES - 8 + data));
        b.put("WAVE".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt(16)
                .putShort((short) 1)
                .putShort((short) format.channels())
                .putInt(format.sampleRate())
                .putInt(format.sampleRate() * format.frameBytes())
                .putShort((short) format.frameBytes())
                .putShort((short) 16);
        b.put("data".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).putInt((int) data);
        return b.flip();
    }
}
