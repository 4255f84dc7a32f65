package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.LiveSettings;
import vn.loalang.controller.directory.ProgramUse;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Missed relays made up for (plan §3.3). When a relay slot has ended and its recording is kept, each station
 * that was to play it and reported hearing less than the commune's {@code live.coverageMinPercent} of it has
 * missed it. With {@code live.missedRelay} NEXT_SESSION the recording becomes the first item of that station's
 * next published session, marked late; with SKIP it is only logged. A station heard from not at all (offline,
 * or its agent never started the relay) has heard nothing. A program that replays the source's newest
 * recording is compiled again as well, so that the replay is this one.
 */
public final class CatchUp {
    private static final Logger log = LoggerFactory.getLogger(CatchUp.class);
    /** Events of the slot are looked for from a little before its start to a little after its end (clock skew, late reports). */
    private static final Duration MARGIN = Duration.ofMinutes(5);
    /** As the event log writes its times (fixed width, so that the text sorts by time). */
    private static final java.time.format.DateTimeFormatter EVENT_TIME = java.time.format.DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(java.time.ZoneOffset.UTC);

    /** One station's share of a slot, and whether it counts as missed. */
    public record Coverage(String stationId, long heardMillis, long slotMillis, boolean missed) {
        public int percent() {
            return slotMillis == 0 ? 100 : (int) (100 * heardMillis / slotMillis);
        }
    }

    private final Store store;
    private final Clock clock;
    private final Supplier<Commune> commune;
    private final Function<String, Schedule> publishedTo;
    private final Runnable recompile;

    /**
     * @param publishedTo the schedule a station holds now (its next session is where the recording goes)
     * @param recompile   asks for a compile: the late items go into the schedules
     */
    public CatchUp(Store store, Clock clock, Supplier<Commune> commune, Function<String, Schedule> publishedTo,
                   Runnable recompile) {
        this.store = store;
        this.clock = clock;
        this.commune = commune;
        this.publishedTo = publishedTo;
        this.recompile = recompile;
    }

    /**
     * A relay slot of {@code sourceId} ended and was kept as library item {@code recordingId}: judges each station
     * that had the slot in its plan, and queues the recording for those that missed it (NEXT_SESSION).
     *
     * @return every station's coverage, missed or not
     */
    public List<Coverage> slotEnded(String sourceId, Instant slotStart, Instant slotEnd, String recordingId) {
        LiveSettings live = commune.get().commune().live();
        String channel = LiveChannelId.relay(sourceId).value();
        long slotMillis = Duration.between(slotStart, slotEnd).toMillis();
        List<Coverage> coverage = store.query(c -> {
            List<Coverage> out = new ArrayList<>();
            Map<String, Long> heard = heard(c, channel, slotStart, slotEnd, slotMillis);
            for (String station : planned(c, channel, slotStart)) {
                long ms = Math.min(slotMillis, heard.getOrDefault(station, 0L));
                out.add(new Coverage(station, ms, slotMillis, ms * 100 < (long) live.coverageMinPercent() * slotMillis));
            }
            return out;
        });
        List<Coverage> missed = coverage.stream().filter(Coverage::missed).toList();
        if (ProgramUse.replays(commune.get(), sourceId)) {
            // The evening's replay names the newest recording: this one, from the next compile on.
            log.info("Relay {} of {} kept as {}; the program replays it: compiling again", channel, slotStart, recordingId);
            recompile.run();
        }
        if (missed.isEmpty()) {
            log.info("Relay {} of {}: every station heard at least {} %", channel, slotStart, live.coverageMinPercent());
            return coverage;
        }
        if (live.missedRelay() == LiveSettings.MissedRelay.SKIP) {
            missed.forEach(m -> log.warn("Station {} missed relay {} of {} ({} % heard); the commune skips missed relays",
                    m.stationId(), channel, slotStart, m.percent()));
            return coverage;
        }
        Instant now = clock.instant();
        int queued = store.transaction(c -> {
            int n = 0;
            for (Coverage m : missed) {
                Optional<Session> next = nextSession(m.stationId(), now);
                if (next.isEmpty()) {
                    log.warn("Station {} missed relay {} of {} ({} % heard), but has no session ahead to play it in",
                            m.stationId(), channel, slotStart, m.percent());
                    continue;
                }
                try (PreparedStatement s = c.prepareStatement("""
                        INSERT OR IGNORE INTO live_late_item (station_id, session_id, item_id, channel, slot_start,
                                                              heard_ms, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
                    s.setString(1, m.stationId());
                    s.setString(2, next.get().id());
                    s.setString(3, recordingId);
                    s.setString(4, channel);
                    s.setString(5, slotStart.toString());
                    s.setLong(6, m.heardMillis());
                    s.setString(7, now.toString());
                    n += s.executeUpdate();
                }
                log.info("Station {} missed relay {} of {} ({} % heard): recording {} opens its session {}, late",
                        m.stationId(), channel, slotStart, m.percent(), recordingId, next.get().id());
            }
            return n;
        });
        if (queued > 0) {
            recompile.run();
        }
        return coverage;
    }

    /** The late items to open sessions with: station → session id → library ids, in the order they were missed. */
    public Map<String, Map<String, List<String>>> lateItems() {
        return store.query(c -> {
            Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT station_id, session_id, item_id FROM live_late_item ORDER BY slot_start, station_id""");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>())
                            .computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(rs.getString(3));
                }
            }
            return out;
        });
    }

    private Optional<Session> nextSession(String stationId, Instant now) {
        Schedule schedule = publishedTo.apply(stationId);
        if (schedule == null) {
            return Optional.empty();
        }
        return schedule.sessions().stream().filter(s -> s.start().isAfter(now)).findFirst();
    }

    /** The stations whose plan had the channel in a session running at the slot's start. */
    private static List<String> planned(Connection c, String channel, Instant slotStart) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT DISTINCT station_id FROM planned_session
                WHERE start_ms <= ? AND end_ms > ? AND items_json LIKE ? ORDER BY station_id""")) {
            s.setLong(1, slotStart.toEpochMilli());
            s.setLong(2, slotStart.toEpochMilli());
            s.setString(3, "%\"" + channel + "\"%");
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /**
     * What each station reported hearing of the channel during the slot: the most any of its events says
     * ({@code playedMillis} is a running total); a finish without it (an agent that does not count) is the whole slot.
     */
    private static Map<String, Long> heard(Connection c, String channel, Instant slotStart, Instant slotEnd,
                                           long slotMillis) throws SQLException {
        Map<String, Long> out = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT station_id, type, played_ms FROM station_event
                WHERE content_id = ? AND at >= ? AND at <= ?
                  AND type IN ('ITEM_FINISHED', 'ITEM_DROPPED', 'ITEM_RESUMED', 'ITEM_FAILED')""")) {
            s.setString(1, channel);
            s.setString(2, EVENT_TIME.format(slotStart.minus(MARGIN)));
            s.setString(3, EVENT_TIME.format(slotEnd.plus(MARGIN)));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long ms = rs.getLong(3);
                    if (rs.wasNull()) {
                        ms = rs.getString(2).equals("ITEM_FINISHED") ? slotMillis : 0;
                    }
                    out.merge(rs.getString(1), ms, Math::max);
                }
            }
        }
        return out;
    }
}
