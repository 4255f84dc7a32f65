package vn.loalang.controller.update;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.station.Release;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.station.StationState;

import java.net.URI;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Staged rollouts of an uploaded agent release: to one station, a village, or all. A rollout sends
 * its UPDATEs a few at a time — one first, then as many more at once as have adopted it, at most
 * {@link #MAX_IN_FLIGHT} — and <b>halts itself</b> at the first station that rolls back, fails, or
 * does not answer within {@link #ANSWER_WITHIN}: a bad build silences at most the stations already
 * trying it, never a whole commune. A halted rollout sends nothing more until a technician resumes or
 * abandons it, and no new rollout of that release starts meanwhile. The state is in the store, so a
 * controller restart neither forgets a halt nor sends twice.
 */
public final class Rollouts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Rollouts.class);
    /** At most this many stations download and try a release at once (also bounds the controller's upload). */
    static final int MAX_IN_FLIGHT = 50;
    /** A download over a slow SIM (about 7 min for 20 MB), a restart and the 5 min trial, with room to spare. */
    static final Duration ANSWER_WITHIN = Duration.ofMinutes(45);

    public enum Scope { STATION, VILLAGE, ALL }

    public enum Status { RUNNING, HALTED, DONE, ABANDONED }

    /**
     * Where one station is in a rollout. {@code SENT} shows as installing, or on trial once the station
     * reports the new version; {@code SKIPPED}: not sent (the rollout was abandoned, or the station was off).
     */
    public enum State { WAITING, SENT, ADOPTED, ROLLED_BACK, FAILED, NO_ANSWER, SKIPPED }

    /** What a rollout sends: one UPDATE, signed and published, by {@code actor}; returns its command id. */
    @FunctionalInterface
    public interface Sender {
        String send(String actor, String stationId, Release release);
    }

    /**
     * @param phase           for a SENT station: INSTALLING, or ON_TRIAL once it reports the new version
     * @param reportedVersion the agent version the station last reported; null when unknown
     */
    public record StationProgress(String stationId, State state, String phase, String reportedVersion,
                                  String commandId, Instant sentAt, Instant doneAt, String detail) {
    }

    public record View(String id, String version, Scope scope, String target, Status status, String reason,
                       String startedBy, Instant startedAt, Instant changedAt, List<StationProgress> stations) {
    }

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final Supplier<Commune> commune;
    private final AgentReleases releases;
    private final Supplier<URI> contentBase;
    private final Function<String, Optional<StationState>> presence;
    private final Sender sender;
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rollouts");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param contentBase where stations reach the content server (the UPDATE names the jar there)
     * @param presence    each station's last state: its agent version, and whether it is known to be off
     */
    public Rollouts(Store store, AuditLog audit, Clock clock, Supplier<Commune> commune, AgentReleases releases,
                    Supplier<URI> contentBase, Function<String, Optional<StationState>> presence, Sender sender) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.commune = commune;
        this.releases = releases;
        this.contentBase = contentBase;
        this.presence = presence;
        this.sender = sender;
    }

    public AgentReleases releases() {
        return releases;
    }

    /** Checks each minute for stations that never answered. */
    public void start() {
        timer.scheduleWithFixedDelay(() -> {
            try {
                checkAnswers();
            } catch (RuntimeException e) {
                log.error("Rollout check failed: {}", e.toString(), e);
            }
        }, 1, 1, TimeUnit.MINUTES);
    }

    /** Starts a rollout of the uploaded {@code version} and sends its first UPDATE. */
    public synchronized View start(String actor, String version, Scope scope, String target) {
        AgentReleases.Stored release = releases.byVersion(version).orElseThrow(() -> new ChangeException(Kind.NOT_FOUND,
                "version", "Chưa tải lên bản " + version + " / release " + version + " is not on this controller:"
                + " upload it first (jar and release file)"));
        List<String> stations = targets(scope, target);
        Optional<View> halted = recent(200).stream()
                .filter(r -> r.version().equals(version) && r.status() == Status.HALTED).findFirst();
        if (halted.isPresent()) {
            throw new ChangeException(Kind.CONFLICT, "version", "Bản " + version + " đang bị dừng / release " + version
                    + " is halted (rollout " + halted.get().id() + ": " + halted.get().reason()
                    + "): resume or abandon that rollout first");
        }
        Instant now = clock.instant();
        String id = "r-" + Long.toString(now.toEpochMilli(), 36) + "-" + Integer.toHexString(0x1000 + random.nextInt(0xf000));
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO rollout (id, version, scope, target, status, started_by, started_at, changed_at)
                    VALUES (?, ?, ?, ?, 'RUNNING', ?, ?, ?)""")) {
                s.setString(1, id);
                s.setString(2, release.version());
                s.setString(3, scope.name());
                s.setString(4, scope == Scope.ALL ? null : target);
                s.setString(5, actor);
                s.setString(6, now.toString());
                s.setString(7, now.toString());
                s.executeUpdate();
            }
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO rollout_station (rollout_id, station_id, position, state) VALUES (?, ?, ?, 'WAITING')""")) {
                for (int i = 0; i < stations.size(); i++) {
                    s.setString(1, id);
                    s.setString(2, stations.get(i));
                    s.setInt(3, i);
                    s.executeUpdate();
                }
            }
            audit.record(c, actor, "release.rollout", id, null, Map.of("version", version, "scope", scope.name(),
                    "target", scope == Scope.ALL ? "all" : target, "stations", stations.size()));
            return null;
        });
        log.info("Rollout {} of agent {} to {} station(s) ({} {}) started by {}", id, version, stations.size(), scope,
                scope == Scope.ALL ? "all" : target, actor);
        advance(id);
        return find(id);
    }

    /** Sends again after a halt: the stations that failed stay as they are, the waiting ones go on. */
    public synchronized View resume(String actor, String id) {
        View r = find(id);
        if (r.status() != Status.HALTED) {
            throw new ChangeException(Kind.CONFLICT, "status", "Chỉ tiếp tục được khi đang dừng / only a halted rollout"
                    + " resumes; " + id + " is " + r.status());
        }
        setStatus(actor, id, Status.RUNNING, null, "release.rollout.resume");
        log.info("Rollout {} of agent {} resumed by {} after: {}", id, r.version(), actor, r.reason());
        advance(id);
        return find(id);
    }

    /** Sends nothing more: the stations not yet sent to are skipped; those trying it finish on their own. */
    public synchronized View abandon(String actor, String id) {
        View r = find(id);
        if (r.status() == Status.DONE || r.status() == Status.ABANDONED) {
            throw new ChangeException(Kind.CONFLICT, "status", "Rollout " + id + " is already " + r.status());
        }
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE rollout_station SET state = 'SKIPPED', detail = ? WHERE rollout_id = ? AND state = 'WAITING'""")) {
                s.setString(1, "abandoned by " + actor);
                s.setString(2, id);
                s.executeUpdate();
            }
            return null;
        });
        setStatus(actor, id, Status.ABANDONED, r.reason() == null ? "abandoned by " + actor
                : r.reason() + "; abandoned by " + actor, "release.rollout.abandon");
        log.warn("Rollout {} of agent {} abandoned by {}", id, r.version(), actor);
        return find(id);
    }

    /** A station's answer to an UPDATE: adopted, or the rollout halts. */
    public synchronized void onEvent(StationEvent e) {
        if (e.type() != EventType.COMMAND_DONE || e.sessionId() == null) {
            return;
        }
        Optional<String> rollout = rolloutOf(e.stationId(), e.sessionId());
        if (rollout.isEmpty()) {
            return;
        }
        String detail = (e.reason() == null ? "" : e.reason() + ": ") + (e.detail() == null ? "" : e.detail());
        State state;
        if (e.reason() == null) {
            state = State.ADOPTED;
        } else if (EventReason.RELEASE_REFUSED.name().equals(e.reason()) && e.detail() != null && e.detail().contains("already runs here")) {
            state = State.ADOPTED; // it runs the release already (agent.update.Updates' refusal)
        } else if (EventReason.ROLLED_BACK.name().equals(e.reason())) {
            state = State.ROLLED_BACK;
        } else {
            state = State.FAILED;
        }
        settle(rollout.get(), e.stationId(), state, e.at(), detail);
        if (state != State.ADOPTED) {
            halt(rollout.get(), "Trạm " + e.stationId() + " " + (state == State.ROLLED_BACK ? "đã quay lại bản cũ" : "không cài được")
                    + " / station " + e.stationId() + (state == State.ROLLED_BACK ? " rolled back" : " failed") + ": " + detail);
        }
        advance(rollout.get());
    }

    /** Stations that did not answer in {@link #ANSWER_WITHIN} halt their rollout: silence is not success. */
    synchronized void checkAnswers() {
        Instant cutoff = clock.instant().minus(ANSWER_WITHIN);
        List<String[]> late = store.query(c -> {
            List<String[]> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT rs.rollout_id, rs.station_id FROM rollout_station rs JOIN rollout r ON r.id = rs.rollout_id
                    WHERE rs.state = 'SENT' AND rs.sent_at < ? AND r.status IN ('RUNNING', 'HALTED')""")) {
                s.setString(1, cutoff.toString());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(new String[]{rs.getString(1), rs.getString(2)});
                    }
                }
            }
            return out;
        });
        for (String[] l : late) {
            settle(l[0], l[1], State.NO_ANSWER, clock.instant(), "no answer within " + ANSWER_WITHIN.toMinutes() + " min");
            halt(l[0], "Trạm " + l[1] + " không trả lời / station " + l[1] + " did not answer within "
                    + ANSWER_WITHIN.toMinutes() + " min");
        }
    }

    /** Sends as many UPDATEs as the rollout may have in flight now; marks it DONE when nothing is left. */
    private void advance(String id) {
        View r = find(id);
        if (r.status() != Status.RUNNING) {
            return;
        }
        AgentReleases.Stored stored = releases.byVersion(r.version()).orElseThrow();
        Release release = AgentReleases.offer(stored, contentBase.get());
        long adopted = r.stations().stream().filter(s -> s.state() == State.ADOPTED).count();
        long inFlight = r.stations().stream().filter(s -> s.state() == State.SENT).count();
        long allowed = Math.min(MAX_IN_FLIGHT, Math.max(1, adopted));
        for (StationProgress s : r.stations()) {
            if (inFlight >= allowed) {
                break;
            }
            if (s.state() != State.WAITING) {
                continue;
            }
            Optional<StationState> known = presence.apply(s.stationId());
            if (known.isPresent() && r.version().equals(known.get().agentVersion())) {
                settle(id, s.stationId(), State.ADOPTED, clock.instant(), "already runs " + r.version());
                continue;
            }
            if (known.isPresent() && known.get().presence() == Presence.OFFLINE) {
                // Off now: the UPDATE would expire unheard. Said, not waited for; a later rollout reaches it.
                settle(id, s.stationId(), State.SKIPPED, clock.instant(), "offline when its turn came; not sent");
                continue;
            }
            String commandId;
            try {
                commandId = sender.send(r.startedBy(), s.stationId(), release);
            } catch (ChangeException e) {
                settle(id, s.stationId(), State.FAILED, clock.instant(), "not sent: " + e.getMessage());
                halt(id, "Không gửi được lệnh / the UPDATE to " + s.stationId() + " could not be sent: " + e.getMessage());
                return;
            }
            markSent(id, s.stationId(), commandId);
            inFlight++;
            log.info("Rollout {} sent agent {} to station {} (command {})", id, r.version(), s.stationId(), commandId);
        }
        View after = find(id);
        if (after.status() == Status.RUNNING && after.stations().stream()
                .noneMatch(s -> s.state() == State.WAITING || s.state() == State.SENT)) {
            setStatus(null, id, Status.DONE, null, null);
            log.info("Rollout {} of agent {} done: {} adopted, {} skipped", id, r.version(),
                    after.stations().stream().filter(s -> s.state() == State.ADOPTED).count(),
                    after.stations().stream().filter(s -> s.state() == State.SKIPPED).count());
        }
    }

    private void halt(String id, String reason) {
        View r = find(id);
        if (r.status() != Status.RUNNING) {
            return;
        }
        setStatus(null, id, Status.HALTED, reason, null);
        log.error("Rollout {} of agent {} halted: {}. Nothing more is sent until a technician resumes or abandons it",
                id, r.version(), reason);
    }

    private List<String> targets(Scope scope, String target) {
        Commune c = commune.get();
        if (scope != Scope.ALL && (target == null || target.isBlank())) {
            throw new ChangeException(Kind.INVALID, scope == Scope.STATION ? "station" : "village",
                    "Chọn trạm hoặc thôn / name the " + scope.name().toLowerCase(java.util.Locale.ROOT));
        }
        List<String> ids = c.stations().stream()
                .filter(s -> switch (scope) {
                    case STATION -> s.id().equals(target);
                    case VILLAGE -> s.village().equals(target);
                    case ALL -> true;
                }).map(Commune.Station::id).sorted().toList();
        if (ids.isEmpty()) {
            throw new ChangeException(Kind.NOT_FOUND, scope == Scope.STATION ? "station" : "village", scope == Scope.STATION
                    ? "Không có cụm loa / no station with id " + target
                    : "Không có cụm loa nào / no station in " + (scope == Scope.ALL ? "the commune" : "village " + target));
        }
        return ids;
    }

    private void markSent(String id, String stationId, String commandId) {
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE rollout_station SET state = 'SENT', command_id = ?, sent_at = ? WHERE rollout_id = ? AND station_id = ?""")) {
                s.setString(1, commandId);
                s.setString(2, clock.instant().toString());
                s.setString(3, id);
                s.setString(4, stationId);
                s.executeUpdate();
            }
            return null;
        });
    }

    private void settle(String id, String stationId, State state, Instant at, String detail) {
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE rollout_station SET state = ?, done_at = ?, detail = ? WHERE rollout_id = ? AND station_id = ?""")) {
                s.setString(1, state.name());
                s.setString(2, at.toString());
                s.setString(3, detail);
                s.setString(4, id);
                s.setString(5, stationId);
                s.executeUpdate();
            }
            return null;
        });
    }

    private void setStatus(String actor, String id, Status status, String reason, String auditAction) {
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE rollout SET status = ?, reason = ?, changed_at = ? WHERE id = ?")) {
                s.setString(1, status.name());
                s.setString(2, reason);
                s.setString(3, clock.instant().toString());
                s.setString(4, id);
                s.executeUpdate();
            }
            if (auditAction != null) {
                audit.record(c, actor, auditAction, id, null, Map.of("status", status.name()));
            }
            return null;
        });
    }

    private Optional<String> rolloutOf(String stationId, String commandId) {
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT rollout_id FROM rollout_station WHERE command_id = ? AND station_id = ? AND state = 'SENT'")) {
                s.setString(1, commandId);
                s.setString(2, stationId);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    /** The newest first, each with its stations. */
    public List<View> recent(int limit) {
        return store.query(c -> {
            List<String> ids = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("SELECT id FROM rollout ORDER BY started_at DESC, id DESC LIMIT ?")) {
                s.setInt(1, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            List<View> out = new ArrayList<>();
            for (String id : ids) {
                out.add(read(c, id).orElseThrow());
            }
            return out;
        });
    }

    public View find(String id) {
        return store.query(c -> read(c, id)).orElseThrow(() -> new ChangeException(Kind.NOT_FOUND, null,
                "Không có đợt cập nhật / no rollout " + id));
    }

    private Optional<View> read(Connection c, String id) throws SQLException {
        List<StationProgress> stations = new ArrayList<>();
        String version;
        try (PreparedStatement s = c.prepareStatement("SELECT version FROM rollout WHERE id = ?")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                version = rs.getString(1);
            }
        }
        try (PreparedStatement s = c.prepareStatement("""
                SELECT station_id, state, command_id, sent_at, done_at, detail FROM rollout_station
                WHERE rollout_id = ? ORDER BY position""")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String station = rs.getString(1);
                    State state = State.valueOf(rs.getString(2));
                    String reported = presence.apply(station).map(StationState::agentVersion).orElse(null);
                    String phase = state != State.SENT ? null : version.equals(reported) ? "ON_TRIAL" : "INSTALLING";
                    stations.add(new StationProgress(station, state, phase, reported, rs.getString(3),
                            instant(rs.getString(4)), instant(rs.getString(5)), rs.getString(6)));
                }
            }
        }
        try (PreparedStatement s = c.prepareStatement("""
                SELECT id, version, scope, target, status, reason, started_by, started_at, changed_at FROM rollout WHERE id = ?""")) {
            s.setString(1, id);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return Optional.of(new View(rs.getString(1), rs.getString(2), Scope.valueOf(rs.getString(3)),
                        rs.getString(4), Status.valueOf(rs.getString(5)), rs.getString(6), rs.getString(7),
                        Instant.parse(rs.getString(8)), Instant.parse(rs.getString(9)), stations));
            }
        }
    }

    private static Instant instant(String s) {
        return s == null ? null : Instant.parse(s);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
