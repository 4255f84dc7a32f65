package vn.loalang.audio.live;

import java.util.Objects;

/**
 * One whole MPEG audio frame of a live stream, as it travels: the unit the controller fans out, a
 * station's jitter buffer counts and its decoder takes. Its length in time comes from its header, so a
 * buffer measured in frames is measured exactly in time.
 *
 * @param bytes      the frame, header included; not copied, so whoever makes a frame must not change it after
 * @param sampleRate from the header (22,050 Hz for the commune's channel)
 * @param samples    samples per channel in the frame (576 for MPEG-2 layer III)
 * @param channels   1 or 2
 */
public record Frame(byte[] bytes, int sampleRate, int samples, int channels) {
    public Frame {
        Objects.requireNonNull(bytes, "bytes");
        if (sampleRate <= 0 || samples <= 0 || channels < 1 || channels > 2) {
            throw new IllegalArgumentException("not a frame: " + sampleRate + " Hz, " + samples + " samples, "
                    + channels + " channels");
        }
    }

    /** How long the frame sounds, in microseconds. */
    public long micros() {
        return samples * 1_000_000L / sampleRate;
    }

    public int size() {
        return bytes.length;
    }
}
