package vn.loalang.audio;

/**
 * One MPEG audio frame header (the 4 bytes before every frame). We parse headers ourselves,
 * beside mp3spi, because only the frame structure tells how long the file should be and whether
 * it was cut: mp3spi decodes what it finds and reports neither.
 *
 * @param version 1 for MPEG-1, 2 for MPEG-2, 25 for MPEG-2.5
 */
public record MpegFrameHeader(int version, int layer, boolean crc, int bitrateKbps, int sampleRate,
                       boolean padding, int channels, int frameBytes, int samplesPerFrame) {

    private static final int[][] BITRATES_MPEG1 = {
            {0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448}, // layer I
            {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},    // layer II
            {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},     // layer III
    };
    private static final int[][] BITRATES_MPEG2 = {
            {0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},
            {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
            {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
    };
    private static final int[] RATES_MPEG1 = {44100, 48000, 32000};

    public static final int SIZE = 4;

    /** The header at b[off..off+3], or null if those bytes are not a usable frame header. */
    public static MpegFrameHeader parse(byte[] b, int off) {
        if (off < 0 || off + SIZE > b.length) {
            return null;
        }
        int b0 = b[off] & 0xff, b1 = b[off + 1] & 0xff, b2 = b[off + 2] & 0xff, b3 = b[off + 3] & 0xff;
        if (b0 != 0xff || (b1 & 0xe0) != 0xe0) {
            return null;
        }
        int version = switch ((b1 >> 3) & 3) {
            case 0 -> 25;
            case 2 -> 2;
            case 3 -> 1;
            default -> -1;
        };
        int layer = 4 - ((b1 >> 1) & 3); // bits 01 = layer III ... 11 = layer I; 00 (reserved) gives 4
        int bitrateIndex = b2 >> 4;
        int rateIndex = (b2 >> 2) & 3;
        // Free-format (index 0) has no computable frame length; emphasis 10 is reserved.
        if (version < 0 || layer == 4 || bitrateIndex == 0 || bitrateIndex == 15 || rateIndex == 3 || (b3 & 3) == 2) {
            return null;
        }
        int bitrate = (version == 1 ? BITRATES_MPEG1 : BITRATES_MPEG2)[layer - 1][bitrateIndex];
        int rate = RATES_MPEG1[rateIndex] / (version == 1 ? 1 : version == 2 ? 2 : 4);
        boolean padding = ((b2 >> 1) & 1) == 1;
        int channels = (b3 >> 6) == 3 ? 1 : 2;
        int samples;
        int bytes;
        if (layer == 1) {
            samples = 384;
            bytes = (12 * bitrate * 1000 / rate + (padding ? 1 : 0)) * 4;
        } else {
            samples = (layer == 3 && version != 1) ? 576 : 1152;
            bytes = samples / 8 * bitrate * 1000 / rate + (padding ? 1 : 0);
        }
        return new MpegFrameHeader(version, layer, (b1 & 1) == 0, bitrate, rate, padding, channels, bytes, samples);
    }

    /** Frames of one stream share version, layer and rate; a header that differs is a false sync. */
    public boolean sameStream(MpegFrameHeader o) {
        return o != null && version == o.version && layer == o.layer && sampleRate == o.sampleRate;
    }

    /** Where a Xing/Info tag would start, counted from the frame start (layer III only). */
    int xingOffset() {
        int sideInfo = version == 1 ? (channels == 1 ? 17 : 32) : (channels == 1 ? 9 : 17);
        return SIZE + (crc ? 2 : 0) + sideInfo;
    }

    /**
     * Whether {@code frame} (this header's whole frame) is an encoder's tag frame rather than audio: a
     * Xing/Info tag, or Fraunhofer's VBRI. They decode as a frame of silence, so a live stream drops them.
     */
    public boolean tagFrame(byte[] frame) {
        int at = xingOffset();
        return layer == 3 && (FileBytes.ascii(frame, at, "Xing") || FileBytes.ascii(frame, at, "Info")
                || FileBytes.ascii(frame, SIZE + 32, "VBRI"));
    }

    public String describe() {
        String v = version == 25 ? "MPEG-2.5" : "MPEG-" + version;
        return v + " layer " + "I".repeat(layer) + ", " + sampleRate + " Hz, " + (channels == 1 ? "mono" : "stereo");
    }
}
