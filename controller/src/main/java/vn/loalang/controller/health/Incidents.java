package vn.loalang.controller.health;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.store.Store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Problems as incidents: opened with the time a problem was first seen, closed when it has been
 * gone for {@link #CLEAR_AFTER} — a station whose link drops for a few seconds now and then is one
 * incident, not a hundred. Each opening and closing is stored and told to the notifiers once.
 */
public final class Incidents {
    private static final Logger log = LoggerFactory.getLogger(Incidents.class);
    /** How long a problem must be gone before its incident closes (hysteresis against flapping). */
    public static final Duration CLEAR_AFTER = Duration.ofMinutes(2);

    /** An incident as stored and notified. */
    public record Incident(long id, String stationId, String kind, String text, Instant openedAt, Instant closedAt) {
        public boolean open() {
            return closedAt == null;
        }
    }

    private final Store store;
    private final Clock clock;
    private final List<Consumer<Incident>> notifiers;
    /** (station, kind) of an open incident → when its problem was last seen. */
    private final Map<String, Instant> lastSeen = new HashMap<>();

    public Incidents(Store store, Clock clock, List<Consumer<Incident>> notifiers) {
        this.store = store;
        this.clock = clock;
        this.notifiers = List.copyOf(notifiers);
    }

    /** One round over every station's health: opens what is new, closes what has been gone long enough. */
    public synchronized void update(List<Health> stations) {
        Instant now = clock.instant();
        Map<String, Incident> open = new HashMap<>();
        for (Incident i : openIncidents()) {
            open.put(i.stationId() + "\u0000" + i.kind(), i);
        }
        for (Health h : stations) {
            for (Health.Problem p : h.problems()) {
                String key = h.stationId() + "\u0000" + p.kind();
                lastSeen.put(key, now);
                if (!open.containsKey(key)) {
                    Incident i = insert(h.stationId(), p, now);
                    open.put(key, i);
                    log.warn("Incident {} opened for station {}: {}", i.id(), h.stationId(), p.text());
                    notifyAll(i);
                }
            }
        }
        for (Map.Entry<String, Incident> e : open.entrySet()) {
            Instant seen = lastSeen.getOrDefault(e.getKey(), e.getValue().openedAt());
            if (!now.isBefore(seen.plus(CLEAR_AFTER))) {
                Incident closed = close(e.getValue(), now);
                lastSeen.remove(e.getKey());
                log.info("Incident {} of station {} closed: {} has been gone since {}", closed.id(), closed.stationId(),
                        closed.kind(), seen);
                notifyAll(closed);
            }
        }
    }

    public List<Incident> openIncidents() {
        return query("SELECT id, station_id, kind, text, opened_at, closed_at FROM incident WHERE closed_at IS NULL"
                + " ORDER BY id");
    }

    /** The newest first. */
    public List<Incident> recent(int limit) {
        return query("SELECT id, station_id, kind, text, opened_at, closed_at FROM incident ORDER BY id DESC LIMIT "
                + Math.max(1, limit));
    }

    private void notifyAll(Incident i) {
        for (Consumer<Incident> n : notifiers) {
            try {
                n.accept(i);
            } catch (RuntimeException e) {
                log.warn("A notifier failed for incident {}: {}", i.id(), e.toString());
            }
        }
    }

    private Incident insert(String station, Health.Problem p, Instant now) {
        long id = store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO incident (station_id, kind, text, opened_at) VALUES (?, ?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                s.setString(1, station);
                s.setString(2, p.kind());
                s.setString(3, p.text());
                s.setString(4, now.toString());
                s.executeUpdate();
                try (ResultSet keys = s.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
        return new Incident(id, station, p.kind(), p.text(), now, null);
    }

    private Incident close(Incident i, Instant now) {
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE incident SET closed_at = ? WHERE id = ?")) {
                s.setString(1, now.toString());
                s.setLong(2, i.id());
                return s.executeUpdate();
            }
        });
        return new Incident(i.id(), i.stationId(), i.kind(), i.text(), i.openedAt(), now);
    }

    private List<Incident> query(String sql) {
        return store.query(c -> {
            List<Incident> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new Incident(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            Instant.parse(rs.getString(5)), rs.getString(6) == null ? null : Instant.parse(rs.getString(6))));
                }
            }
            return out;
        });
    }
}
