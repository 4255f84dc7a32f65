package vn.loalang.controller.mirror;

import com.fasterxml.jackson.core.type.TypeReference;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where each village is reached ({@code mirror_target}, written by the settings, issue 19 WP7), as the mirror reads
 * it: the active targets of enabled channels, and the three things the mirror itself writes back — a target gone,
 * a target moved, a group's member count.
 */
public final class MirrorTargets {
    /** An active target with its channel's kind and the library categories it takes besides alerts. */
    public record Active(MirrorTarget target, ChannelKind kind, String channelName, Set<String> categories) {
    }

    private final Store store;

    public MirrorTargets(Store store) {
        this.store = store;
    }

    /** The active targets of enabled channels in {@code villages}, in a stable order. */
    public List<Active> of(Collection<String> villages) {
        return store.query(c -> {
            List<Active> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT t.id, t.channel_id, t.village, t.address, t.label, ch.kind, ch.name, t.categories_json
                    FROM mirror_target t JOIN mirror_channel ch ON ch.id = t.channel_id
                    WHERE t.village = ? AND t.active = 1 AND ch.enabled = 1 ORDER BY t.channel_id, t.id""")) {
                for (String village : villages) {
                    s.setString(1, village);
                    try (ResultSet rs = s.executeQuery()) {
                        while (rs.next()) {
                            ChannelKind kind;
                            try {
                                kind = ChannelKind.valueOf(rs.getString(6));
                            } catch (IllegalArgumentException e) {
                                continue; // a kind this version does not know: nothing can send to it
                            }
                            out.add(new Active(new MirrorTarget(rs.getString(1), rs.getString(2), rs.getString(3),
                                    rs.getString(4), rs.getString(5)), kind, rs.getString(7), categories(rs.getString(8))));
                        }
                    }
                }
            }
            return out;
        });
    }

    /** One target, active or not. */
    public Optional<MirrorTarget> get(String id) {
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT id, channel_id, village, address, label FROM mirror_target WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(new MirrorTarget(rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5))) : Optional.empty();
                }
            }
        });
    }

    /** Every active target of an enabled channel, for the daily member count. */
    public List<MirrorTarget> allActive() {
        return store.query(c -> {
            List<MirrorTarget> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT t.id, t.channel_id, t.village, t.address, t.label FROM mirror_target t
                    JOIN mirror_channel ch ON ch.id = t.channel_id WHERE t.active = 1 AND ch.enabled = 1""");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(new MirrorTarget(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5)));
                }
            }
            return out;
        });
    }

    /** The service said this target cannot be reached any more: no message goes to it until an operator acts. */
    void deactivate(String id) {
        update("UPDATE mirror_target SET active = 0 WHERE id = ?", null, id);
    }

    /** The service gave the target a new address (a group became a supergroup, a webhook moved). */
    void move(String id, String address) {
        update("UPDATE mirror_target SET address = ? WHERE id = ?", address, id);
    }

    void members(String id, int members) {
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE mirror_target SET members = ? WHERE id = ?")) {
                s.setInt(1, members);
                s.setString(2, id);
                s.executeUpdate();
            }
            return null;
        });
    }

    private void update(String sql, String value, String id) {
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                int i = 1;
                if (value != null) {
                    s.setString(i++, value);
                }
                s.setString(i, id);
                s.executeUpdate();
            }
            return null;
        });
    }

    /** {@code categories_json}: a JSON array of library categories; anything else is read as none. */
    static Set<String> categories(String json) {
        if (json == null || json.isBlank()) {
            return Set.of();
        }
        try {
            return Set.copyOf(Json.mapper().readValue(json, new TypeReference<List<String>>() { }));
        } catch (IOException | RuntimeException e) {
            return Set.of();
        }
    }
}
