package vn.loalang.agent.live;

import vn.loalang.audio.live.Frame;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongSupplier;

/**
 * The compressed MP3 frames between the stream reader and the line, measured in the time they
 * play (each frame's header says it: 26.1 ms at 22.05 kHz), so the level is exact whatever the
 * bytes. The reader offers frames as they come off the socket; the line polls one whenever it
 * needs audio and never waits.
 *
 * <ul>
 *   <li><b>Priming.</b> At the start, and after every underrun, nothing is handed out until
 *       {@code target} is buffered, or twice {@code target} has passed since priming began (a
 *       slow stream then plays what it has rather than staying silent).</li>
 *   <li><b>The live edge.</b> A server's burst-on-connect arrives at once; the line is paced by
 *       the sound card, so without a trim the burst would add its length to the latency for the
 *       whole item. On the first fill of a connection above {@code target + 1 s}, and whenever the
 *       level exceeds {@code max}, the oldest frames are dropped down to {@code target}.</li>
 *   <li><b>Drift.</b> The upstream's clock and the sound card's differ (±50 ppm is 0.18 s an hour);
 *       above {@code target + 1 s} for more than 30 s, one frame in 100 is dropped.</li>
 *   <li><b>Talk.</b> A talk starts with a small target; each underrun raises it by {@code step} up
 *       to {@code ceiling}, so a stuttering speaker costs latency only when it has to; after
 *       {@link #LOWER_AFTER} without one it falls back a step at a time.</li>
 *   <li><b>Surplus, shed in pauses (talk).</b> A stall of the 3G link or of the station's own line
 *       leaves the buffer fuller than playing needs, and without help every later word is heard that
 *       much later. The buffer learns its <i>cushion</i>, its lowest level over the first
 *       {@link #WINDOW} after priming (the sound card's own buffer already taken); whenever its lowest
 *       level over a later window stands more than {@link #MARGIN} above the cushion, the difference
 *       is a surplus, which {@link LivePcmStream} sheds by skipping frames of the speaker's pauses
 *       ({@link SpeechPauses}), never of speech. Relays keep every frame: music has no pauses to
 *       shorten.</li>
 * </ul>
 * One lock: the reader's thread offers, the playout thread polls, a telemetry thread reads the stats.
 */
public final class JitterBuffer {
    /** Where the buffer stands with respect to the line. */
    public enum State {
        /** Filling up to the target: the line gets silence. */
        PRIMING,
        /** Handing out frames. */
        PLAYING,
        /** No more frames will come; what is left plays out, then the buffer is drained. */
        ENDED
    }

    /**
     * What the technician's table and the player read: the level, the target, underruns, frames dropped
     * (burst, drift, maximum) and frames shed from pauses.
     */
    public record Stats(Duration level, Duration target, int underruns, long dropped, State state, long shed) {
    }

    static final Duration EDGE_SLACK = Duration.ofSeconds(1);
    /**
     * A talk's first fill: its uplink comes in 100 ms pieces, so more than this above the target within the
     * first fill is a backlog sent on connect, not arrivals; left, it would be learnt as the cushion and heard
     * as latency for the whole talk.
     */
    static final Duration TALK_EDGE_SLACK = Duration.ofMillis(250);
    static final Duration DRIFT_PATIENCE = Duration.ofSeconds(30);
    static final int DRIFT_ONE_IN = 100;
    /** How long the level is watched: to learn the cushion after priming, and for each lowest level after. */
    static final Duration WINDOW = Duration.ofSeconds(1);
    /** A surplus smaller than this (three frames) is left alone: the arrivals' own jitter. */
    static final Duration MARGIN = Duration.ofMillis(80);
    /** A raised talk target falls back a step after this long without an underrun. */
    static final Duration LOWER_AFTER = Duration.ofSeconds(10);

    private final ArrayDeque<Frame> frames = new ArrayDeque<>();
    private final long maxMicros;
    private final long baseTargetMicros;
    private final long stepMicros;
    private final long ceilingMicros;
    private final LongSupplier nanoTime;
    private long targetMicros;
    private long levelMicros;
    private State state = State.PRIMING;
    private long primingSinceNanos = -1;
    /**
     * When the connection's first frame came (-1: none yet). Its first fill lasts {@code target + 1 s}
     * from then: frames that come in real time cannot exceed {@code target + 1 s} within it, a burst does.
     */
    private long connectionFirstFrameNanos = -1;
    /** Whether this connection's first fill went above {@code target + 1 s}: a burst, kept at the target until it ends. */
    private boolean burst;
    private long aboveEdgeSinceNanos = -1;
    private int pollsAboveEdge;
    private int underruns;
    private long dropped;
    private boolean everPlayed;
    /** Whether surplus is shed in pauses (talk). */
    private final boolean shedsPauses;
    /** The level the line settles at after priming (-1: being learned until {@code learnUntilNanos}). */
    private long cushionMicros = -1;
    private long learnUntilNanos = -1;
    private long windowStartNanos;
    private long windowLowMicros = Long.MAX_VALUE;
    /** What is still to be shed from pauses. */
    private long surplusMicros;
    private long shed;
    private long targetChangedNanos;

    /**
     * @param target   what to buffer before playing
     * @param max      above this, frames are dropped down to the target
     * @param step     how much the target rises after each underrun (zero: it does not)
     * @param ceiling  the highest the target rises to
     * @param nanoTime the monotonic time for priming's and drift's patience ({@code System::nanoTime})
     */
    public JitterBuffer(Duration target, Duration max, Duration step, Duration ceiling, LongSupplier nanoTime) {
        this(target, max, step, ceiling, false, nanoTime);
    }

    /**
     * @param shedsPauses whether surplus above the learnt cushion is shed from the speaker's pauses (a talk's)
     */
    public JitterBuffer(Duration target, Duration max, Duration step, Duration ceiling, boolean shedsPauses,
                        LongSupplier nanoTime) {
        if (target.isNegative() || target.isZero() || max.compareTo(target) < 0) {
            throw new IllegalArgumentException("jitter target " + target + " must be positive and at most max " + max);
        }
        this.targetMicros = micros(target);
        this.baseTargetMicros = targetMicros;
        this.shedsPauses = shedsPauses;
        this.maxMicros = micros(max);
        this.stepMicros = micros(step);
        this.ceilingMicros = Math.max(micros(ceiling), targetMicros);
        this.nanoTime = nanoTime;
    }

    /** A relay's: the target it asks for (3 s by default; the server's burst fills it at once), capped at 8 s. */
    public static JitterBuffer relay(Duration target) {
        return new JitterBuffer(target, later(target, Duration.ofSeconds(8)), Duration.ZERO, target, System::nanoTime);
    }

    /**
     * A talk's: 0.4 s, rising by 0.4 s after each underrun up to 2 s and falling back after 10 s without
     * one, its surplus shed from pauses; a talk's latency is heard.
     */
    public static JitterBuffer talk() {
        return talk(System::nanoTime);
    }

    static JitterBuffer talk(LongSupplier nanoTime) {
        return new JitterBuffer(Duration.ofMillis(400), Duration.ofSeconds(8), Duration.ofMillis(400),
                Duration.ofSeconds(2), true, nanoTime);
    }

    /** A frame off the socket. Ignored once the buffer has ended. */
    public synchronized void offer(Frame frame) {
        if (state == State.ENDED) {
            return;
        }
        long now = nanoTime.getAsLong();
        if (connectionFirstFrameNanos < 0) {
            connectionFirstFrameNanos = now;
        }
        frames.addLast(frame);
        levelMicros += frame.micros();
        long slack = micros(shedsPauses ? TALK_EDGE_SLACK : EDGE_SLACK);
        boolean firstFill = now - connectionFirstFrameNanos < (targetMicros + slack) * 1000;
        if (firstFill && levelMicros > targetMicros + slack) {
            burst = true;
        }
        if (firstFill && burst || levelMicros > maxMicros) {
            trimTo(targetMicros);
        }
    }

    /**
     * A new connection: its server will send a burst again, so its first fill is trimmed to the live
     * edge as at the start. What is still buffered from the old connection stays and plays first.
     */
    public synchronized void reconnected() {
        connectionFirstFrameNanos = -1;
        burst = false;
    }

    /** No more frames will come (the programme ended, the item closes): what is buffered plays out. */
    public synchronized void end() {
        state = State.ENDED;
    }

    /**
     * The next frame for the line, or null when there is none to play now (priming, an underrun,
     * or drained after the end). Never waits.
     */
    public synchronized Frame poll() {
        long now = nanoTime.getAsLong();
        if (state == State.PRIMING) {
            if (frames.isEmpty()) {
                if (primingSinceNanos < 0) {
                    primingSinceNanos = now;
                }
                return null;
            }
            if (primingSinceNanos < 0) {
                primingSinceNanos = now;
            }
            boolean full = levelMicros >= targetMicros;
            boolean waitedLongEnough = now - primingSinceNanos >= 2 * targetMicros * 1000;
            if (!full && !waitedLongEnough) {
                return null;
            }
            state = State.PLAYING;
            primingSinceNanos = -1;
            startLearning(now);
        }
        if (frames.isEmpty()) {
            if (state == State.PLAYING) {
                underruns++;
                state = State.PRIMING;
                primingSinceNanos = now;
                targetMicros = Math.min(ceilingMicros, targetMicros + stepMicros);
                targetChangedNanos = now;
                surplusMicros = 0;
            }
            return null;
        }
        driftDrop(now);
        Frame f = frames.pollFirst();
        levelMicros -= f.micros();
        everPlayed = true;
        if (shedsPauses && state == State.PLAYING) {
            lowerTarget(now);
            watchLevel(now);
        }
        return f;
    }

    /** The cushion is learnt again after every priming: the line's share may have changed with the target. */
    private void startLearning(long now) {
        cushionMicros = -1;
        learnUntilNanos = now + WINDOW.toNanos();
        windowStartNanos = now;
        windowLowMicros = Long.MAX_VALUE;
        surplusMicros = 0;
    }

    /** The lowest level of each window; above the cushion by more than the margin, it is a surplus to shed. */
    private void watchLevel(long now) {
        windowLowMicros = Math.min(windowLowMicros, levelMicros);
        if (cushionMicros < 0) {
            if (now >= learnUntilNanos) {
                cushionMicros = windowLowMicros;
                windowStartNanos = now;
                windowLowMicros = Long.MAX_VALUE;
            }
            return;
        }
        if (now - windowStartNanos < WINDOW.toNanos()) {
            return;
        }
        long above = windowLowMicros - cushionMicros;
        if (surplusMicros <= 0 && above > micros(MARGIN)) {
            surplusMicros = above;
        }
        windowStartNanos = now;
        windowLowMicros = Long.MAX_VALUE;
    }

    /** After {@link #LOWER_AFTER} without an underrun, a raised target falls a step, and the cushion with it. */
    private void lowerTarget(long now) {
        if (targetMicros <= baseTargetMicros || now - targetChangedNanos < LOWER_AFTER.toNanos()) {
            return;
        }
        long step = Math.min(stepMicros, targetMicros - baseTargetMicros);
        targetMicros -= step;
        targetChangedNanos = now;
        if (cushionMicros >= 0) {
            cushionMicros = Math.max(0, cushionMicros - step);
        }
    }

    /**
     * Whether the line should skip the frame it just took if that frame is a pause: the buffer holds more
     * than playing needs. Always false for a relay's buffer.
     */
    public synchronized boolean hasSurplus() {
        return state == State.PLAYING && surplusMicros > 0;
    }

    /** The line skipped a pause frame it had taken: that much less surplus. */
    public synchronized void shedFrame(Frame frame) {
        surplusMicros -= frame.micros();
        shed++;
    }

    /** Above the edge for longer than {@link #DRIFT_PATIENCE}: one frame in {@link #DRIFT_ONE_IN} is let go. */
    private void driftDrop(long now) {
        if (levelMicros <= targetMicros + micros(EDGE_SLACK)) {
            aboveEdgeSinceNanos = -1;
            pollsAboveEdge = 0;
            return;
        }
        if (aboveEdgeSinceNanos < 0) {
            aboveEdgeSinceNanos = now;
        }
        if (now - aboveEdgeSinceNanos < DRIFT_PATIENCE.toNanos()) {
            return;
        }
        if (++pollsAboveEdge % DRIFT_ONE_IN == 0 && frames.size() > 1) {
            levelMicros -= frames.pollFirst().micros();
            dropped++;
        }
    }

    private void trimTo(long micros) {
        while (levelMicros > micros && !frames.isEmpty()) {
            Frame f = frames.peekFirst();
            if (levelMicros - f.micros() < micros) {
                return;
            }
            frames.pollFirst();
            levelMicros -= f.micros();
            dropped++;
        }
    }

    /** Whether the target is buffered (a stream that came back after a silence may be played again). */
    public synchronized boolean ready() {
        return state != State.ENDED && levelMicros >= targetMicros;
    }

    /** Whether the last frame has been handed out after {@link #end()}. */
    public synchronized boolean drained() {
        return state == State.ENDED && frames.isEmpty();
    }

    /** Whether any frame has been handed out since the buffer was made. */
    public synchronized boolean everPlayed() {
        return everPlayed;
    }

    public synchronized Stats stats() {
        return new Stats(Duration.ofNanos(levelMicros * 1000), Duration.ofNanos(targetMicros * 1000), underruns, dropped,
                state, shed);
    }

    private static long micros(Duration d) {
        return d.toNanos() / 1000;
    }

    private static Duration later(Duration a, Duration b) {
        return a.compareTo(b) > 0 ? a : b;
    }
}
