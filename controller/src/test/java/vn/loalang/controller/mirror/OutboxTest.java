package vn.loalang.controller.mirror;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.alert.AlertService;
import vn.loalang.controller.testing.fake.FakeHttpApi.Answer;
import vn.loalang.protocol.schedule.QuietHours;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The outbox and its sender on a real SQLite store with a stepped clock, through the real webhook channel to a local
 * receiver: back-off and giving up, the order of urgency, quiet hours, crash recovery, enqueuing twice, cancels,
 * rate limits, targets gone and moved, a channel down.
 */
class OutboxTest {
    @TempDir
    Path dir;
    private MirrorParts m;

    private MirrorParts parts(QuietHours quiet) {
        m = new MirrorParts(dir, quiet);
        return m;
    }

    @AfterEach
    void close() {
        if (m != null) {
            m.close();
        }
    }

    private static String state(Outbox.Delivery d) {
        return d.state();
    }

    @Test
    void aFailingReceiverIsTriedAgainWithDoublingWaitsUntilTheAlertExpiresThenTheRowFailsWithTheLastReason() {
        MirrorParts m = parts(null);
        m.channel("hook", "OK");
        m.target("t1", "hook", "thon-dong", "/a", "[]");
        m.receiver.otherwise(Answer.text(500, "down for maintenance"));
        assertEquals(1, m.outbox.alert(m.alert("a1", "EMERGENCY", Duration.ofSeconds(100), List.of("thon-dong"))));

        m.sender.pump();
        Outbox.Delivery d = m.rows("a1").get(0);
        assertEquals("PENDING", d.state());
        assertEquals(1, d.attempts());
        assertEquals(MirrorParts.T0.plusSeconds(15), d.nextAt(), "15 s after the first failure (no jitter here)");
        assertTrue(d.lastError().contains("500"), d.lastError());

        m.sender.pump();
        assertEquals(1, m.receiver.requests().size(), "not before its time");
        m.clock.advance(Duration.ofSeconds(15));
        m.sender.pump();
        assertEquals(MirrorParts.T0.plusSeconds(15 + 30), m.rows("a1").get(0).nextAt(), "then 30 s");
        m.clock.advance(Duration.ofSeconds(30));
        m.sender.pump();
        // The next wait (60 s) would end after the alert: the row fails now, with why.
        d = m.rows("a1").get(0);
        assertEquals("FAILED", d.state());
        assertEquals(3, d.attempts());
        assertTrue(d.lastError().contains("hết hạn") && d.lastError().contains("500"), d.lastError());
        m.clock.advance(Duration.ofMinutes(5));
        m.sender.pump();
        assertEquals(3, m.receiver.requests().size(), "nothing after giving up");
    }

    @Test
    void theRetryPolicyDoublesFrom15SecondsToAQuarterHourWithin20PercentAndALongerServerWaitWins() {
        RetryPolicy low = new RetryPolicy(() -> 0.0);
        RetryPolicy high = new RetryPolicy(() -> 0.999999);
        RetryPolicy mid = new RetryPolicy(() -> 0.5);
        assertEquals(Duration.ofSeconds(15), mid.after(1, null));
        assertEquals(Duration.ofSeconds(30), mid.after(2, null));
        assertEquals(Duration.ofSeconds(120), mid.after(4, null));
        assertEquals(Duration.ofMinutes(15), mid.after(7, null), "15 s × 64 is past the cap");
        assertEquals(Duration.ofMinutes(15), mid.after(40, null));
        assertEquals(Duration.ofSeconds(12), low.after(1, null), "−20 %");
        assertEquals(18_000, high.after(1, null).toMillis(), 1, "+20 %");
        assertEquals(Duration.ofSeconds(90), mid.after(1, Duration.ofSeconds(90)), "the service knows its limit");
        assertEquals(Duration.ofSeconds(30), mid.after(2, Duration.ofSeconds(5)), "a shorter one does not shorten ours");
        assertEquals(RetryPolicy.LONGEST_SERVER_WAIT, mid.after(1, Duration.ofDays(115)), "but never past an hour");
        assertEquals(Duration.ofHours(1), mid.after(3, Duration.ofSeconds(Long.MAX_VALUE)));
    }

    @Test
    void theMostUrgentGoFirstEmergencyWarningCancelBulletinAndSessionThenTests() {
        MirrorParts m = parts(null);
        m.channel("hook", "OK");
        m.target("t1", "hook", "thon-dong", "/a", "[\"market-prices\",\"health\"]");
        m.receiver.otherwise(Answer.json(200, "{}"));
        AlertService.Published first = m.alert("w1", "WARNING", Duration.ofHours(2), List.of("thon-dong"));
        m.outbox.alert(first);
        m.sender.pump();
        assertEquals(List.of("ALERT w1 /a"), m.received());

        // Everything below waits together (the channel was busy); then it goes in order of urgency, then age.
        m.sql("""
                INSERT INTO mirror_outbox (kind, ref, village, channel_id, target_id, priority, payload_json, state,
                                           next_at, give_up_at, created_at)
                VALUES ('TEST', 'test-1', 'thon-dong', 'hook', 't1', 4, '{}', 'PENDING', '2026-12-05T22:00:00.000Z',
                        '2026-12-05T23:00:00.000Z', '2026-12-05T22:00:00.000Z')""");
        m.outbox.bulletin("gia-ca-20261206", List.of("thon-dong"), "Giá cả nông sản", "Lúa: 7.200 đ/kg.", null);
        m.outbox.session("thon-dong", "2026-12-06.sang", "Buổi sáng", LocalDate.of(2026, 12, 6),
                List.of(new Messages.PlayedItem("bao-hiem", "Bảo hiểm y tế", "health")));
        m.outbox.alert(m.alert("w2", "WARNING", Duration.ofHours(2), List.of("thon-dong")));
        m.outbox.cancel(new AlertService.Cancelled("w1", List.of("thon-dong"), "WARNING", first.title(), "van.thu",
                m.clock.instant(), first.expiresAt()));
        m.outbox.alert(m.alert("e1", "EMERGENCY", Duration.ofHours(2), List.of("thon-dong")));
        m.sender.pump();

        assertEquals(List.of("ALERT w1 /a", "ALERT e1 /a", "ALERT w2 /a", "CANCEL w1 /a",
                "BULLETIN gia-ca-20261206 /a", "SESSION 2026-12-06/2026-12-06.sang /a", "TEST test-1 /a"), m.received());
        assertTrue(m.receiver.requests().get(6).text().contains("Tin thử"), "a test row written with {} gets the test text");
    }

    @Test
    void bulletinsAndSummariesWaitOutQuietHoursAlertsNever() {
        // 04:30 in the commune, quiet until 05:30.
        MirrorParts m = parts(new QuietHours(LocalTime.of(4, 0), LocalTime.of(5, 30)));
        m.clock.set(MirrorParts.T0.minus(Duration.ofMinutes(30)));
        m.channel("hook", "OK");
        m.target("t1", "hook", "thon-dong", "/a", "[\"market-prices\"]");
        m.receiver.otherwise(Answer.json(200, "{}"));
        m.outbox.bulletin("gia-ca-20261206", List.of("thon-dong"), "Giá cả nông sản", "Lúa: 7.200 đ/kg.", null);
        m.outbox.alert(m.alert("e1", "EMERGENCY", Duration.ofHours(1), List.of("thon-dong")));

        m.sender.pump();
        assertEquals(List.of("ALERT e1 /a"), m.received(), "the alert at once, in the quiet hours");
        m.clock.advance(Duration.ofMinutes(59));
        m.sender.pump();
        assertEquals(1, m.received().size(), "05:29: still quiet");
        m.clock.advance(Duration.ofMinutes(1));
        m.sender.pump();
        assertEquals(List.of("ALERT e1 /a", "BULLETIN gia-ca-20261206 /a"), m.received());
    }

    @Test
    void aRowLeftSendingByACrashIsSentAgainAfterTwoMinutesAtLeastOnce() {
        MirrorParts m = parts(null);
        m.channel("hook", "OK");
        m.target("t1", "hook", "thon-dong", "/a", "[]");
        m.receiver.otherwise(Answer.json(200, "{}"));
        m.outbox.alert(m.alert("e1", "EMERGENCY", Duration.ofHours(1), List.of("thon-dong")));
        long id = m.rows("e1").get(0).id();
        assertTrue(m.outbox.claim(id, m.clock.instant()), "taken for sending, then the power went");

        MirrorUpkeep upkeep = new MirrorUpkeep(m.outbox, m.sender, new SessionSummaries(m.store, m.clock, m.outbox,
                m.messages, x -> java.util.Optional.empty()), m.targets, m.clock);
        try {
            m.clock.advance(Duration.ofSeconds(90));
            upkeep.tick();
            assertEquals("SENDING", m.rows("e1").get(0).state(), "a request may still be open after 90 s: not taken back");
            assertEquals(0, m.receiver.requests().size());
            m.clock.advance(Duration.ofSeconds(31));
            upkeep.tick();
            Outbox.Delivery d = m.rows("e1").get(0);
            assertEquals("SENT", d.state());
            assertEquals(2, d.attempts());
            assertEquals(1, m.receiver.requests().size());
        } finally {
            upkeep.close();
        }
    }

    @Test
    void enqueuingTheSameThingAgainAddsNothing() {
        MirrorParts m = parts(null);
        m.channel("hook", "OK");
        m.target("t1", "hook", "thon-dong", "/a", "[\"market-prices\"]");
        m.target("t2", "hook", "thon-tay", "/b", "[]");
        AlertService.Published a = m.alert("e1", "EMERGENCY", Duration.ofHours(1), List.of("thon-dong", "thon-tay"));
        assertEquals(2, m.outbox.alert(a), "every target of its villages, whatever their categories");
        assertEquals(0, m.outbox.alert(a), "after a crash, the same alert again");
        assertEquals(1, m.outbox.bulletin("b1", List.of("thon-dong", "thon-tay"), "Giá", "Lúa", null),
                "a bulletin only where market prices are taken");
        assertEquals(0, m.outbox.bulletin("b1", List.of("thon-dong", "thon-tay"), "Giá", "Lúa", null));
        assertEquals("3", m.one("SELECT count(*) FROM mirror_outbox"));
    }

    @Test
    void aCancelStopsWhatWaitsAndTellsThoseThatHadTheAlert() {
        MirrorParts m = parts(null);
        m.channel("hook", "OK");
        m.channel("down", "DOWN");
        m.target("t1", "hook", "thon-dong", "/a", "[]");
        m.target("t2", "down", "thon-dong", "/b", "[]");
        m.receiver.otherwise(Answer.json(200, "{}"));
        AlertService.Published a = m.alert("e1", "EMERGENCY", Duration.ofHours(1), List.of("thon-dong"));
        m.outbox.alert(a);
        m.sender.pump();
        assertEquals(List.of("ALERT e1 /a"), m.received(), "the channel that is down waits");

        m.clock.advance(Duration.ofMinutes(3));
        assertEquals(1, m.outbox.cancel(new AlertService.Cancelled("e1", List.of("thon-dong"), "EMERGENCY", a.title(),
                "van.thu", m.clock.instant(), a.expiresAt())));
        m.sender.pump();

        assertEquals(List.of("ALERT e1 /a", "CANCEL e1 /a"), m.received());
        assertTrue(m.receiver.requests().get(1).text().contains("ĐÃ HUỶ CẢNH BÁO"));
        List<String> states = m.rows("e1").stream().map(d -> d.kind() + " " + d.targetId() + " " + state(d)).toList();
        assertEquals(List.of("ALERT t2 CANCELLED", "ALERT t1 SENT", "CANCEL t1 SENT"), states);
    }

    @Test
    void aRateLimitPausesTheWholeChannelForTheServersWait() {
        MirrorParts m = parts(null);
        m.channel("hook", "OK");
        m.target("t1", "hook", "thon-dong", "/a", "[]");
        m.target("t2", "hook", "thon-tay", "/b", "[]");
        m.receiver.next(Answer.text(429, "slow").withHeader("Retry-After", "120")).otherwise(Answer.json(200, "{}"));
        m.outbox.alert(m.alert("e1", "EMERGENCY", Duration.ofHours(1), List.of("thon-dong", "thon-tay")));

        m.sender.pump();
        assertEquals(1, m.receiver.requests().size(), "the second target waits too: the limit is the account's");
        assertEquals("PAUSED", m.one("SELECT status FROM mirror_channel WHERE id = 'hook'"));
        m.clock.advance(Duration.ofSeconds(60));
        m.sender.pump();
        assertEquals(1, m.receiver.requests().size());
        m.clock.advance(Duration.ofSeconds(60));
        m.sender.pump();
        assertEquals(3, m.receiver.requests().size());
        assertEquals("OK", m.one("SELECT status FROM mirror_channel WHERE id = 'hook'"));
    }

    @Test
    void aTargetGoneIsMadeInactiveAMovedOneIsFollowedAtOnceAndAChannelDownWaitsForAPerson() {
        MirrorParts m = parts(null);
        m.channel("hook", "OK");
        m.target("gone", "hook", "thon-dong", "/gone", "[]");
        m.target("moved", "hook", "thon-tay", "/old", "[]");
        m.receiver.otherwise(r -> switch (r.path()) {
            case "/gone" -> Answer.text(410, "gone");
            case "/old" -> Answer.text(308, "").withHeader("Location", "/new");
            default -> Answer.json(200, "{}");
        });
        m.outbox.alert(m.alert("e1", "EMERGENCY", Duration.ofHours(1), List.of("thon-dong", "thon-tay")));
        m.sender.pump();

        assertEquals("0", m.one("SELECT active FROM mirror_target WHERE id = 'gone'"));
        assertEquals(m.receiver.base().resolve("/new").toString(),
                m.one("SELECT address FROM mirror_target WHERE id = 'moved'"));
        assertEquals(List.of("ALERT e1 /gone", "ALERT e1 /old", "ALERT e1 /new"), m.received());
        assertEquals("SENT", m.one("SELECT state FROM mirror_outbox WHERE target_id = 'moved'"));
        assertEquals("FAILED", m.one("SELECT state FROM mirror_outbox WHERE target_id = 'gone'"));

        // The secret is lost: the channel is DOWN and its messages wait, until a test goes through.
        new FileChannelSecrets(m.dataDir, "hook").delete();
        m.outbox.alert(m.alert("e2", "EMERGENCY", Duration.ofHours(1), List.of("thon-tay")));
        m.sender.pump();
        assertEquals("DOWN", m.one("SELECT status FROM mirror_channel WHERE id = 'hook'"));
        assertTrue(m.one("SELECT status_detail FROM mirror_channel WHERE id = 'hook'").contains("khoá bí mật"));
        m.clock.advance(Duration.ofMinutes(5));
        m.sender.pump();
        assertEquals(3, m.receiver.requests().size(), "nothing goes through a channel that is down");
        // An administrator sets the secret again: changed since it went down, the channel is tried at once.
        new FileChannelSecrets(m.dataDir, "hook").write(java.util.Map.of(
                vn.loalang.controller.mirror.channel.WebhookChannel.SECRET, MirrorParts.SECRET));
        m.sender.pump();
        assertEquals("OK", m.one("SELECT status FROM mirror_channel WHERE id = 'hook'"));
        assertEquals(List.of("ALERT e1 /gone", "ALERT e1 /old", "ALERT e1 /new", "ALERT e2 /new"), m.received());

        // DOWN with nothing changed that this sender saw (as after a restart): only a test goes, and brings it back.
        m.sql("UPDATE mirror_channel SET status = 'DOWN', status_detail = 'hết tiền' WHERE id = 'hook'");
        m.outbox.alert(m.alert("e3", "EMERGENCY", Duration.ofHours(1), List.of("thon-tay")));
        m.sender.pump();
        assertEquals(4, m.receiver.requests().size(), "waits for a person");
        m.sql("""
                INSERT INTO mirror_outbox (kind, ref, village, channel_id, target_id, priority, payload_json, state,
                                           next_at, give_up_at, created_at)
                VALUES ('TEST', 'test-2', 'thon-tay', 'hook', 'moved', 4, '{}', 'PENDING', '2026-12-05T22:05:00.000Z',
                        '2026-12-05T23:00:00.000Z', '2026-12-05T22:05:00.000Z')""");
        m.sender.pump();
        assertEquals("OK", m.one("SELECT status FROM mirror_channel WHERE id = 'hook'"));
        assertEquals(List.of("ALERT e1 /gone", "ALERT e1 /old", "ALERT e1 /new", "ALERT e2 /new", "TEST test-2 /new",
                "ALERT e3 /new"), m.received());
    }

    @Test
    void theConsolesTestAndRetryRowsAreSentLikeAnyOther() {
        MirrorParts m = parts(null);
        m.channel("hook", "OK");
        m.target("t1", "hook", "thon-dong", "/a", "[]");
        m.receiver.next(Answer.text(400, "bad request")).otherwise(Answer.json(200, "{}"));
        m.outbox.alert(m.alert("e1", "EMERGENCY", Duration.ofHours(1), List.of("thon-dong")));
        m.sender.pump();
        Outbox.Delivery failed = m.rows("e1").get(0);
        assertEquals("FAILED", failed.state(), "a 400 is this message's own fault: not retried by itself");

        // The console (WP7's MirrorDeliveries) puts it back in line and queues a test; the sender takes both.
        MirrorDeliveries console = new MirrorDeliveries(m.store, m.audit, m.clock);
        console.retry("van.thu", failed.id());
        long test = console.sendTest("admin", "hook", "t1", "Xã An Bình").id();
        m.sender.pump();

        assertEquals("SENT", m.outbox.get(failed.id()).orElseThrow().state());
        Outbox.Delivery sent = m.outbox.get(test).orElseThrow();
        assertEquals("SENT", sent.state());
        assertEquals(MirrorMessage.Kind.TEST, sent.kind());
        assertTrue(m.receiver.requests().get(2).text().contains("Tin nhắn thử từ đài truyền thanh Xã An Bình"),
                "the console's own test text: " + m.receiver.requests().get(2).text());
    }

    @Test
    void aChannelsRatePerMinuteSpacesItsRequests() {
        MirrorParts m = parts(null);
        m.channel("hook", "OK", "{\"ratePerMinute\": \"2\"}");
        m.target("t1", "hook", "thon-dong", "/a", "[]");
        m.target("t2", "hook", "thon-tay", "/b", "[]");
        m.receiver.otherwise(Answer.json(200, "{}"));
        m.outbox.alert(m.alert("e1", "EMERGENCY", Duration.ofHours(1), List.of("thon-dong", "thon-tay")));

        m.sender.pump();
        assertEquals(1, m.receiver.requests().size(), "two a minute: one now");
        m.clock.advance(Duration.ofSeconds(29));
        m.sender.pump();
        assertEquals(1, m.receiver.requests().size());
        m.clock.advance(Duration.ofSeconds(1));
        m.sender.pump();
        assertEquals(2, m.receiver.requests().size(), "the next 30 s later");
    }
}
