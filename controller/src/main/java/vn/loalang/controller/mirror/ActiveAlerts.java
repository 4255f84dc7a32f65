package vn.loalang.controller.mirror;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.controller.alert.AlertService;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The alerts still on the air, read back from their {@code alert} rows as the alert path handed them to the mirror:
 * an alert triggered just before a crash or a stop may never have reached the outbox (the hand-off is in memory), so
 * the mirror enqueues these again at each start, and the outbox's unique key makes that add only what is missing.
 * Active ones go as alerts; cancelled ones not yet past their end go as cancels to the targets that had them.
 */
final class ActiveAlerts {
    private final Store store;

    ActiveAlerts(Store store) {
        this.store = store;
    }

    record Found(List<AlertService.Published> active, List<AlertService.Cancelled> cancelled) {
    }

    Found at(Instant now) {
        return store.query(c -> {
            List<AlertService.Published> active = new ArrayList<>();
            List<AlertService.Cancelled> cancelled = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT id, state, villages_json, priority, title, spoken_text, headline, instruction, items_json,
                           expires_at, ended_by, ended_at
                    FROM alert WHERE state IN ('ACTIVE', 'CANCELLED') ORDER BY created_at""");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    Instant expires = instant(rs.getString(10));
                    List<String> villages = villages(rs.getString(3));
                    if (expires == null || !expires.isAfter(now) || villages.isEmpty()) {
                        continue;
                    }
                    if ("ACTIVE".equals(rs.getString(2))) {
                        active.add(new AlertService.Published(rs.getString(1), villages, rs.getString(4),
                                rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                                contentId(rs.getString(9)), expires));
                    } else {
                        Instant ended = instant(rs.getString(12));
                        cancelled.add(new AlertService.Cancelled(rs.getString(1), villages, rs.getString(4),
                                rs.getString(5), rs.getString(11), ended == null ? now : ended, expires));
                    }
                }
            }
            return new Found(active, cancelled);
        });
    }

    private static List<String> villages(String json) {
        try {
            List<String> v = Json.mapper().readValue(json, new TypeReference<List<String>>() { });
            return v == null ? List.of() : v;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** The library item the alert plays: its first item's. */
    private static String contentId(String itemsJson) {
        try {
            JsonNode items = Json.mapper().readTree(itemsJson);
            return items != null && items.isArray() && !items.isEmpty() ? items.get(0).path("contentId").asText(null)
                    : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Instant instant(String s) {
        try {
            return s == null ? null : Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
