package vn.loalang.agent.audio;

import vn.loalang.audio.PcmFormat;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The pace of a sound card for a sink that has none: a write returns once the line would have
 * played all but {@code ahead} of what was written since the output opened, so the player is held
 * back as by a real card's buffer. Real time ({@code System.nanoTime}), whatever clock the station runs on.
 */
public final class LinePace {
    private final PcmFormat format;
    private final long startNanos;
    private final long aheadFrames;

    public LinePace(PcmFormat format, long startNanos, Duration ahead) {
        this.format = format;
        this.startNanos = startNanos;
        this.aheadFrames = format.bytesFor(ahead) / format.frameBytes();
    }

    /** After a write that brought the total to {@code framesWritten}: waits while the buffer is full. */
    public void wrote(long framesWritten) {
        awaitPlayed(framesWritten - aheadFrames);
    }

    /** Waits until every frame written so far would have been heard (a drain). */
    public void drained(long framesWritten) {
        awaitPlayed(framesWritten);
    }

    private void awaitPlayed(long frame) {
        long due = startNanos + frame * 1_000_000_000L / format.sampleRate();
        for (long left; (left = due - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }
}
