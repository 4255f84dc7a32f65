package vn.loalang.controller.health;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.directory.Commune;
import vn.loalang.protocol.Json;
import vn.loalang.controller.station.RefusalLog;
import vn.loalang.protocol.station.WireLimits;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.StationState;
import vn.loalang.protocol.station.Telemetry;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Takes each station's telemetry and answers, for every station of the directory, how it is:
 * {@link HealthModel} over its presence, its latest telemetry, the schedule it was sent and the
 * sessions it was heard playing. Malformed telemetry or telemetry from a station not in the directory is
 * logged and dropped.
 */
public final class HealthMonitor {
    private static final Logger log = LoggerFactory.getLogger(HealthMonitor.class);

    /** @param clockUntrustedSince since when its telemetry has said, without a break, that it does not trust its clock */
    private record Received(Telemetry telemetry, Instant at, Instant clockUntrustedSince) {
    }

    private final Topics topics;
    private final Clock clock;
    private final Supplier<Commune> commune;
    private final Function<String, Optional<StationState>> presence;
    private final Function<String, Schedule> published;
    private final BiFunction<String, Set<String>, Set<String>> heard;
    private final RefusalLog refusals;
    private final Map<String, Received> latest = new ConcurrentHashMap<>();
    private final List<Consumer<Health>> listeners = new CopyOnWriteArrayList<>();
    private record Told(String signature, Health health) {
    }

    /** Station → the state and kinds of problem the listeners were last told, and the health told. */
    private final Map<String, Told> told = new HashMap<>();
    private volatile TelemetryHistory history;
    private volatile Executor judging = Runnable::run;

    /**
     * @param published the schedule last sent to a station, or null
     * @param heard     which of the given session ids a station was heard playing (an item of it started)
     */
    public HealthMonitor(Topics topics, Clock clock, Supplier<Commune> commune,
                         Function<String, Optional<StationState>> presence, Function<String, Schedule> published,
                         BiFunction<String, Set<String>, Set<String>> heard) {
        this(topics, clock, commune, presence, published, heard, new RefusalLog());
    }

    /** @param refusals where telemetry no agent sends is counted and told, shared with the station intake */
    public HealthMonitor(Topics topics, Clock clock, Supplier<Commune> commune,
                         Function<String, Optional<StationState>> presence, Function<String, Schedule> published,
                         BiFunction<String, Set<String>, Set<String>> heard, RefusalLog refusals) {
        this.refusals = refusals;
        this.topics = topics;
        this.clock = clock;
        this.commune = commune;
        this.presence = presence;
        this.published = published;
        this.heard = heard;
    }

    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");

    public void handleTelemetry(String topic, byte[] payload) {
        Optional<String> station = topics.stationOf(topic);
        if (station.isEmpty() || commune.get().stations().stream().noneMatch(s -> s.id().equals(station.get()))) {
            refusals.refused("(none)", RefusalLog.Reason.UNKNOWN_STATION, () -> "telemetry on " + topic
                    + " is from no station in the directory");
            return;
        }
        try {
            Telemetry t = Json.read(payload, Telemetry.class);
            if (!t.stationId().equals(station.get())) {
                refusals.refused(station.get(), RefusalLog.Reason.WRONG_STATION,
                        () -> "its telemetry names station " + t.stationId());
                return;
            }
            String wrong = outOfRange(t);
            if (wrong != null) {
                refusals.refused(station.get(), RefusalLog.Reason.OUT_OF_RANGE, () -> "its telemetry has " + wrong);
                return;
            }
            Instant now = clock.instant();
            boolean untrusted = t.clock() != null && !t.clock().trusted();
            latest.compute(t.stationId(), (id, before) -> new Received(t, now, !untrusted ? null
                    : before != null && before.clockUntrustedSince() != null ? before.clockUntrustedSince() : now));
            if (history != null) {
                try {
                    history.record(t);
                } catch (RuntimeException e) {
                    log.warn("Telemetry of station {} not kept in the history: {}", t.stationId(), e.toString());
                }
            }
            refresh(t.stationId());
        } catch (MalformedMessageException e) {
            refusals.refused(station.get(), RefusalLog.Reason.UNREADABLE, () -> "its telemetry: " + e.getMessage());
        }
    }

    /** Why a snapshot is beyond what a real agent sends ({@link WireLimits}); null when it is not. */
    static String outOfRange(Telemetry t) {
        if (t.at().isBefore(EARLIEST) || !t.at().isBefore(LATEST)) {
            return "a time of " + t.at();
        }
        if (t.relays().size() > WireLimits.MAX_CHANNELS || t.senses().size() > WireLimits.MAX_CHANNELS) {
            return "more than " + WireLimits.MAX_CHANNELS + " relays or sense inputs";
        }
        if (t.notReady().size() > WireLimits.MAX_NOT_READY) {
            return "more than " + WireLimits.MAX_NOT_READY + " items not ready";
        }
        List<String> texts = new ArrayList<>(List.of(t.bootId(), t.link(), t.sink()));
        if (t.agentVersion() != null) {
            texts.add(t.agentVersion());
        }
        if (t.lastItemPlayed() != null) {
            texts.add(t.lastItemPlayed());
        }
        if (t.clock() != null) {
            texts.add(t.clock().source());
        }
        texts.addAll(t.relays().keySet());
        texts.addAll(t.senses().keySet());
        texts.addAll(t.notReady());
        if (texts.stream().anyMatch(x -> x == null || x.length() > WireLimits.MAX_TEXT_CHARS)) {
            return "a text longer than " + WireLimits.MAX_TEXT_CHARS + " characters";
        }
        return null;
    }

    /** Who is told when a station's state or the kinds of its problems change (not each new reading). */
    public void onChange(Consumer<Health> listener) {
        listeners.add(listener);
    }

    /** What the listeners were last told of each station: for whoever must tell it again (after a reconnect). */
    public List<Health> lastTold() {
        synchronized (told) {
            return told.values().stream().map(Told::health).toList();
        }
    }

    /**
     * Where a station is judged after news from it; by default on the caller's thread. The controller
     * gives a thread of its own, so that Paho's callback thread, which brings the news, is never held
     * up by the play-log lookup or the lock.
     */
    public void judgeOn(Executor executor) {
        this.judging = executor;
    }

    /** Judges one station again after news from it (telemetry, presence, an event); told on a change. */
    public void refresh(String stationId) {
        try {
            judging.execute(() -> {
                Commune current = commune.get();
                current.stations().stream().filter(s -> s.id().equals(stationId)).findFirst()
                        .ifPresent(s -> judge(new HealthModel(current.commune().health()), s));
            });
        } catch (RejectedExecutionException e) {
            log.debug("Station {} not judged again: the controller is stopping", stationId);
        }
    }

    /** Where every snapshot is also kept, for the technician's charts. */
    public void keepIn(TelemetryHistory history) {
        this.history = history;
    }

    /**
     * Every station of the directory, as it is now. Changes that come with time alone (offline for
     * longer than the bound, a session not started) are told from here: the controller asks every
     * few seconds.
     */
    public List<Health> rows() {
        List<Health> out = new ArrayList<>();
        Commune current = commune.get();
        // The commune's thresholds as they are now: a technician's edit applies at the next look.
        HealthModel model = new HealthModel(current.commune().health());
        for (Commune.Station s : current.stations()) {
            out.add(judge(model, s));
        }
        return out;
    }

    /**
     * Judges and tells in one step, with the facts as they are at that moment: a round that read a
     * station's telemetry just before a newer one came must not tell its older verdict after the newer.
     */
    private Health judge(HealthModel model, Commune.Station s) {
        synchronized (told) {
            Health h = evaluate(model, s, clock.instant());
            tell(h);
            return h;
        }
    }

    private Health evaluate(HealthModel model, Commune.Station s, Instant now) {
        Received r = latest.get(s.id());
        Schedule schedule = published.apply(s.id());
        // Only sessions already due can be missed: the play log is asked about those alone.
        Instant dueBefore = now.minus(model.limits().missedAfter());
        Set<String> due = schedule == null ? Set.of() : Set.copyOf(schedule.sessions().stream()
                .filter(x -> !x.start().isAfter(dueBefore)).map(Session::id).toList());
        return model.evaluate(new HealthModel.Facts(s.id(), s.village(), presence.apply(s.id()).orElse(null),
                r == null ? null : r.telemetry(), r == null ? null : r.at(), schedule,
                due.isEmpty() ? Set.of() : heard.apply(s.id(), due), now, r == null ? null : r.clockUntrustedSince()));
    }

    /** Tells the listeners when a station's state or its kinds of problem differ from what they were last told; under {@code told}. */
    private void tell(Health h) {
        String signature = h.state() + h.problems().stream().map(Health.Problem::kind).sorted().toList().toString();
        Told before = told.get(h.stationId());
        if (before != null && before.signature().equals(signature)) {
            return;
        }
        told.put(h.stationId(), new Told(signature, h));
        for (Consumer<Health> l : listeners) {
            try {
                l.accept(h);
            } catch (RuntimeException e) {
                log.warn("A listener failed on the health of station {}: {}", h.stationId(), e.toString());
            }
        }
    }
}
