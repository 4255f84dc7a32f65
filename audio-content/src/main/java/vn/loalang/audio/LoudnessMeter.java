package vn.loalang.audio;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Integrated loudness per ITU-R BS.1770-4 (the measure EBU R128 normalises to) and true peak, in
 * one streaming pass over a file.
 *
 * <p>What is implemented, and the figures it gives (tested in {@code LoudnessMeterTest}):
 * <ul>
 * <li>K-weighting, both stages, with coefficients computed for the stream's own sample rate
 *     ({@link KWeighting});
 * <li>mean square per 400 ms block, blocks every 100 ms (75 % overlap); only whole blocks count, as
 *     in the standard, so audio under 400 ms has no integrated loudness;
 * <li>loudness of a block = −0.691 + 10·log10(Σ G_c · z_c) with G_c = 1.0 for every channel;
 * <li>absolute gate at −70 LUFS, then a relative gate 10 LU below the loudness of the blocks that
 *     passed it; the integrated loudness is that of the blocks above both gates.
 * </ul>
 *
 * <p>Channels are weighted as BS.1770 does for left, right and centre. A mono file is therefore one
 * channel (a mono file is not counted twice as "dual mono"): a full-scale 997 Hz sine reads −3.01
 * LUFS in mono, 0.00 LUFS when it is in both channels of a stereo file; the same sine at −23 dBFS in
 * both stereo channels reads −23.0 LUFS (EBU Tech 3341 case 1). This is what {@code ffmpeg -af
 * ebur128} reports (its {@code dualmono} option is off by default). The station plays mono files on
 * both channels (or stereo ones averaged to one), so to count a mono file as it will be heard, upmix
 * it to two channels with {@link PcmConverter} and measure that stream (README, "Loudness").
 * Files with more than two channels get 1.0 on every channel too, which is not BS.1770's weighting
 * for surround (1.41) or LFE (0).
 *
 * <p>Full scale is 32768, the 16-bit range.
 */
public final class LoudnessMeter {

    /** BS.1770's offset: cancels K-weighting's +0.691 dB at 997 Hz, so such a sine reads its own level. */
    private static final double OFFSET_DB = -0.691;
    private static final double ABSOLUTE_GATE_LUFS = -70;
    private static final double RELATIVE_GATE_LU = -10;
    /** Blocks advance by 100 ms and are four steps (400 ms) long. */
    private static final int STEPS_PER_SECOND = 10;
    private static final int STEPS_PER_BLOCK = 4;

    private LoudnessMeter() {
    }

    /**
     * Decodes the whole file (anything {@link AudioDecoder} opens) and measures it. Refuses a
     * truncated file, like {@link AudioDecoder#decodeAll}: a gain stored from part of the audio would
     * be wrong for the rest once the file is replaced by a complete copy.
     */
    public static Loudness measure(Path file) throws AudioContentException {
        try (SourceStream in = AudioDecoder.openSource(file)) {
            Loudness loudness = measure(in);
            in.finish();
            return loudness;
        } catch (IOException e) {
            throw FileBytes.unreadable(file, e);
        }
    }

    /**
     * Loudness as a loudspeaker line plays the file: a mono file is measured as the same sound on
     * two channels. BS.1770 reads a mono file 3.01 LU lower than the same sound in stereo, but a
     * station plays both alike (mono output averages stereo; stereo output copies mono), so
     * without this a mono item would get 3 dB more gain than its stereo twin.
     */
    public static Loudness measureAsBroadcast(Path file) throws AudioContentException {
        try (SourceStream in = AudioDecoder.openSource(file)) {
            PcmFormat f = in.format();
            Loudness loudness = f.channels() == 1
                    ? measure(PcmConverter.convert(in, new PcmFormat(f.sampleRate(), 2)))
                    : measure(in);
            in.finish();
            return loudness;
        } catch (IOException e) {
            throw FileBytes.unreadable(file, e);
        }
    }

    /** Reads {@code pcm} to its end (it is not closed) and measures it. */
    public static Loudness measure(PcmStream pcm) throws IOException {
        PcmFormat f = pcm.format();
        Accumulator acc = new Accumulator(f);
        byte[] buf = new byte[4096 * f.frameBytes()];
        int n;
        while ((n = pcm.read(buf, 0, buf.length)) >= 0) {
            acc.add(buf, n);
        }
        return acc.result();
    }

    /** The running state: filters, the current 100 ms step's energy and every finished step's. */
    private static final class Accumulator {
        private final PcmFormat format;
        private final KWeighting kWeighting;
        private final TruePeak truePeak;
        private final double[] frame;
        private long frames;
        private double stepEnergy;
        /** Σ over channels and samples of the K-weighted square, per finished 100 ms step. */
        private double[] steps = new double[64];
        private int stepCount;
        private long nextStepEnd;

        Accumulator(PcmFormat format) {
            this.format = format;
            kWeighting = new KWeighting(format.sampleRate(), format.channels());
            truePeak = new TruePeak(format.channels());
            frame = new double[format.channels()];
            nextStepEnd = stepStart(1);
        }

        void add(byte[] buf, int len) {
            int channels = format.channels();
            for (int i = 0; i < len; ) {
                double energy = 0;
                for (int c = 0; c < channels; c++, i += 2) {
                    double x = (short) ((buf[i] & 0xff) | (buf[i + 1] << 8)) / 32768.0;
                    frame[c] = x;
                    double z = kWeighting.filter(c, x);
                    energy += z * z; // G_c = 1.0 for every channel
                }
                truePeak.add(frame);
                stepEnergy += energy;
                if (++frames == nextStepEnd) {
                    if (stepCount == steps.length) {
                        steps = Arrays.copyOf(steps, 2 * stepCount);
                    }
                    steps[stepCount++] = stepEnergy;
                    stepEnergy = 0;
                    nextStepEnd = stepStart(stepCount + 1);
                }
            }
        }

        /**
         * First frame of step k. Rounded per step rather than a fixed step length, so that at rates
         * such as 11025 Hz (1102.5 frames per 100 ms) blocks neither drift nor skip samples.
         */
        private long stepStart(long k) {
            return k * format.sampleRate() / STEPS_PER_SECOND;
        }

        Loudness result() {
            int blocks = Math.max(0, stepCount - STEPS_PER_BLOCK + 1);
            double[] power = new double[blocks]; // Σ_c mean square of channel c over the block
            for (int j = 0; j < blocks; j++) {
                double energy = 0;
                for (int k = j; k < j + STEPS_PER_BLOCK; k++) {
                    energy += steps[k];
                }
                power[j] = energy / (stepStart(j + STEPS_PER_BLOCK) - stepStart(j));
            }
            double absolute = gatedMean(power, powerOf(ABSOLUTE_GATE_LUFS));
            double relative = powerOf(loudnessOf(absolute) + RELATIVE_GATE_LU);
            double integrated = loudnessOf(gatedMean(power, Math.max(powerOf(ABSOLUTE_GATE_LUFS), relative)));
            double peak = truePeak.finish();
            return new Loudness(integrated, 20 * Math.log10(peak), format.durationOfFrames(frames));
        }

        /** Mean of the powers strictly above the threshold (BS.1770 gates with ">"); 0 if none. */
        private static double gatedMean(double[] power, double threshold) {
            double sum = 0;
            int n = 0;
            for (double p : power) {
                if (p > threshold) {
                    sum += p;
                    n++;
                }
            }
            return n == 0 ? 0 : sum / n;
        }

        private static double loudnessOf(double power) {
            return OFFSET_DB + 10 * Math.log10(power); // log10(0) = -infinity: silence
        }

        private static double powerOf(double lufs) {
            return Math.pow(10, (lufs - OFFSET_DB) / 10);
        }
    }
}
