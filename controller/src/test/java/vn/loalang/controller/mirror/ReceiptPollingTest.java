package vn.loalang.controller.mirror;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.mirror.channel.AndroidSmsChannel;
import vn.loalang.controller.mirror.channel.ChannelHttp;
import vn.loalang.controller.testing.fake.AndroidSmsGatewayFake;
import vn.loalang.controller.testing.fake.FakeHttpApi;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The delivery reports of sent SMS are asked for a few at a time, each in turn, and not while alerts wait (review of
 * issue 19, item 10): 100 SMS through the office's Android phone (its fake), a real SQLite store, a stepped clock.
 */
class ReceiptPollingTest {
    private static final String PASSWORD = "gw-PASS-poll";
    private static final int PHONES = 100;

    @TempDir
    Path dir;
    private MirrorParts m;
    private MirrorUpkeep upkeep;
    private final AndroidSmsGatewayFake phone = new AndroidSmsGatewayFake("sms", PASSWORD);

    @AfterEach
    void close() {
        if (upkeep != null) {
            upkeep.close();
        }
        if (m != null) {
            m.close();
        }
        phone.close();
    }

    private List<String> polls() {
        return phone.requests().stream().filter(r -> r.method().equals("GET")).map(FakeHttpApi.Request::path)
                .toList();
    }

    @Test
    void aHundredSentSmsAreAskedAboutThirtyARoundEachInTurnAndNotWhileAnAlertWaits() {
        m = new MirrorParts(dir, null);
        HttpClient http = ChannelHttp.client();
        m.makers.register(ChannelKind.ANDROID_SMS, c -> new AndroidSmsChannel(c, http, m.clock));
        new FileChannelSecrets(dir, "sim").write(Map.of("username", "sms", "password", PASSWORD));
        m.sql("""
                INSERT INTO mirror_channel (id, kind, name, settings_json, enabled, status, created_at, created_by)
                VALUES ('sim', 'ANDROID_SMS', 'Điện thoại xã', ?, 1, 'OK', '2026-12-01T00:00:00Z', 'admin')""",
                "{\"apiBase\": \"" + phone.base() + "\", \"requestTimeoutSeconds\": 2}");
        m.store.transaction(c -> {
            try (PreparedStatement t = c.prepareStatement("""
                    INSERT INTO mirror_target (id, channel_id, village, address, label, categories_json, active,
                                               created_at, created_by)
                    VALUES (?, 'sim', ?, ?, ?, '[]', 1, '2026-12-01T00:00:00Z', 'admin')""");
                 PreparedStatement o = c.prepareStatement("""
                    INSERT INTO mirror_outbox (kind, ref, village, channel_id, target_id, priority, payload_json, state,
                                               attempts, next_at, give_up_at, remote_id, created_at, sent_at)
                    VALUES ('ALERT', 'lu', 'thon-dong', 'sim', ?, 0, '{}', 'SENT', 1, '2026-12-05T22:00:00.000Z',
                            '2026-12-06T00:00:00.000Z', ?, '2026-12-05T22:00:00.000Z', '2026-12-05T22:00:00.000Z')""")) {
                for (int i = 0; i <= PHONES; i++) {
                    String id = i == PHONES ? "phone-tay" : "phone-" + i;
                    t.setString(1, id);
                    t.setString(2, i == PHONES ? "thon-tay" : "thon-dong");
                    t.setString(3, String.format("+849120%05d", i));
                    t.setString(4, "Hộ " + i);
                    t.addBatch();
                    if (i < PHONES) {
                        o.setString(1, id);
                        o.setString(2, "loalang-" + (i + 1));
                        o.addBatch();
                        phone.state("loalang-" + (i + 1), "Pending");
                    }
                }
                t.executeBatch();
                o.executeBatch();
            }
            return null;
        });
        upkeep = new MirrorUpkeep(m.outbox, m.sender, new SessionSummaries(m.store, m.clock, m.outbox, m.messages,
                x -> java.util.Optional.empty()), m.targets, m.clock);

        Set<String> asked = new HashSet<>();
        for (int round = 1; round <= 4; round++) {
            int before = polls().size();
            m.clock.advance(Duration.ofMinutes(1));
            upkeep.receipts();
            List<String> now = polls().subList(before, polls().size());
            assertTrue(now.size() <= MirrorUpkeep.RECEIPTS_PER_ROUND, "round " + round + ": " + now.size() + " GETs");
            asked.addAll(now);
        }
        assertEquals(PHONES, asked.size(), "every SMS's report was asked for within four rounds");

        // Delivered ones are not asked about again; the rest keep their turns.
        for (String path : asked) {
            phone.state(path.substring("/message/".length()), "Delivered");
        }
        m.clock.advance(Duration.ofMinutes(1));
        upkeep.receipts();
        assertEquals(MirrorUpkeep.RECEIPTS_PER_ROUND,
                m.rows("lu").stream().filter(d -> d.state().equals("DELIVERED")).count());

        // An alert waits to go through the phone: no report is asked for until it went.
        assertEquals(1, m.outbox.alert(m.alert("lu-2", "EMERGENCY", Duration.ofHours(2), List.of("thon-tay"))));
        int before = polls().size();
        m.clock.advance(Duration.ofMinutes(1));
        upkeep.receipts();
        assertEquals(before, polls().size(), "the phone's requests are for the alert first");
        m.sender.pump();
        assertEquals(1, phone.messages().size());
        m.clock.advance(Duration.ofMinutes(1));
        upkeep.receipts();
        assertEquals(before + MirrorUpkeep.RECEIPTS_PER_ROUND, polls().size());
    }
}
