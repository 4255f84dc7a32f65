package vn.loalang.controller.mirror;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.mirror.channel.AndroidSmsChannel;
import vn.loalang.controller.mirror.channel.ChannelHttp;
import vn.loalang.controller.mirror.channel.TelegramChannel;
import vn.loalang.controller.testing.fake.AndroidSmsGatewayFake;
import vn.loalang.controller.testing.fake.TelegramFake;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One channel's queue never holds back another's alerts (review of issue 19, item 2): thôn Đông's 300 SMS phones
 * behind a slow Android gateway, thôn Tây's Telegram group behind them in the outbox. Real SQLite, a stepped clock,
 * the real channels against the services' fakes.
 */
class ChannelFairnessTest {
    private static final String TOKEN = "7301234567:AAH-fairness-token";
    private static final String PASSWORD = "gw-PASS-fair";
    private static final int PHONES = 300;

    @TempDir
    Path dir;
    private MirrorParts m;
    private final TelegramFake telegram = new TelegramFake(TOKEN);
    private final AndroidSmsGatewayFake phone = new AndroidSmsGatewayFake("sms", PASSWORD);

    @AfterEach
    void close() {
        if (m != null) {
            m.close();
        }
        telegram.close();
        phone.close();
    }

    /** The two channels, 300 phones in thôn Đông, a Telegram group in thôn Tây. */
    private MirrorParts parts() {
        m = new MirrorParts(dir, null);
        HttpClient http = ChannelHttp.client();
        m.makers.register(ChannelKind.TELEGRAM, c -> new TelegramChannel(c, http, m.clock))
                .register(ChannelKind.ANDROID_SMS, c -> new AndroidSmsChannel(c, http, m.clock));
        new FileChannelSecrets(dir, "sim").write(Map.of("username", "sms", "password", PASSWORD));
        new FileChannelSecrets(dir, "bot").write(Map.of("botToken", TOKEN));
        // The phone sends 10 a minute, as a SIM's gentle pace would.
        m.sql("""
                INSERT INTO mirror_channel (id, kind, name, settings_json, enabled, status, created_at, created_by)
                VALUES ('sim', 'ANDROID_SMS', 'Điện thoại xã', ?, 1, 'OK', '2026-12-01T00:00:00Z', 'admin')""",
                "{\"apiBase\": \"" + phone.base() + "\", \"requestTimeoutSeconds\": 2, \"ratePerMinute\": 10}");
        m.sql("""
                INSERT INTO mirror_channel (id, kind, name, settings_json, enabled, status, created_at, created_by)
                VALUES ('bot', 'TELEGRAM', 'Bot xã', ?, 1, 'OK', '2026-12-01T00:00:00Z', 'admin')""",
                "{\"apiBase\": \"" + telegram.base() + "\", \"requestTimeoutSeconds\": 2}");
        m.store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO mirror_target (id, channel_id, village, address, label, categories_json, active,
                                               created_at, created_by)
                    VALUES (?, ?, ?, ?, ?, '[]', 1, '2026-12-01T00:00:00Z', 'admin')""")) {
                for (int i = 0; i < PHONES; i++) {
                    s.setString(1, "phone-" + i);
                    s.setString(2, "sim");
                    s.setString(3, "thon-dong");
                    s.setString(4, String.format("+849120%05d", i));
                    s.setString(5, "Hộ " + i);
                    s.addBatch();
                }
                s.setString(1, "group-tay");
                s.setString(2, "bot");
                s.setString(3, "thon-tay");
                s.setString(4, "-1001234567890");
                s.setString(5, "Nhóm Telegram thôn Tây");
                s.addBatch();
                s.executeBatch();
            }
            return null;
        });
        return m;
    }

    @Test
    void theTelegramGroupsAlertGoesInTheFirstRoundBehind300WaitingSms() {
        MirrorParts m = parts();
        assertEquals(PHONES, m.outbox.alert(m.alert("lu-dong", "EMERGENCY", Duration.ofHours(2),
                List.of("thon-dong"))));
        assertEquals(1, m.outbox.alert(m.alert("lu-tay", "EMERGENCY", Duration.ofHours(2), List.of("thon-tay"))));

        m.sender.pump();

        assertEquals(1, telegram.posted().size(), "thôn Tây's group is not behind thôn Đông's phones");
        assertEquals("SENT", m.rows("lu-tay").get(0).state());
        assertEquals(1, phone.messages().size(), "the phone keeps its pace: one now");
        assertEquals(PHONES - 1, m.rows("lu-dong").stream().filter(d -> d.state().equals("PENDING")).count());

        m.clock.advance(Duration.ofSeconds(6));
        m.sender.pump();
        assertEquals(2, phone.messages().size(), "the next SMS 6 s later");
    }

    @Test
    void aSwitchedOffChannelsWaitingRowsHoldBackNoOne() {
        MirrorParts m = parts();
        assertEquals(PHONES, m.outbox.alert(m.alert("lu-dong", "EMERGENCY", Duration.ofHours(2),
                List.of("thon-dong"))));
        // An administrator switches the phone off (it is being repaired) with its alerts still waiting.
        m.sql("UPDATE mirror_channel SET enabled = 0 WHERE id = 'sim'");
        m.outbox.alert(m.alert("lu-tay", "WARNING", Duration.ofHours(2), List.of("thon-tay")));

        m.sender.pump();

        assertEquals(1, telegram.posted().size());
        assertEquals(0, phone.messages().size(), "nothing goes through a channel switched off");
        assertEquals(PHONES, m.rows("lu-dong").stream().filter(d -> d.state().equals("PENDING")).count(),
                "they wait: switched on again before the alert ends, they go");
    }
}
