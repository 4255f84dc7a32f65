package vn.loalang.controller.mirror;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.LogText;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The mirror's delivery log as people see it (table {@code mirror_outbox}, written by the sender, WP2): filtered by
 * alert, village, channel and state, a failed message put back in line, a test message queued, and an alert's
 * messages for its status page. Reasons are shown as the sender stored them; a phone target appears only by its
 * label and masked number. Sending is the sender's: a row written here is PENDING and it picks it up.
 */
public final class MirrorDeliveries {
    private static final Logger log = LoggerFactory.getLogger(MirrorDeliveries.class);
    public static final int MAX_LIMIT = 500;
    /** Lower goes first (V26): a test waits behind every alert, cancel, bulletin and session. */
    static final int TEST_PRIORITY = 4;
    /** A test not sent within the hour is of no use any more: the officer has gone home. */
    private static final Duration TEST_LIFETIME = Duration.ofHours(1);
    private static final Set<String> STATES = Set.of("PENDING", "SENDING", "SENT", "DELIVERED", "FAILED", "CANCELLED",
            "SKIPPED");

    /** What to show; null fields do not filter. */
    public record Filter(String alert, String village, String channel, String state, Integer limit) {
    }

    /**
     * One message to one target. {@code target} is the target's label ({@code null} once removed); {@code address}
     * is a phone number masked, or absent for chat targets (the label says which group).
     */
    public record Delivery(long id, String kind, String ref, String village, String channel, String channelName,
                           ChannelKind channelKind, String targetId, String target, String address, int priority,
                           String state, int attempts, Instant nextAt, Instant giveUpAt, String lastError,
                           Instant createdAt, Instant sentAt) {
    }

    /** An alert's message on one target, for the alert's status (the village head's emergency page). */
    public record AlertMirror(String channel, ChannelKind channelKind, String target, String village, String kind,
                              String state, Instant sentAt, String lastError) {
    }

    /** A test queued: the outbox row and its ref. */
    public record TestQueued(long id, String ref, String channel, String target, String state) {
    }

    /** What a test message carries: the contract with the sender (payload_json of a TEST row). */
    public record TestPayload(String title, String text) {
    }

    private record Retried(long id, String stateBefore, String stateAfter) {
    }

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;

    public MirrorDeliveries(Store store, AuditLog audit, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private static final String COLUMNS = """
            SELECT o.id, o.kind, o.ref, o.village, o.channel_id, c.name, c.kind, o.target_id, t.label, t.address,
                   o.priority, o.state, o.attempts, o.next_at, o.give_up_at, o.last_error, o.created_at, o.sent_at
            FROM mirror_outbox o LEFT JOIN mirror_channel c ON c.id = o.channel_id
                 LEFT JOIN mirror_target t ON t.id = o.target_id""";

    /** The newest first, at most {@code limit} (default 100, at most {@value #MAX_LIMIT}). */
    public List<Delivery> find(Filter f) {
        Filter filter = f == null ? new Filter(null, null, null, null, null) : f;
        int limit = filter.limit() == null ? 100 : filter.limit();
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new ChangeException(Kind.INVALID, "limit", "limit từ 1 đến " + MAX_LIMIT + " / from 1 to " + MAX_LIMIT);
        }
        if (filter.state() != null && !STATES.contains(filter.state())) {
            throw new ChangeException(Kind.INVALID, "state", "state là một trong / one of " + new java.util.TreeSet<>(STATES));
        }
        StringBuilder sql = new StringBuilder(COLUMNS).append(" WHERE 1 = 1");
        List<String> args = new ArrayList<>();
        if (filter.alert() != null) {
            sql.append(" AND o.kind IN ('ALERT', 'CANCEL') AND o.ref = ?");
            args.add(filter.alert());
        }
        if (filter.village() != null) {
            sql.append(" AND o.village = ?");
            args.add(filter.village());
        }
        if (filter.channel() != null) {
            sql.append(" AND o.channel_id = ?");
            args.add(filter.channel());
        }
        if (filter.state() != null) {
            sql.append(" AND o.state = ?");
            args.add(filter.state());
        }
        sql.append(" ORDER BY o.id DESC LIMIT ").append(limit);
        return store.query(c -> {
            List<Delivery> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(sql.toString())) {
                for (int i = 0; i < args.size(); i++) {
                    s.setString(i + 1, args.get(i));
                }
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(delivery(rs));
                    }
                }
            }
            return out;
        });
    }

    /** One message by its id. */
    public Delivery get(long id) {
        return store.query(c -> get(c, id));
    }

    /**
     * A FAILED message back in line: PENDING, due now, its attempts counted again from zero. Refused for any other
     * state, and once past its give-up time (an alert that has expired must not reach phones late).
     */
    public Delivery retry(String actor, long id) {
        Delivery d = store.transaction(c -> {
            Delivery before = get(c, id);
            if (!before.state().equals("FAILED")) {
                throw new ChangeException(Kind.CONFLICT, "state", "Chỉ gửi lại được tin lỗi; tin này đang "
                        + before.state() + " / only a FAILED message can be retried, this one is " + before.state());
            }
            Instant now = clock.instant();
            if (before.giveUpAt() != null && !before.giveUpAt().isAfter(now)) {
                throw new ChangeException(Kind.CONFLICT, "state", "Tin đã quá hạn (" + before.giveUpAt() + "), không gửi"
                        + " lại / the message expired at " + before.giveUpAt() + " and is not sent late");
            }
            try (PreparedStatement s = c.prepareStatement("""
                    UPDATE mirror_outbox SET state = 'PENDING', attempts = 0, next_at = ? WHERE id = ? AND state = 'FAILED'""")) {
                s.setString(1, StoredTime.of(now));
                s.setLong(2, id);
                s.executeUpdate();
            }
            audit.record(c, actor, "mirror.delivery.retry", Long.toString(id), null,
                    new Retried(id, before.state(), "PENDING"));
            return get(c, id);
        });
        log.info("Mirror delivery {} ({} {}) put back in line by {}", id, d.kind(), LogText.of(d.ref()), actor);
        return d;
    }

    /**
     * Queues a short test message to one target of the channel: a PENDING row of kind TEST, ref {@code test-{uuid}},
     * priority {@value #TEST_PRIORITY}, that the sender sends like any other.
     */
    public TestQueued sendTest(String actor, String channelId, String targetId, String communeName) {
        if (targetId == null || targetId.isBlank()) {
            throw new ChangeException(Kind.INVALID, "target", "Chọn người nhận tin thử / choose the target of the test");
        }
        String ref = "test-" + UUID.randomUUID();
        TestQueued queued = store.transaction(c -> {
            String channelName;
            try (PreparedStatement s = c.prepareStatement("SELECT name FROM mirror_channel WHERE id = ?")) {
                s.setString(1, channelId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new ChangeException(Kind.NOT_FOUND, "id", "Không có kênh " + LogText.of(channelId)
                                + " / no channel " + LogText.of(channelId));
                    }
                    channelName = rs.getString(1);
                }
            }
            String village;
            String label;
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT village, label FROM mirror_target WHERE id = ? AND channel_id = ? AND active = 1")) {
                s.setString(1, targetId);
                s.setString(2, channelId);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new ChangeException(Kind.INVALID, "target", "Người nhận này không thuộc kênh "
                                + channelName + " / the target is not on this channel");
                    }
                    village = rs.getString(1);
                    label = rs.getString(2);
                }
            }
            Instant now = clock.instant();
            TestPayload payload = new TestPayload("Tin thử / Test",
                    "Tin nhắn thử từ đài truyền thanh " + (communeName == null ? "xã" : communeName) + " qua kênh "
                            + channelName + ". Nếu bạn đọc được tin này, kênh đã sẵn sàng. / A test message from the"
                            + " commune radio: this channel works.");
            long id;
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO mirror_outbox (kind, ref, village, channel_id, target_id, priority, payload_json, state,
                        attempts, next_at, give_up_at, created_at)
                    VALUES ('TEST', ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?, ?)""", PreparedStatement.RETURN_GENERATED_KEYS)) {
                s.setString(1, ref);
                s.setString(2, village);
                s.setString(3, channelId);
                s.setString(4, targetId);
                s.setInt(5, TEST_PRIORITY);
                s.setString(6, Json.mapper().writeValueAsString(payload));
                s.setString(7, StoredTime.of(now));
                s.setString(8, StoredTime.of(now.plus(TEST_LIFETIME)));
                s.setString(9, StoredTime.of(now));
                s.executeUpdate();
                try (ResultSet keys = s.getGeneratedKeys()) {
                    keys.next();
                    id = keys.getLong(1);
                }
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("cannot write the test payload", e);
            }
            audit.record(c, actor, "mirror.channel.test", channelId, null, Map.of("delivery", id, "ref", ref,
                    "target", targetId));
            return new TestQueued(id, ref, channelId, label, "PENDING");
        });
        log.info("Test message {} queued on channel {} to target {} by {}", queued.id(), channelId, targetId, actor);
        return queued;
    }

    /** An alert's messages (and its cancel's), oldest first. */
    public List<AlertMirror> forAlert(String alertId) {
        return store.query(c -> {
            List<AlertMirror> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(COLUMNS
                    + " WHERE o.kind IN ('ALERT', 'CANCEL') AND o.ref = ? ORDER BY o.id LIMIT " + MAX_LIMIT)) {
                s.setString(1, alertId);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        Delivery d = delivery(rs);
                        out.add(new AlertMirror(d.channelName(), d.channelKind(), d.target(), d.village(), d.kind(),
                                d.state(), d.sentAt(), d.lastError()));
                    }
                }
            }
            return out;
        });
    }

    private static Delivery get(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(COLUMNS + " WHERE o.id = ?")) {
            s.setLong(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw new ChangeException(Kind.NOT_FOUND, "id", "Không có tin " + id + " / no delivery " + id);
                }
                return delivery(rs);
            }
        }
    }

    private static Delivery delivery(ResultSet rs) throws SQLException {
        String kindName = rs.getString(7);
        ChannelKind kind = kindName == null ? null : ChannelKind.valueOf(kindName);
        String address = rs.getString(10);
        // A phone is shown masked; a chat group by its label only. A removed target has neither.
        String shown = address != null && kind != null && kind.sms() ? Phones.mask(address) : null;
        return new Delivery(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), kind, rs.getString(8), rs.getString(9), shown, rs.getInt(11), rs.getString(12),
                rs.getInt(13), StoredTime.parse(rs.getString(14)), StoredTime.parse(rs.getString(15)),
                rs.getString(16), StoredTime.parse(rs.getString(17)), StoredTime.parse(rs.getString(18)));
    }
}
