package vn.loalang.agent.live;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/** TEMPORARY stand-in for the contract vn.loalang.audio.live.Mp3Frames (WP0); removed when it lands. */
public final class Mp3Frames {
    private static final int[] BITRATES_V2_L3 = {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160};
    private static final int[] BITRATES_V1_L3 = {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320};
    private static final int[] RATES_V1 = {44100, 48000, 32000};
    private final InputStream in;

    private Mp3Frames(InputStream in) {
        this.in = in;
    }

    public static Mp3Frames reading(InputStream in) {
        return new Mp3Frames(in);
    }

    public Optional<Frame> next() throws IOException {
        int b0 = in.read();
        while (true) {
            if (b0 < 0) {
                return Optional.empty();
            }
            if (b0 != 0xff) {
                b0 = in.read();
                continue;
            }
            int b1 = in.read();
            if (b1 < 0) {
                return Optional.empty();
            }
            if ((b1 & 0xe0) != 0xe0 || ((b1 >> 1) & 3) != 1) {
                b0 = b1;
                continue;
            }
            int b2 = in.read();
            int b3 = in.read();
            if (b3 < 0) {
                return Optional.empty();
            }
            int v = (b1 >> 3) & 3;
            int br = b2 >> 4;
            int ri = (b2 >> 2) & 3;
            if (v == 1 || br == 0 || br == 15 || ri == 3) {
                b0 = b3;
                continue;
            }
            int version = v == 3 ? 1 : v == 2 ? 2 : 25;
            int rate = RATES_V1[ri] / (version == 1 ? 1 : version == 2 ? 2 : 4);
            int kbps = (version == 1 ? BITRATES_V1_L3 : BITRATES_V2_L3)[br];
            int samples = version == 1 ? 1152 : 576;
            int len = samples / 8 * kbps * 1000 / rate + ((b2 >> 1) & 1);
            byte[] f = new byte[len];
            f[0] = (byte) b0;
            f[1] = (byte) b1;
            f[2] = (byte) b2;
            f[3] = (byte) b3;
            int got = in.readNBytes(f, 4, len - 4);
            if (got < len - 4) {
                return Optional.empty();
            }
            return Optional.of(new Frame(f, rate, samples));
        }
    }
}
