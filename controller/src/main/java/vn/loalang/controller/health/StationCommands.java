package vn.loalang.controller.health;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.Command;
import vn.loalang.protocol.station.CommandOutcome;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.Release;
import vn.loalang.protocol.station.StationEvent;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A technician's commands to one station — a test tone, a relay test, a resync, a restart —
 * signed like everything the controller sends, audited, and closed by the station's
 * {@code COMMAND_DONE} answer. Not retained: a command is for now; one that finds the station off
 * expires after {@link #VALID_FOR} and stays SENT, which the technician sees.
 */
public final class StationCommands {
    private static final Logger log = LoggerFactory.getLogger(StationCommands.class);
    static final Duration VALID_FOR = Duration.ofMinutes(2);

    /** Publishes on the broker. */
    @FunctionalInterface
    public interface Publisher {
        void publish(String topic, byte[] payload, boolean retained) throws Exception;
    }

    /** A command as sent, and what came of it. */
    public record Sent(String id, String stationId, String action, int seconds, String actor, Instant sentAt,
                       String status, Instant doneAt, String detail) {
    }

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final Supplier<Commune> commune;
    private final Topics topics;
    private final EnvelopeSigner signer;
    private final Publisher publisher;
    private final SecureRandom random = new SecureRandom();

    public StationCommands(Store store, AuditLog audit, Clock clock, Supplier<Commune> commune, Topics topics,
                           EnvelopeSigner signer, Publisher publisher) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.commune = commune;
        this.topics = topics;
        this.signer = signer;
        this.publisher = publisher;
    }

    public Sent send(User user, String stationId, String action, Integer seconds) {
        return send(user, stationId, action, seconds, null);
    }

    /**
     * A command; an UPDATE carries the {@code release} to install (made and signed with the release key
     * where the build is made: the controller only passes it on, it cannot sign one).
     */
    public Sent send(User user, String stationId, String action, Integer seconds, Release release) {
        return send(user.username(), stationId, action, seconds, release);
    }

    /** As above, for {@code actor}: a rollout sends its later UPDATEs in the name of the technician who started it. */
    public Sent send(String actor, String stationId, String action, Integer seconds, Release release) {
        if (commune.get().stations().stream().noneMatch(s -> s.id().equals(stationId))) {
            throw new ChangeException(Kind.NOT_FOUND, null, "Không có cụm loa / no station with id " + stationId);
        }
        String act = action == null ? "" : action.toUpperCase(Locale.ROOT).replace('-', '_');
        Instant now = clock.instant();
        String id = "c-" + Long.toString(now.toEpochMilli(), 36) + "-" + Integer.toHexString(0x1000 + random.nextInt(0xf000));
        Command command;
        try {
            command = new Command(SchemaVersion.CURRENT, id, stationId, act, seconds == null ? 5 : seconds, now,
                    now.plus(VALID_FOR), release);
        } catch (IllegalArgumentException e) {
            throw new ChangeException(Kind.INVALID, e.getMessage().contains("release") ? "release"
                    : e.getMessage().contains("action") ? "action" : "seconds", e.getMessage());
        }
        byte[] signed = signer.sign(MessageType.COMMAND, topics.command(stationId), command, command.expiresAt());
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO station_command (id, station_id, action, seconds, actor, sent_at, status)
                    VALUES (?, ?, ?, ?, ?, ?, 'SENT')""")) {
                s.setString(1, id);
                s.setString(2, stationId);
                s.setString(3, act);
                s.setInt(4, command.seconds());
                s.setString(5, actor);
                s.setString(6, now.toString());
                s.executeUpdate();
            }
            audit.record(c, actor, "station.command", stationId, null, release == null
                    ? Map.of("id", id, "action", act, "seconds", command.seconds())
                    : Map.of("id", id, "action", act, "version", release.version(), "sha256", release.sha256()));
            return null;
        });
        try {
            publisher.publish(topics.command(stationId), signed, false);
        } catch (Exception e) {
            throw new ChangeException(Kind.REFUSED, null, "Không gửi được lệnh / the command could not be sent: "
                    + e.getMessage());
        }
        log.info("Command {} {} sent to station {} by {}", id, act, stationId, actor);
        return find(id);
    }

    /** The station's answer. */
    public void onEvent(StationEvent e) {
        if (e.type() != EventType.COMMAND_DONE || e.sessionId() == null) {
            return;
        }
        try {
            store.transaction(c -> {
                try (PreparedStatement s = c.prepareStatement("""
                        UPDATE station_command SET status = ?, done_at = ?, detail = ? WHERE id = ? AND station_id = ?""")) {
                    s.setString(1, CommandOutcome.of(e).name());
                    s.setString(2, e.at().toString());
                    s.setString(3, (e.reason() == null ? "" : e.reason() + ": ") + (e.detail() == null ? "" : e.detail()));
                    s.setString(4, e.sessionId());
                    s.setString(5, e.stationId());
                    s.executeUpdate();
                }
                return null;
            });
        } catch (RuntimeException ex) {
            log.error("Answer to command {} from station {} not recorded: {}", e.sessionId(), e.stationId(), ex.toString());
        }
    }

    /** The newest first. */
    public List<Sent> recent(String stationId, int limit) {
        return store.query(c -> {
            List<Sent> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(SELECT + " WHERE station_id = ? ORDER BY sent_at DESC LIMIT ?")) {
                s.setString(1, stationId);
                s.setInt(2, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
            }
            return out;
        });
    }

    private Sent find(String id) {
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement(SELECT + " WHERE id = ?")) {
                s.setString(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    return read(rs);
                }
            }
        });
    }

    private static final String SELECT =
            "SELECT id, station_id, action, seconds, actor, sent_at, status, done_at, detail FROM station_command";

    private static Sent read(ResultSet rs) throws java.sql.SQLException {
        return new Sent(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                Instant.parse(rs.getString(6)), rs.getString(7),
                rs.getString(8) == null ? null : Instant.parse(rs.getString(8)), rs.getString(9));
    }
}
