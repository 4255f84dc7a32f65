package vn.loalang.audio;

import java.time.Duration;

/**
 * What probing found. {@code format} is the decoded 16-bit format; {@code duration} is the exact
 * decoded length (after the MP3 gapless trim); {@code bitrateKbps} is 0 for WAV, the average for VBR.
 */
public record AudioInfo(String container, PcmFormat format, Duration duration, int bitrateKbps, boolean variableBitrate) {
}
