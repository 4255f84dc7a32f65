package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.live.Frame;
import vn.loalang.audio.live.Mp3Frames;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.live.ChannelState;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.live.LiveState;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Pulls one named source for one run of relay slots: one ffmpeg (the only fetch of that upstream
 * for the whole commune), its MP3 frames published on the source's channel, its state published
 * signed and retained. ffmpeg exits when an Icecast upstream ends (measured: plan §2.3), so it is
 * started again after each exit, with a jittered back-off of 1 s doubling to 30 s.
 *
 * <p>States: STARTING until the first frame, ON_AIR while frames come; INTERRUPTED when ffmpeg
 * exits or no frame came for {@link #QUIET}; ENDED by the run's rule, always by its maximum:
 * <ul>
 * <li>{@link EndBy#FIXED}: at the maximum (a fixed end time);</li>
 * <li>{@link EndBy#SILENCE}: the upstream is silent (below −45 dB) for the run's silence seconds
 * (ffmpeg's {@code silencedetect}): the provincial station closed its programme;</li>
 * <li>{@link EndBy#UPSTREAM_GONE}: no frame for the run's grace (the upstream's EOF, an HLS
 * ENDLIST, a mount that does not come back);</li>
 * <li>{@link EndBy#PROGRAMME_END}: whichever of the two comes first, as a relay "until the
 * programme ends" needs: a provincial station may close its programme with silence, or by taking
 * its stream down.</li>
 * </ul>
 * The upstream gone ends a run only once it has been on air: a programme that never began has not
 * ended (the stations fall back meanwhile, and the relay is heard if the upstream comes late).
 * Threads: {@code upstream-{source}} reads ffmpeg; {@code upstream-{source}-watch} keeps time.
 */
public final class UpstreamSupervisor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UpstreamSupervisor.class);
    /** Without a frame this long the channel is INTERRUPTED. */
    public static final Duration QUIET = Duration.ofSeconds(3);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final long WATCH_MILLIS = 250;
    /**
     * How long an upstream that was on air may send nothing before its programme is taken as over. Longer than
     * ffmpeg's own reconnects (about 1.5 s, measured) and a few of the supervisor's restarts with back-off (1, 2,
     * 4, 8, 16 s), so an encoder restarted at the province or a minute of a bad link does not end the relay; the
     * stations have fallen back long before (3 s after INTERRUPTED).
     */
    public static final Duration DEFAULT_GONE_GRACE = Duration.ofSeconds(60);

    /** A named source of the commune, as the supervisor pulls it. */
    public record Source(String id, String name, URI url, boolean hls) {
        public Source {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(url, "url");
            name = name == null ? id : name;
        }
    }

    /** How a run ends besides its maximum. */
    public enum EndBy {
        FIXED, SILENCE, UPSTREAM_GONE,
        /** {@link #SILENCE} or {@link #UPSTREAM_GONE}, whichever first: a relay slot's {@code PROGRAMME_END}. */
        PROGRAMME_END;

        /** Whether ffmpeg's silencedetect ends the run. */
        public boolean bySilence() {
            return this == SILENCE || this == PROGRAMME_END;
        }

        /** Whether the upstream gone for the run's grace ends the run. */
        public boolean byUpstreamGone() {
            return this == UPSTREAM_GONE || this == PROGRAMME_END;
        }
    }

    /**
     * One run of the source: until {@code maxEnd} at the latest.
     *
     * @param silenceSeconds for {@link EndBy#SILENCE} and {@link EndBy#PROGRAMME_END}: how long silent ends the
     *                       programme (also what ffmpeg's silencedetect is told)
     * @param goneGrace      for {@link EndBy#UPSTREAM_GONE} and {@link EndBy#PROGRAMME_END}: how long without a frame
     *                       ends it; null: {@link #DEFAULT_GONE_GRACE}
     * @param recording      what the run's recording becomes in the library; null: not recorded
     * @param programmeFrom  when the programme is due (a relay slot's start; its fetch begins earlier): a silence
     *                       that began before it, or an upstream not yet heard on air since it, has not ended the
     *                       programme, which has not begun. Null: from the run's start
     */
    public record Run(Instant maxEnd, EndBy endBy, int silenceSeconds, Duration goneGrace, Recorder.Entry recording,
                      Instant programmeFrom) {
        /** A run that is not recorded. */
        public Run(Instant maxEnd, EndBy endBy, int silenceSeconds, Duration goneGrace) {
            this(maxEnd, endBy, silenceSeconds, goneGrace, null, null);
        }

        /** A run whose programme is due from its start. */
        public Run(Instant maxEnd, EndBy endBy, int silenceSeconds, Duration goneGrace, Recorder.Entry recording) {
            this(maxEnd, endBy, silenceSeconds, goneGrace, recording, null);
        }

        public Run {
            Objects.requireNonNull(maxEnd, "maxEnd");
            Objects.requireNonNull(endBy, "endBy");
            if (endBy.bySilence() && silenceSeconds < 1) {
                throw new IllegalArgumentException("a run ended by silence needs its silence seconds (1 or more)");
            }
            goneGrace = goneGrace == null ? DEFAULT_GONE_GRACE : goneGrace;
        }
    }

    private final Source source;
    private final Run run;
    private final Ffmpeg ffmpeg;
    private final LiveStatePublisher states;
    private final Clock clock;
    private final FanOutChannel channel;
    private final Thread reader;
    private final ScheduledExecutorService watch;
    private final Object lock = new Object();
    private volatile ChannelState state = ChannelState.STARTING;
    private volatile FfmpegProcess process;
    /** System.nanoTime() of the last frame, or of the start while none came yet. */
    private volatile long lastFrameNanos;
    /** Whether a frame came since the programme was due: only then can the upstream gone end the programme. */
    private volatile boolean heardInProgramme;
    private volatile int starts;
    /** The run's recording, kept in the library when the run ends; null when the run is not recorded. */
    private volatile Recorder recorder;

    /** Opens the source's channel in {@code channels} and starts pulling at once. */
    public static UpstreamSupervisor start(Source source, Run run, Ffmpeg ffmpeg, ChannelRegistry channels,
                                           LiveStatePublisher states, Clock clock) {
        return start(source, run, ffmpeg, channels, states, clock, null);
    }

    /**
     * As above, recording the run into {@code recordings} when the run names its recording: from
     * the run's start to its end, one library item per run (per relay slot).
     */
    public static UpstreamSupervisor start(Source source, Run run, Ffmpeg ffmpeg, ChannelRegistry channels,
                                           LiveStatePublisher states, Clock clock, Recordings recordings) {
        UpstreamSupervisor s = new UpstreamSupervisor(source, run, ffmpeg, channels.open(LiveChannelId.relay(source.id())),
                states, clock);
        if (run.recording() != null && recordings != null) {
            try {
                s.recorder = Recorder.start(s.channel, run.recording(), recordings.library(), recordings.dataDir(), clock);
            } catch (IOException e) {
                // The relay matters more than its copy: it goes on unrecorded, and says so.
                log.error("Source {}: the run cannot be recorded ({}); it is relayed all the same", source.id(),
                        e.getMessage());
            }
        }
        s.begin();
        return s;
    }

    /** Where runs are recorded: the library, and the data folder for the file being written. */
    public record Recordings(vn.loalang.controller.content.LibraryCatalog library, java.nio.file.Path dataDir) {
    }

    /** The run's recording as kept in the library once the run has ended; empty when it is not recorded. */
    public Optional<java.util.concurrent.CompletableFuture<Optional<vn.loalang.controller.content.LibraryItem>>> recording() {
        Recorder r = recorder;
        return r == null ? Optional.empty() : Optional.of(r.kept());
    }

    private UpstreamSupervisor(Source source, Run run, Ffmpeg ffmpeg, FanOutChannel channel, LiveStatePublisher states,
                               Clock clock) {
        this.source = source;
        this.run = run;
        this.ffmpeg = ffmpeg;
        this.states = states;
        this.clock = clock;
        this.channel = channel;
        this.reader = new Thread(this::pull, "upstream-" + source.id());
        reader.setDaemon(true);
        this.watch = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "upstream-" + source.id() + "-watch");
            t.setDaemon(true);
            return t;
        });
    }

    private void begin() {
        lastFrameNanos = System.nanoTime();
        publish(ChannelState.STARTING, "the controller opens " + source.name() + " (" + source.url() + ")");
        reader.start();
        watch.scheduleWithFixedDelay(this::tick, WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
    }

    public LiveChannelId channelId() {
        return channel.id();
    }

    public FanOutChannel channel() {
        return channel;
    }

    public ChannelState state() {
        return state;
    }

    /** How many times ffmpeg was started for this run (1 while nothing failed). */
    public int starts() {
        return starts;
    }

    private void pull() {
        int failures = 0;
        while (state != ChannelState.ENDED) {
            String why;
            try (FfmpegProcess p = FfmpegProcess.start(source.id(),
                    ffmpeg.upstreamCommand(source.url(), source.hls(), run.endBy().bySilence() ? run.silenceSeconds() : 0),
                    new Silence())) {
                process = p;
                starts++;
                if (state == ChannelState.ENDED) {
                    return;
                }
                Mp3Frames frames = Mp3Frames.reading(p.mp3());
                Optional<Frame> f;
                while ((f = frames.next()).isPresent()) {
                    if (state == ChannelState.ENDED) {
                        return;
                    }
                    channel.publish(f.get());
                    lastFrameNanos = System.nanoTime();
                    if (!heardInProgramme && programmeDue()) {
                        heardInProgramme = true;
                    }
                    if (state != ChannelState.ON_AIR) {
                        failures = 0;
                        onAir();
                    }
                }
                why = "ffmpeg exited" + (p.lastErrors().isEmpty() ? "" : ": " + p.lastErrors().get(p.lastErrors().size() - 1));
            } catch (IOException e) {
                why = "ffmpeg could not be read: " + e.getMessage();
            }
            if (state == ChannelState.ENDED) {
                return;
            }
            interrupted(why);
            failures++;
            long base = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(failures - 1, 5));
            long wait = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
            log.info("Source {}: {}; ffmpeg starts again in {} ms", source.id(), why, wait);
            synchronized (lock) {
                try {
                    // The back-off, cut short by the end of the run (notifyAll in end()).
                    if (state != ChannelState.ENDED) {
                        lock.wait(wait);
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Every {@value #WATCH_MILLIS} ms: the maximum, frames that stopped, an upstream gone for good. */
    private void tick() {
        try {
            if (state == ChannelState.ENDED) {
                return;
            }
            if (!clock.instant().isBefore(run.maxEnd())) {
                end("the slot's end (" + run.maxEnd() + ") came");
                return;
            }
            long quietNanos = System.nanoTime() - lastFrameNanos;
            if (state == ChannelState.ON_AIR && quietNanos >= QUIET.toNanos()) {
                interrupted("no audio from the upstream for " + QUIET.toSeconds() + " s");
            }
            if (run.endBy().byUpstreamGone() && heardInProgramme && state == ChannelState.INTERRUPTED
                    && quietNanos >= run.goneGrace().toNanos()) {
                end("the upstream has sent nothing for " + run.goneGrace().toSeconds() + " s: the programme is over");
            }
        } catch (RuntimeException e) {
            log.error("Source {}: the watch failed: {}", source.id(), e.toString());
        }
    }

    private boolean programmeDue() {
        return run.programmeFrom() == null || !clock.instant().isBefore(run.programmeFrom());
    }

    private void onAir() {
        synchronized (lock) {
            if (state == ChannelState.ENDED || state == ChannelState.ON_AIR) {
                return;
            }
            publish(ChannelState.ON_AIR, source.name() + " is on air");
        }
    }

    private void interrupted(String why) {
        synchronized (lock) {
            if (state == ChannelState.ENDED || state == ChannelState.INTERRUPTED) {
                return;
            }
            channel.interrupted();
            publish(ChannelState.INTERRUPTED, why);
        }
    }

    /** Ends the run now: ENDED is published, the channel ends, ffmpeg stops. */
    public void end(String why) {
        synchronized (lock) {
            if (state == ChannelState.ENDED) {
                return;
            }
            publish(ChannelState.ENDED, why);
            lock.notifyAll();
        }
        channel.end();
        FfmpegProcess p = process;
        if (p != null) {
            p.close();
        }
        watch.shutdown();
    }

    private void publish(ChannelState next, String detail) {
        state = next;
        Instant now = clock.instant();
        log.info("Source {}: channel {} is {} ({}; {} frames so far)", source.id(), channel.id(), next, detail,
                channel.frames());
        try {
            states.publish(new LiveState(SchemaVersion.CURRENT, channel.id(), next, now,
                    next == ChannelState.ENDED ? now : null, detail));
        } catch (RuntimeException e) {
            log.error("Source {}: state {} could not be published: {}", source.id(), next, e.toString());
        }
    }

    /** silencedetect's report: under {@link EndBy#SILENCE} or {@link EndBy#PROGRAMME_END}, the programme is over. */
    private final class Silence implements FfmpegProcess.Listener {
        @Override
        public void silenceStarted(double streamSeconds) {
            // silencedetect speaks once the silence has lasted its seconds: one that began before the programme was
            // due is the upstream before its programme (a fetch starts ahead of its slot), not the programme's end.
            Instant began = clock.instant().minusSeconds(run.silenceSeconds());
            if (run.programmeFrom() != null && began.isBefore(run.programmeFrom())) {
                log.info("Source {}: silent since before the programme was due ({}); the relay goes on", source.id(),
                        run.programmeFrom());
                return;
            }
            if (run.endBy().bySilence() && state == ChannelState.ON_AIR) {
                end("the upstream was silent for " + run.silenceSeconds() + " s from " + streamSeconds
                        + " s of its stream: the programme is over");
            }
        }
    }

    /** Ends the run if it has not ended, and stops every thread; the retained state stays until cleared. */
    @Override
    public void close() {
        end("the controller stopped the relay");
        reader.interrupt();
        try {
            reader.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watch.shutdownNow();
    }
}
