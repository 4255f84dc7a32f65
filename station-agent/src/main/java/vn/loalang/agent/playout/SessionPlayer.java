package vn.loalang.agent.playout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.audio.AudioSink;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.relay.RelayBank;
import vn.loalang.audio.AudioContentException;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.Gain;
import vn.loalang.audio.PcmConverter;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.PcmStream;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Plays one session: relay ON, amplifier warm-up (silence on the line), the items back to back
 * with no gap, the tail, relay OFF. The relay goes OFF in every case, including a failed sink or
 * a stop in the middle. Every item that starts, finishes or fails is reported, stamped with the
 * moment its sound leaves the line, computed from the samples written.
 */
public final class SessionPlayer {
    /** What a session came to. */
    public record Outcome(int played, int failed) {
    }

    private static final Logger log = LoggerFactory.getLogger(SessionPlayer.class);
    private static final int CHUNK_FRAMES = 2048;

    private final String stationId;
    private final RelayBank relays;
    private final AudioSink sink;
    private final ContentCache cache;
    private final EventOutbox events;
    private final Clock clock;
    private final Duration warmup;
    private final Duration tail;
    private final PcmFormat format;
    private final double volumeDb;
    private volatile boolean stopping;

    public SessionPlayer(String stationId, RelayBank relays, AudioSink sink, ContentCache cache, EventOutbox events,
                         Clock clock, Duration warmup, Duration tail, PcmFormat format, double volumeDb) {
        this.stationId = stationId;
        this.relays = relays;
        this.sink = sink;
        this.cache = cache;
        this.events = events;
        this.clock = clock;
        this.warmup = warmup;
        this.tail = tail;
        this.format = format;
        this.volumeDb = volumeDb;
    }

    public Duration warmup() {
        return warmup;
    }

    /** Makes a session in progress end at the next chunk (agent shutdown); relays still go OFF. */
    public void stop() {
        stopping = true;
    }

    public Outcome play(Session session) {
        // Decided before anything that can stall (journal, log, GPIO): the first sample is due at the
        // start, or a full warm-up from now when the session is already late. A stall after this
        // shortens the warm-up instead of making the session late.
        Instant firstSample = later(clock.instant().plus(warmup), session.start());
        long shortest = session.items().stream().mapToLong(Item::durationMillis).min().orElse(0);
        if (firstSample.plusMillis(shortest).isAfter(session.end())) {
            // Booted or got the schedule too late: better silent than an amplifier on for nothing.
            log.warn("Station {} skips session {}: its window closes at {}, too soon to play anything", stationId,
                    session.id(), session.end());
            events.record(StationEvent.of(EventType.SESSION_FINISHED).session(session.id()).reason("WINDOW_ENDED")
                    .detail("played 0 of " + session.items().size() + " item(s): the window had closed"));
            return new Outcome(0, session.items().size());
        }
        int played = 0;
        int failed = 0;
        String reason = null;
        events.record(StationEvent.of(EventType.SESSION_STARTED).session(session.id())
                .detail(session.name() + ": relay on, warm-up " + warmup.toMillis() + " ms"));
        try {
            relays.switchOn();
            log.info("Station {} starts session {} ({} item(s), first sample due at {})", stationId, session.id(),
                    session.items().size(), firstSample);
            try (AudioSink.Output out = sink.open(format, stationId + "_" + session.id())) {
                Line line = new Line(out);
                Duration lead = Duration.between(out.openedAt(), firstSample);
                line.silence(lead.isNegative() ? Duration.ZERO : lead);
                for (Item item : session.items()) {
                    if (stopping) {
                        reason = "STOPPED";
                        break;
                    }
                    if (playItem(session, item, line)) {
                        played++;
                    } else {
                        failed++;
                    }
                }
                line.silence(tail);
                out.drain();
            }
            if (stopping) {
                reason = "STOPPED";
            }
        } catch (IOException | RuntimeException e) {
            reason = "OUTPUT_FAILED";
            log.error("Station {} lost its audio output during session {}: {}", stationId, session.id(), e.toString(), e);
        } finally {
            relays.switchOff();
        }
        int notPlayed = session.items().size() - played;
        events.record(StationEvent.of(EventType.SESSION_FINISHED).session(session.id()).reason(reason)
                .detail("played " + played + " of " + session.items().size() + " item(s); relay off"));
        log.info("Station {} finished session {}: {} played, {} not played", stationId, session.id(), played, notPlayed);
        return new Outcome(played, failed);
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private boolean playItem(Session session, Item item, Line line) throws IOException {
        StationEvent.Draft started = StationEvent.of(EventType.ITEM_STARTED).session(session.id()).content(item.contentId());
        Instant at = line.now();
        if (at.plus(item.duration()).isAfter(session.end())) {
            return fail(session, item, at, "WINDOW_ENDED", "it would end after the session window closes at " + session.end());
        }
        Optional<Path> file = cache.get(item.sha256());
        if (file.isEmpty()) {
            return fail(session, item, at, "CONTENT_MISSING", "it is not in the station cache");
        }
        try (PcmStream pcm = PcmConverter.convert(AudioDecoder.open(file.get()), format)) {
            events.record(started.detail(item.title()), at);
            line.play(pcm, Gain.dbToLinear(item.gainDb() + volumeDb));
        } catch (AudioContentException | UnreadableAudio e) {
            return fail(session, item, line.now(), "DECODE_FAILED", e.getMessage());
        }
        if (stopping) {
            return fail(session, item, line.now(), "STOPPED", "the agent was stopped");
        }
        events.record(StationEvent.of(EventType.ITEM_FINISHED).session(session.id()).content(item.contentId())
                .detail(item.title()), line.now());
        return true;
    }

    private boolean fail(Session session, Item item, Instant at, String reason, String why) {
        log.warn("Station {} cannot play {} in session {}: {}", stationId, item.contentId(), session.id(), why);
        events.record(StationEvent.of(EventType.ITEM_FAILED).session(session.id()).content(item.contentId())
                .reason(reason).detail(item.title() + ": " + why), at);
        return false;
    }

    /** A file that stopped decoding part-way: the item fails, the session goes on. */
    private static final class UnreadableAudio extends Exception {
        UnreadableAudio(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The open output and how far into it we have written: the audio clock of the session. */
    private final class Line {
        private final AudioSink.Output out;
        private final byte[] buf = new byte[CHUNK_FRAMES * format.frameBytes()];
        private long bytes;

        Line(AudioSink.Output out) {
            this.out = out;
        }

        Instant now() {
            return out.openedAt().plus(format.durationOfBytes(bytes));
        }

        void silence(Duration d) throws IOException {
            long left = format.bytesFor(d);
            java.util.Arrays.fill(buf, (byte) 0);
            while (left > 0 && !stopping) {
                int n = (int) Math.min(buf.length, left);
                out.write(buf, 0, n);
                bytes += n;
                left -= n;
            }
        }

        void play(PcmStream pcm, double gain) throws IOException, UnreadableAudio {
            for (int n; !stopping && (n = read(pcm)) > 0; ) {
                if (gain != 1.0) {
                    Gain.apply(buf, 0, n, gain);
                }
                out.write(buf, 0, n);
                bytes += n;
            }
        }

        private int read(PcmStream pcm) throws UnreadableAudio {
            try {
                return pcm.read(buf, 0, buf.length);
            } catch (IOException e) {
                throw new UnreadableAudio("decoding stopped part-way: " + e.getMessage(), e);
            }
        }
    }
}
