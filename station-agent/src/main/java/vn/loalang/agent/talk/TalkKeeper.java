package vn.loalang.agent.talk;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.content.ContentFetchException;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.live.LiveStates;
import vn.loalang.agent.playout.Priority;
import vn.loalang.agent.playout.Program;
import vn.loalang.agent.trust.SignedInbox;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.live.ChannelState;
import vn.loalang.protocol.live.LatePolicy;
import vn.loalang.protocol.live.LiveState;
import vn.loalang.protocol.live.LiveTalk;
import vn.loalang.protocol.live.TalkState;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Live talks to the station's village (an operator or the village head speaking into the console),
 * as alerts are kept: admitted by the signed inbox, for this village only. A talk starting or on air
 * goes on the line at once as a program of priority LIVE: the station's chime, then the talk's channel; it ends
 * when the talk ends and what was received has played (the end is put in {@link LiveStates}, where
 * the player looks), and is pulled off the line when the talk is cancelled.
 * <p>
 * A station that was offline for the whole talk learns of it from the retained message, already ENDED:
 * it plays the recording late (program {@code talkId~late}, its events marked late) when the commune
 * says so and it is not too late, and otherwise journals that it skipped it. A station that heard the
 * live part does not play the recording again.
 */
public final class TalkKeeper implements AutoCloseable {
    /** The suffix of the program that plays a missed talk's recording. */
    public static final String LATE_SUFFIX = "~late";
    /** Room for the warm-up, the chime and a pre-emption around a late recording, beyond its own length. */
    static final Duration LATE_SLACK = Duration.ofMinutes(2);

    private static final Logger log = LoggerFactory.getLogger(TalkKeeper.class);

    /** Where talk programs go: the station's playout. */
    public interface Line {
        void submit(Program program);

        boolean cancel(String programId);
    }

    /** Subscribes and unsubscribes topics on the station's MQTT link. */
    public interface Subscriptions {
        void subscribe(String topic, BiConsumer<String, byte[]> handler);

        void unsubscribe(String topic);
    }

    private final String stationId;
    private final Topics topics;
    private final BiConsumer<String, byte[]> inbound;
    private final LiveStates states;
    private final ContentCache cache;
    /** The station's own chime, said before a talk (the console plays the same one to the speaker); empty: none. */
    private final Supplier<Optional<Item>> chime;
    private final Line line;
    private final Subscriptions subscriptions;
    private final EventOutbox events;
    private final Clock clock;
    /** Fetches missed talks' recordings, off the link's thread. */
    private final ExecutorService fetching;
    /** Talks whose live part went on the line: their recording is never played again here. */
    private final Set<String> live = ConcurrentHashMap.newKeySet();
    /** Talks already decided for good (late recording submitted or skipped, or cancelled). */
    private final Set<String> settled = ConcurrentHashMap.newKeySet();
    private final Set<String> cancelledTalks = ConcurrentHashMap.newKeySet();
    private volatile String zone;

    /** @param chime the station's built-in chime (a cached item), played before the talk; empty: none */
    public TalkKeeper(String stationId, Topics topics, SignedInbox inbox, LiveStates states, ContentCache cache,
                      Supplier<Optional<Item>> chime, Line line, Subscriptions subscriptions, EventOutbox events, Clock clock) {
        this.stationId = stationId;
        this.topics = topics;
        this.inbound = inbox.talks(this::accept);
        this.states = states;
        this.cache = cache;
        this.chime = chime;
        this.fetching = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "talk-fetch-" + stationId);
            t.setDaemon(true);
            return t;
        });
        this.line = line;
        this.subscriptions = subscriptions;
        this.events = events;
        this.clock = clock;
    }

    /** The station's village, from its schedule: its talk topic is followed, the old one left. */
    public synchronized void zone(String newZone) {
        if (newZone == null || newZone.equals(zone)) {
            return;
        }
        if (zone != null) {
            subscriptions.unsubscribe(topics.zoneTalks(zone));
        }
        zone = newZone;
        subscriptions.subscribe(topics.zoneTalks(newZone), this::onMessage);
        log.info("Station {} follows the live talks of village {}", stationId, newZone);
    }

    public void onMessage(String topic, byte[] raw) {
        if (raw.length == 0) {
            // The controller clears a retained talk once it is too late to play it: nothing to do.
            log.debug("Station {}: the retained talk on {} was cleared", stationId, topic);
            return;
        }
        inbound.accept(topic, raw);
    }

    private void accept(SignedInbox.Accepted<LiveTalk> message) {
        LiveTalk talk = message.body();
        Instant now = clock.instant();
        states.put(new LiveState(SchemaVersion.CURRENT, talk.channel(), channelState(talk.state()),
                talk.endedAt() != null ? talk.endedAt() : talk.startedAt(), talk.live() ? null
                : talk.endedAt() != null ? talk.endedAt() : now, "talk " + talk.talkId() + " " + talk.state()));
        switch (talk.state()) {
            case STARTING, ON_AIR -> onAir(talk, now);
            case ENDED -> ended(talk, now);
            case CANCELLED -> cancelled(talk);
        }
    }

    private static ChannelState channelState(TalkState s) {
        return switch (s) {
            case STARTING -> ChannelState.STARTING;
            case ON_AIR -> ChannelState.ON_AIR;
            case ENDED, CANCELLED -> ChannelState.ENDED;
        };
    }

    private void onAir(LiveTalk talk, Instant now) {
        if (settled.contains(talk.talkId()) || !now.isBefore(talk.maxEnd())) {
            return;
        }
        if (!live.add(talk.talkId())) {
            return; // STARTING then ON_AIR: already on the line
        }
        log.info("Station {} puts live talk {} '{}' by {} on the line (until {})", stationId, talk.talkId(), talk.title(),
                talk.speaker(), talk.maxEnd());
        // The operator's level for this talk goes with it, as a session's does (the station's own is added on the line).
        line.submit(new Program(talk.talkId(), talk.title(), Priority.LIVE, now, talk.maxEnd(), afterChime(talk.liveItem()),
                null, talk.volumeDb()));
    }

    private void ended(LiveTalk talk, Instant now) {
        if (live.contains(talk.talkId())) {
            log.info("Station {}: live talk {} ended; what was received plays out", stationId, talk.talkId());
            return;
        }
        if (settled.contains(talk.talkId())) {
            return;
        }
        String session = talk.talkId() + LATE_SUFFIX;
        String skip = null;
        if (talk.late() != LatePolicy.PLAY_LATE) {
            skip = "the commune does not play missed talks late";
        } else if (!now.isBefore(talk.lateUntil())) {
            skip = "too late: missed talks play until " + talk.lateUntil();
        } else if (talk.recording() == null) {
            // The recording comes in a later update of the same talk, once the controller has kept it.
            log.info("Station {} missed live talk {}; waiting for its recording", stationId, talk.talkId());
            return;
        }
        settled.add(talk.talkId());
        if (skip != null) {
            log.info("Station {} skips missed live talk {}: {}", stationId, talk.talkId(), skip);
            events.record(StationEvent.of(EventType.ITEM_FAILED).session(session).content(talk.talkId())
                    .reason(EventReason.LATE_SKIPPED).markedLate().detail(talk.title() + ": " + skip));
            return;
        }
        Item recording = talk.recording().asLate();
        fetching.execute(() -> playLate(talk, session, recording));
    }

    /** Fetches the recording into the cache, then puts it on the line, unless it is too late or cancelled meanwhile. */
    private void playLate(LiveTalk talk, String session, Item recording) {
        try {
            if (cache.verified(recording).isEmpty()) {
                cache.fetch(recording);
            }
        } catch (ContentFetchException e) {
            log.warn("Station {} cannot fetch the recording of missed live talk {}: {}", stationId, talk.talkId(),
                    e.getMessage());
            events.record(StationEvent.of(EventType.CONTENT_FAILED).session(session).content(recording.contentId())
                    .reason(e.reason()).markedLate().detail(e.getMessage()));
            return;
        }
        Instant now = clock.instant();
        if (cancelledTalks.contains(talk.talkId()) || !now.isBefore(talk.lateUntil())) {
            return;
        }
        Instant end = now.plusMillis(recording.durationMillis()).plus(LATE_SLACK);
        log.info("Station {} plays missed live talk {} late, from its recording {}", stationId, talk.talkId(),
                recording.contentId());
        line.submit(new Program(session, talk.title() + " (phát lại / late)", Priority.LIVE, now, end, afterChime(recording),
                null, talk.volumeDb()));
    }

    /**
     * The chime, then {@code item}: the listeners know the commune speaks, and the live stream connects and
     * fills its buffer meanwhile.
     */
    private List<Item> afterChime(Item item) {
        List<Item> items = new ArrayList<>();
        chime.get().ifPresent(items::add);
        items.add(item);
        return items;
    }

    private void cancelled(LiveTalk talk) {
        settled.add(talk.talkId());
        cancelledTalks.add(talk.talkId());
        boolean had = line.cancel(talk.talkId()) | line.cancel(talk.talkId() + LATE_SUFFIX);
        log.info("Station {}: live talk {} was cancelled{}", stationId, talk.talkId(), had ? "; taken off the line" : "");
    }

    @Override
    public void close() {
        fetching.shutdownNow();
        try {
            fetching.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
