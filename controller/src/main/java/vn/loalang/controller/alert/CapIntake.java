package vn.loalang.controller.alert;

import vn.loalang.protocol.alert.AlertPreamble;
import vn.loalang.protocol.alert.AlertPriority;
import vn.loalang.protocol.alert.Alert;
import com.fasterxml.jackson.core.type.TypeReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.protocol.LogText;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.alert.cap.CapAlert;
import vn.loalang.controller.alert.cap.CapException;
import vn.loalang.controller.alert.cap.CapMapping;
import vn.loalang.controller.alert.cap.CapParser;
import vn.loalang.controller.alert.cap.LatLon;
import vn.loalang.controller.alert.cap.VillageArea;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.Json;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * CAP 1.2 alerts from a warning authority, delivered to {@code POST /api/cap} by an account made
 * for it (so the sender is authenticated by the API, not by what the XML claims): parsed, matched
 * to the commune's villages, and decided by {@link CapMapping} — an immediate emergency broadcast,
 * one an operator must confirm, a cancel of earlier ones, or nothing (tests, exercises, drafts
 * never reach a loudspeaker). Every message and decision is kept and audited.
 */
public final class CapIntake {
    private static final Logger log = LoggerFactory.getLogger(CapIntake.class);
    /** The speech engine's limit, less room: a long bulletin is cut at a sentence rather than refused. */
    static final int MAX_SPOKEN = 1800;
    /** Far more than a real Update or Cancel names; each is looked up in the store. */
    static final int MAX_REFERENCES = 100;

    /** A CAP message as received and decided. */
    public record Received(long id, Instant receivedAt, String actor, String identifier, String sender,
                           String decision, String reason, List<String> villages, String title, String text,
                           Instant expiresAt, String state, String alertId) {
    }

    /** An Update or Cancel posted by another account than the message it references: refused (403). */
    public static final class NotTheSender extends RuntimeException {
        NotTheSender(String message) {
            super(message);
        }
    }

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final CapParser parser = new CapParser();
    private final CapMapping mapping;
    private final AlertService alerts;
    private final Supplier<Commune> commune;

    public CapIntake(Store store, AuditLog audit, Clock clock, CapMapping mapping, AlertService alerts,
                     Supplier<Commune> commune) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.mapping = mapping;
        this.alerts = alerts;
        this.commune = commune;
    }

    /** Takes one CAP message; a malformed one is refused (400) with the element and the problem. */
    public synchronized Received receive(User user, byte[] xml) {
        CapAlert cap;
        try {
            cap = parser.parse(xml);
        } catch (CapException e) {
            throw new ChangeException(Kind.INVALID, e.element(), "CAP không hợp lệ / the CAP alert was refused: "
                    + e.getMessage());
        }
        Optional<Received> again = recent(1000).stream()
                .filter(r -> r.sender().equals(cap.sender()) && r.identifier().equals(cap.identifier())).findFirst();
        if (again.isPresent() && again.get().actor().equals(user.username())) {
            // A feed that retries after a slow answer: the same message is one alert, not two.
            log.info("CAP {} from {} was received already (message {}); nothing new", LogText.of(cap.identifier()),
                    LogText.of(cap.sender()), again.get().id());
            return again.get();
        }
        if (again.isPresent()) {
            // Another feed's message, or another account posing as its sender: neither shown nor taken.
            log.warn("CAP {} from {} posted by account {} refused: account {} posted it first", LogText.of(cap.identifier()),
                    LogText.of(cap.sender()), user.username(), again.get().actor());
            store.transaction(c -> {
                audit.record(c, user.username(), "cap.refused", cap.sender() + " " + cap.identifier(), null,
                        Map.of("msgType", String.valueOf(cap.msgType()), "reason", "posted first by another account"));
                return null;
            });
            throw new NotTheSender("Bản tin CAP này đã do tài khoản khác gửi / this CAP message was posted by another"
                    + " account first");
        }
        requireSameAccount(user, cap);
        CapMapping.Decision decision = mapping.decide(cap, areas(commune.get()));
        String title = decision.announcement() == null ? null : title(decision.announcement().info());
        String text = decision.announcement() == null ? null : spoken(decision.announcement().text());
        // issue 19: the mirror prints the headline and the instruction on their own lines.
        String headline = decision.announcement() == null ? null : decision.announcement().info().headline();
        String instruction = decision.announcement() == null ? null : decision.announcement().info().instruction();
        Instant expires = decision.announcement() == null || decision.announcement().info().expires() == null ? null
                : decision.announcement().info().expires().toInstant();
        String state = decision.kind() == CapMapping.Decision.Kind.NEEDS_CONFIRMATION ? "PENDING" : "DONE";
        long id = store.transaction(c -> {
            long row;
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO cap_message (received_at, actor, identifier, sender, decision, reason, villages_json,
                                             title, text, expires_at, state, xml, headline, instruction)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", Statement.RETURN_GENERATED_KEYS)) {
                s.setString(1, clock.instant().toString());
                s.setString(2, user.username());
                s.setString(3, cap.identifier());
                s.setString(4, cap.sender());
                s.setString(5, decision.kind().name());
                s.setString(6, decision.reason());
                s.setString(7, new String(Json.write(decision.villages()), StandardCharsets.UTF_8));
                s.setString(8, title);
                s.setString(9, text);
                s.setString(10, expires == null ? null : expires.toString());
                s.setString(11, state);
                s.setBytes(12, xml);
                s.setString(13, headline);
                s.setString(14, instruction);
                s.executeUpdate();
                try (ResultSet keys = s.getGeneratedKeys()) {
                    keys.next();
                    row = keys.getLong(1);
                }
            }
            audit.record(c, user.username(), "cap.receive", cap.sender() + " " + cap.identifier(), null,
                    Map.of("decision", decision.kind().name(), "reason", decision.reason(), "villages",
                            List.copyOf(decision.villages())));
            return row;
        });
        log.info("CAP {} from {} ({} {}): {} — {}", LogText.of(cap.identifier()), LogText.of(cap.sender()), cap.status(), cap.msgType(),
                decision.kind(), decision.reason());
        // An Update (or a Cancel) replaces what it references, wherever that went or waits.
        if (!decision.references().isEmpty()) {
            cancelReferenced(user, decision);
        }
        if (decision.kind() == CapMapping.Decision.Kind.IMMEDIATE) {
            try {
                broadcast(user, id);
            } catch (RuntimeException e) {
                // No loudspeaker sounded: the message waits for an operator, who sees why.
                log.error("CAP {} could not be broadcast ({}); it waits for an operator", LogText.of(cap.identifier()), e.getMessage());
                setState(user, id, "PENDING", null, "cap.broadcast_failed");
            }
        }
        return find(id).orElseThrow();
    }

    /**
     * A message that references earlier ones (an Update replaces them, a Cancel withdraws them) must come through
     * the account that posted them: one feed's stolen password must not silence another authority's warning. A
     * reference to a message never received here is left to the decision (it acts on nothing).
     */
    private void requireSameAccount(User user, CapAlert cap) {
        if (cap.references().size() > MAX_REFERENCES) {
            throw new ChangeException(Kind.INVALID, "references", "CAP không hợp lệ / a CAP message references at most "
                    + MAX_REFERENCES + " earlier ones, this one " + cap.references().size());
        }
        List<String> others = new ArrayList<>();
        for (CapAlert.Reference ref : cap.references()) {
            for (String actor : actorsOf(ref)) {
                if (!actor.equals(user.username())) {
                    others.add(ref.sender() + "," + ref.identifier() + " (" + actor + ")");
                }
            }
        }
        if (others.isEmpty()) {
            return;
        }
        store.transaction(c -> {
            audit.record(c, user.username(), "cap.refused", cap.sender() + " " + cap.identifier(), null,
                    Map.of("msgType", String.valueOf(cap.msgType()), "reason", "references messages posted by"
                            + " another account", "references", List.copyOf(others)));
            return null;
        });
        log.warn("CAP {} {} posted by account {} refused: it references messages posted by another account: {}",
                cap.msgType(), LogText.of(cap.identifier()), user.username(), LogText.of(String.join(", ", others), 400));
        throw new NotTheSender("Bản tin " + cap.msgType() + " phải do chính tài khoản đã gửi bản tin gốc gửi / a CAP "
                + cap.msgType() + " must come from the account that posted what it references; these came from"
                + " another: " + String.join(", ", others));
    }

    private List<String> actorsOf(CapAlert.Reference ref) {
        return store.query(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT DISTINCT actor FROM cap_message WHERE sender = ? AND identifier = ?")) {
                s.setString(1, ref.sender());
                s.setString(2, ref.identifier());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            return out;
        });
    }

    /** An operator's yes to a CAP alert that waited for it. */
    public synchronized Received confirm(User user, long id) {
        Received r = pending(id);
        if (r.expiresAt() != null && !r.expiresAt().isAfter(clock.instant())) {
            throw new ChangeException(Kind.CONFLICT, null, "Cảnh báo đã hết hạn / CAP message " + id + " expired at "
                    + r.expiresAt() + ": it is no longer broadcast");
        }
        broadcast(user, id);
        log.info("CAP {} confirmed by {}", r.identifier(), user.username());
        return find(id).orElseThrow();
    }

    public synchronized Received dismiss(User user, long id) {
        Received r = pending(id);
        setState(user, id, "DISMISSED", null, "cap.dismiss");
        log.info("CAP {} dismissed by {}", r.identifier(), user.username());
        return find(id).orElseThrow();
    }

    /** The newest first. */
    public List<Received> recent(int limit) {
        return store.query(c -> {
            List<Received> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(SELECT + " ORDER BY id DESC LIMIT ?")) {
                s.setInt(1, limit);
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
            }
            return out;
        });
    }

    private void broadcast(User user, long id) {
        Received r = find(id).orElseThrow();
        Instant now = clock.instant();
        Instant expires = r.expiresAt() == null || !r.expiresAt().isAfter(now) ? now.plus(Duration.ofHours(2))
                : r.expiresAt().isAfter(now.plus(Alert.LONGEST)) ? now.plus(Alert.LONGEST) : r.expiresAt();
        String[] words = headlineAndInstruction(id);
        AlertService.Triggered alert = alerts.trigger(user, new AlertService.Request(r.villages(), null, r.text(), "vi",
                AlertPriority.EMERGENCY.name(), r.title(), "CAP " + r.identifier() + " — " + r.sender(),
                AlertPreamble.SIREN.name(), 2, 20, expires, null, words[0], words[1]));
        setState(user, id, r.state().equals("PENDING") ? "CONFIRMED" : "DONE", alert.id(),
                r.state().equals("PENDING") ? "cap.confirm" : "cap.broadcast");
    }

    /** The CAP headline and instruction kept with message {@code id} (issue 19: the mirror prints them). */
    private String[] headlineAndInstruction(long id) {
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT headline, instruction FROM cap_message WHERE id = ?")) {
                s.setLong(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : new String[2];
                }
            }
        });
    }

    private void cancelReferenced(User user, CapMapping.Decision decision) {
        for (CapAlert.Reference ref : decision.references()) {
            for (Received earlier : recent(500)) {
                if (earlier.identifier().equals(ref.identifier()) && earlier.sender().equals(ref.sender())
                        && earlier.alertId() != null) {
                    alerts.status(earlier.alertId()).filter(a -> a.state().equals("ACTIVE"))
                            .ifPresent(a -> alerts.cancel(user, a.id()));
                }
                if (earlier.identifier().equals(ref.identifier()) && earlier.sender().equals(ref.sender())
                        && earlier.state().equals("PENDING")) {
                    setState(user, earlier.id(), "DISMISSED", null, "cap.cancelled");
                }
            }
        }
    }

    private Received pending(long id) {
        Received r = find(id).orElseThrow(() -> new ChangeException(Kind.NOT_FOUND, null,
                "Không có cảnh báo CAP / no CAP message " + id));
        if (!r.state().equals("PENDING")) {
            throw new ChangeException(Kind.CONFLICT, null, "CAP message " + id + " is " + r.state().toLowerCase(Locale.ROOT)
                    + ", not waiting for confirmation");
        }
        return r;
    }

    private void setState(User user, long id, String state, String alertId, String action) {
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE cap_message SET state = ?, alert_id = coalesce(?, alert_id) WHERE id = ?")) {
                s.setString(1, state);
                s.setString(2, alertId);
                s.setLong(3, id);
                s.executeUpdate();
            }
            audit.record(c, user.username(), action, Long.toString(id), null, Map.of("state", state));
            return null;
        });
    }

    private Optional<Received> find(long id) {
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement(SELECT + " WHERE id = ?")) {
                s.setLong(1, id);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    private static final String SELECT = """
            SELECT id, received_at, actor, identifier, sender, decision, reason, villages_json, title, text, expires_at,
                   state, alert_id FROM cap_message""";

    private static Received read(ResultSet rs) throws java.sql.SQLException {
        List<String> villages;
        try {
            villages = Json.mapper().readValue(rs.getString(8), new TypeReference<List<String>>() { });
        } catch (java.io.IOException e) {
            throw new java.sql.SQLException("villages of CAP message " + rs.getLong(1) + " are not readable", e);
        }
        return new Received(rs.getLong(1), Instant.parse(rs.getString(2)), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), villages, rs.getString(9), rs.getString(10),
                rs.getString(11) == null ? null : Instant.parse(rs.getString(11)), rs.getString(12), rs.getString(13));
    }

    /** The commune's villages as CAP areas are matched against them: geocodes, and where their loudspeakers stand. */
    static List<VillageArea> areas(Commune c) {
        List<VillageArea> out = new ArrayList<>();
        for (Commune.Village v : c.villages()) {
            List<LatLon> where = new ArrayList<>();
            for (Commune.Station s : c.stations()) {
                if (s.village().equals(v.id()) && s.latitude() != null) {
                    where.add(new LatLon(s.latitude(), s.longitude()));
                }
            }
            out.add(new VillageArea(v.id(), new HashSet<>(v.geocodes()), where));
        }
        return out;
    }

    private static String title(vn.loalang.controller.alert.cap.CapInfo info) {
        return info.headline() != null && !info.headline().isBlank() ? info.headline() : info.event();
    }

    /** Cut at the last sentence that fits, so the speech engine says whole sentences. */
    static String spoken(String text) {
        if (text == null || text.length() <= MAX_SPOKEN) {
            return text;
        }
        String head = text.substring(0, MAX_SPOKEN);
        int stop = Math.max(head.lastIndexOf(". "), head.lastIndexOf(".\n"));
        return (stop > MAX_SPOKEN / 2 ? head.substring(0, stop + 1) : head) + " …";
    }
}
