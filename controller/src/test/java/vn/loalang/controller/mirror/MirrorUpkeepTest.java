package vn.loalang.controller.mirror;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The upkeep's polls on a real store: delivery reports of sent messages and the groups' member counts, through a
 * channel that reports them as the SMS gateway does. The services' own channels (issue 19 WP3) are tested against
 * their documented APIs; this is the mirror's side of {@link Channel#receipt} and {@link Channel#members}.
 */
class MirrorUpkeepTest {
    @TempDir
    Path dir;
    private MirrorParts m;

    @AfterEach
    void close() {
        if (m != null) {
            m.close();
        }
    }

    /** A gateway that accepts every message with an id of its own and reports on each as it is told. */
    private static final class ReportingGateway implements Channel {
        final AtomicInteger next = new AtomicInteger();
        final Map<String, Receipt> receipts = new ConcurrentHashMap<>();
        final AtomicInteger asked = new AtomicInteger();

        @Override
        public ChannelKind kind() {
            return ChannelKind.ANDROID_SMS;
        }

        @Override
        public Outcome send(MirrorMessage message, MirrorTarget target) {
            return new Outcome.Sent("sms-" + next.incrementAndGet());
        }

        @Override
        public Receipt receipt(String remoteId) {
            asked.incrementAndGet();
            return receipts.getOrDefault(remoteId, Receipt.WAITING);
        }

        @Override
        public OptionalInt members(MirrorTarget target) {
            return target.id().equals("group") ? OptionalInt.of(57) : OptionalInt.empty();
        }
    }

    @Test
    void deliveryReportsMoveSentRowsAndMemberCountsAreKept() {
        m = new MirrorParts(dir, null);
        ReportingGateway gateway = new ReportingGateway();
        m.makers.register(ChannelKind.ANDROID_SMS, c -> gateway);
        m.sql("""
                INSERT INTO mirror_channel (id, kind, name, settings_json, enabled, status, created_at, created_by)
                VALUES ('sim', 'ANDROID_SMS', 'Điện thoại xã', '{}', 1, 'OK', '2026-12-01T00:00:00Z', 'admin')""");
        for (String id : List.of("group", "phone-1", "phone-2")) {
            m.sql("""
                    INSERT INTO mirror_target (id, channel_id, village, address, label, categories_json, active,
                                               created_at, created_by)
                    VALUES (?, 'sim', 'thon-dong', ?, ?, '[]', 1, '2026-12-01T00:00:00Z', 'admin')""",
                    id, "+8491234567" + id.length(), id);
        }
        m.outbox.alert(m.alert("e1", "EMERGENCY", Duration.ofHours(1), List.of("thon-dong")));
        m.sender.pump();
        MirrorUpkeep upkeep = new MirrorUpkeep(m.outbox, m.sender, new SessionSummaries(m.store, m.clock, m.outbox,
                m.messages, x -> java.util.Optional.empty()), m.targets, m.clock);
        try {
            Map<String, String> remote = new java.util.TreeMap<>();
            m.rows("e1").forEach(d -> remote.put(d.targetId(), d.remoteId()));
            gateway.receipts.put(remote.get("phone-1"), Channel.Receipt.DELIVERED);
            gateway.receipts.put(remote.get("phone-2"), Channel.Receipt.FAILED);

            upkeep.receipts();

            Map<String, String> states = new java.util.TreeMap<>();
            m.rows("e1").forEach(d -> states.put(d.targetId(), d.state()));
            assertEquals(Map.of("group", "SENT", "phone-1", "DELIVERED", "phone-2", "FAILED"), states);
            int asked = gateway.asked.get();
            upkeep.receipts();
            assertEquals(asked + 1, gateway.asked.get(), "only the one still waiting is asked about again");

            m.clock.advance(MirrorUpkeep.RECEIPT_WINDOW.plusMinutes(1));
            upkeep.receipts();
            assertEquals(asked + 1, gateway.asked.get(), "a report that has not come in a day is not coming");

            upkeep.members();
            assertEquals("57", m.one("SELECT members FROM mirror_target WHERE id = 'group'"));
            assertEquals(null, m.one("SELECT members FROM mirror_target WHERE id = 'phone-1'"), "unknown stays unknown");
        } finally {
            upkeep.close();
        }
    }
}
