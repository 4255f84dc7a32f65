package vn.loalang.agent.playout;

import vn.loalang.audio.Pcm;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.analysis.PcmAnalysis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What a rendered session sounds like, as a sequence of runs: silence or one of the expected tones. */
final class RenderedAudio {
    static final double SILENCE = 0;
    private static final double UNCLEAR = -1;
    private static final Duration WINDOW = Duration.ofMillis(20);

    /** A stretch of the same sound: {@code hz} is {@link #SILENCE} for digital silence. */
    record Run(double hz, Duration start, Duration length) {
        Duration end() {
            return start.plus(length);
        }
    }

    private RenderedAudio() {
    }

    static long frames(PcmFormat format, Duration d) {
        return format.bytesFor(d) / format.frameBytes();
    }

    /**
     * Classifies 20 ms windows as silence or the dominant candidate tone, and joins equal neighbours.
     * A window across the border of two items may be unclear; such runs (shorter than two windows)
     * are dropped and the neighbours joined, so each border is placed within one window.
     */
    static List<Run> runs(Pcm pcm, double... toneCandidates) {
        PcmFormat format = pcm.format();
        long win = frames(format, WINDOW);
        List<double[]> raw = new ArrayList<>(); // {hz, fromFrame, toFrame}
        for (long from = 0; from < pcm.frames(); from += win) {
            long to = Math.min(pcm.frames(), from + win);
            double hz = classify(pcm, from, to, toneCandidates);
            double[] last = raw.isEmpty() ? null : raw.get(raw.size() - 1);
            if (last != null && last[0] == hz) {
                last[2] = to;
            } else {
                raw.add(new double[]{hz, from, to});
            }
        }
        List<double[]> joined = new ArrayList<>();
        for (double[] r : raw) {
            boolean tooShort = r[2] - r[1] < 2 * win;
            if (r[0] == UNCLEAR || (tooShort && !joined.isEmpty())) {
                if (!joined.isEmpty()) {
                    joined.get(joined.size() - 1)[2] = r[2];
                }
                continue;
            }
            double[] last = joined.isEmpty() ? null : joined.get(joined.size() - 1);
            if (last != null && last[0] == r[0]) {
                last[2] = r[2];
            } else {
                joined.add(r.clone());
            }
        }
        return joined.stream().map(r -> new Run(r[0], format.durationOfFrames((long) r[1]),
                format.durationOfFrames((long) (r[2] - r[1])))).toList();
    }

    private static double classify(Pcm pcm, long from, long to, double[] candidates) {
        if (PcmAnalysis.rmsDbfs(pcm, from, to) == Double.NEGATIVE_INFINITY) {
            return SILENCE;
        }
        double hz = PcmAnalysis.dominantOf(pcm, from, to, candidates);
        return PcmAnalysis.toneRatio(pcm, hz, from, to) > 0.5 ? hz : UNCLEAR;
    }
}
