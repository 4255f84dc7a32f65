package vn.loalang.controller.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The delivery log, its retry and the test message, on a real SQLite store with rows as the sender writes them. */
class MirrorDeliveriesTest {
    @TempDir
    Path dir;
    private Store store;
    private final Clock clock = Clock.fixed(Instant.parse("2026-12-06T05:10:00Z"), ZoneOffset.UTC);
    private MirrorSettings settings;
    private MirrorDeliveries deliveries;
    private String group;
    private String phone;

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("loalang.db"));
        AuditLog audit = new AuditLog(clock);
        settings = new MirrorSettings(store, audit, clock, dir, () -> Set.of("thon-dong", "thon-tay"), false);
        deliveries = new MirrorDeliveries(store, audit, clock);
        settings.addChannel("admin", new MirrorSettings.ChannelInput("tg", ChannelKind.TELEGRAM, "Telegram xã",
                Map.of(), null));
        settings.addChannel("admin", new MirrorSettings.ChannelInput("sms", ChannelKind.ESMS, "eSMS",
                Map.of("brandname", "UBND XA"), null));
        group = settings.replaceTargets("admin", "thon-dong", List.of(new MirrorSettings.TargetInput(null, "tg",
                "-1001234567890", "Nhóm thôn Đông", List.of(), null))).targets().get(0).id();
        phone = settings.addPhone("admin", "thon-tay", new MirrorSettings.PhoneInput("sms", "0912345678", null,
                List.of(), true)).id();
    }

    @AfterEach
    void close() {
        store.close();
    }

    /** A row as the sender writes one. */
    static long insert(Store store, String kind, String ref, String village, String channel, String target,
                       String state, String nextAt, String giveUpAt) {
        return store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO mirror_outbox (kind, ref, village, channel_id, target_id, priority, payload_json, state,
                        attempts, next_at, give_up_at, last_error, created_at)
                    VALUES (?, ?, ?, ?, ?, 1, '{}', ?, 3, ?, ?, ?, '2026-12-06T05:00:00.000Z')""",
                    PreparedStatement.RETURN_GENERATED_KEYS)) {
                s.setString(1, kind);
                s.setString(2, ref);
                s.setString(3, village);
                s.setString(4, channel);
                s.setString(5, target);
                s.setString(6, state);
                s.setString(7, nextAt);
                s.setString(8, giveUpAt);
                s.setString(9, state.equals("FAILED") ? "Telegram: bot bị xoá khỏi nhóm / bot was kicked" : null);
                s.executeUpdate();
                try (ResultSet keys = s.getGeneratedKeys()) {
                    keys.next();
                    return keys.getLong(1);
                }
            }
        });
    }

    @Test
    void aTestMessageIsAPendingRowOfKindTestThatTheSenderPicksUp() throws Exception {
        MirrorDeliveries.TestQueued queued = deliveries.sendTest("van.thu", "tg", group, "Xã An Bình");
        assertTrue(queued.ref().matches("test-[0-9a-f-]{36}"), queued.ref());
        MirrorDeliveries.Delivery row = deliveries.get(queued.id());
        assertEquals("TEST", row.kind());
        assertEquals("PENDING", row.state());
        assertEquals(4, row.priority());
        assertEquals("thon-dong", row.village());
        assertEquals(Instant.parse("2026-12-06T05:10:00Z"), row.nextAt(), "due now");
        assertEquals(Instant.parse("2026-12-06T06:10:00Z"), row.giveUpAt());
        assertEquals("Nhóm thôn Đông", row.target());
        JsonNode payload = Json.mapper().readTree(store.<String>query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT payload_json FROM mirror_outbox WHERE id = ?")) {
                s.setLong(1, queued.id());
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            }
        }));
        assertEquals(Set.of("title", "text"), Set.copyOf(iterable(payload)), "the payload contract with the sender");
        assertTrue(payload.get("text").asText().contains("Xã An Bình") && payload.get("text").asText().contains("thử"));

        assertEquals("target", assertThrows(ChangeException.class,
                () -> deliveries.sendTest("van.thu", "tg", phone, "Xã An Bình")).field(), "not a target of this channel");
        assertEquals(ChangeException.Kind.NOT_FOUND, assertThrows(ChangeException.class,
                () -> deliveries.sendTest("van.thu", "khong-co", group, null)).kind());
    }

    private static List<String> iterable(JsonNode node) {
        List<String> out = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }

    @Test
    void theLogFiltersMasksPhonesAndRetriesOnlyAFailedMessageNotYetExpired() throws Exception {
        long alertToGroup = insert(store, "ALERT", "20261206-0510-ab12", "thon-dong", "tg", group, "FAILED",
                "2026-12-06T05:09:00.000Z", "2026-12-06T08:00:00.000Z");
        long alertToPhone = insert(store, "ALERT", "20261206-0510-ab12", "thon-tay", "sms", phone, "SENT",
                "2026-12-06T05:09:00.000Z", "2026-12-06T08:00:00.000Z");
        long expired = insert(store, "SESSION", "2026-12-05/sang", "thon-dong", "tg", group, "FAILED",
                "2026-12-05T06:00:00.000Z", "2026-12-05T12:00:00.000Z");
        insert(store, "CANCEL", "other-alert", "thon-dong", "tg", group, "PENDING",
                "2026-12-06T05:09:00.000Z", "2026-12-06T08:00:00.000Z");

        List<MirrorDeliveries.Delivery> all = deliveries.find(null);
        assertEquals(4, all.size());
        assertEquals(List.of(alertToPhone, alertToGroup), deliveries.find(new MirrorDeliveries.Filter(
                "20261206-0510-ab12", null, null, null, null)).stream().map(MirrorDeliveries.Delivery::id).toList(),
                "newest first");
        MirrorDeliveries.Delivery toPhone = deliveries.get(alertToPhone);
        assertEquals("09x xxx x678", toPhone.address());
        assertNull(deliveries.get(alertToGroup).address(), "a chat group is shown by its label");
        assertTrue(!Json.mapper().writeValueAsString(all).contains("912345678"));
        assertEquals(2, deliveries.find(new MirrorDeliveries.Filter(null, null, null, "FAILED", null)).size());
        assertEquals(1, deliveries.find(new MirrorDeliveries.Filter(null, "thon-tay", null, null, null)).size());
        assertEquals(3, deliveries.find(new MirrorDeliveries.Filter(null, null, "tg", null, null)).size());
        assertEquals(1, deliveries.find(new MirrorDeliveries.Filter(null, null, null, null, 1)).size());
        assertEquals("limit", assertThrows(ChangeException.class,
                () -> deliveries.find(new MirrorDeliveries.Filter(null, null, null, null, 501))).field());
        assertEquals("state", assertThrows(ChangeException.class,
                () -> deliveries.find(new MirrorDeliveries.Filter(null, null, null, "LOST", null))).field());
        assertEquals("Telegram: bot bị xoá khỏi nhóm / bot was kicked", deliveries.get(alertToGroup).lastError(),
                "the reason as the sender stored it");

        MirrorDeliveries.Delivery retried = deliveries.retry("van.thu", alertToGroup);
        assertEquals("PENDING", retried.state());
        assertEquals(0, retried.attempts());
        assertEquals(Instant.parse("2026-12-06T05:10:00Z"), retried.nextAt());
        assertEquals(ChangeException.Kind.CONFLICT, assertThrows(ChangeException.class,
                () -> deliveries.retry("van.thu", alertToGroup)).kind(), "only a FAILED one");
        assertEquals(ChangeException.Kind.CONFLICT, assertThrows(ChangeException.class,
                () -> deliveries.retry("van.thu", expired)).kind(), "not sent late");
        assertEquals(ChangeException.Kind.NOT_FOUND, assertThrows(ChangeException.class,
                () -> deliveries.retry("van.thu", 999_999)).kind());

        List<MirrorDeliveries.AlertMirror> forAlert = deliveries.forAlert("20261206-0510-ab12");
        assertEquals(List.of("Telegram xã", "eSMS"), forAlert.stream().map(MirrorDeliveries.AlertMirror::channel).toList());
        assertEquals(List.of("PENDING", "SENT"), forAlert.stream().map(MirrorDeliveries.AlertMirror::state).toList());
        assertEquals("09x xxx x678", forAlert.get(1).target(), "a phone's label is its masked number");

        // A removed phone's row stays in the log, without the number.
        settings.removePhone("admin", "thon-tay", phone);
        MirrorDeliveries.Delivery gone = deliveries.get(alertToPhone);
        assertNull(gone.target());
        assertNull(gone.address());
        assertEquals("SENT", gone.state(), "what was sent stays sent");
    }
}
