package vn.loalang.controller.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The configured channels ({@code mirror_channel}, written by the settings, issue 19 WP7) as the sender reads them,
 * and the status the sender writes back for the console: OK; PAUSED (the service limits our rate, it goes on by
 * itself); DOWN (a person must act: a token, a balance, a brandname). A DOWN channel's messages wait until a test
 * message goes through or its settings change (the settings set OK).
 */
public final class MirrorChannels {
    public static final String OK = "OK";
    public static final String PAUSED = "PAUSED";
    public static final String DOWN = "DOWN";

    /** A channel as configured now; {@code settingsJson} tells when its {@link Channel} must be made again. */
    public record Row(ChannelConfig config, boolean enabled, String status, String settingsJson) {
    }

    private final Store store;
    private final Function<String, ChannelSecrets> secrets;
    private final boolean allowLocal;

    /** @param secrets each channel's secrets by its id ({@link FileChannelSecrets} in service) */
    public MirrorChannels(Store store, Function<String, ChannelSecrets> secrets) {
        this(store, secrets, false);
    }

    /** @param allowLocal {@code --mirror-allow-local}: the channels may call this machine (tests, a local gateway) */
    public MirrorChannels(Store store, Function<String, ChannelSecrets> secrets, boolean allowLocal) {
        this.store = store;
        this.secrets = secrets;
        this.allowLocal = allowLocal;
    }

    /** Every channel whose kind this version knows, by id. */
    public Map<String, Row> all() {
        return store.query(c -> {
            Map<String, Row> out = new LinkedHashMap<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT id, kind, name, settings_json, enabled, status FROM mirror_channel ORDER BY id");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ChannelKind kind;
                    try {
                        kind = ChannelKind.valueOf(rs.getString(2));
                    } catch (IllegalArgumentException e) {
                        continue;
                    }
                    String id = rs.getString(1);
                    out.put(id, new Row(new ChannelConfig(id, kind, rs.getString(3), settings(rs.getString(4)),
                            secrets.apply(id), allowLocal), rs.getInt(5) == 1, rs.getString(6), rs.getString(4)));
                }
            }
            return out;
        });
    }

    /** A message went through: OK again, with the time of this success. */
    void succeeded(String id, Instant at) {
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE mirror_channel SET status = 'OK', status_detail = NULL,
                        status_at = CASE WHEN status = 'OK' THEN status_at ELSE ? END, last_success = ? WHERE id = ?""")) {
                s.setString(1, Outbox.at(at));
                s.setString(2, Outbox.at(at));
                s.setString(3, id);
                s.executeUpdate();
            }
            return null;
        });
    }

    void status(String id, String status, String detail, Instant at) {
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE mirror_channel SET status = ?, status_detail = ?, status_at = ? WHERE id = ?")) {
                s.setString(1, status);
                s.setString(2, detail);
                s.setString(3, Outbox.at(at));
                s.setString(4, id);
                s.executeUpdate();
            }
            return null;
        });
    }

    /** {@code settings_json}: an object of names to values; numbers and booleans are read as their text. */
    static Map<String, String> settings(String json) {
        Map<String, String> out = new HashMap<>();
        if (json == null || json.isBlank()) {
            return out;
        }
        try {
            JsonNode node = Json.mapper().readTree(json);
            if (node != null && node.isObject()) {
                node.fields().forEachRemaining(e -> {
                    if (e.getValue().isValueNode() && !e.getValue().isNull()) {
                        out.put(e.getKey(), e.getValue().asText());
                    }
                });
            }
        } catch (IOException e) {
            // Settings that do not read are no settings: the channel's defaults apply, and the console shows the text.
        }
        return out;
    }
}
