package vn.loalang.audio;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * A fully decoded clip held in memory (for short clips, tests, tones). The array is shared, not
 * copied: clips are large and nothing here mutates them behind the caller's back.
 */
public record Pcm(PcmFormat format, byte[] data) {

    public Pcm {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(data, "data");
        if (data.length % format.frameBytes() != 0) {
            throw new IllegalArgumentException(data.length + " bytes is not a whole number of " + format + " frames");
        }
    }

    public long frames() {
        return data.length / format.frameBytes();
    }

    public Duration duration() {
        return format.durationOfBytes(data.length);
    }

    public PcmStream stream() {
        return new PcmStream() {
            private int position;

            @Override
            public PcmFormat format() {
                return format;
            }

            @Override
            public int read(byte[] buf, int off, int len) {
                int n = Streams.wholeFrames(len, format);
                if (n == 0) {
                    return 0;
                }
                if (position >= data.length) {
                    return -1;
                }
                n = Math.min(n, data.length - position);
                System.arraycopy(data, position, buf, off, n);
                position += n;
                return n;
            }

            @Override
            public void close() {
                position = data.length;
            }
        };
    }

    public short sample(long frame, int channel) {
        if (frame < 0 || frame >= frames() || channel < 0 || channel >= format.channels()) {
            throw new IndexOutOfBoundsException("frame " + frame + " channel " + channel + " outside " + frames() + " frames of " + format);
        }
        int i = (int) (frame * format.frameBytes() + 2L * channel);
        return (short) ((data[i] & 0xff) | (data[i + 1] << 8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Pcm other && format.equals(other.format) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * format.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "Pcm[" + format + ", " + frames() + " frames, " + duration() + "]";
    }
}
