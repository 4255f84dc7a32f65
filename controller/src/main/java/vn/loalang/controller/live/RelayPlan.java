package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.protocol.live.ChannelState;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.RelaySpec;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Turns the relay slots of the published schedules into upstream fetches: each slot's source is pulled from
 * {@link #LEAD} before the slot (ffmpeg's start-up and probe, and the stations' connection and jitter buffer,
 * are done by the time the first sample is due), recorded from the slot's start to its end, and the recording,
 * once kept in the library and the stations' reports had {@link #REPORT_GRACE} to come in, is handed to the
 * catch-up for the stations that missed the slot. The one owner of
 * "when is which source pulled"; {@link Upstreams} keeps the fetch to one per source.
 *
 * <p>A slot is a source and a start: the same relay in the schedules of a hundred stations is one slot and one
 * fetch. Schedules are read as published, once a second on {@code relay-plan}: a recompile that adds or moves a
 * relay is followed without being told.
 */
public final class RelayPlan implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RelayPlan.class);
    /** How long before a slot its source is pulled. */
    public static final Duration LEAD = Duration.ofSeconds(20);
    private static final Duration TICK = Duration.ofSeconds(1);
    /** Slots done are remembered this long, so that a schedule still naming an ended slot does not start it again. */
    private static final Duration REMEMBER = Duration.ofDays(1);
    /**
     * How long after a slot's end the catch-up waits for the stations' reports of it before judging who missed it.
     * A station's ITEM_FINISHED leaves as the slot ends, and the recording is kept about a second later: judged then,
     * a station whose report is a little late (an event lost on 3G is sent again after the agent's 15 s receipt
     * timeout, then 30 s) would count as having heard nothing, and replay news it has just played.
     */
    public static final Duration REPORT_GRACE = Duration.ofSeconds(60);

    /** One relay slot of the commune, as the published schedules name it. */
    public record Slot(String sourceId, String sourceName, Instant start, Instant end, EndRule endRule,
                       int maxSilenceSeconds) {
        static Slot of(RelaySpec r) {
            return new Slot(r.sourceId(), r.sourceName(), r.start(), r.end(), r.endRule(), r.maxSilenceSeconds());
        }
    }

    /** Told when a slot's recording is in the library: the catch-up judges who missed it. */
    @FunctionalInterface
    public interface SlotRecorded {
        void slotEnded(String sourceId, Instant start, Instant end, String recordingId);
    }

    /** Where slots are recorded; without it (tests of the fetch alone) nothing is. */
    public record Recording(LibraryCatalog library, Path dataDir, Supplier<ZoneId> zone, IntSupplier keepDays) {
    }

    private final Supplier<Collection<Schedule>> published;
    private final Function<String, Optional<LiveSource>> sources;
    private final Upstreams upstreams;
    private final Recording recording;
    private final SlotRecorded recorded;
    private final Clock clock;
    private final Duration lead;
    private final Judgements judgements;
    private final Duration goneGrace;
    private final Map<Slot, Active> active = new HashMap<>();
    private final Map<Slot, Instant> done = new HashMap<>();
    private final ScheduledExecutorService timer;

    private static final class Active {
        final UpstreamSupervisor fetch;
        Recorder recorder;

        Active(UpstreamSupervisor fetch) {
            this.fetch = fetch;
        }
    }

    /**
     * @param published the schedules as published to the stations
     * @param sources   the commune's named sources, by id
     * @param recording where slots are recorded; null: they are not
     * @param grace     how long after a slot's end its recording is handed to {@code recorded} at the earliest
     *                  ({@link #REPORT_GRACE})
     */
    public RelayPlan(Supplier<Collection<Schedule>> published, Function<String, Optional<LiveSource>> sources,
                     Upstreams upstreams, Recording recording, SlotRecorded recorded, Clock clock, Duration lead,
                     Duration grace) {
        this(published, sources, upstreams, recording, recorded, clock, lead, grace,
                UpstreamSupervisor.DEFAULT_GONE_GRACE);
    }

    /**
     * As above, with how long an upstream that stopped may stay away before a {@link EndRule#PROGRAMME_END} slot's
     * programme is taken as over (tests shorten it).
     */
    public RelayPlan(Supplier<Collection<Schedule>> published, Function<String, Optional<LiveSource>> sources,
                     Upstreams upstreams, Recording recording, SlotRecorded recorded, Clock clock, Duration lead,
                     Duration grace, Duration goneGrace) {
        this.judgements = new Judgements(grace);
        this.goneGrace = goneGrace;
        this.published = published;
        this.sources = sources;
        this.upstreams = upstreams;
        this.recording = recording;
        this.recorded = recorded;
        this.clock = clock;
        this.lead = lead;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "relay-plan");
            t.setDaemon(true);
            return t;
        });
    }

    public RelayPlan start() {
        timer.scheduleWithFixedDelay(() -> {
            try {
                tick();
            } catch (RuntimeException e) {
                log.error("The relay plan failed a round; it tries again in {} s", TICK.toSeconds(), e);
            }
        }, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** The slots of {@code schedules}, each once. */
    public static Set<Slot> slotsOf(Collection<Schedule> schedules) {
        Set<Slot> slots = new LinkedHashSet<>();
        for (Schedule s : schedules) {
            for (Session session : s.sessions()) {
                for (Item item : session.items()) {
                    if (item.live()) {
                        slots.add(Slot.of(item.relay()));
                    }
                }
            }
        }
        return slots;
    }

    /** One round: starts the slots now within their lead, records those begun, ends those over. */
    synchronized void tick() {
        Instant now = clock.instant();
        for (Slot slot : slotsOf(published.get())) {
            if (active.containsKey(slot) || done.containsKey(slot)) {
                continue;
            }
            if (!now.isBefore(slot.start().minus(lead)) && now.isBefore(slot.end())) {
                begin(slot);
            }
        }
        for (var it = active.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            Slot slot = e.getKey();
            Active a = e.getValue();
            if (a.recorder == null && recording != null && !now.isBefore(slot.start())) {
                a.recorder = record(slot, a.fetch);
            }
            if (!now.isBefore(slot.end()) || a.fetch.state() == ChannelState.ENDED) {
                it.remove();
                done.put(slot, slot.end());
                end(slot, a);
            }
        }
        done.values().removeIf(end -> end.isBefore(now.minus(REMEMBER)));
        for (Judgements.Kept k : judgements.due(now)) {
            recorded.slotEnded(k.slot().sourceId(), k.slot().start(), k.slot().end(), k.recordingId());
        }
    }

    /**
     * Recordings kept, each held until {@code grace} after its slot ended, when the stations' reports of the slot
     * are in (read on {@code relay-plan}'s rounds, so that a test clock moved forward is followed).
     */
    static final class Judgements {
        record Kept(Slot slot, String recordingId, Instant due) {
        }

        private final Duration grace;
        private final java.util.List<Kept> kept = new java.util.ArrayList<>();

        Judgements(Duration grace) {
            this.grace = grace;
        }

        /** {@code recordingId} of {@code slot}, which ended at {@code endedAt}, is in the library. */
        synchronized void kept(Slot slot, String recordingId, Instant endedAt) {
            kept.add(new Kept(slot, recordingId, endedAt.plus(grace)));
        }

        /** The recordings whose grace is over at {@code now}, each once, in the order they were kept. */
        synchronized java.util.List<Kept> due(Instant now) {
            java.util.List<Kept> out = kept.stream().filter(k -> !now.isBefore(k.due())).toList();
            kept.removeAll(out);
            return out;
        }
    }

    private void begin(Slot slot) {
        Optional<LiveSource> source = sources.apply(slot.sourceId()).filter(LiveSource::enabled);
        if (source.isEmpty()) {
            // The compiler refuses such programs; a source removed since is reported here, once.
            log.error("Relay slot {} at {}: the source is unknown or disabled now; nothing is pulled", slot.sourceId(),
                    slot.start());
            done.put(slot, slot.end());
            return;
        }
        LiveSource s = source.get();
        // "Until the programme ends": sustained silence or the upstream gone past its grace, whichever first (EndRule).
        UpstreamSupervisor.Run run = new UpstreamSupervisor.Run(slot.end(),
                slot.endRule() == EndRule.PROGRAMME_END ? UpstreamSupervisor.EndBy.PROGRAMME_END : UpstreamSupervisor.EndBy.FIXED,
                slot.maxSilenceSeconds(), goneGrace, null, slot.start());
        try {
            UpstreamSupervisor fetch = upstreams.start(new UpstreamSupervisor.Source(s.id(), s.name(), s.uri(),
                    s.kind() == LiveSource.Kind.HLS), run);
            active.put(slot, new Active(fetch));
            log.info("Relay slot {} at {}: pulling {} from now until {} at the latest", slot.sourceId(), slot.start(),
                    s.uri(), slot.end());
        } catch (FfmpegMissingException e) {
            log.error("Relay slot {} at {} cannot be pulled: {}", slot.sourceId(), slot.start(), e.getMessage());
            done.put(slot, slot.end());
        }
    }

    private Recorder record(Slot slot, UpstreamSupervisor fetch) {
        Recorder.Entry entry = Recorder.Entry.relay(slot.sourceId(), slot.sourceName(), slot.start(),
                recording.zone().get(), recording.keepDays().getAsInt());
        try {
            return Recorder.start(fetch.channel(), entry, recording.library(), recording.dataDir(), clock);
        } catch (IOException e) {
            // The relay matters more than its copy: it goes on unrecorded, and says so.
            log.error("Relay slot {} at {} cannot be recorded ({}); it is relayed all the same", slot.sourceId(),
                    slot.start(), e.getMessage());
            return null;
        }
    }

    private void end(Slot slot, Active a) {
        boolean stillNeeded = active.keySet().stream().anyMatch(other -> other.sourceId().equals(slot.sourceId()));
        if (!stillNeeded && a.fetch.state() != ChannelState.ENDED) {
            upstreams.stop(slot.sourceId(), "its relay slot ended");
        }
        if (a.recorder == null) {
            return;
        }
        a.recorder.finish();
        // A slot of PROGRAMME_END may end before its maximum: the grace runs from when it ended.
        Instant endedAt = clock.instant();
        a.recorder.kept().whenComplete((item, error) -> {
            if (error != null) {
                log.error("Relay slot {} at {}: its recording was not kept: {}", slot.sourceId(), slot.start(),
                        error.toString());
            } else if (item.isPresent()) {
                judgements.kept(slot, item.get().id(), endedAt);
            }
        });
    }

    /** Slots being pulled now (for the technicians' view and tests). */
    public synchronized Set<Slot> active() {
        return Set.copyOf(active.keySet());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
