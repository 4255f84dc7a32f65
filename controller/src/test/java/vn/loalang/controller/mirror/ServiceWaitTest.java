package vn.loalang.controller.mirror;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.mirror.channel.ChannelHttp;
import vn.loalang.controller.mirror.channel.TelegramChannel;
import vn.loalang.controller.testing.fake.TelegramFake;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A wait a service names never pauses a channel past {@link RetryPolicy#LONGEST_SERVER_WAIT} (review of issue 19,
 * item 4): Telegram's {@code retry_after} of 10^12 s (31,000 years) and one past what an {@code Instant} can add,
 * through the real Telegram channel, the sender, a real SQLite store and a stepped clock.
 */
class ServiceWaitTest {
    private static final String TOKEN = "7301234567:AAH-wait-token";

    @TempDir
    Path dir;
    private MirrorParts m;
    private final TelegramFake telegram = new TelegramFake(TOKEN);

    @AfterEach
    void close() {
        if (m != null) {
            m.close();
        }
        telegram.close();
    }

    @Test
    void anEndlessRetryAfterPausesTheChannelAnHourAtMostAndTheRowWaitsNotStuckSending() {
        m = new MirrorParts(dir, null);
        HttpClient http = ChannelHttp.client();
        m.makers.register(ChannelKind.TELEGRAM, c -> new TelegramChannel(c, http, m.clock));
        new FileChannelSecrets(dir, "bot").write(Map.of("botToken", TOKEN));
        m.sql("""
                INSERT INTO mirror_channel (id, kind, name, settings_json, enabled, status, created_at, created_by)
                VALUES ('bot', 'TELEGRAM', 'Bot xã', ?, 1, 'OK', '2026-12-01T00:00:00Z', 'admin')""",
                "{\"apiBase\": \"" + telegram.base() + "\", \"requestTimeoutSeconds\": 2}");
        m.sql("""
                INSERT INTO mirror_target (id, channel_id, village, address, label, categories_json, active, created_at,
                                           created_by)
                VALUES ('group-dong', 'bot', 'thon-dong', '-1001234567890', 'Nhóm thôn Đông', '[]', 1,
                        '2026-12-01T00:00:00Z', 'admin')""");
        telegram.next(TelegramFake.tooManyRequests(1_000_000_000_000L))
                .next(TelegramFake.tooManyRequests(9_000_000_000_000_000_000L));
        m.outbox.alert(m.alert("lu", "EMERGENCY", Duration.ofHours(6), List.of("thon-dong")));

        for (int answer = 1; answer <= 2; answer++) {
            Instant asked = m.clock.instant();
            m.sender.pump();
            Outbox.Delivery d = m.rows("lu").get(0);
            assertEquals("PENDING", d.state(), "answer " + answer + ": waiting, not left SENDING: " + d.lastError());
            assertEquals(asked.plus(RetryPolicy.LONGEST_SERVER_WAIT), d.nextAt(), "answer " + answer);
            assertEquals("PAUSED", m.one("SELECT status FROM mirror_channel WHERE id = 'bot'"));
            assertTrue(m.one("SELECT next_at FROM mirror_outbox WHERE ref = 'lu'").startsWith("2026-12-0"),
                    "stored as a time that compares as text");

            m.clock.advance(Duration.ofMinutes(59));
            m.sender.pump();
            assertEquals(answer, telegram.requests().size(), "paused until the hour is over");
            m.clock.advance(Duration.ofMinutes(1));
        }
        m.sender.pump();
        assertEquals(1, telegram.posted().size(), "sent two hours later, not in 31,000 years");
        assertEquals("SENT", m.rows("lu").get(0).state());
        assertEquals("OK", m.one("SELECT status FROM mirror_channel WHERE id = 'bot'"));
    }
}
