package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.live.Frame;
import vn.loalang.audio.live.Mp3Frames;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One live talk's uplink: the speaker's audio (WebM/Opus from the browser's {@code MediaRecorder}, as
 * the WebSocket delivers it) goes into an ffmpeg child's standard input; ffmpeg's MP3 (the commune's
 * channel format, 22,050 Hz mono 32 kbit/s) is cut into frames by {@link Mp3Frames} and published on the
 * talk's {@link LiveChannel}, which fans it out to the stations. Its reader runs on thread
 * {@code talk-{id}}.
 *
 * <p>It ends when the speaker ends it, when nothing has come for {@link #IDLE} (a closed laptop, a lost
 * uplink), or at the talk's maximum length; ending closes ffmpeg's input, so ffmpeg writes what it still
 * holds, and then the channel ends. The uplink is bounded: a message larger than {@link #MAX_MESSAGE_BYTES}
 * or a sender above {@link #MAX_BYTES_PER_SECOND} (with a few seconds' burst, for a stuttering uplink
 * catching up) is refused, and the socket closed.
 */
public final class TalkIngest {
    private static final Logger log = LoggerFactory.getLogger(TalkIngest.class);
    /** Nothing received for this long ends the talk. */
    public static final Duration IDLE = Duration.ofSeconds(15);
    /** One WebSocket message: a 100 ms WebM piece is ~400 bytes; a PCM one 3.2 kB. */
    public static final int MAX_MESSAGE_BYTES = 64 * 1024;
    /** WebM/Opus at 32 kbit/s is 4 kB/s; PCM s16le at 16 kHz is 32 kB/s. Twice the latter. */
    public static final long MAX_BYTES_PER_SECOND = 64 * 1024;
    /** A stalled uplink sends what it queued in one go: up to this many seconds' worth at the top rate. */
    static final int BURST_SECONDS = 5;
    private static final long STOP_GRACE_MILLIS = 3000;

    /** What the talk's owner hears from its uplink; called on the reader thread or the caller's. */
    public interface Events {
        /** The first frame of the speaker's voice is on the channel. */
        void onAir(String talkId);

        /** The uplink is over ({@code reason}: "speaker", "idle", "maximum length", "ffmpeg failed" …); once. */
        void ended(String talkId, String reason);
    }

    /** What a message from the speaker came to. */
    public enum Accepted { OK, TOO_LARGE, TOO_FAST, ENDED }

    /** Sent to the speaker's page once a second. */
    public record Report(String state, long receivedMillis, int stationsOnAir) {
    }

    private final String talkId;
    private final LiveChannel channel;
    private final List<String> command;
    private final Instant maxEnd;
    private final Clock clock;
    private final Events events;
    private final AtomicBoolean ended = new AtomicBoolean();
    /** Done once the owner has been told the uplink ended (the channel has ended by then). */
    private final java.util.concurrent.CompletableFuture<Void> over = new java.util.concurrent.CompletableFuture<>();
    private final Object inputLock = new Object();
    private volatile FfmpegProcess ffmpeg;
    private volatile OutputStream input;
    private volatile Instant lastBytes;
    private volatile boolean onAir;
    /** Why the talk was ended, for the reader that finishes the channel after ffmpeg's last frame. */
    private volatile String endReason;
    private volatile long receivedMicros;
    private volatile long receivedBytes;
    /** When the speaker's first bytes came (System.nanoTime), for the encoder's start-up delay in the log. */
    private volatile long firstBytesNanos;
    private final UplinkBudget budget = new UplinkBudget(MAX_BYTES_PER_SECOND, BURST_SECONDS, System.nanoTime());

    /**
     * @param command the ffmpeg command, reading the speaker's audio on standard input and writing MP3 on
     *                standard output ({@link Ffmpeg#talkCommand(String)})
     */
    public TalkIngest(String talkId, LiveChannel channel, List<String> command, Instant maxEnd, Clock clock,
                      Events events) {
        this.talkId = talkId;
        this.channel = channel;
        this.command = List.copyOf(command);
        this.maxEnd = maxEnd;
        this.clock = clock;
        this.events = events;
    }

    public String talkId() {
        return talkId;
    }

    /**
     * The speaker's socket is open: ffmpeg starts, and the idle clock with it. Thrown when ffmpeg cannot be
     * started; the talk has then ended.
     */
    public void connected() throws IOException {
        connected(command);
    }

    /** As {@link #connected()}, with the speaker's audio in another form ({@link Ffmpeg#talkCommand}: PCM). */
    public void connected(List<String> command) throws IOException {
        synchronized (inputLock) {
            if (ended.get() || ffmpeg != null) {
                return;
            }
            lastBytes = clock.instant();
            FfmpegProcess p;
            try {
                p = FfmpegProcess.start("talk-" + talkId, command, null);
            } catch (IOException e) {
                end("ffmpeg failed to start: " + e.getMessage());
                throw e;
            }
            ffmpeg = p;
            input = p.input();
            log.info("Talk {}: its uplink is open; ffmpeg started, pid {}", talkId, p.pid());
            Thread reader = new Thread(() -> read(p.mp3()), "talk-" + talkId);
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** One message of the speaker's audio. Refused past the limits, or once the talk has ended. */
    public Accepted accept(byte[] data, int offset, int length) {
        if (length > MAX_MESSAGE_BYTES) {
            return Accepted.TOO_LARGE;
        }
        synchronized (inputLock) {
            if (ended.get() || input == null) {
                return Accepted.ENDED;
            }
            if (!budget.take(length, System.nanoTime())) {
                return Accepted.TOO_FAST;
            }
            try {
                input.write(data, offset, length);
                input.flush();
            } catch (IOException e) {
                log.warn("Talk {}: ffmpeg no longer takes the speaker's audio ({}); the talk ends", talkId, e.getMessage());
                endLocked("ffmpeg stopped");
                return Accepted.ENDED;
            }
            if (receivedBytes == 0) {
                firstBytesNanos = System.nanoTime();
            }
            receivedBytes += length;
            lastBytes = clock.instant();
            return Accepted.OK;
        }
    }

    /** Every second: nothing for {@link #IDLE}, or the talk's maximum length reached, ends it. */
    public void check(Instant now) {
        if (ended.get()) {
            return;
        }
        if (!now.isBefore(maxEnd)) {
            end("maximum length");
        } else if (lastBytes != null && !now.isBefore(lastBytes.plus(IDLE))) {
            end("idle");
        }
    }

    /** Ends the uplink: ffmpeg gets end of input, writes what it holds, and the channel ends after it. */
    public void end(String reason) {
        synchronized (inputLock) {
            endLocked(reason);
        }
    }

    private void endLocked(String reason) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        endReason = reason;
        FfmpegProcess p = ffmpeg;
        log.info("Talk {}: its uplink ends ({}) after {} ms of audio, {} bytes received", talkId, reason,
                receivedMicros / 1000, receivedBytes);
        if (p == null) {
            channel.end();
            try {
                events.ended(talkId, reason);
            } finally {
                over.complete(null);
            }
            return;
        }
        try {
            input.close();
        } catch (IOException e) {
            // ffmpeg already went: the reader sees its end of output.
        }
        // ffmpeg stops by itself at end of input; one that does not within the grace is killed.
        p.exited().completeOnTimeout(null, STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS).thenRun(() -> {
            if (p.alive()) {
                log.warn("Talk {}: ffmpeg (pid {}) did not stop within {} ms of its input's end: stopped", talkId,
                        p.pid(), STOP_GRACE_MILLIS);
                p.close();
            }
        });
    }

    /** Waits up to {@code limit} for the end to be complete (ffmpeg's last frame out, the owner told). */
    public boolean awaitOver(Duration limit) {
        try {
            over.get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public boolean ended() {
        return ended.get();
    }

    public boolean onAir() {
        return onAir;
    }

    /** The length of the speaker's audio on the channel so far. */
    public long receivedMillis() {
        return receivedMicros / 1000;
    }

    public Report report(int stationsOnAir) {
        String state = ended.get() ? "ENDED" : onAir ? "ON_AIR" : "STARTING";
        return new Report(state, receivedMillis(), stationsOnAir);
    }

    /** ffmpeg's output, frame by frame, onto the channel; at its end the channel ends and the owner is told. */
    private void read(InputStream mp3) {
        Mp3Frames frames = Mp3Frames.reading(mp3);
        try {
            for (Optional<Frame> f = frames.next(); f.isPresent(); f = frames.next()) {
                channel.publish(f.get());
                receivedMicros += f.get().micros();
                if (!onAir) {
                    onAir = true;
                    log.info("Talk {}: the speaker's voice is on channel {}, {} ms after their first bytes", talkId,
                            channel.id(), (System.nanoTime() - firstBytesNanos) / 1_000_000);
                    events.onAir(talkId);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Talk {}: reading ffmpeg's output failed: {}", talkId, e.toString());
        } finally {
            boolean byUs = !ended.compareAndSet(false, true);
            String reason = byUs ? endReason : "ffmpeg stopped";
            if (!byUs) {
                log.warn("Talk {}: ffmpeg (pid {}) ended by itself {}; the talk ends", talkId, ffmpeg.pid(),
                        ffmpeg.lastErrors());
                ffmpeg.close();
            }
            channel.end();
            log.info("Talk {}: channel {} ended, {} ms of audio", talkId, channel.id(), receivedMicros / 1000);
            try {
                events.ended(talkId, reason == null ? "ended" : reason);
            } finally {
                over.complete(null);
            }
        }
    }
}
