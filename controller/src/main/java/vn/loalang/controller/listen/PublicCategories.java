package vn.loalang.controller.listen;

import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.store.Store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which library categories anyone may hear again on {@code /nghe-lai/}: the commune's choice, kept in
 * {@code listen_category}. Without a choice a category is public, but for the three below. Alerts are
 * always public: they were broadcast to the whole village. Read from the store at each page render
 * (pages are cached a minute), so a change reaches every page within a minute.
 */
public final class PublicCategories {
    /**
     * Not public unless the commune says so: a poor-household review names households; a live talk is a
     * person's voice taken live; a relay's recording is VOV's or the province's, not the commune's to republish.
     */
    public static final Set<String> PRIVATE_BY_DEFAULT = Set.of("poor-household-review", "live-talk", "relay-recording");

    /** One category as the console shows it. */
    public record Category(String category, boolean isPublic, boolean byDefault) {
    }

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;

    public PublicCategories(Store store, AuditLog audit, Clock clock) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
    }

    public static boolean publicByDefault(String category) {
        return !PRIVATE_BY_DEFAULT.contains(category);
    }

    /** Every library category, in the library's order, public or not. */
    public List<Category> all() {
        Map<String, Boolean> chosen = chosen();
        return Commune.LibraryEntry.CATEGORIES.stream().map(c -> new Category(c,
                chosen.getOrDefault(c, publicByDefault(c)), !chosen.containsKey(c))).toList();
    }

    /** The public categories now. */
    public Set<String> publicNow() {
        Map<String, Boolean> chosen = chosen();
        Set<String> out = new java.util.HashSet<>();
        for (String c : Commune.LibraryEntry.CATEGORIES) {
            if (chosen.getOrDefault(c, publicByDefault(c))) {
                out.add(c);
            }
        }
        return Set.copyOf(out);
    }

    /**
     * Sets the categories named in {@code changes} (others keep theirs), audited as {@code listen.categories}.
     *
     * @throws ChangeException INVALID when a name is not a library category
     */
    public List<Category> set(String actor, Map<String, Boolean> changes) {
        for (Map.Entry<String, Boolean> e : changes.entrySet()) {
            if (!Commune.LibraryEntry.CATEGORIES.contains(e.getKey()) || e.getValue() == null) {
                throw new ChangeException(ChangeException.Kind.INVALID, "categories",
                        "Không có thể loại / no library category '" + vn.loalang.protocol.LogText.of(e.getKey(), 64)
                                + "' (one of " + String.join(", ", Commune.LibraryEntry.CATEGORIES) + ")");
            }
        }
        store.transaction(c -> {
            Map<String, Boolean> before = new LinkedHashMap<>();
            all().forEach(cat -> before.put(cat.category(), cat.isPublic()));
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO listen_category (category, public, changed_at, changed_by) VALUES (?, ?, ?, ?)
                    ON CONFLICT (category) DO UPDATE SET public = excluded.public, changed_at = excluded.changed_at,
                        changed_by = excluded.changed_by""")) {
                for (Map.Entry<String, Boolean> e : changes.entrySet()) {
                    s.setString(1, e.getKey());
                    s.setInt(2, e.getValue() ? 1 : 0);
                    s.setString(3, clock.instant().toString());
                    s.setString(4, actor);
                    s.addBatch();
                }
                s.executeBatch();
            }
            Map<String, Boolean> after = new LinkedHashMap<>(before);
            after.putAll(changes);
            audit.record(c, actor, "listen.categories", "nghe-lai", before, after);
            return null;
        });
        return all();
    }

    private Map<String, Boolean> chosen() {
        return store.query(c -> {
            Map<String, Boolean> out = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement("SELECT category, public FROM listen_category");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getInt(2) == 1);
                }
            }
            return out;
        });
    }
}
