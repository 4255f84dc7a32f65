package vn.loalang.audio;

import java.time.Duration;
import java.util.Objects;

/**
 * The loudness of one file per ITU-R BS.1770-4 / EBU R128, as measured by {@link LoudnessMeter}.
 *
 * @param integratedLufs gated integrated loudness in LUFS; {@link Double#NEGATIVE_INFINITY} when
 *        nothing passes the gates (digital silence, anything quieter than −70 LUFS, or audio shorter
 *        than one 400 ms block)
 * @param truePeakDbtp true peak in dBTP: the largest absolute value of the signal oversampled four
 *        times (BS.1770-4 Annex 2), relative to 16-bit full scale (32768); can exceed 0 for a
 *        clipped or loud MP3; {@link Double#NEGATIVE_INFINITY} for digital silence
 * @param measured how much audio was measured
 */
public record Loudness(double integratedLufs, double truePeakDbtp, Duration measured) {

    public Loudness {
        if (Double.isNaN(integratedLufs) || integratedLufs == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("integrated loudness " + integratedLufs + " LUFS");
        }
        if (Double.isNaN(truePeakDbtp) || truePeakDbtp == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("true peak " + truePeakDbtp + " dBTP");
        }
        Objects.requireNonNull(measured, "measured");
    }

    /**
     * Gain in dB that brings this to targetLufs, limited so that the peak stays at or below ceilingDb
     * (e.g. -1 dBTP); never more than +maxBoostDb.
     *
     * <p>That is {@code min(targetLufs − integratedLufs, ceilingDb − truePeakDbtp, maxBoostDb)}. The
     * ceiling applies to cuts too: an item already peaking above it is turned down to it even when
     * that leaves it below the target, because the peak is what would clip in the DAC or the
     * resampler after it. Without a measurable loudness (silence, under 400 ms) the answer is 0 dB:
     * there is nothing to match, and boosting noise by maxBoostDb would be the worst guess.
     */
    public double gainTo(double targetLufs, double ceilingDb, double maxBoostDb) {
        if (!Double.isFinite(targetLufs) || !Double.isFinite(ceilingDb)) {
            throw new IllegalArgumentException("target " + targetLufs + " LUFS and ceiling " + ceilingDb + " dB must be finite");
        }
        if (!(maxBoostDb >= 0) || maxBoostDb == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("maximum boost " + maxBoostDb + " dB must be finite and at least 0");
        }
        if (integratedLufs == Double.NEGATIVE_INFINITY) {
            return 0;
        }
        double gain = Math.min(targetLufs - integratedLufs, maxBoostDb);
        return Math.min(gain, ceilingDb - truePeakDbtp); // a -infinity peak leaves gain alone
    }
}
