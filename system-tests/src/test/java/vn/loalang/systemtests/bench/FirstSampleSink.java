package vn.loalang.systemtests.bench;

import vn.loalang.agent.audio.AudioSink;
import vn.loalang.agent.audio.LinePace;
import vn.loalang.audio.PcmFormat;

import java.time.Clock;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * A station's sound card for the alert benchmark: it notes ({@link System#nanoTime}) when the
 * first output is opened and when the first write holding a sample that is not zero arrives, i.e.
 * when the first sound is handed to the line, and throws the sound away. It takes samples at the
 * pace a sound card plays them, {@link #AHEAD_MILLIS} ms in advance like the agent's WAV sink, because the
 * agent paces its decoding by the sink: an output that never blocked would let every station
 * decode its whole alert at once, a burst of CPU that a station on its own pole never meets.
 */
final class FirstSampleSink implements AudioSink {
    /** How far ahead of the audio clock a write may return: the size of a sound card's buffer. */
    static final long AHEAD_MILLIS = 200;

    private final Clock clock;
    private volatile long openedNanos = -1;
    private volatile long firstSoundNanos = -1;
    private volatile long framesTaken;
    private volatile int closed;

    FirstSampleSink(Clock clock) {
        this.clock = clock;
    }

    @Override
    public Output open(PcmFormat format, String label) {
        long now = System.nanoTime();
        if (openedNanos < 0) {
            openedNanos = now;
        }
        return new Paced(format, now, clock.instant());
    }

    /** Forgets what it noted: the next output opened is the next alert's (call it while nothing plays). */
    void rearm() {
        openedNanos = -1;
        firstSoundNanos = -1;
        framesTaken = 0;
        closed = 0;
    }

    /** When the first output was opened; empty while none was. */
    OptionalLong openedNanos() {
        return openedNanos < 0 ? OptionalLong.empty() : OptionalLong.of(openedNanos);
    }

    /** When the first write with sound in it reached the sink; empty while none did. */
    OptionalLong firstSoundNanos() {
        return firstSoundNanos < 0 ? OptionalLong.empty() : OptionalLong.of(firstSoundNanos);
    }

    /** Frames taken by every output so far, silence included. */
    long framesTaken() {
        return framesTaken;
    }

    /** How many outputs were closed: the agent closes one when its program has ended. */
    int outputsClosed() {
        return closed;
    }

    /** Whether any of the bytes is not zero: a 16-bit sample is silent exactly when both its bytes are. */
    static boolean hasSound(byte[] buf, int off, int len) {
        for (int i = off; i < off + len; i++) {
            if (buf[i] != 0) {
                return true;
            }
        }
        return false;
    }

    private final class Paced implements Output {
        private final PcmFormat format;
        private final Instant openedAt;
        /** As the agent's WAV sink paces its writes: a sound card's 200 ms ahead. */
        private final LinePace pace;
        private long frames;

        Paced(PcmFormat format, long startNanos, Instant openedAt) {
            this.format = format;
            this.openedAt = openedAt;
            this.pace = new LinePace(format, startNanos, java.time.Duration.ofMillis(AHEAD_MILLIS));
        }

        @Override
        public Instant openedAt() {
            return openedAt;
        }

        @Override
        public void write(byte[] buf, int off, int len) {
            long arrived = System.nanoTime();
            if (firstSoundNanos < 0 && hasSound(buf, off, len)) {
                firstSoundNanos = arrived;
            }
            int n = len / format.frameBytes();
            frames += n;
            framesTaken += n;
            pace.wrote(frames);
        }

        @Override
        public void drain() {
            pace.drained(frames);
        }

        @Override
        public void close() {
            closed++;
        }
    }
}
