package vn.loalang.controller.content;

import vn.loalang.audio.AudioInfo;
import vn.loalang.audio.PcmFormat;

/**
 * The format the commune's stations drive their sound cards at (their {@code audio.sampleRate} and
 * {@code audio.channels}, 44.1 kHz mono by default). The library delivers every item in it, so that a
 * station decodes straight onto its line and never resamples: on a Raspberry Pi resampling costs more
 * CPU than decoding (docs/decisions/0025-footprint-on-small-boards.md).
 */
public record LineFormat(int sampleRate, int channels) {
    /** The sample rates MP3 has (MPEG-1, 2 and 2.5 layer III): what the library can deliver. */
    public static final java.util.List<Integer> MP3_RATES = java.util.List.of(8000, 11_025, 12_000, 16_000, 22_050,
            24_000, 32_000, 44_100, 48_000);

    /** The agent's default line: {@code audio.sampleRate} 44100, {@code audio.channels} 1. */
    public static final LineFormat AGENT_DEFAULT = new LineFormat(44_100, 1);

    /** No line format: files are kept as uploaded and each station converts them as it plays ({@code --line-rate 0}). */
    public static final LineFormat AS_UPLOADED = new LineFormat(0, 0);

    public LineFormat {
        boolean asUploaded = sampleRate == 0 && channels == 0;
        if (!asUploaded && !MP3_RATES.contains(sampleRate)) {
            throw new IllegalArgumentException("a station line of " + sampleRate + " Hz cannot be delivered as MP3; use one of "
                    + MP3_RATES + " Hz, or 0 to keep files as uploaded");
        }
        if (!asUploaded && (channels < 1 || channels > 2)) {
            throw new IllegalArgumentException("a station line is mono or stereo, not " + channels + " channels");
        }
    }

    public boolean asUploaded() {
        return sampleRate == 0;
    }

    /** Whether a station plays {@code info} on this line as it is, without converting it. */
    public boolean matches(AudioInfo info) {
        return info.format().sampleRate() == sampleRate && info.format().channels() == channels;
    }

    public PcmFormat pcm() {
        return new PcmFormat(sampleRate, channels);
    }

    @Override
    public String toString() {
        if (asUploaded()) {
            return "as uploaded";
        }
        return sampleRate + " Hz " + (channels == 1 ? "mono" : "stereo");
    }
}
