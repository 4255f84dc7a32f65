package vn.loalang.agent.playout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.audio.AudioSink;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.relay.Amplifiers;
import vn.loalang.audio.AudioContentException;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.Gain;
import vn.loalang.audio.PcmConverter;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.PcmStream;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Plays one program on the line: the amplifiers warmed up (their channels on one after another,
 * silence on the line), the items back to back with no gap, the tail, amplifiers OFF. The relays
 * themselves are the {@link Amplifiers}' alone; this asks them for each step. The relays go OFF in every
 * case — a failed sink, a stop, the window's end, quiet hours — except when a higher priority takes
 * the line: then the sound fades out within {@link #FADE_OUT}, the amplifiers stay powered for what
 * comes next, and the outcome says where to resume. Every item that starts, finishes or fails is
 * reported, stamped with the moment its sound leaves the line, computed from the samples written.
 */
public final class SessionPlayer {
    /**
     * What a program came to.
     *
     * @param reason   why it stopped early (STOPPED, PREEMPTED, QUIET_HOURS, WINDOW_ENDED, OUTPUT_FAILED,
     *                 OUTPUT_STALLED), or null when it played to its end
     * @param resumeAt where a pre-empted program stopped; null unless pre-empted
     */
    public record Outcome(int played, int failed, EventReason reason, Position resumeAt) {
        public Outcome(int played, int failed) {
            this(played, failed, null, null);
        }

        public boolean preempted() {
            return resumeAt != null;
        }
    }

    /** A reason to stop now, asked at every chunk written (about 50 ms). */
    public record Stop(EventReason reason, String detail) {
    }

    /** Asked at every chunk with the line's time: a {@link Stop}, or null to go on. */
    @FunctionalInterface
    public interface Interruption {
        Stop check(Instant lineNow);
    }

    /**
     * The longest a pre-empted or stopped sound takes to fall silent. With the sound card's 100 ms
     * buffer drained after it, a pre-empting emergency is heard within the 200 ms the issue allows.
     */
    static final Duration FADE_OUT = Duration.ofMillis(100);
    /** At the first sample and at a resume: long enough to be no click, short enough to be no fade. */
    static final Duration FADE_IN = Duration.ofMillis(10);

    private static final Logger log = LoggerFactory.getLogger(SessionPlayer.class);

    private final String stationId;
    private final Amplifiers amplifiers;
    private final AudioSink sink;
    private final ContentCache cache;
    private final EventOutbox events;
    private final Clock clock;
    private final Duration tail;
    private final PcmFormat format;
    private final Level level;
    /** What the samples of the program on the line are multiplied by, in dB on top of each item's gain. */
    private volatile double programDb;
    private final SinkWatchdog watchdog;
    private volatile boolean stopping;
    /** Plays live items (relays, talks); null: this player has no live source and fails them. */
    private volatile LiveItemPlayer live;

    /** A player with no sink watchdog (tests of the player alone). */
    public SessionPlayer(String stationId, Amplifiers amplifiers, AudioSink sink, ContentCache cache, EventOutbox events,
                         Clock clock, Duration tail, PcmFormat format, double volumeDb) {
        this(stationId, amplifiers, sink, cache, events, clock, tail, format, volumeDb, null);
    }

    /** @param watchdog switches the relays OFF when the sink stalls; null: none (tests of the player alone) */
    public SessionPlayer(String stationId, Amplifiers amplifiers, AudioSink sink, ContentCache cache, EventOutbox events,
                         Clock clock, Duration tail, PcmFormat format, double volumeDb, SinkWatchdog watchdog) {
        this(stationId, amplifiers, sink, cache, events, clock, tail, format, Level.trim(volumeDb), watchdog);
    }

    /** @param level the installer's trim, the station's and each program's volume, and where they are applied */
    public SessionPlayer(String stationId, Amplifiers amplifiers, AudioSink sink, ContentCache cache, EventOutbox events,
                         Clock clock, Duration tail, PcmFormat format, Level level, SinkWatchdog watchdog) {
        this.stationId = stationId;
        this.amplifiers = amplifiers;
        this.sink = sink;
        this.cache = cache;
        this.events = events;
        this.clock = clock;
        this.tail = tail;
        this.format = format;
        this.level = level;
        this.watchdog = watchdog;
    }

    /** Live items (issue 17) are played from {@code source}'s streams; without it they fail as unreachable. */
    public SessionPlayer playingLive(vn.loalang.agent.live.LiveSource source) {
        this.live = new LiveItemPlayer(stationId, source, cache, events, item -> Gain.dbToLinear(item.gainDb() + programDb));
        return this;
    }

    /** From the first relay ON to the first sample, when the amplifiers start cold. */
    public Duration warmup() {
        return amplifiers.lead();
    }

    Duration tail() {
        return tail;
    }

    Amplifiers amplifiers() {
        return amplifiers;
    }

    /** Makes a program in progress fade out at the next chunk (agent shutdown); relays still go OFF. */
    public void stop() {
        stopping = true;
    }

    public Outcome play(Session session) {
        return play(Program.of(session), Position.START, now -> null);
    }

    public Outcome play(Program program, Position from, Interruption interruption) {
        // Decided before anything that can stall (journal, log, GPIO): the first sample is due at the
        // start, or a full warm-up from now when the program is already late. A stall after this
        // shortens the warm-up instead of making the session late. Amplifiers handed over powered by a
        // pre-empted program need no warm-up at all.
        if (watchdog != null) {
            // First: a handoff from a pre-empted program must not be taken for relays left on with nothing playing.
            watchdog.playing(program.end().plus(tail));
        }
        boolean warm = amplifiers.takeOver(program.id());
        Instant firstSample = warm ? clock.instant() : later(clock.instant().plus(amplifiers.lead()), program.start());
        int total = program.items().size();
        // A live item can be joined at any point of its slot: it needs no length of its own here.
        long shortest = program.items().stream().skip(from.item()).mapToLong(i -> i.live() ? 0 : i.durationMillis())
                .min().orElse(0);
        if (firstSample.plusMillis(from.frames() > 0 ? 0 : shortest).isAfter(program.end())) {
            // Booted, or got the schedule, or came back from a pre-emption too late: better silent than an
            // amplifier on for nothing.
            log.warn("Station {} skips {} {}: its window closes at {}, too soon to play anything", stationId,
                    program.priority().name().toLowerCase(Locale.ROOT), program.id(), program.end());
            if (warm) {
                amplifiers.off(program.id());
            }
            events.record(StationEvent.of(EventType.SESSION_FINISHED).session(program.id()).reason(EventReason.WINDOW_ENDED)
                    .detail("played " + from.item() + " of " + total + " item(s): the window had closed"));
            return new Outcome(0, total - from.item(), EventReason.WINDOW_ENDED, null);
        }
        int played = 0;
        int failed = 0;
        EventReason reason = null;
        Position resumeAt = null;
        boolean resuming = !from.atStart();
        // Before SESSION_STARTED, which sends the telemetry that reports the level on air.
        programDb = level.start(program);
        events.record(StationEvent.of(resuming ? EventType.SESSION_RESUMED : EventType.SESSION_STARTED)
                .session(program.id()).detail(program.name() + (resuming ? ": resumed at item " + (from.item() + 1)
                        : warm ? ": amplifiers already on" : ": relay on, warm-up " + amplifiers.lead().toMillis() + " ms")));
        try {
            if (!warm) {
                amplifiers.warmUp(program.id());
            }
            log.info("Station {} starts {} {} ({} item(s) from item {}, first sample due at {})", stationId,
                    program.priority().name().toLowerCase(Locale.ROOT), program.id(), total, from.item() + 1, firstSample);
            try (AudioSink.Output out = sink.open(format, stationId + "_" + program.id()
                    + (resuming ? "_from" + (from.item() + 1) : ""))) {
                // The line's time is read from the station's clock, not the sink's: the station may run on the
                // controller's time while the sink was made with the Pi's own clock (docs/decisions/0021).
                Line line = new Line(stationId, out, format, clock.instant(), program, interruption, () -> stopping,
                        watchdog, cache);
                for (Optional<Duration> next; (next = amplifiers.nextChannelAfter()).isPresent(); ) {
                    line.silenceUntil(line.openedAt.plus(next.get()));
                    if (!amplifiers.switchOnNext(program.id())) {
                        break; // a fail-safe switched them all OFF meanwhile: they stay OFF
                    }
                }
                line.silenceUntil(firstSample);
                amplifiers.onAir(program.id());
                line.fader.fadeIn(framesOf(FADE_IN));
                for (int i = from.item(); i < total && line.stop == null; i++) {
                    Item item = program.items().get(i);
                    long skip = i == from.item() ? from.frames() : 0;
                    ItemResult result = playItem(program, item, skip, i == total - 1, line);
                    if (result == ItemResult.PLAYED) {
                        played++;
                    } else if (result == ItemResult.FAILED) {
                        failed++;
                    } else if (line.stop.reason() == EventReason.PREEMPTED) {
                        // A live talk is not resumed: the program goes on with what follows it.
                        resumeAt = line.resumeAfterItem ? new Position(i + 1, 0) : new Position(i, line.interruptedAt);
                    } else {
                        // Cut for good (a stop, the quiet hours, the window's end): the item did not play.
                        failed++;
                        fail(program, item, line.now(), line.stop.reason(), line.stop.detail());
                    }
                }
                if (line.stop == null && !stopping) {
                    line.fader.rampTo(1.0, 0);
                    line.silence(tail);
                    if (line.stop != null && line.stop.reason() == EventReason.PREEMPTED) {
                        // Taken during the tail: everything was heard; the amplifiers go to what comes next.
                        reason = EventReason.PREEMPTED;
                        resumeAt = new Position(total, 0);
                    }
                    out.drain();
                } else {
                    reason = line.stop != null ? line.stop.reason() : EventReason.STOPPED;
                    if (line.stop != null && reason != EventReason.PREEMPTED) {
                        line.silence(tail); // already faded to silence: the tail only lets the amplifier settle
                        out.drain();
                    }
                    if (reason == EventReason.PREEMPTED && resumeAt == null) {
                        // Taken during the warm-up or between items: resume with the next item not yet heard.
                        resumeAt = played + failed == 0 ? from : new Position(from.item() + played + failed, 0);
                    }
                    if (reason == EventReason.PREEMPTED) {
                        // The fade is in the sound card's buffer: let it play out, or it is cut with a click.
                        out.drain();
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            reason = watchdog != null && watchdog.tripped() ? EventReason.OUTPUT_STALLED : EventReason.OUTPUT_FAILED;
            resumeAt = null;
            log.error("Station {} lost its audio output during {}: {}", stationId, program.id(), e.toString(), e);
        } finally {
            level.idle();
            if (resumeAt == null) {
                amplifiers.off(program.id());
            } else {
                amplifiers.handOver(program.id());
            }
            if (watchdog != null) {
                watchdog.idle();
            }
        }
        if (resumeAt != null) {
            events.record(StationEvent.of(EventType.SESSION_PREEMPTED).session(program.id()).reason(EventReason.PREEMPTED)
                    .detail(program.name() + ": stopped at item " + (resumeAt.item() + 1) + " of " + total + " after "
                            + seconds(format.durationOfFrames(resumeAt.frames())) + "; amplifiers stay on"));
            log.info("Station {} pre-empted {} at item {} ({} of it heard)", stationId, program.id(), resumeAt.item() + 1,
                    seconds(format.durationOfFrames(resumeAt.frames())));
            return new Outcome(played, failed, EventReason.PREEMPTED, resumeAt);
        }
        int notPlayed = total - from.item() - played;
        events.record(StationEvent.of(EventType.SESSION_FINISHED).session(program.id()).reason(reason)
                .detail("played " + (from.item() + played) + " of " + total + " item(s); relay off"));
        log.info("Station {} finished {}: {} played, {} not played{}", stationId, program.id(), played, notPlayed,
                reason == null ? "" : " (" + reason + ")");
        return new Outcome(played, failed, reason, null);
    }

    private long framesOf(Duration d) {
        return format.bytesFor(d) / format.frameBytes();
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    enum ItemResult { PLAYED, FAILED, INTERRUPTED }

    private ItemResult playItem(Program program, Item item, long skipFrames, boolean last, Line line)
            throws IOException {
        if (item.live()) {
            LiveItemPlayer player = live;
            return player != null ? player.play(program, item, skipFrames, line) : fail(program, item, line.now(),
                    EventReason.STREAM_UNREACHABLE, "this station was started without live streams");
        }
        // Checked whole before its first play since the start: a damaged file is deleted, never played.
        Optional<Path> file = cache.verified(item);
        if (file.isEmpty() && line.late != null) {
            LateAudio.Outcome arrival = line.late.await(item, line);
            if (line.stop != null) {
                return ItemResult.INTERRUPTED;
            }
            if (stopping) {
                line.stop = new Stop(EventReason.STOPPED, "the agent is stopping");
                return ItemResult.INTERRUPTED;
            }
            if (arrival.standIn().isPresent()) {
                return playItem(program, arrival.standIn().get(), 0, last, line);
            }
            file = arrival.file();
        }
        StationEvent.Draft started = StationEvent.of(EventType.ITEM_STARTED).session(program.id())
                .content(item.contentId());
        if (item.playedLate()) {
            started = started.markedLate(); // a missed talk's or relay's recording, played after its time
        }
        Instant at = line.now();
        long remainingMillis = item.durationMillis() - format.durationOfFrames(skipFrames).toMillis();
        if (at.plusMillis(remainingMillis).isAfter(program.end())) {
            return fail(program, item, at, EventReason.WINDOW_ENDED, "it would end after the window closes at " + program.end());
        }
        if (file.isEmpty()) {
            return fail(program, item, at, EventReason.CONTENT_MISSING, "it is not in the station cache");
        }
        // The level goes into the stream, through the soft limiter: a positive one rounds peaks off, never clips.
        try (PcmStream pcm = Gain.applied(toLine(AudioDecoder.open(file.get()), item),
                Gain.dbToLinear(item.gainDb() + programDb))) {
            line.skip(pcm, skipFrames);
            if (skipFrames > 0) {
                line.fader.fadeIn(framesOf(FADE_IN));
            }
            events.record(started.detail(item.title() + (skipFrames > 0 ? " (resumed at "
                    + seconds(format.durationOfFrames(skipFrames)) + ")" : "")), at);
            if (!line.play(pcm, 1.0, skipFrames, last)) {
                return ItemResult.INTERRUPTED;
            }
        } catch (AudioContentException | Line.UnreadableAudio e) {
            return fail(program, item, line.now(), EventReason.DECODE_FAILED, e.getMessage());
        }
        StationEvent.Draft finished = StationEvent.of(EventType.ITEM_FINISHED).session(program.id()).content(item.contentId())
                .played(format.durationOfFrames(skipFrames).plus(Duration.between(at, line.now())).toMillis())
                .detail(item.title());
        events.record(item.playedLate() ? finished.markedLate() : finished, line.now());
        return ItemResult.PLAYED;
    }

    /**
     * The decoded item at the line's format. Converting is correct but costs a Pi more CPU than
     * decoding: the controller delivers content at the stations' line format (its --line-rate), so
     * an item that needs it says so.
     */
    private PcmStream toLine(PcmStream decoded, Item item) {
        if (!decoded.format().equals(format)) {
            log.info("Station {} converts {} from {} to its line's {} while playing: the controller delivers another line"
                    + " format than this station's audio settings", stationId, item.contentId(), decoded.format(), format);
        }
        return PcmConverter.convert(decoded, format);
    }

    private ItemResult fail(Program program, Item item, Instant at, EventReason reason, String why) {
        log.warn("Station {} cannot play {} in {}: {}", stationId, item.contentId(), program.id(), why);
        events.record(StationEvent.of(EventType.ITEM_FAILED).session(program.id()).content(item.contentId())
                .reason(reason).detail(item.title() + ": " + why), at);
        return ItemResult.FAILED;
    }
}
