package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.schedule.EndRule;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * The commune's named live sources, kept in the store (table {@code live_source}). Each change is written
 * with its audit row in one transaction, as the directory's are, then announced (the schedules are compiled
 * again: a relay's URL, defaults or availability may have changed). A change that would make the program
 * unpublishable (removing or disabling a source it relays) is refused with the program's problems.
 */
public final class LiveSources {
    private static final Logger log = LoggerFactory.getLogger(LiveSources.class);

    /** What a change to the sources would break in the program; empty when nothing. */
    public interface ProgramCheck extends BiFunction<Map<String, LiveSource>, Map<String, LiveSource>, List<String>> {
    }

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final List<Consumer<Map<String, LiveSource>>> listeners = new CopyOnWriteArrayList<>();
    private volatile Map<String, LiveSource> current;
    private volatile ProgramCheck check = (before, after) -> List.of();

    public LiveSources(Store store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.current = store.query(LiveSources::load);
    }

    public void checkProgramsWith(ProgramCheck check) {
        this.check = check;
    }

    public void onChange(Consumer<Map<String, LiveSource>> listener) {
        listeners.add(listener);
    }

    /** Every source by id, in id order; read without the store (the compiler asks on every compile). */
    public Map<String, LiveSource> all() {
        return current;
    }

    public Optional<LiveSource> get(String id) {
        return Optional.ofNullable(current.get(id));
    }

    public LiveSource add(String actor, LiveSource source) {
        if (current.containsKey(source.id())) {
            throw new ChangeException(Kind.CONFLICT, "id", "Đã có nguồn " + source.id() + " / there is already a source "
                    + source.id());
        }
        return change(actor, "live.source.add", source.id(), source);
    }

    public LiveSource update(String actor, String id, LiveSource source) {
        require(id);
        return change(actor, "live.source.update", id, source.withId(id));
    }

    public void remove(String actor, String id) {
        require(id);
        change(actor, "live.source.remove", id, null);
    }

    private void require(String id) {
        if (!current.containsKey(id)) {
            throw new ChangeException(Kind.NOT_FOUND, "id", "Không có nguồn " + id + " / no source " + id);
        }
    }

    private synchronized LiveSource change(String actor, String action, String id, LiveSource after) {
        Map<String, LiveSource> before = current;
        Map<String, LiveSource> next = new LinkedHashMap<>(before);
        if (after == null) {
            next.remove(id);
        } else {
            next.put(id, after);
        }
        Map<String, LiveSource> sorted = Collections.unmodifiableMap(sort(next));
        List<String> fresh = check.apply(before, sorted);
        if (!fresh.isEmpty()) {
            throw new ChangeException(Kind.REFUSED, "program", "Chương trình đang dùng nguồn này, chưa lưu / the program"
                    + " relays this source, so the change was not saved: " + String.join("; ", fresh), fresh);
        }
        store.transaction(c -> {
            if (after == null) {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM live_source WHERE id = ?")) {
                    s.setString(1, id);
                    s.executeUpdate();
                }
            } else {
                save(c, after);
            }
            audit.record(c, actor, action, id, before.get(id), after);
            return null;
        });
        current = sorted;
        log.info("{} by {}: live source {} saved", action, actor, id);
        listeners.forEach(l -> l.accept(sorted));
        return after;
    }

    private void save(Connection c, LiveSource s) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("""
                INSERT INTO live_source (id, name, url, kind, end_rule, max_silence_seconds, enabled, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, url = excluded.url, kind = excluded.kind,
                    end_rule = excluded.end_rule, max_silence_seconds = excluded.max_silence_seconds,
                    enabled = excluded.enabled, updated_at = excluded.updated_at""")) {
            p.setString(1, s.id());
            p.setString(2, s.name());
            p.setString(3, s.url());
            p.setString(4, s.kind().name());
            p.setString(5, s.endRule().name());
            p.setInt(6, s.maxSilenceSeconds());
            p.setInt(7, s.isEnabled() ? 1 : 0);
            p.setString(8, clock.instant().toString());
            p.executeUpdate();
        }
    }

    private static Map<String, LiveSource> load(Connection c) throws SQLException {
        List<LiveSource> all = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT id, name, url, kind, end_rule, max_silence_seconds, enabled FROM live_source ORDER BY id""");
             ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                all.add(new LiveSource(rs.getString(1), rs.getString(2), rs.getString(3),
                        LiveSource.Kind.valueOf(rs.getString(4)), EndRule.valueOf(rs.getString(5)), rs.getInt(6),
                        rs.getInt(7) != 0));
            }
        }
        Map<String, LiveSource> byId = new LinkedHashMap<>();
        all.forEach(x -> byId.put(x.id(), x));
        return Collections.unmodifiableMap(byId);
    }

    private static Map<String, LiveSource> sort(Map<String, LiveSource> m) {
        Map<String, LiveSource> out = new LinkedHashMap<>();
        m.keySet().stream().sorted().forEach(k -> out.put(k, m.get(k)));
        return out;
    }
}
