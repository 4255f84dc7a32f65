package vn.loalang.systemtests.bench;

import vn.loalang.agent.audio.AudioSink;
import vn.loalang.agent.audio.LinePace;
import vn.loalang.audio.PcmFormat;
import vn.loalang.systemtests.support.MarkerSignal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A light live station's sound card, modelled on {@link FirstSampleSink}: paced like a card
 * {@link FirstSampleSink#AHEAD_MILLIS} ms ahead, it throws the sound away after a {@link MarkerDetector}
 * has looked at it. A marker is heard when its first sample leaves the speaker in the sink's clock
 * model: the output's {@code openedAt} (wall clock) plus the frames written before it over the rate,
 * the definition of the agent's event times (decision 0005).
 * <p>
 * A write that comes after its samples were due (the station's thread was not run in time) is what a
 * real card meets as an underrun: it played silence meanwhile, and everything after is heard that much
 * later. The model does the same, moving the output's start by the lateness, and counts it; without
 * that, a starved station would look faster than it is.
 */
final class MarkerSink implements AudioSink {
    /** A write later than this after its due time is an underrun (a card's period is about 10–20 ms). */
    static final Duration LATE = Duration.ofMillis(20);

    /** A marker heard: when its first sample left the speaker (wall clock, µs since the epoch), and its index. */
    record Heard(long wallMicros, int index) {
    }

    private final Clock clock;
    private final List<Heard> heard = new ArrayList<>();
    private volatile int underruns;
    private volatile int outputs;

    MarkerSink(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Output open(PcmFormat format, String label) {
        outputs++;
        return new Paced(format, System.nanoTime(), clock.instant());
    }

    /** Every marker heard so far, over every output, in order. */
    List<Heard> heard() {
        synchronized (heard) {
            return List.copyOf(heard);
        }
    }

    int underruns() {
        return underruns;
    }

    int outputs() {
        return outputs;
    }

    private final class Paced implements Output {
        private final PcmFormat format;
        private final Instant openedAt;
        private final long openedWallMicros;
        private final long openedNanos;
        private final MarkerDetector detector;
        /** Where the line's first frame plays ({@link System#nanoTime}); moved on by each underrun. */
        private long startNanos;
        private LinePace pace;
        private long frames;
        private int onsetsSeen;
        /** The start in force for the frames from each underrun on: onsets are placed with their own segment's. */
        private final List<long[]> starts = new ArrayList<>();

        Paced(PcmFormat format, long nowNanos, Instant openedAt) {
            this.format = format;
            this.openedAt = openedAt;
            this.openedWallMicros = TimeUnit.SECONDS.toMicros(openedAt.getEpochSecond()) + openedAt.getNano() / 1000;
            this.openedNanos = nowNanos;
            this.startNanos = nowNanos;
            this.pace = new LinePace(format, nowNanos, Duration.ofMillis(FirstSampleSink.AHEAD_MILLIS));
            this.detector = new MarkerDetector(format.sampleRate(), format.channels(), MarkerSignal.THRESHOLD_DB);
            starts.add(new long[]{0, nowNanos});
        }

        @Override
        public Instant openedAt() {
            return openedAt;
        }

        @Override
        public void write(byte[] buf, int off, int len) {
            long due = startNanos + frames * 1_000_000_000L / format.sampleRate();
            long late = System.nanoTime() - due;
            if (late > LATE.toNanos()) {
                // The card played silence meanwhile: this write's first frame plays now, and the pace starts again here.
                underruns++;
                startNanos += late;
                long frameNowNanos = due + late;
                pace = new LinePace(format, frameNowNanos, Duration.ofMillis(FirstSampleSink.AHEAD_MILLIS));
                starts.add(new long[]{frames, frameNowNanos});
            }
            detector.accept(buf, off, len);
            frames += len / format.frameBytes();
            placeNewOnsets();
            pace.wrote(frames - segmentStart()[0]);
        }

        private long[] segmentStart() {
            return starts.get(starts.size() - 1);
        }

        private void placeNewOnsets() {
            List<MarkerDetector.Onset> all = detector.onsets();
            for (; onsetsSeen < all.size(); onsetsSeen++) {
                MarkerDetector.Onset o = all.get(onsetsSeen);
                long[] segment = starts.get(0);
                for (long[] s : starts) {
                    if (s[0] <= o.frame()) {
                        segment = s;
                    }
                }
                long playsAtNanos = segment[1] + (o.frame() - segment[0]) * 1_000_000_000L / format.sampleRate();
                long wall = openedWallMicros + (playsAtNanos - openedNanos) / 1000;
                synchronized (heard) {
                    heard.add(new Heard(wall, o.index()));
                }
            }
        }

        @Override
        public void drain() {
            pace.drained(frames - segmentStart()[0]);
        }

        @Override
        public void close() {
            // nothing held: the sound is thrown away
        }
    }
}
