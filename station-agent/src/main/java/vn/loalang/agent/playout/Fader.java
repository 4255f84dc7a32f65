package vn.loalang.agent.playout;

import vn.loalang.audio.Gain;
import vn.loalang.audio.PcmFormat;

/**
 * A gain that moves linearly to a target over a number of frames, across the chunks written:
 * a cut from full level to silence (or back) is a click on a horn speaker; a few milliseconds of
 * ramp are not heard as anything.
 */
final class Fader {
    private final PcmFormat format;
    private double level = 1.0;
    private double target = 1.0;
    private double perFrame;

    Fader(PcmFormat format) {
        this.format = format;
    }

    /** Ramps from silence to full level over {@code frames}. */
    void fadeIn(long frames) {
        level = 0.0;
        rampTo(1.0, frames);
    }

    void rampTo(double to, long frames) {
        target = to;
        perFrame = frames <= 0 ? Double.POSITIVE_INFINITY : Math.abs(target - level) / frames;
        if (frames <= 0) {
            level = target;
        }
    }

    /** Whether a fade to silence has come to its end. */
    boolean silent() {
        return level == 0.0 && target == 0.0;
    }

    /** Applies the current gain (and the ramp) to {@code len} bytes of whole frames, in place. */
    void apply(byte[] buf, int len) {
        int frameBytes = format.frameBytes();
        int frames = len / frameBytes;
        int ramped = 0;
        if (level != target) {
            long toTarget = (long) Math.ceil(Math.abs(target - level) / perFrame);
            ramped = (int) Math.min(frames, toTarget);
            double end = ramped == toTarget ? target : level + Math.signum(target - level) * perFrame * ramped;
            Gain.ramp(buf, 0, ramped * frameBytes, format, level, end);
            level = end;
        }
        if (ramped < frames && level != 1.0) {
            Gain.apply(buf, ramped * frameBytes, (frames - ramped) * frameBytes, level);
        }
    }
}
