package vn.loalang.agent.playout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.live.LiveFeed;
import vn.loalang.agent.live.LivePcmStream;
import vn.loalang.agent.live.LiveSource;
import vn.loalang.agent.live.LiveStates;
import vn.loalang.audio.AudioContentException;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.PcmConverter;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.PcmStream;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.RelaySpec;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Plays one live item (a relay slot, an operator's talk) on a program's {@link Line}, chunk by chunk
 * at the line's pace. The stream never blocks the line: while it is silent the line gets silence, so
 * pre-emption, the window and the sink watchdog keep working, and this decides what the silence means.
 *
 * <ul>
 *   <li>The first live sample is ITEM_STARTED (ITEM_RESUMED after a pre-emption: the relay rejoins
 *       the live edge, it does not catch up).</li>
 *   <li>Silent for the item's maxSilence (3 s once the signed state says the upstream is
 *       INTERRUPTED): ITEM_DROPPED with how much was heard, then the relay's fallback: its library
 *       item (cut with a 100 ms fade when the stream is back), the rest of the session, or silence
 *       until the slot ends.</li>
 *   <li>The stream back at its target: ITEM_RESUMED, with a fade-in.</li>
 *   <li>The slot's end, the programme's end (signed ENDED, and what was received has played) or the
 *       window's: ITEM_FINISHED with how much was heard. Never heard at all: ITEM_FAILED, refused or
 *       unreachable.</li>
 *   <li>A talk taken by an emergency is dropped (ITEM_DROPPED, PREEMPTED): what was said meanwhile is
 *       gone, and its recording is the controller's to offer.</li>
 * </ul>
 */
final class LiveItemPlayer {
    /** How long a stream the controller says is interrupted may stay silent before the fallback. */
    static final Duration INTERRUPTED_SILENCE = Duration.ofSeconds(3);
    /** How long before its slot a live item's stream is opened: a connection and a relay's 3 s target. */
    static final Duration CONNECT_LEAD = Duration.ofSeconds(5);
    /** After the signed ENDED, this much silence means everything received has played. */
    static final Duration ENDED_SILENCE = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(LiveItemPlayer.class);

    private final String stationId;
    private final LiveSource source;
    private final ContentCache cache;
    private final EventOutbox events;
    private final ToDoubleFunction<Item> gain;

    /**
     * @param gain the linear gain of an item on the line (its own level and the station's volume), as
     *             {@link SessionPlayer} applies to files
     */
    LiveItemPlayer(String stationId, LiveSource source, ContentCache cache, EventOutbox events, ToDoubleFunction<Item> gain) {
        this.stationId = stationId;
        this.source = source;
        this.cache = cache;
        this.events = events;
        this.gain = gain;
    }

    /**
     * Plays {@code item} from the live edge. {@code heardFrames} is how much of it was heard before a
     * pre-emption (0 at its start). The result is the player's: INTERRUPTED when the line stopped
     * (its stop says why) and the item did not end here.
     */
    SessionPlayer.ItemResult play(Program program, Item item, long heardFrames, Line line) throws IOException {
        RelaySpec spec = item.relay();
        if (!spec.playable()) {
            return fail(program, item, line.now(), EventReason.CODEC_UNSUPPORTED,
                    "its codec " + spec.codec() + " is not one this station plays");
        }
        if (!line.now().plus(SessionPlayer.FADE_OUT).isBefore(spec.end())) {
            return fail(program, item, line.now(), EventReason.WINDOW_ENDED, "its slot closed at " + spec.end());
        }
        // Connected and primed during the last seconds before the slot, so that it is heard from the slot's start;
        // not earlier, which would pay for minutes of stream nobody hears.
        line.silenceUntil(spec.start().minus(CONNECT_LEAD));
        if (line.stop != null) {
            return SessionPlayer.ItemResult.INTERRUPTED;
        }
        try (LiveFeed feed = source.open(item, line.format())) {
            line.silenceUntil(spec.start());
            if (line.stop != null) {
                return SessionPlayer.ItemResult.INTERRUPTED;
            }
            return new Run(program, item, feed, heardFrames, line).play();
        }
    }

    /** One play of one live item: its state from the first chunk to the last. */
    private final class Run {
        private final Program program;
        private final Item item;
        private final RelaySpec spec;
        private final LiveFeed feed;
        private final LivePcmStream pcm;
        private final Line line;
        private final PcmFormat format;
        private final boolean talk;
        private final boolean resumed;
        private final LiveStates states;
        private final byte[] chunk;
        private final Duration chunkTime;
        private long heardFrames;
        private boolean started;
        /** Since when nothing live was heard (from the item's start on the line until its first sample). */
        private Instant silentSince;
        private boolean dropped;
        /** Set when the line fades out at the slot's or the programme's end (not a stop of the program). */
        private EventReason ending;
        private boolean endingNow;
        /** When an ending fade-out is silent; what is written after it is not the item's. */
        private Instant endsAt;
        private long heardCap = Long.MAX_VALUE;
        /** The fallback was just cut because the stream is back. */
        private boolean fallbackCut;

        Run(Program program, Item item, LiveFeed feed, long heardFrames, Line line) {
            this.program = program;
            this.item = item;
            this.spec = item.relay();
            this.feed = feed;
            this.pcm = feed.pcm();
            this.line = line;
            this.format = line.format();
            this.talk = LiveSource.talk(spec);
            this.resumed = heardFrames > 0;
            this.states = source.states();
            this.heardFrames = heardFrames;
            this.chunk = new byte[Line.CHUNK_FRAMES * format.frameBytes()];
            this.chunkTime = format.durationOfFrames(Line.CHUNK_FRAMES);
            this.silentSince = line.now();
        }

        SessionPlayer.ItemResult play() throws IOException {
            double linear = gain.applyAsDouble(item);
            while (true) {
                if (line.stop == null && !endingNow) {
                    SessionPlayer.Stop s = line.check();
                    if (s != null) {
                        line.fadeOut(s, heardFrames);
                        heardCap = heardFrames + line.framesOf(SessionPlayer.FADE_OUT);
                    } else if (!line.now().plus(SessionPlayer.FADE_OUT).plus(chunkTime).isBefore(spec.end())) {
                        // By the next chunk it would be too late: the fade ends at the slot's end, not after it.
                        endAt(null, "its slot ends at " + spec.end(), Duration.between(line.now(), spec.end()));
                    }
                }
                int n = pcm.read(chunk, 0, chunk.length);
                if (n < 0) {
                    // The reader ended the buffer (the programme ended, or it gave up) and all of it has played.
                    return finished(states.ended(spec.channel(), LiveSource.notBefore(spec)) ? EventReason.PROGRAMME_ENDED : null,
                            "the stream ended and everything received has played");
                }
                Instant now = line.now();
                if (pcm.liveFrames() > 0 && line.stop == null && !endingNow) {
                    heard(now.plus(format.durationOfFrames(pcm.leadingSilenceFrames())));
                }
                heardFrames += pcm.liveFrames();
                if (pcm.starved() && line.stop == null && !endingNow) {
                    SessionPlayer.ItemResult after = silent(now);
                    if (after != null) {
                        return after;
                    }
                    if (fallbackCut) {
                        fallbackCut = false;
                        continue; // this chunk's silence was read before the fallback: the stream goes on at once
                    }
                }
                line.writeChunk(chunk, n, linear);
                if ((line.stop != null || endingNow) && line.fader.silent()) {
                    return stopped();
                }
            }
        }

        /** Live sound in this chunk, from {@code at}: the item starts, or comes back. */
        private void heard(Instant at) {
            if (!started) {
                started = true;
                StationEvent.Draft e = StationEvent.of(resumed ? EventType.ITEM_RESUMED : EventType.ITEM_STARTED)
                        .session(program.id()).content(item.contentId());
                if (resumed) {
                    e = e.played(millis(heardFrames)).detail(item.title() + ": rejoined the live stream after a pre-emption");
                } else {
                    e = e.detail(item.title() + " (" + spec.sourceName() + ", live)");
                }
                events.record(e, at);
                log.info("Station {} is on air with live {} in {}", stationId, spec.channel(), program.id());
                line.fadeIn();
            } else if (dropped || silentSince != null) {
                if (dropped) {
                    events.record(StationEvent.of(EventType.ITEM_RESUMED).session(program.id()).content(item.contentId())
                            .played(millis(heardFrames)).detail(item.title() + ": the stream is back after "
                                    + seconds(Duration.between(silentSince, at))), at);
                    log.info("Station {} resumes live {} in {}: the stream is back", stationId, spec.channel(), program.id());
                }
                line.fadeIn();
            }
            dropped = false;
            silentSince = null;
        }

        /** A chunk that ends in silence: counts it, and acts once it has lasted too long. Null: go on. */
        private SessionPlayer.ItemResult silent(Instant now) throws IOException {
            if (silentSince == null) {
                silentSince = now;
            }
            Duration silence = Duration.between(silentSince, now);
            if (states.ended(spec.channel(), LiveSource.notBefore(spec)) && silence.compareTo(ENDED_SILENCE) >= 0) {
                endAt(EventReason.PROGRAMME_ENDED, "the programme ended", SessionPlayer.FADE_OUT);
                return null;
            }
            boolean interrupted = states.interrupted(spec.channel(), LiveSource.notBefore(spec));
            Duration allowed = Duration.ofSeconds(spec.maxSilenceSeconds());
            if (interrupted && INTERRUPTED_SILENCE.compareTo(allowed) < 0) {
                allowed = INTERRUPTED_SILENCE;
            }
            if (dropped || silence.compareTo(allowed) < 0) {
                return null;
            }
            dropped = true;
            EventReason why = interrupted ? EventReason.UPSTREAM_INTERRUPTED : streamReason();
            String detail = item.title() + ": silent for " + seconds(silence) + " (" + feed.detail() + ")";
            if (started) {
                events.record(StationEvent.of(EventType.ITEM_DROPPED).session(program.id()).content(item.contentId())
                        .reason(why).played(millis(heardFrames)).detail(detail), now);
            }
            log.warn("Station {} drops live {} in {} after {} of silence ({}); fallback {}", stationId, spec.channel(),
                    program.id(), seconds(silence), feed.detail(), spec.fallback());
            return switch (spec.fallback()) {
                case WAIT -> null;
                case REST_OF_SESSION -> started ? SessionPlayer.ItemResult.PLAYED
                        : fail(program, item, now, why, "never heard: " + feed.detail());
                case ITEM_THEN_REST -> playFallback(why);
            };
        }

        /**
         * The relay's library item in place of the silent stream, cut when the stream is back (then null:
         * the live item goes on). Played to its end, or failing: the rest of the session.
         */
        private SessionPlayer.ItemResult playFallback(EventReason why) throws IOException {
            Item fallback = spec.fallbackItem();
            Optional<Path> file = cache.verified(fallback);
            if (file.isEmpty()) {
                fail(program, fallback, line.now(), EventReason.CONTENT_MISSING, "the relay's fallback is not in the cache");
                return started ? SessionPlayer.ItemResult.PLAYED : fail(program, item, line.now(), why,
                        "never heard: " + feed.detail());
            }
            Instant at = line.now();
            events.record(StationEvent.of(EventType.ITEM_STARTED).session(program.id()).content(fallback.contentId())
                    .reason(EventReason.FALLBACK).detail(fallback.title() + " in place of " + item.title()), at);
            boolean whole;
            line.extra(now -> feed.ready() ? new SessionPlayer.Stop(EventReason.FALLBACK, "the live stream is back") : null);
            line.fadeIn();
            try (PcmStream pcm = PcmConverter.convert(AudioDecoder.open(file.get()), format)) {
                whole = line.play(pcm, gain.applyAsDouble(fallback), 0, false);
            } catch (AudioContentException | Line.UnreadableAudio e) {
                fail(program, fallback, line.now(), EventReason.DECODE_FAILED, e.getMessage());
                whole = line.stop == null;
            } finally {
                line.clearExtra();
            }
            boolean streamBack = line.stop != null && line.stop.reason() == EventReason.FALLBACK;
            events.record(StationEvent.of(EventType.ITEM_FINISHED).session(program.id()).content(fallback.contentId())
                    .played(Duration.between(at, line.now()).toMillis())
                    .detail(fallback.title() + (streamBack ? ": faded out, the live stream is back" : "")), line.now());
            if (streamBack) {
                line.clearStop();
                fallbackCut = true;
                return null;
            }
            if (line.stop != null) {
                return stopped();
            }
            if (whole) {
                // The fallback played to its end with the stream still silent: the rest of the session.
                line.fadeIn();
            }
            return started ? finished(why, "the fallback played, then the rest of the session")
                    : fail(program, item, line.now(), why, "never heard: " + feed.detail());
        }

        private void endAt(EventReason reason, String why, Duration fade) {
            ending = reason;
            endingNow = true;
            Duration d = fade.isNegative() ? Duration.ZERO : fade;
            endsAt = line.now().plus(d);
            heardCap = heardFrames + line.framesOf(d);
            line.fader.rampTo(0.0, line.framesOf(d));
            log.info("Station {} ends live {} in {}: {}", stationId, spec.channel(), program.id(), why);
        }

        /** The fade-out is silent: why it began decides what the item came to. */
        private SessionPlayer.ItemResult stopped() throws IOException {
            if (endingNow) {
                line.fadeIn(); // the next item starts from silence without a click
                return finished(ending, null);
            }
            EventReason reason = line.stop.reason();
            if (reason == EventReason.PREEMPTED) {
                heardFrames = Math.min(heardFrames, heardCap);
                line.interruptedAt = heardFrames;
                if (talk) {
                    // A talk is not resumed: what was said meanwhile is gone.
                    events.record(StationEvent.of(EventType.ITEM_DROPPED).session(program.id()).content(item.contentId())
                            .reason(EventReason.PREEMPTED).played(millis(heardFrames))
                            .detail(item.title() + ": " + line.stop.detail()), line.now());
                    line.resumeAfterItem = true;
                }
                return SessionPlayer.ItemResult.INTERRUPTED;
            }
            if (!started && heardFrames == 0) {
                return SessionPlayer.ItemResult.INTERRUPTED; // nothing heard: the player reports it failed, with the stop's reason
            }
            return finished(reason, line.stop.detail());
        }

        private SessionPlayer.ItemResult finished(EventReason reason, String why) {
            heardFrames = Math.min(heardFrames, heardCap);
            Instant at = endsAt != null ? endsAt : line.now();
            if (!started && heardFrames == 0) {
                return fail(program, item, line.now(), reason == EventReason.PROGRAMME_ENDED ? reason : streamReason(),
                        "never heard: " + feed.detail());
            }
            events.record(StationEvent.of(EventType.ITEM_FINISHED).session(program.id()).content(item.contentId())
                    .reason(reason).played(millis(heardFrames))
                    .detail(item.title() + ": " + seconds(format.durationOfFrames(heardFrames)) + " heard"
                            + (why == null ? "" : " (" + why + ")")), at);
            log.info("Station {} finished live {} in {}: {} heard", stationId, spec.channel(), program.id(),
                    seconds(format.durationOfFrames(heardFrames)));
            return SessionPlayer.ItemResult.PLAYED;
        }

        /** Why the stream is silent, by what the reader last met. */
        private EventReason streamReason() {
            return switch (feed.status()) {
                case REFUSED -> EventReason.STREAM_REFUSED;
                case UNREACHABLE -> started ? EventReason.STREAM_STALLED : EventReason.STREAM_UNREACHABLE;
                case CONNECTING -> EventReason.STREAM_UNREACHABLE;
                case CONNECTED, CLOSED -> EventReason.STREAM_STALLED;
            };
        }

        private long millis(long frames) {
            return format.durationOfFrames(frames).toMillis();
        }
    }

    private SessionPlayer.ItemResult fail(Program program, Item item, Instant at, EventReason reason, String why) {
        log.warn("Station {} cannot play live {} in {}: {}", stationId, item.contentId(), program.id(), why);
        events.record(StationEvent.of(EventType.ITEM_FAILED).session(program.id()).content(item.contentId())
                .reason(reason).detail(item.title() + ": " + why), at);
        return SessionPlayer.ItemResult.FAILED;
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
