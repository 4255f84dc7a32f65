package vn.loalang.agent.playout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.audio.AudioSink;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.audio.Gain;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.PcmStream;
import vn.loalang.protocol.station.EventReason;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * The open output of one program and how far into it we have written: the audio clock of the
 * program. Its time is the output's opening plus the samples written, so every event stamped from
 * it says when the sound leaves the line. It asks for a reason to stop at every chunk, fades out
 * when there is one, and keeps the sink watchdog told. {@link SessionPlayer} plays files on it and
 * {@link LiveItemPlayer} live streams.
 */
final class Line implements LateAudio.Line {
    /** About 46 ms at 44.1 kHz: how often a stop, a higher priority or a live stream's state is looked at. */
    static final int CHUNK_FRAMES = 2048;

    private static final Logger log = LoggerFactory.getLogger(Line.class);

    /** A file that stopped decoding part-way: the item fails, the program goes on. */
    static final class UnreadableAudio extends Exception {
        UnreadableAudio(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String stationId;
    private final AudioSink.Output out;
    private final PcmFormat format;
    private final Program program;
    private final SessionPlayer.Interruption interruption;
    private final BooleanSupplier stopping;
    private final SinkWatchdog watchdog;
    private final byte[] buf;
    private final byte[] held;
    final Fader fader;
    private long bytes;
    /** Why the line is fading out, once it is. */
    SessionPlayer.Stop stop;
    /** Frames of the current item heard when the fade-out began: where a resume starts. */
    long interruptedAt;
    /** The program's audio that may arrive while it plays; null when all of it is in the cache. */
    final LateAudio late;
    /**
     * Set by a player whose item must not be resumed after a pre-emption (a live talk: what was said
     * meanwhile is gone): the program resumes with the next item.
     */
    boolean resumeAfterItem;
    /** Asked after the program's own interruption while set: the live player's "the stream is back" during a fallback. */
    private SessionPlayer.Interruption extra;

    /** When the output opened, by the station's clock. */
    final Instant openedAt;

    /**
     * @param stopping whether the agent is stopping (then the line fades out and stops)
     * @param watchdog told of every write; null: none
     */
    Line(String stationId, AudioSink.Output out, PcmFormat format, Instant openedAt, Program program,
         SessionPlayer.Interruption interruption, BooleanSupplier stopping, SinkWatchdog watchdog, ContentCache cache) {
        this.stationId = stationId;
        this.out = out;
        this.format = format;
        this.openedAt = openedAt;
        this.program = program;
        this.interruption = interruption;
        this.stopping = stopping;
        this.watchdog = watchdog;
        this.buf = new byte[CHUNK_FRAMES * format.frameBytes()];
        this.held = new byte[CHUNK_FRAMES * format.frameBytes()];
        this.fader = new Fader(format);
        this.late = program.late() == null ? null : new LateAudio(stationId, cache, program);
    }

    PcmFormat format() {
        return format;
    }

    Program program() {
        return program;
    }

    @Override
    public Instant now() {
        return openedAt.plus(format.durationOfBytes(bytes));
    }

    @Override
    public boolean open() {
        return stop == null && !stopping.getAsBoolean();
    }

    @Override
    public void fadeIn() {
        fader.fadeIn(framesOf(SessionPlayer.FADE_IN));
    }

    long framesOf(Duration d) {
        return format.bytesFor(d) / format.frameBytes();
    }

    /** The reason to stop now, if there is one: the agent stopping, a higher priority, quiet hours, the window's end. */
    SessionPlayer.Stop check() {
        if (stopping.getAsBoolean()) {
            return new SessionPlayer.Stop(EventReason.STOPPED, "the agent is stopping");
        }
        Instant now = now();
        if (!now.plus(SessionPlayer.FADE_OUT).isBefore(program.end())) {
            return new SessionPlayer.Stop(EventReason.WINDOW_ENDED, "the window closes at " + program.end());
        }
        SessionPlayer.Stop s = interruption.check(now);
        return s == null && extra != null ? extra.check(now) : s;
    }

    /** Also asks {@code also} at every chunk until {@link #clearExtra()}. */
    void extra(SessionPlayer.Interruption also) {
        this.extra = also;
    }

    void clearExtra() {
        this.extra = null;
    }

    /**
     * Forgets a stop that was the player's own (the extra interruption), once its fade-out is silent:
     * the line goes on, and what plays next fades in.
     */
    void clearStop() {
        stop = null;
        interruptedAt = 0;
    }

    /**
     * Starts the fade-out for {@code s}, noting {@code itemFrames} as where a resume starts. The
     * caller goes on writing until {@link Fader#silent()}.
     */
    void fadeOut(SessionPlayer.Stop s, long itemFrames) {
        stop = s;
        interruptedAt = itemFrames;
        fader.rampTo(0.0, framesOf(SessionPlayer.FADE_OUT));
        log.info("Station {} fades out {}: {}", stationId, program.id(), s.detail());
    }

    void silenceUntil(Instant at) throws IOException {
        Duration d = Duration.between(now(), at);
        if (!d.isNegative()) {
            silence(d);
        }
    }

    /** Silence, ended early only by a stop or a higher priority (nothing is heard, so no fade is needed). */
    @Override
    public void silence(Duration d) throws IOException {
        long left = format.bytesFor(d);
        Arrays.fill(buf, (byte) 0);
        while (left > 0 && !stopping.getAsBoolean()) {
            if (stop == null) {
                SessionPlayer.Stop s = interruption.check(now());
                if (s != null) {
                    stop = s;
                    interruptedAt = 0;
                    return;
                }
            }
            int n = (int) Math.min(buf.length, left);
            write(buf, n);
            left -= n;
        }
    }

    void skip(PcmStream pcm, long frames) throws UnreadableAudio {
        long left = frames * format.frameBytes();
        while (left > 0) {
            int n = read(pcm, (int) Math.min(buf.length, left));
            if (n <= 0) {
                return;
            }
            left -= n;
        }
    }

    /**
     * Plays to the end of the item (true), or until a fade-out ordered by {@link #check()} is silent
     * (false). The last item of a program keeps its last chunk back and fades its final
     * {@link SessionPlayer#FADE_IN} out, so that the step from sound to the tail's silence is no click.
     */
    boolean play(PcmStream pcm, double gain, long framesBefore, boolean fadeAtEnd) throws IOException, UnreadableAudio {
        long itemFrames = framesBefore;
        int heldLen = 0;
        for (int n; (n = read(pcm, buf.length)) > 0; ) {
            if (stop == null) {
                SessionPlayer.Stop s = check();
                if (s != null) {
                    fadeOut(s, itemFrames);
                }
            }
            if (gain != 1.0) {
                Gain.applyLimited(buf, 0, n, gain);
            }
            fader.apply(buf, n);
            itemFrames += n / format.frameBytes();
            if (fadeAtEnd && stop == null) {
                if (heldLen > 0) {
                    write(held, heldLen);
                }
                System.arraycopy(buf, 0, held, 0, n);
                heldLen = n;
                continue;
            }
            if (heldLen > 0) {
                write(held, heldLen);
                heldLen = 0;
            }
            write(buf, n);
            if (stop != null && fader.silent()) {
                return false;
            }
        }
        if (heldLen > 0) {
            int frameBytes = format.frameBytes();
            int fadeBytes = (int) Math.min(heldLen, framesOf(SessionPlayer.FADE_IN) * frameBytes);
            Gain.ramp(held, heldLen - fadeBytes, fadeBytes, format, 1.0, 0.0);
            write(held, heldLen);
        }
        return stop == null;
    }

    /**
     * One chunk of {@code len} bytes already in {@code chunk}, through {@code gain} and the fader, onto the
     * line: for players that decide chunk by chunk (a live stream). The caller checks {@link #check()}.
     */
    void writeChunk(byte[] chunk, int len, double gain) throws IOException {
        if (gain != 1.0) {
            Gain.applyLimited(chunk, 0, len, gain);
        }
        fader.apply(chunk, len);
        write(chunk, len);
    }

    void write(byte[] b, int n) throws IOException {
        if (watchdog != null) {
            watchdog.writing(out);
        }
        out.write(b, 0, n);
        if (watchdog != null) {
            watchdog.wrote();
            if (watchdog.tripped()) {
                // The output returned, but only because the watchdog closed it: nothing more is heard.
                throw new IOException("the audio output stalled and was closed by the watchdog");
            }
        }
        bytes += n;
    }

    private int read(PcmStream pcm, int len) throws UnreadableAudio {
        try {
            return pcm.read(buf, 0, len);
        } catch (IOException e) {
            throw new UnreadableAudio("decoding stopped part-way: " + e.getMessage(), e);
        }
    }
}
