package vn.loalang.audio;

import java.time.Duration;
import javax.sound.sampled.AudioFormat;

/**
 * Always 16-bit signed little-endian interleaved PCM: the one format everything after the
 * decoder works in, so mixing, gain and analysis never have to ask about sample layout.
 */
public record PcmFormat(int sampleRate, int channels) {

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    public PcmFormat {
        if (sampleRate < 1000 || sampleRate > 192_000) {
            throw new IllegalArgumentException("sample rate " + sampleRate + " Hz is outside 1000..192000 Hz");
        }
        if (channels < 1 || channels > 8) {
            throw new IllegalArgumentException(channels + " channels is outside 1..8");
        }
    }

    public int frameBytes() {
        return 2 * channels;
    }

    /** Bytes of whole frames closest to {@code d}; rounding (not truncation) makes it the inverse of {@link #durationOfBytes}. */
    public long bytesFor(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("negative duration " + d);
        }
        // Seconds and nanos separately: d.toNanos() * rate overflows a long after about two days.
        long frames = d.getSeconds() * sampleRate + Math.round((double) d.getNano() * sampleRate / NANOS_PER_SECOND);
        return frames * frameBytes();
    }

    public Duration durationOfBytes(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative byte count " + bytes);
        }
        long frames = bytes / frameBytes();
        long seconds = frames / sampleRate;
        long rest = frames % sampleRate;
        return Duration.ofSeconds(seconds, Math.round((double) rest * NANOS_PER_SECOND / sampleRate));
    }

    public Duration durationOfFrames(long frames) {
        return durationOfBytes(frames * frameBytes());
    }

    public AudioFormat toAudioFormat() {
        return new AudioFormat(sampleRate, 16, channels, true, false);
    }

    /** For 16-bit signed little-endian PCM formats only; anything else is a programming error here. */
    public static PcmFormat of(AudioFormat f) {
        boolean ok = AudioFormat.Encoding.PCM_SIGNED.equals(f.getEncoding())
                && f.getSampleSizeInBits() == 16
                && !f.isBigEndian()
                && f.getFrameSize() == 2 * f.getChannels();
        if (!ok) {
            throw new IllegalArgumentException("not 16-bit signed little-endian PCM: " + f);
        }
        return new PcmFormat(Math.round(f.getSampleRate()), f.getChannels());
    }

    @Override
    public String toString() {
        String layout = switch (channels) {
            case 1 -> "mono";
            case 2 -> "stereo";
            default -> channels + " channels";
        };
        return sampleRate + " Hz " + layout;
    }
}
