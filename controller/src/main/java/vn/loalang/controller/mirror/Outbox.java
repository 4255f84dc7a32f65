package vn.loalang.controller.mirror;

import com.fasterxml.jackson.annotation.JsonInclude;
import vn.loalang.controller.alert.AlertService;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Every message to every target, written before it is sent ({@code mirror_outbox}, V26): what goes to whom, and
 * each delivery's fate — the queue the sender works from and the delivery log the console and the reach report
 * read. A row is unique by (kind, ref, target): enqueuing the same thing again (after a crash, a second call) adds
 * nothing. Times are stored as {@link StoredTime} writes them (fixed width, milliseconds), so they compare as text.
 *
 * <p>Alerts go to every active target of their villages, whatever its categories; a session's summary and a bulletin
 * go to the targets whose categories name one of what they carry. A cancel ends the alert's rows still waiting and
 * tells the targets that already have it.
 */
public final class Outbox {
    public static final String PENDING = "PENDING";
    public static final String SENDING = "SENDING";
    public static final String SENT = "SENT";
    public static final String DELIVERED = "DELIVERED";
    public static final String FAILED = "FAILED";
    public static final String CANCELLED = "CANCELLED";
    /** A session summary waits this long (quiet hours, a channel down), then is no longer news. */
    static final Duration SUMMARY_LIFE = Duration.ofHours(6);
    /** A cancel goes out at least this long after it was made, even when the alert was about to end. */
    static final Duration CANCEL_LIFE = Duration.ofMinutes(30);
    /** The category a market-prices bulletin carries (Commune.LibraryEntry.CATEGORIES). */
    public static final String BULLETIN_CATEGORY = "market-prices";

    /** Priorities, lower first (V26). */
    static int priority(MirrorMessage.Kind kind, String alertPriority) {
        return switch (kind) {
            case ALERT -> "EMERGENCY".equals(alertPriority) ? 0 : 1;
            case CANCEL -> 2;
            case SESSION, BULLETIN -> 3;
            case TEST -> 4;
        };
    }

    /**
     * What a row carries besides its keys ({@code payload_json}). A TEST row written by the settings may carry only
     * {@code {}}: the sender then writes the test text itself.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Payload(String title, String text, String pageUrl, String audioUrl, String contentId,
                          String priority, Instant expiresAt) {
        static Payload of(Messages.Text t, String contentId, String priority, Instant expiresAt) {
            return new Payload(t.title(), t.text(), t.pageUrl() == null ? null : t.pageUrl().toString(),
                    t.audioUrl() == null ? null : t.audioUrl().toString(), contentId, priority, expiresAt);
        }
    }

    /** One row. */
    public record Delivery(long id, MirrorMessage.Kind kind, String ref, String village, String sessionId,
                           String channelId, String targetId, int priority, Payload payload, String state, int attempts,
                           Instant nextAt, Instant giveUpAt, String lastError, String remoteId, Instant createdAt,
                           Instant sentAt) {
    }

    private record NewRow(MirrorMessage.Kind kind, String ref, String village, String sessionId, String channelId,
                          String targetId, int priority, Payload payload, Instant giveUpAt) {
    }

    private final Store store;
    private final Clock clock;
    private final MirrorTargets targets;
    private final Messages messages;

    public Outbox(Store store, Clock clock, MirrorTargets targets, Messages messages) {
        this.store = store;
        this.clock = clock;
        this.targets = targets;
        this.messages = messages;
    }

    /** Fixed-width ISO-8601 UTC ({@link StoredTime}, as the settings write it): compares as text in SQL. */
    static String at(Instant t) {
        return StoredTime.of(t);
    }

    // --- enqueue ---

    /** An alert to every active target of its villages; returns the rows added. */
    public int alert(AlertService.Published a) {
        List<NewRow> rows = new ArrayList<>();
        for (MirrorTargets.Active t : targets.of(a.villages())) {
            rows.add(new NewRow(MirrorMessage.Kind.ALERT, a.id(), t.target().village(), null, t.target().channelId(),
                    t.target().id(), priority(MirrorMessage.Kind.ALERT, a.priority()),
                    Payload.of(messages.alert(a, t.kind()), a.contentId(), a.priority(), a.expiresAt()),
                    a.expiresAt()));
        }
        return insert(rows);
    }

    /**
     * An alert withdrawn: its rows still waiting are CANCELLED (nobody needs to hear of it now), and every target
     * that has it (sent, or being sent this moment) gets a cancel. Returns the cancels added.
     */
    public int cancel(AlertService.Cancelled c) {
        Instant now = clock.instant();
        update("""
                UPDATE mirror_outbox SET state = 'CANCELLED', last_error = 'cảnh báo đã huỷ / the alert was cancelled'
                WHERE kind = 'ALERT' AND ref = ? AND state = 'PENDING'""", c.id());
        Set<String> had = store.query(conn -> {
            Set<String> ids = new java.util.HashSet<>();
            try (PreparedStatement s = conn.prepareStatement("""
                    SELECT target_id FROM mirror_outbox WHERE kind = 'ALERT' AND ref = ?
                    AND state IN ('SENDING', 'SENT', 'DELIVERED')""")) {
                s.setString(1, c.id());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getString(1));
                    }
                }
            }
            return ids;
        });
        Instant giveUp = c.expiresAt() != null && c.expiresAt().isAfter(now.plus(CANCEL_LIFE)) ? c.expiresAt()
                : now.plus(CANCEL_LIFE);
        List<NewRow> rows = new ArrayList<>();
        for (MirrorTargets.Active t : targets.of(c.villages())) {
            if (had.contains(t.target().id())) {
                rows.add(new NewRow(MirrorMessage.Kind.CANCEL, c.id(), t.target().village(), null,
                        t.target().channelId(), t.target().id(), priority(MirrorMessage.Kind.CANCEL, c.priority()),
                        Payload.of(messages.cancel(c, t.kind()), null, c.priority(), giveUp), giveUp));
            }
        }
        return insert(rows);
    }

    /**
     * What a village's session played, to the village's targets that take one of the items' categories.
     *
     * @param sessionId the planned session ({@code 2026-12-06.sang})
     */
    public int session(String village, String sessionId, String sessionName, LocalDate date,
                       List<Messages.PlayedItem> played) {
        Set<String> carried = new java.util.HashSet<>();
        played.forEach(p -> carried.add(p.category()));
        Instant giveUp = clock.instant().plus(SUMMARY_LIFE);
        String ref = date + "/" + sessionId;
        List<NewRow> rows = new ArrayList<>();
        for (MirrorTargets.Active t : targets.of(List.of(village))) {
            if (t.categories().stream().anyMatch(carried::contains)) {
                rows.add(new NewRow(MirrorMessage.Kind.SESSION, ref, village, sessionId, t.target().channelId(),
                        t.target().id(), priority(MirrorMessage.Kind.SESSION, null),
                        Payload.of(messages.session(village, sessionName, date, played, t.kind()), null, "NORMAL",
                                giveUp), giveUp));
            }
        }
        return insert(rows);
    }

    /** A bulletin's text to the targets of {@code villages} that take market prices; it is news until the day ends. */
    public int bulletin(String bulletinId, Collection<String> villages, String title, String text, String libraryId) {
        Instant giveUp = messages.endOfDay(clock.instant());
        List<NewRow> rows = new ArrayList<>();
        for (MirrorTargets.Active t : targets.of(villages)) {
            if (t.categories().contains(BULLETIN_CATEGORY)) {
                rows.add(new NewRow(MirrorMessage.Kind.BULLETIN, bulletinId, t.target().village(), null,
                        t.target().channelId(), t.target().id(), priority(MirrorMessage.Kind.BULLETIN, null),
                        Payload.of(messages.bulletin(t.target().village(), title, text, t.kind()), libraryId, "NORMAL",
                                giveUp), giveUp));
            }
        }
        return insert(rows);
    }

    /**
     * A bulletin's messages belong to the village session that played it: sent before the session (at its prepare
     * time, before the compile that put it there), they are given the session's id once it ended, so the session's
     * reach counts them. Only rows of the last {@code since} with no session yet. Returns how many.
     */
    int adoptBulletins(String village, String sessionId, List<String> items, Instant since) {
        return update("""
                UPDATE mirror_outbox SET session_id = ?
                WHERE kind = 'BULLETIN' AND session_id IS NULL AND village = ? AND created_at >= ?
                AND json_extract(payload_json, '$.contentId') IN (SELECT value FROM json_each(?))""",
                sessionId, village, at(since), new String(Json.write(items), java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Whether a village's session summary was enqueued already (to any target). */
    boolean hasSession(String village, String ref) {
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT 1 FROM mirror_outbox WHERE kind = 'SESSION' AND ref = ? AND village = ? LIMIT 1")) {
                s.setString(1, ref);
                s.setString(2, village);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    private int insert(List<NewRow> rows) {
        if (rows.isEmpty()) {
            return 0;
        }
        String now = at(clock.instant());
        return store.transaction(c -> {
            int added = 0;
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT OR IGNORE INTO mirror_outbox (kind, ref, village, session_id, channel_id, target_id, priority,
                        payload_json, state, attempts, next_at, give_up_at, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', 0, ?, ?, ?)""")) {
                for (NewRow r : rows) {
                    s.setString(1, r.kind().name());
                    s.setString(2, r.ref());
                    s.setString(3, r.village());
                    s.setString(4, r.sessionId());
                    s.setString(5, r.channelId());
                    s.setString(6, r.targetId());
                    s.setInt(7, r.priority());
                    s.setString(8, new String(Json.write(r.payload()), StandardCharsets.UTF_8));
                    s.setString(9, now);
                    s.setString(10, at(r.giveUpAt()));
                    s.setString(11, now);
                    added += s.executeUpdate();
                }
            }
            return added;
        });
    }

    // --- the sender's side ---

    /**
     * The next due row of each channel that is enabled (or no longer exists, so the sender can fail its rows), most
     * urgent first, then oldest: one row per channel, so a channel with thousands waiting, or one that is busy, paced,
     * paused, down or switched off, never hides another channel's alert behind its own rows. A disabled channel's rows
     * wait (they fail at their give-up time); in quiet hours summaries and bulletins are left out, so a test still
     * goes; a DOWN channel's test comes before its other rows, since only a test can bring it back.
     */
    List<Delivery> due(Instant now, boolean quiet) {
        return select("""
                WHERE id IN (
                    SELECT id FROM (
                        SELECT o.id, ROW_NUMBER() OVER (PARTITION BY o.channel_id ORDER BY
                                   CASE WHEN ch.status = 'DOWN' AND o.kind = 'TEST' THEN 0 ELSE 1 END, o.priority, o.id
                               ) AS nth
                        FROM mirror_outbox o LEFT JOIN mirror_channel ch ON ch.id = o.channel_id
                        WHERE o.state = 'PENDING' AND o.next_at <= ? AND (ch.id IS NULL OR ch.enabled = 1)"""
                + (quiet ? " AND o.kind NOT IN ('SESSION', 'BULLETIN')" : "") + """

                    ) WHERE nth = 1)
                ORDER BY priority, id""", at(now));
    }

    /** Takes a due row for sending; false when another took it, it was cancelled or it is not due any more. */
    boolean claim(long id, Instant now) {
        return update("""
                UPDATE mirror_outbox SET state = 'SENDING', attempts = attempts + 1, next_at = ?
                WHERE id = ? AND state = 'PENDING' AND next_at <= ?""", at(now), id, at(now)) == 1;
    }

    void sent(long id, String remoteId, Instant now) {
        update("""
                UPDATE mirror_outbox SET state = 'SENT', remote_id = ?, sent_at = ?, last_error = NULL
                WHERE id = ? AND state = 'SENDING'""", remoteId, at(now), id);
    }

    /** Back to waiting until {@code nextAt}, with why. */
    void retry(long id, Instant nextAt, String reason) {
        update("UPDATE mirror_outbox SET state = 'PENDING', next_at = ?, last_error = ? WHERE id = ? AND state = 'SENDING'",
                at(nextAt), reason, id);
    }

    void fail(long id, String reason) {
        update("UPDATE mirror_outbox SET state = 'FAILED', last_error = ? WHERE id = ? AND state IN ('SENDING', 'PENDING')",
                reason, id);
    }

    /** A target gone: its waiting rows fail with the reason, so nobody waits for a group the bot was removed from. */
    void failTarget(String targetId, String reason) {
        update("UPDATE mirror_outbox SET state = 'FAILED', last_error = ? WHERE target_id = ? AND state = 'PENDING'",
                reason, targetId);
    }

    /** A service limits the whole channel: none of its rows is tried before {@code until}. */
    void holdChannel(String channelId, Instant until) {
        update("UPDATE mirror_outbox SET next_at = ? WHERE channel_id = ? AND state = 'PENDING' AND next_at < ?",
                at(until), channelId, at(until));
    }

    /**
     * A channel that works again (a person fixed it: a test went through): its waiting rows are due now, not at the
     * end of the back-off they took while it was down. Returns how many.
     */
    int releaseChannel(String channelId, Instant now) {
        return update("UPDATE mirror_outbox SET next_at = ? WHERE channel_id = ? AND state = 'PENDING' AND next_at > ?",
                at(now), channelId, at(now));
    }

    /**
     * Rows left SENDING by a controller that stopped mid-request (a crash, a power cut) go back to waiting: sent
     * again, at least once. Returns how many.
     */
    int recover(Instant now, Duration olderThan) {
        return update("""
                UPDATE mirror_outbox SET state = 'PENDING', next_at = ?,
                    last_error = 'gửi lại sau khi máy chủ khởi động lại / sent again after a restart'
                WHERE state = 'SENDING' AND next_at <= ?""", at(now), at(now.minus(olderThan)));
    }

    /** Waiting rows past their give-up time fail with their last reason. Returns how many. */
    int giveUp(Instant now) {
        return update("""
                UPDATE mirror_outbox SET state = 'FAILED',
                    last_error = 'hết hạn, không gửi được' || coalesce(': ' || last_error, '') || ' / gave up'
                WHERE state = 'PENDING' AND give_up_at <= ?""", at(now));
    }

    /**
     * At most {@code limit} sent rows with the service's message id, sent after {@code since}, whose delivery reports
     * are asked for now: those asked least recently first (never asked, first of all), so every row gets its turn
     * however many wait. None of a channel with an alert or a cancel waiting to go (the SMS phone's few requests are
     * for those first), nor of the channels in {@code skipped} (they track no reports).
     */
    List<Delivery> awaitingReceipt(Instant since, Collection<String> skipped, int limit) {
        List<Object> args = new ArrayList<>();
        args.add(at(since));
        args.addAll(skipped);
        String notSkipped = skipped.isEmpty() ? "" : " AND channel_id NOT IN ("
                + String.join(", ", java.util.Collections.nCopies(skipped.size(), "?")) + ")";
        return select("""
                WHERE state = 'SENT' AND remote_id IS NOT NULL AND sent_at >= ?
                  AND channel_id NOT IN (SELECT channel_id FROM mirror_outbox
                                         WHERE state = 'PENDING' AND kind IN ('ALERT', 'CANCEL'))"""
                + notSkipped + " ORDER BY polled_at IS NOT NULL, polled_at, id LIMIT " + limit, args.toArray());
    }

    /** The delivery reports of {@code rows} are asked for at {@code now}: one write for a round's rows. */
    void polled(List<Delivery> rows, Instant now) {
        if (rows.isEmpty()) {
            return;
        }
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE mirror_outbox SET polled_at = ? WHERE id = ?")) {
                for (Delivery d : rows) {
                    s.setString(1, at(now));
                    s.setLong(2, d.id());
                    s.addBatch();
                }
                s.executeBatch();
            }
            return null;
        });
    }

    void delivered(long id) {
        update("UPDATE mirror_outbox SET state = 'DELIVERED' WHERE id = ? AND state = 'SENT'", id);
    }

    void undelivered(long id, String reason) {
        update("UPDATE mirror_outbox SET state = 'FAILED', last_error = ? WHERE id = ? AND state = 'SENT'", reason, id);
    }

    // --- reading ---

    /** Every row about {@code ref} (an alert id, {@code {date}/{session}}, a bulletin id), oldest first. */
    public List<Delivery> about(String ref) {
        return select("WHERE ref = ? ORDER BY id", ref);
    }

    public java.util.Optional<Delivery> get(long id) {
        return select("WHERE id = ?", id).stream().findFirst();
    }

    private List<Delivery> select(String where, Object... args) {
        return store.query(c -> {
            List<Delivery> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement("""
                    SELECT id, kind, ref, village, session_id, channel_id, target_id, priority, payload_json, state,
                           attempts, next_at, give_up_at, last_error, remote_id, created_at, sent_at
                    FROM mirror_outbox
                    """ + where)) {
                bind(s, args);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
            }
            return out;
        });
    }

    private static Delivery read(ResultSet rs) throws SQLException {
        MirrorMessage.Kind kind;
        try {
            kind = MirrorMessage.Kind.valueOf(rs.getString(2));
        } catch (IllegalArgumentException e) {
            kind = MirrorMessage.Kind.TEST;
        }
        return new Delivery(rs.getLong(1), kind, rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getString(7), rs.getInt(8), payload(rs.getString(9)), rs.getString(10),
                rs.getInt(11), instant(rs.getString(12)), instant(rs.getString(13)), rs.getString(14), rs.getString(15),
                instant(rs.getString(16)), instant(rs.getString(17)));
    }

    /** A payload that does not read is an empty one: the sender then has a test's text or refuses the row. */
    static Payload payload(String json) {
        try {
            return Json.mapper().readValue(json, Payload.class);
        } catch (IOException | RuntimeException e) {
            return new Payload(null, null, null, null, null, null, null);
        }
    }

    private static Instant instant(String s) {
        try {
            return s == null ? null : Instant.parse(s);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private int update(String sql, Object... args) {
        return store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(sql)) {
                bind(s, args);
                return s.executeUpdate();
            }
        });
    }

    private static void bind(PreparedStatement s, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            if (args[i] instanceof Long l) {
                s.setLong(i + 1, l);
            } else {
                s.setString(i + 1, (String) args[i]);
            }
        }
    }
}
