package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.live.LiveTalk;
import vn.loalang.protocol.live.TalkId;
import vn.loalang.protocol.live.TalkState;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Live talks (issue 17, point 5), as the API and the controller's upkeep see them. It only puts the parts
 * in order, as {@code alert.AlertService} does: {@link TalkRequests} checks who may talk to which
 * villages, {@link TalkStore} keeps the talk, {@link TalkDispatcher} signs and publishes its state per
 * village, {@link TalkTickets} guards the audio socket, and one {@link TalkIngest} per talk turns the
 * speaker's audio into the talk's {@link LiveChannel}.
 *
 * <p>A talk's life: {@link #start} (STARTING, published at once: the stations warm up and chime) →
 * the speaker's socket opens with its ticket ({@link #admit}) → the first frame is on the channel (ON_AIR)
 * → the speaker presses again ({@link #end}), goes quiet for {@link TalkIngest#IDLE}, or the maximum length
 * passes (ENDED; CANCELLED when no voice ever came) → the recording is kept ({@link #recordingKept}) → after
 * {@code lateUntil} its messages leave the broker.
 */
public final class TalkService {
    private static final Logger log = LoggerFactory.getLogger(TalkService.class);
    /** How long after a talk a station that missed it may still play its recording: the commune's {@code live.talkLateMinutes}. */
    private Duration lateFor() {
        return Duration.ofMinutes(commune.get().commune().live().talkLateMinutes());
    }
    static final String CODEC = "mp3";

    /** Publishes on the broker: QoS 1, retained. */
    @FunctionalInterface
    public interface Publisher {
        void publish(String topic, byte[] payload, boolean retained) throws Exception;
    }

    /** A talk as asked for. {@code late}: PLAY_LATE (the default) or SKIP, for stations that missed it. */
    public record Request(List<String> villages, String title, String late) {
    }

    /** What the start answers: the talk, and the one-time ticket that opens its audio socket at {@code wsPath}. */
    public record Started(String id, String ticket, String wsPath, String state, List<String> villages, String title,
                          int stations, Instant maxEnd) {
    }

    /** Where a talk stands on one loudspeaker: PENDING, ON_AIR, FINISHED, LATE, SKIPPED or FAILED. */
    public record Delivery(String stationId, String status, Instant updatedAt, String detail) {
    }

    /** A talk with every loudspeaker's progress. */
    public record Status(String id, Instant createdAt, String actor, String speaker, List<String> villages, String title,
                         String late, String state, Instant maxEnd, Instant onAirAt, Instant endedAt, String endedBy,
                         String endReason, Instant lateUntil, String recordingId, int stationsOnAir,
                         List<Delivery> deliveries) {
    }

    /** A request outside the caller's rights: answered 403. */
    public static final class RightsException extends RuntimeException {
        RightsException(String message) {
            super(message);
        }
    }

    private final Clock clock;
    private final Supplier<Commune> commune;
    private final LiveChannels channels;
    private final Optional<Ffmpeg> ffmpeg;
    private final TalkRequests requests;
    private final TalkStore store;
    private final TalkDispatcher dispatcher;
    private final TalkTickets tickets;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, TalkIngest> ingests = new ConcurrentHashMap<>();
    private final Map<String, Consumer<TalkIngest.Report>> reporters = new ConcurrentHashMap<>();
    /** Each running talk's recording, as the library item it becomes (empty: nothing kept). */
    private final Map<String, java.util.concurrent.CompletableFuture<Optional<Item>>> recordings = new ConcurrentHashMap<>();
    private volatile Recordings recordInto;
    private volatile LiveAccess access;
    /** Who asked a talk to end, until its uplink has ended. */
    private final Map<String, String> endedBy = new ConcurrentHashMap<>();

    /**
     * @param ffmpeg the ffmpeg each talk's uplink runs; empty when it does not run here (talks are then refused)
     */
    public TalkService(Store store, AuditLog audit, Clock clock, Supplier<Commune> commune, LiveChannels channels,
                       Topics topics, EnvelopeSigner signer, Publisher publisher, Optional<Ffmpeg> ffmpeg) {
        this(store, audit, clock, commune, channels, topics, signer, publisher, ffmpeg, new TalkRequests());
    }

    TalkService(Store store, AuditLog audit, Clock clock, Supplier<Commune> commune, LiveChannels channels,
                Topics topics, EnvelopeSigner signer, Publisher publisher, Optional<Ffmpeg> ffmpeg,
                TalkRequests requests) {
        this.clock = clock;
        this.commune = commune;
        this.channels = channels;
        this.ffmpeg = ffmpeg;
        this.requests = requests;
        this.store = new TalkStore(store, audit);
        this.dispatcher = new TalkDispatcher(this.store, clock, topics, signer, publisher);
        this.tickets = new TalkTickets(clock);
    }

    /**
     * Where talks are recorded: each talk's channel is written by a {@link Recorder} and kept in the library
     * ({@code live-talk}, for {@code keepDays}); once kept, the talk's ENDED message names it, so that a station
     * that missed the talk plays it late. Without this, talks are not recorded.
     */
    public record Recordings(vn.loalang.controller.content.LibraryCatalog library, java.nio.file.Path dataDir,
                             Supplier<java.net.URI> contentBase, int keepDays) {
    }

    public void recordInto(Recordings recordings) {
        this.recordInto = recordings;
    }

    /**
     * Who may hear a talk: from now on each talk's mount admits only the stations of its villages, so a
     * stolen station's password does not open another village's talk. Without this, every station may.
     */
    public void admitThrough(LiveAccess access) {
        this.access = access;
    }

    /** Checks, stores, signs and publishes a new talk (STARTING), and opens its channel; the ticket opens its socket. */
    public Started start(User user, Request req) {
        Commune c = commune.get();
        Instant now = clock.instant();
        TalkRequests.Checked checked = requests.check(user, req, c, now);
        Ffmpeg encoder = ffmpeg.orElseThrow(() -> new ChangeException(Kind.UNAVAILABLE, null, "Máy điều khiển không có"
                + " ffmpeg: không nói trực tiếp được / this controller has no ffmpeg, so it cannot carry a live talk"));
        String id = TalkId.next(now, random);
        List<String> stations = c.stations().stream().filter(s -> checked.villages().contains(s.village()))
                .map(Commune.Station::id).toList();
        String speaker = user.displayName() == null || user.displayName().isBlank() ? user.username() : user.displayName();
        TalkStore.Talk talk = new TalkStore.Talk(id, now, user.username(), speaker, checked.villages(), checked.title(),
                checked.late(), TalkState.STARTING, checked.maxEnd(), null, null, null, null,
                checked.maxEnd().plus(lateFor()), null, false);
        LiveChannel channel = channels.open(LiveChannelId.talk(id));
        LiveAccess listeners = access;
        if (listeners != null) {
            java.util.Set<String> theirs = java.util.Set.copyOf(stations);
            listeners.restrict(LiveChannelId.talk(id).mount(), theirs::contains);
        }
        TalkIngest ingest = new TalkIngest(id, channel, encoder.talkCommand("matroska"), checked.maxEnd(), clock, new Events());
        // The ticket first: the upkeep's tick ends an uplink that has neither a speaker nor a waiting ticket.
        String ticket = tickets.issue(id);
        // Known as running before it is stored: the upkeep ends stored live talks that nothing here runs.
        ingests.put(id, ingest);
        try {
            store.add(talk, dispatcher.sign(message(talk, null), talk.villages()), stations);
        } catch (RuntimeException e) {
            ingests.remove(id);
            channel.end();
            if (listeners != null) {
                listeners.forget(LiveChannelId.talk(id).mount());
            }
            throw e;
        }
        record(id, channel, talk, c);
        dispatcher.publish(id);
        log.info("Talk {} '{}' started by {} for {} village(s) {} ({} station(s)), at most until {}", id, talk.title(),
                user.username(), talk.villages().size(), talk.villages(), stations.size(), talk.maxEnd());
        return new Started(id, ticket, "/api/live/talks/" + id + "/audio", TalkState.STARTING.name(), talk.villages(),
                talk.title(), stations.size(), talk.maxEnd());
    }

    /**
     * The talk's uplink, for the socket presenting {@code ticket}: empty when the ticket is not this talk's, was
     * used, or is too old, or the talk is over. ffmpeg starts here; {@code reports} then gets the talk's progress
     * once a second, and a last one when it ends.
     */
    public Optional<TalkIngest> admit(String id, String ticket, Consumer<TalkIngest.Report> reports) throws IOException {
        return admit(id, ticket, false, reports);
    }

    /**
     * As {@link #admit(String, String, Consumer)}; {@code pcm}: the page sends 16 kHz mono s16le from an
     * AudioWorklet instead of WebM/Opus (a browser whose MediaRecorder has no WebM/Opus: Safari).
     */
    public Optional<TalkIngest> admit(String id, String ticket, boolean pcm, Consumer<TalkIngest.Report> reports)
            throws IOException {
        if (!tickets.redeem(id, ticket)) {
            log.warn("Talk {}: an audio socket was refused: its ticket is wrong, used or too old", id);
            return Optional.empty();
        }
        TalkIngest ingest = ingests.get(id);
        if (ingest == null || ingest.ended()) {
            return Optional.empty();
        }
        reporters.put(id, reports);
        if (pcm) {
            ingest.connected(ffmpeg.orElseThrow().talkCommand("s16le"));
        } else {
            ingest.connected();
        }
        return Optional.of(ingest);
    }

    /** Ends talk {@code id}: the speaker pressed again (or an operator stopped it). */
    public Status end(User user, String id) {
        TalkStore.Talk t = store.talk(id).orElseThrow(() -> new ChangeException(Kind.NOT_FOUND, null,
                "Không có buổi nói / no talk with id " + id));
        TalkRequests.mayAct(user, t.villages());
        if (!t.live()) {
            throw new ChangeException(Kind.CONFLICT, null, "talk " + id + " is already " + t.state().name().toLowerCase());
        }
        endedBy.putIfAbsent(id, user.username());
        TalkIngest ingest = ingests.get(id);
        if (ingest != null) {
            ingest.end("speaker");
        } else {
            // Not ours (a controller restarted since it began): nothing streams; end it where it is stored.
            finish(id, "speaker");
        }
        return status(id).orElseThrow();
    }

    /**
     * The talk's recording is in the library (the channel's recorder kept it): its ENDED message is replaced by
     * one naming it, so a station that missed the talk plays it late, by the talk's policy.
     */
    public void recordingKept(String id, Item recording) {
        TalkStore.Talk t = store.talk(id).orElseThrow(() -> new IllegalArgumentException("no talk " + id));
        if (t.state() != TalkState.ENDED) {
            log.info("Talk {}: its recording {} is kept, but the talk is {}: not offered to stations", id,
                    recording.contentId(), t.state());
            return;
        }
        TalkStore.Talk now = with(t, TalkState.ENDED, t.onAirAt(), t.endedAt(), t.endedBy(), t.endReason(),
                t.lateUntil(), recording.contentId());
        if (store.move(now, TalkState.ENDED, dispatcher.sign(message(now, recording), t.villages()), "system",
                "talk.recording")) {
            dispatcher.publish(id);
            log.info("Talk {}: recording {} offered to stations that missed it, until {}", id, recording.contentId(),
                    t.lateUntil());
        }
    }

    /**
     * Every second: each uplink checks its idle time and maximum length (a speaker who never connected ends the
     * talk when the ticket expires), the speakers' pages get their progress, and the dispatcher sends again what
     * the broker did not take and clears what is over.
     */
    public void tick() {
        Instant now = clock.instant();
        for (TalkStore.Talk t : store.uncleared()) {
            if (t.live() && !ingests.containsKey(t.id())) {
                // Its uplink was in a controller that stopped: nobody can speak into it any more.
                log.warn("Talk {} was running when the controller stopped: it ends now", t.id());
                finish(t.id(), "the controller restarted");
            }
        }
        for (TalkIngest ingest : ingests.values()) {
            if (!ingest.ended() && !reporters.containsKey(ingest.talkId()) && !tickets.waiting(ingest.talkId())) {
                ingest.end("the speaker never connected");
            }
            ingest.check(now);
            Consumer<TalkIngest.Report> r = reporters.get(ingest.talkId());
            if (r != null && !ingest.ended()) {
                report(r, ingest);
            }
        }
        dispatcher.tick();
    }

    /** Publishes every talk still on the broker again, after the broker restarted with empty memory. */
    public void republishActive() {
        dispatcher.republishActive();
    }

    /** A station's event about a talk (its session id is the talk's): its delivery moves on. Never throws. */
    public void onEvent(StationEvent e) {
        try {
            TalkId.parse(e.sessionId()).ifPresent(s -> {
                String status = switch (e.type()) {
                    case SESSION_STARTED, ITEM_STARTED, ITEM_RESUMED -> s.late() ? "LATE" : "ON_AIR";
                    case SESSION_FINISHED, ITEM_FINISHED -> s.late() ? "LATE" : "FINISHED";
                    case ITEM_FAILED -> e.reason() != null && e.reason().equals(EventReason.LATE_SKIPPED.name())
                            ? "SKIPPED" : "FAILED";
                    case SESSION_PREEMPTED, ITEM_DROPPED -> "FAILED";
                    default -> null;
                };
                if (status != null) {
                    String detail = e.type().name() + (e.reason() == null ? "" : " " + e.reason());
                    store.deliver(s.talkId(), e.stationId(), status, detail, e.at());
                }
            });
        } catch (RuntimeException ex) {
            log.warn("Talk event from station {} ({} {}) not recorded: {}", e.stationId(), e.type(), e.sessionId(),
                    ex.toString());
        }
    }

    public Optional<Status> status(String id) {
        return store.talk(id).map(this::status);
    }

    /** The newest first, at most {@code limit}, without deliveries. */
    public List<Status> recent(int limit) {
        return store.recent(limit).stream().map(t -> new Status(t.id(), t.createdAt(), t.actor(), t.speaker(),
                t.villages(), t.title(), t.late().name(), t.state().name(), t.maxEnd(), t.onAirAt(), t.endedAt(),
                t.endedBy(), t.endReason(), t.lateUntil(), t.recordingId(), store.count(t.id(), "ON_AIR"), List.of()))
                .toList();
    }

    /** Ends every uplink now (the controller stops): each talk ends, its channel with it. */
    public void close() {
        List<TalkIngest> running = List.copyOf(ingests.values());
        running.forEach(i -> i.end("the controller stops"));
        // Their ENDED goes out and into the store before the link and the store close.
        running.forEach(i -> i.awaitOver(Duration.ofSeconds(5)));
    }

    private Status status(TalkStore.Talk t) {
        List<Delivery> d = store.deliveries(t.id());
        int onAir = (int) d.stream().filter(x -> x.status().equals("ON_AIR")).count();
        return new Status(t.id(), t.createdAt(), t.actor(), t.speaker(), t.villages(), t.title(), t.late().name(),
                t.state().name(), t.maxEnd(), t.onAirAt(), t.endedAt(), t.endedBy(), t.endReason(), t.lateUntil(),
                t.recordingId(), onAir, d);
    }

    private void report(Consumer<TalkIngest.Report> r, TalkIngest ingest) {
        try {
            r.accept(ingest.report(store.count(ingest.talkId(), "ON_AIR")));
        } catch (RuntimeException e) {
            log.info("Talk {}: its progress did not reach the speaker's page ({})", ingest.talkId(), e.toString());
        }
    }

    /** The talk as a station reads it. */
    private LiveTalk message(TalkStore.Talk t, Item recording) {
        LiveChannelId channel = LiveChannelId.talk(t.id());
        return new LiveTalk(SchemaVersion.CURRENT, t.id(), t.villages().get(0), t.title(), t.speaker(),
                channels.stationUrl(channel), channel, CODEC, t.state(), t.createdAt(), t.maxEnd(), t.endedAt(), null,
                t.late(), t.lateUntil(), recording);
    }

    private static TalkStore.Talk with(TalkStore.Talk t, TalkState state, Instant onAirAt, Instant endedAt,
                                       String endedBy, String reason, Instant lateUntil, String recordingId) {
        return new TalkStore.Talk(t.id(), t.createdAt(), t.actor(), t.speaker(), t.villages(), t.title(), t.late(), state,
                t.maxEnd(), onAirAt, endedAt, endedBy, reason, lateUntil, recordingId, t.cleared());
    }

    private void onAir(String id) {
        store.talk(id).ifPresent(t -> {
            TalkStore.Talk now = with(t, TalkState.ON_AIR, clock.instant(), null, null, null, t.lateUntil(), null);
            if (store.move(now, TalkState.STARTING, dispatcher.sign(message(now, null), t.villages()), t.actor(),
                    "talk.on-air")) {
                dispatcher.publish(id);
            }
        });
    }

    private void record(String id, LiveChannel channel, TalkStore.Talk talk, Commune c) {
        Recordings r = recordInto;
        if (r == null) {
            return;
        }
        java.time.ZonedDateTime local = talk.createdAt().atZone(c.commune().zone());
        Recorder.Entry entry = new Recorder.Entry("rec-" + id, talk.title() + " "
                + local.format(java.time.format.DateTimeFormatter.ofPattern("HH:mm dd/MM")) + " — ghi lại",
                Recorder.TALK_CATEGORY, local.toLocalDate().plusDays(r.keepDays()));
        try {
            Recorder recorder = Recorder.start(channel, entry, r.library(), r.dataDir(), clock);
            recordings.put(id, recorder.kept().thenApply(kept -> kept.map(item -> item.toItem(r.contentBase().get()))));
        } catch (IOException | RuntimeException e) {
            log.warn("Talk {} is not recorded ({}): stations that miss it will have nothing to play late", id,
                    e.toString());
        }
    }

    /** The uplink is over: ENDED (CANCELLED when no voice ever came), published; late playing runs from now. */
    private void finish(String id, String reason) {
        ingests.remove(id);
        tickets.forget(id);
        LiveAccess listeners = access;
        if (listeners != null) {
            listeners.forget(LiveChannelId.talk(id).mount());
        }
        String by = endedBy.remove(id);
        store.talk(id).filter(TalkStore.Talk::live).ifPresent(t -> {
            Instant now = clock.instant();
            TalkState state = t.state() == TalkState.ON_AIR ? TalkState.ENDED : TalkState.CANCELLED;
            TalkStore.Talk ended = with(t, state, t.onAirAt(), now, by == null ? "system" : by, reason,
                    now.plus(lateFor()), null);
            if (store.move(ended, t.state(), dispatcher.sign(message(ended, null), t.villages()),
                    by == null ? "system" : by, state == TalkState.ENDED ? "talk.end" : "talk.cancel")) {
                dispatcher.publish(id);
                log.info("Talk {} {} ({}), ended by {}", id, state == TalkState.ENDED ? "ended" : "cancelled before any"
                        + " voice came", reason, by == null ? "the controller" : by);
            }
        });
        java.util.concurrent.CompletableFuture<Optional<Item>> recording = recordings.remove(id);
        if (recording != null) {
            // Kept after the channel's last frame, so after ENDED is stored: then it is offered to those who missed it.
            recording.thenAccept(kept -> kept.ifPresent(item -> recordingKept(id, item))).exceptionally(e -> {
                log.warn("Talk {}: its recording could not be offered: {}", id, e.toString());
                return null;
            });
        }
    }

    private final class Events implements TalkIngest.Events {
        @Override
        public void onAir(String talkId) {
            TalkService.this.onAir(talkId);
        }

        @Override
        public void ended(String talkId, String reason) {
            TalkIngest ingest = ingests.get(talkId);
            finish(talkId, reason);
            Consumer<TalkIngest.Report> r = reporters.remove(talkId);
            if (r != null && ingest != null) {
                report(r, ingest);
            }
        }
    }
}
