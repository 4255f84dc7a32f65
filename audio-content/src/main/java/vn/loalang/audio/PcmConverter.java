package vn.loalang.audio;

import java.io.IOException;

/** Converts a stream's channel count and sample rate on the fly. */
public final class PcmConverter {

    private PcmConverter() {
    }

    /**
     * Streams {@code in} converted to {@code target}: channel up/down-mix and sample-rate
     * conversion with a windowed-sinc resampler (keeps a tone's frequency, adds no time shift,
     * and the output length is the input length times the rate ratio, rounded up to a whole frame).
     * Returns {@code in} itself when formats match. Closing the result closes {@code in}.
     */
    public static PcmStream convert(PcmStream in, PcmFormat target) {
        PcmFormat source = in.format();
        if (source.equals(target)) {
            return in;
        }
        // Resample as few channels as possible: downmix before, upmix after.
        PcmStream s = in;
        if (target.channels() < source.channels()) {
            s = new ChannelMixer(s, target.channels());
        }
        if (target.sampleRate() != source.sampleRate()) {
            s = new Resampler(s, target.sampleRate());
        }
        if (target.channels() > source.channels()) {
            s = new ChannelMixer(s, target.channels());
        }
        return s;
    }

    /**
     * Mono to many: the same signal on every channel. Many to mono: the average (not the sum, which
     * would clip). Otherwise channel c takes source channel c modulo the source count.
     */
    static final class ChannelMixer implements PcmStream {
        private final PcmStream in;
        private final PcmFormat format;
        private byte[] scratch = new byte[0];

        ChannelMixer(PcmStream in, int channels) {
            this.in = in;
            this.format = new PcmFormat(in.format().sampleRate(), channels);
        }

        @Override
        public PcmFormat format() {
            return format;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int frames = Streams.wholeFrames(len, format) / format.frameBytes();
            if (frames == 0) {
                return 0;
            }
            int inChannels = in.format().channels();
            int need = frames * in.format().frameBytes();
            if (scratch.length < need) {
                scratch = new byte[need];
            }
            int n = in.read(scratch, 0, need);
            if (n < 0) {
                return -1;
            }
            int got = n / in.format().frameBytes();
            int outChannels = format.channels();
            int o = off;
            for (int f = 0; f < got; f++) {
                int base = f * inChannels * 2;
                if (outChannels == 1) {
                    int sum = 0;
                    for (int c = 0; c < inChannels; c++) {
                        sum += (short) ((scratch[base + 2 * c] & 0xff) | (scratch[base + 2 * c + 1] << 8));
                    }
                    short s = (short) Math.round((double) sum / inChannels);
                    buf[o++] = (byte) s;
                    buf[o++] = (byte) (s >> 8);
                } else {
                    for (int c = 0; c < outChannels; c++) {
                        int src = base + 2 * (c % inChannels);
                        buf[o++] = scratch[src];
                        buf[o++] = scratch[src + 1];
                    }
                }
            }
            return o - off;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
