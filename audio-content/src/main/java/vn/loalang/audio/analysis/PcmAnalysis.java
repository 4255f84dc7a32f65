package vn.loalang.audio.analysis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.PcmFormat;

/**
 * Measurements on decoded audio: levels, tone detection and where sound is. Used by system tests
 * to check what a station actually rendered, and by the agent to check its own output.
 * Every measurement mixes all channels to one (their average).
 */
public final class PcmAnalysis {

    /** Sub-window used to place a segment's edges once a window has found it. */
    private static final Duration EDGE_RESOLUTION = Duration.ofMillis(1);

    private PcmAnalysis() {
    }

    /** A run of sound, frames [fromFrame, toFrame). */
    public record Segment(long fromFrame, long toFrame, PcmFormat format) {
        public Duration start() {
            return format.durationOfFrames(fromFrame);
        }

        public Duration duration() {
            return format.durationOfFrames(toFrame - fromFrame);
        }

        public Duration end() {
            return format.durationOfFrames(toFrame);
        }
    }

    /** RMS level in dBFS (a full-scale square wave is 0 dBFS, a full-scale sine -3 dBFS); -infinity for digital silence. */
    public static double rmsDbfs(Pcm pcm, long fromFrame, long toFrame) {
        checkRange(pcm, fromFrame, toFrame);
        if (toFrame == fromFrame) {
            return Double.NEGATIVE_INFINITY;
        }
        double sum = 0;
        for (long f = fromFrame; f < toFrame; f++) {
            double v = mono(pcm, f);
            sum += v * v;
        }
        double rms = Math.sqrt(sum / (toFrame - fromFrame));
        return rms == 0 ? Double.NEGATIVE_INFINITY : 20 * Math.log10(rms);
    }

    /**
     * Power of {@code hz} relative to total power in [from, to): ~1.0 for a pure tone at hz, ~0
     * otherwise. A single-bin (Goertzel-style) measurement done as the least-squares fit of a
     * sinusoid at hz, so the ratio is exact also when the range holds a fractional number of
     * periods. Frequency resolution is about 1 / (range duration): use ranges of 50 ms or more
     * to tell 440 Hz from 660 Hz cleanly.
     */
    public static double toneRatio(Pcm pcm, double hz, long fromFrame, long toFrame) {
        checkRange(pcm, fromFrame, toFrame);
        double w = 2 * Math.PI * hz / pcm.format().sampleRate();
        double cc = 0, ss = 0, cs = 0, xc = 0, xs = 0, xx = 0;
        for (long f = fromFrame; f < toFrame; f++) {
            double x = mono(pcm, f);
            double c = Math.cos(w * (f - fromFrame));
            double s = Math.sin(w * (f - fromFrame));
            cc += c * c;
            ss += s * s;
            cs += c * s;
            xc += x * c;
            xs += x * s;
            xx += x * x;
        }
        double det = cc * ss - cs * cs;
        if (xx == 0 || det <= 0) {
            return 0;
        }
        // Best a*cos + b*sin; the power it explains is a*xc + b*xs.
        double a = (xc * ss - xs * cs) / det;
        double b = (xs * cc - xc * cs) / det;
        return Math.max(0, Math.min(1, (a * xc + b * xs) / xx));
    }

    /**
     * Runs of non-silence: windows of {@code window} whose RMS exceeds thresholdDbfs find them,
     * 1 ms sub-windows place their edges, and runs separated by gaps shorter than {@code window}
     * are merged (a pause inside a word is not a new segment).
     */
    public static List<Segment> soundSegments(Pcm pcm, double thresholdDbfs, Duration window) {
        PcmFormat format = pcm.format();
        long win = Math.max(1, format.bytesFor(window) / format.frameBytes());
        long fine = Math.max(1, format.bytesFor(EDGE_RESOLUTION) / format.frameBytes());
        long total = pcm.frames();
        List<Segment> found = new ArrayList<>();
        long runStart = -1;
        for (long w = 0; w < total; w += win) {
            long end = Math.min(total, w + win);
            boolean loud = rmsDbfs(pcm, w, end) > thresholdDbfs;
            if (loud && runStart < 0) {
                runStart = w;
            } else if (!loud && runStart >= 0) {
                found.add(refine(pcm, runStart, w, thresholdDbfs, win, fine));
                runStart = -1;
            }
        }
        if (runStart >= 0) {
            found.add(refine(pcm, runStart, total, thresholdDbfs, win, fine));
        }
        List<Segment> merged = new ArrayList<>();
        for (Segment s : found) {
            Segment prev = merged.isEmpty() ? null : merged.get(merged.size() - 1);
            if (prev != null && s.fromFrame() - prev.toFrame() < win) {
                merged.set(merged.size() - 1, new Segment(prev.fromFrame(), Math.max(prev.toFrame(), s.toFrame()), format));
            } else {
                merged.add(s);
            }
        }
        return merged;
    }

    /**
     * The coarse run [from, to) is made of whole loud windows; its true edges lie within a window
     * of them (sound that fills only part of a window may not lift its RMS over the threshold).
     */
    private static Segment refine(Pcm pcm, long from, long to, double threshold, long win, long fine) {
        long total = pcm.frames();
        long start = from;
        for (long f = Math.max(0, from - win); f < Math.min(total, from + win); f += fine) {
            if (rmsDbfs(pcm, f, Math.min(total, f + fine)) > threshold) {
                start = f;
                break;
            }
        }
        long end = to;
        for (long f = Math.min(total, to + win); f > Math.max(start, to - win); f -= fine) {
            if (rmsDbfs(pcm, Math.max(0, f - fine), f) > threshold) {
                end = f;
                break;
            }
        }
        return new Segment(start, end, pcm.format());
    }

    /** The candidate frequency with the largest {@link #toneRatio} in [from, to). */
    public static double dominantOf(Pcm pcm, long fromFrame, long toFrame, double... candidatesHz) {
        if (candidatesHz.length == 0) {
            throw new IllegalArgumentException("no candidate frequencies");
        }
        double best = candidatesHz[0];
        double bestRatio = -1;
        for (double hz : candidatesHz) {
            double r = toneRatio(pcm, hz, fromFrame, toFrame);
            if (r > bestRatio) {
                best = hz;
                bestRatio = r;
            }
        }
        return best;
    }

    /** Channels averaged, scaled to [-1, 1). */
    private static double mono(Pcm pcm, long frame) {
        int channels = pcm.format().channels();
        double sum = 0;
        for (int c = 0; c < channels; c++) {
            sum += pcm.sample(frame, c);
        }
        return sum / channels / 32768.0;
    }

    private static void checkRange(Pcm pcm, long from, long to) {
        if (from < 0 || to < from || to > pcm.frames()) {
            throw new IllegalArgumentException("frames [" + from + ", " + to + ") outside the clip's " + pcm.frames() + " frames");
        }
    }
}
