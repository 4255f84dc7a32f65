package vn.loalang.controller.mirror;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.testing.fake.FakeHttpApi.Answer;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * An alert triggered just before the controller stopped reaches the groups once it is back (review of issue 19,
 * item 3): its row is ACTIVE, the in-memory hand-off to the mirror was lost; {@link Mirror#start} enqueues it again,
 * and a second start adds nothing. Real SQLite, the real mirror with its threads, a local webhook receiver.
 */
class MirrorStartTest {
    @TempDir
    Path dir;
    private MirrorParts m;
    private Mirror mirror;

    @AfterEach
    void close() {
        if (mirror != null) {
            mirror.close();
        }
        if (m != null) {
            m.close();
        }
    }

    private Mirror started() {
        Mirror made = new Mirror(m.store, m.clock, m.directory::current, id -> Optional.empty(), dir,
                () -> URI.create("https://loa.xa-an-binh.vn/nghe-lai/"), true);
        made.start();
        return made;
    }

    private void alertRow(String id, String state, String villagesJson) {
        m.sql("""
                INSERT INTO alert (id, created_at, actor, villages_json, priority, title, reason, preamble, items_json,
                                   repeats, interval_seconds, expires_at, state, spoken_text, headline, instruction,
                                   ended_at, ended_by)
                VALUES (?, '2026-12-05T21:58:00Z', 'van.thu', ?, 'EMERGENCY', 'Lũ sông Kiến Giang', 'thử', 'NONE',
                        '[{"contentId":"nuoc-lu","title":"Nước lũ"}]', 1, 0, '2026-12-06T02:00:00Z', ?,
                        'Nước sông lên nhanh, di chuyển lên nhà văn hoá.', NULL, NULL, ?, ?)""",
                id, villagesJson, state, state.equals("CANCELLED") ? "2026-12-05T21:59:00Z" : null,
                state.equals("CANCELLED") ? "van.thu" : null);
    }

    private int rows(String kind, String ref) {
        return Integer.parseInt(m.one("SELECT count(*) FROM mirror_outbox WHERE kind = ? AND ref = ?", kind, ref));
    }

    @Test
    void anActiveAlertWithoutOutboxRowsIsEnqueuedAtStartAndASecondStartAddsNone() {
        m = new MirrorParts(dir, null);
        m.receiver.otherwise(Answer.json(200, "{}"));
        m.channel("hook", "OK");
        m.target("t-dong", "hook", "thon-dong", "/dong", "[]");
        m.target("t-tay", "hook", "thon-tay", "/tay", "[]");
        alertRow("lu-truoc-khi-tat", "ACTIVE", "[\"thon-dong\", \"thon-tay\"]");
        // Cancelled before the stop, after its alert went out; the cancel's hand-off was lost too.
        alertRow("lu-da-huy", "CANCELLED", "[\"thon-dong\"]");
        m.sql("""
                INSERT INTO mirror_outbox (kind, ref, village, channel_id, target_id, priority, payload_json, state,
                                           attempts, next_at, give_up_at, created_at, sent_at)
                VALUES ('ALERT', 'lu-da-huy', 'thon-dong', 'hook', 't-dong', 0, '{}', 'SENT', 1,
                        '2026-12-05T21:58:00.000Z', '2026-12-06T02:00:00.000Z', '2026-12-05T21:58:00.000Z',
                        '2026-12-05T21:58:01.000Z')""");
        assertEquals(0, rows("ALERT", "lu-truoc-khi-tat"));

        mirror = started();

        await().atMost(Duration.ofSeconds(10)).until(() -> rows("ALERT", "lu-truoc-khi-tat") == 2
                && rows("CANCEL", "lu-da-huy") == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> m.received().containsAll(List.of(
                "ALERT lu-truoc-khi-tat /dong", "ALERT lu-truoc-khi-tat /tay", "CANCEL lu-da-huy /dong")));
        String payload = m.one("SELECT payload_json FROM mirror_outbox WHERE ref = 'lu-truoc-khi-tat' LIMIT 1");
        assertEquals(true, payload.contains("Nước sông lên nhanh") && payload.contains("nuoc-lu"), payload);

        // Restarted: nothing is added, and a new alert handed over after the start shows the start's work is done
        // (one thread takes both, in order).
        mirror.close();
        mirror = started();
        mirror.alertPublished(m.alert("lu-moi", "WARNING", Duration.ofHours(1), List.of("thon-tay")));
        await().atMost(Duration.ofSeconds(10)).until(() -> rows("ALERT", "lu-moi") == 1);
        assertEquals(2, rows("ALERT", "lu-truoc-khi-tat"));
        assertEquals(1, rows("CANCEL", "lu-da-huy"));
        assertEquals(4, Integer.parseInt(m.one("SELECT count(*) FROM mirror_outbox WHERE ref <> 'lu-moi'")));
    }
}
