package vn.loalang.controller.users;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.protocol.Json;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The controller's users in the store ({@code app_user}). Every change is audited in the same
 * transaction. Passwords are checked outside the store's lock: PBKDF2 takes a third of a second,
 * and the play log must not wait for a login.
 */
public final class UserDirectory {
    private static final Logger log = LoggerFactory.getLogger(UserDirectory.class);
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9._-]{3,32}");
    public static final int MIN_PASSWORD_LENGTH = 10;
    /** Long passphrases are welcome; a megabyte "password" is an attack on the hash, refused before it. */
    public static final int MAX_PASSWORD_LENGTH = 256;
    public static final String ADMIN_PASSWORD_ENV = "LOALANG_ADMIN_PASSWORD";
    public static final String FIRST_ADMIN = "admin";
    /** Who the controller itself is in the audit log. */
    public static final String SYSTEM = "system";

    /** A new user as asked for; validated by {@link #create}. */
    public record NewUser(String username, String displayName, Role role, List<String> villages, String language,
                          String password) {
    }

    private final Store store;
    private final PasswordHasher hasher;
    private final AuditLog audit;
    private final Clock clock;
    private final Supplier<Set<String>> villages;
    /** Checked against when the user is unknown, so that an unknown name takes as long as a wrong password. */
    private volatile String decoy;
    /** Told the user name each time all of that user's sessions end, after the change is committed. */
    private final List<Consumer<String>> sessionsEnded = new CopyOnWriteArrayList<>();

    public UserDirectory(Store store, PasswordHasher hasher, AuditLog audit, Clock clock, Set<String> villages) {
        this(store, hasher, audit, clock, () -> villages);
    }

    /** @param villages the commune's village ids as they are now (villages are added and merged while it runs) */
    public UserDirectory(Store store, PasswordHasher hasher, AuditLog audit, Clock clock,
                         Supplier<Set<String>> villages) {
        this.store = store;
        this.hasher = hasher;
        this.audit = audit;
        this.clock = clock;
        this.villages = villages;
    }

    /**
     * On a store with no user at all, creates {@code admin} with the password from
     * {@code envPassword} when set, else a random one printed once to {@code console} (never to
     * the log). Returns true when it created the administrator.
     */
    public boolean ensureFirstAdmin(Supplier<String> envPassword, PrintStream console) {
        if (store.query(c -> count(c) > 0)) {
            return false;
        }
        String fromEnv = envPassword.get();
        boolean random = fromEnv == null || fromEnv.isBlank();
        String password = random ? PasswordHasher.randomPassword() : fromEnv;
        create(SYSTEM, new NewUser(FIRST_ADMIN, "Quản trị viên", Role.ADMIN, List.of(), "vi", password));
        if (random) {
            // A password printed on a console may be read over a shoulder or kept in a journal: it opens one door only,
            // the one to choose a new password (see api.Router's gate).
            store.transaction(c -> {
                setMustChange(c, FIRST_ADMIN, true);
                return null;
            });
            console.println("Tài khoản quản trị đầu tiên / First administrator: " + FIRST_ADMIN
                    + "  mật khẩu / password: " + password + "  — đổi ngay / change it now");
            console.flush();
            log.info("First administrator '{}' created with a random password shown once on the console", FIRST_ADMIN);
        } else {
            log.info("First administrator '{}' created with the password from {}", FIRST_ADMIN, ADMIN_PASSWORD_ENV);
        }
        return true;
    }

    public User create(String actor, NewUser n) {
        if (n.username() == null || !USERNAME.matcher(n.username()).matches()) {
            throw new UserException(Kind.INVALID, "username",
                    "Tên đăng nhập 3–32 ký tự a-z 0-9 . _ - / username must be 3–32 of a-z 0-9 . _ -");
        }
        List<String> vs = checkRole(n.role(), n.villages());
        String language = n.language() == null ? "vi" : n.language();
        if (!language.equals("vi") && !language.equals("en")) {
            throw new UserException(Kind.INVALID, "language", "language must be vi or en");
        }
        requirePassword(n.password());
        User user = new User(n.username(), blankToNull(n.displayName()), n.role(), vs, language, clock.instant(), false);
        String hash = hasher.hash(n.password().toCharArray());
        store.transaction(c -> {
            if (find(c, user.username()).isPresent()) {
                throw new UserException(Kind.CONFLICT, "username", "a user named " + user.username() + " exists already");
            }
            try (PreparedStatement s = c.prepareStatement("""
                    INSERT INTO app_user (username, display_name, role, villages_json, language, password_hash, created_at,
                                          disabled)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 0)""")) {
                s.setString(1, user.username());
                s.setString(2, user.displayName());
                s.setString(3, user.role().name());
                s.setString(4, new String(Json.write(user.villages()), StandardCharsets.UTF_8));
                s.setString(5, user.language());
                s.setString(6, hash);
                s.setString(7, user.createdAt().toString());
                s.executeUpdate();
            }
            audit.record(c, actor, "user.create", user.username(), null, user);
            return null;
        });
        log.info("User {} created by {} with role {}", user.username(), actor, user.role());
        return user;
    }

    public Optional<User> find(String username) {
        return store.query(c -> find(c, username));
    }

    /** Whether {@code username} could be a user's name at all: a login with another is refused before any hash. */
    public static boolean wellFormedName(String username) {
        return username != null && USERNAME.matcher(username).matches();
    }

    /** {@code listener} is told a user's name each time all their sessions end (disabled, role, password...). */
    public void onSessionsEnded(Consumer<String> listener) {
        sessionsEnded.add(listener);
    }

    /** Validates a role and its villages: only a village head carries villages, and at least one that exists. */
    private List<String> checkRole(Role role, List<String> asked) {
        if (role == null) {
            throw new UserException(Kind.INVALID, "role", "role must be one of " + java.util.Arrays.toString(Role.values()));
        }
        if (asked != null && asked.stream().anyMatch(java.util.Objects::isNull)) {
            throw new UserException(Kind.INVALID, "villages", "villages must be village ids, not null");
        }
        List<String> vs = asked == null ? List.of() : List.copyOf(new java.util.LinkedHashSet<>(asked));
        if (role == Role.VILLAGE_HEAD) {
            if (vs.isEmpty()) {
                throw new UserException(Kind.INVALID, "villages", "a village head needs at least one village");
            }
            Set<String> known = villages.get();
            for (String v : vs) {
                if (!known.contains(v)) {
                    throw new UserException(Kind.INVALID, "villages", "no village with id " + v);
                }
            }
        } else if (!vs.isEmpty()) {
            throw new UserException(Kind.INVALID, "villages", "only a village head carries villages");
        }
        return vs;
    }

    /**
     * Gives {@code username} another role and villages (an administrator's change). Their sessions end at once:
     * a console opened with the old rights must not keep them.
     */
    public User changeRole(String actor, String username, Role role, List<String> asked) {
        List<String> vs = checkRole(role, asked);
        User after = store.transaction(c -> {
            User before = existing(c, username);
            if (before.role() == Role.ADMIN && role != Role.ADMIN && !before.disabled()) {
                requireAnotherAdmin(c, username);
            }
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE app_user SET role = ?, villages_json = ? WHERE username = ?")) {
                s.setString(1, role.name());
                s.setString(2, new String(Json.write(vs), StandardCharsets.UTF_8));
                s.setString(3, username);
                s.executeUpdate();
            }
            deleteSessions(c, username);
            User now = find(c, username).orElseThrow();
            audit.record(c, actor, "user.role", username, before, now);
            return now;
        });
        log.info("User {} now has role {} (villages {}), set by {}; their sessions ended", username, role, vs, actor);
        ended(username);
        return after;
    }

    /** Lets a disabled user log in again (with the password they had). */
    public User enable(String actor, String username) {
        User after = store.transaction(c -> {
            User before = existing(c, username);
            try (PreparedStatement s = c.prepareStatement("UPDATE app_user SET disabled = 0 WHERE username = ?")) {
                s.setString(1, username);
                s.executeUpdate();
            }
            User now = find(c, username).orElseThrow();
            audit.record(c, actor, "user.enable", username, before, now);
            return now;
        });
        log.info("User {} enabled by {}", username, actor);
        return after;
    }

    /**
     * The user changes their own password, proving they know the current one (a console left open must not be
     * enough to take the account). Clears the must-change mark; every session of theirs ends, the caller's too.
     */
    public User changeOwnPassword(String username, String current, String next) {
        requirePassword(next);
        String stored = store.query(c -> storedHash(c, username)).orElseThrow(
                () -> new UserException(Kind.NOT_FOUND, null, "no user named " + username));
        if (current == null || current.length() > MAX_PASSWORD_LENGTH
                || !hasher.verify(current.toCharArray(), stored)) {
            store.transaction(c -> {
                audit.record(c, username, "user.password.refused", username, null, null);
                return null;
            });
            throw new UserException(Kind.REFUSED, "currentPassword",
                    "Mật khẩu hiện tại không đúng / the current password is wrong");
        }
        if (next.equals(current)) {
            throw new UserException(Kind.INVALID, "password", "Mật khẩu mới phải khác mật khẩu cũ / the new password"
                    + " must differ from the current one");
        }
        String hash = hasher.hash(next.toCharArray());
        User after = store.transaction(c -> {
            User before = existing(c, username);
            setHash(c, username, hash);
            setMustChange(c, username, false);
            deleteSessions(c, username);
            User now = find(c, username).orElseThrow();
            audit.record(c, username, "user.password", username, before, now);
            return now;
        });
        log.info("User {} changed their own password; their sessions ended", username);
        ended(username);
        return after;
    }

    public List<User> all() {
        return store.query(c -> {
            List<User> out = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(SELECT + " ORDER BY username");
                 ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.add(user(rs));
                }
            }
            return out;
        });
    }

    /**
     * The user when {@code password} is theirs and the account is enabled; the attempt is audited
     * either way (never the password). A hash made with fewer iterations than now is replaced.
     */
    public Optional<User> authenticate(String username, String password) {
        if (!wellFormedName(username) || password == null || password.length() > MAX_PASSWORD_LENGTH) {
            // No such user can exist, or no such password: refused without a hash or a write, which under a flood
            // would be work done for the attacker. The API counts it as a failure all the same.
            return Optional.empty();
        }
        String name = username;
        char[] pw = password.toCharArray();
        Optional<String> stored = store.query(c -> storedHash(c, name));
        boolean matches = hasher.verify(pw, stored.orElseGet(this::decoy)) && stored.isPresent();
        String rehash = matches && hasher.needsRehash(stored.get()) ? hasher.hash(pw) : null;
        return store.transaction(c -> {
            Optional<User> user = find(c, name).filter(u -> matches && !u.disabled());
            if (user.isEmpty()) {
                audit.record(c, name, "login.failed", name, null, null);
                return user;
            }
            if (rehash != null) {
                setHash(c, name, rehash);
            }
            audit.record(c, name, "login", name, null, null);
            return user;
        });
    }

    /**
     * Sets a new password for {@code username}; {@code actor} is an administrator or the user themself. A password
     * set by someone else is known to them: the user must change it at their next login.
     */
    public void setPassword(String actor, String username, String password) {
        requirePassword(password);
        String hash = hasher.hash(password.toCharArray());
        store.transaction(c -> {
            User user = existing(c, username);
            setHash(c, username, hash);
            setMustChange(c, username, !actor.equals(username));
            // Every session of the user ends: whoever held the old password is logged out too.
            deleteSessions(c, username);
            audit.record(c, actor, "user.password", username, user, find(c, username).orElse(null));
            return null;
        });
        log.info("Password of user {} changed by {}", username, actor);
        ended(username);
    }

    /** The language a user's console speaks first: {@code vi} or {@code en}. */
    public User setLanguage(String username, String language) {
        if (!"vi".equals(language) && !"en".equals(language)) {
            throw new UserException(Kind.INVALID, "language", "Ngôn ngữ là vi hoặc en / language is vi or en, not "
                    + language);
        }
        return store.transaction(c -> {
            User before = find(c, username).orElseThrow(
                    () -> new UserException(Kind.NOT_FOUND, null, "no user named " + username));
            try (PreparedStatement s = c.prepareStatement("UPDATE app_user SET language = ? WHERE username = ?")) {
                s.setString(1, language);
                s.setString(2, username);
                s.executeUpdate();
            }
            User after = find(c, username).orElseThrow();
            audit.record(c, username, "user.language", username, before, after);
            return after;
        });
    }

    /** Stops {@code username} from logging in; their sessions (and open event streams) end at once. */
    public User disable(String actor, String username) {
        User after = store.transaction(c -> {
            User before = existing(c, username);
            if (before.role() == Role.ADMIN && !before.disabled()) {
                requireAnotherAdmin(c, username);
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE app_user SET disabled = 1 WHERE username = ?")) {
                s.setString(1, username);
                s.executeUpdate();
            }
            deleteSessions(c, username);
            User now = find(c, username).orElseThrow();
            audit.record(c, actor, "user.disable", username, before, now);
            return now;
        });
        log.info("User {} disabled by {}; their sessions ended", username, actor);
        ended(username);
        return after;
    }

    private static User existing(Connection c, String username) throws SQLException {
        return find(c, username).orElseThrow(() -> new UserException(Kind.NOT_FOUND, null,
                "Không có người dùng / no user named " + username));
    }

    /** Nobody could manage the users again once the last enabled administrator is gone. */
    private static void requireAnotherAdmin(Connection c, String leaving) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FROM app_user WHERE role = 'ADMIN' AND disabled = 0 AND username <> ?")) {
            s.setString(1, leaving);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next() && rs.getLong(1) == 0) {
                    throw new UserException(Kind.CONFLICT, null, "Phải còn ít nhất một quản trị viên / " + leaving
                            + " is the last enabled administrator: make another one first");
                }
            }
        }
    }

    private static void deleteSessions(Connection c, String username) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM api_session WHERE username = ?")) {
            s.setString(1, username);
            s.executeUpdate();
        }
    }

    private static void setMustChange(Connection c, String username, boolean must) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "UPDATE app_user SET must_change_password = ? WHERE username = ?")) {
            s.setInt(1, must ? 1 : 0);
            s.setString(2, username);
            s.executeUpdate();
        }
    }

    private static Optional<String> storedHash(Connection c, String username) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT password_hash FROM app_user WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    private void ended(String username) {
        for (Consumer<String> l : sessionsEnded) {
            try {
                l.accept(username);
            } catch (RuntimeException e) {
                log.error("Could not end the open streams of user {}: {}", username, e.toString(), e);
            }
        }
    }

    /**
     * After village {@code from} was merged into {@code into}: every village head of {@code from}
     * becomes one of {@code into}. Runs on the caller's transaction, the merger's own.
     */
    public void villageMerged(Connection c, String actor, String from, String into) throws SQLException {
        List<User> heads = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(SELECT); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                User u = user(rs);
                if (u.villages().contains(from)) {
                    heads.add(u);
                }
            }
        }
        for (User before : heads) {
            List<String> villages = new ArrayList<>();
            for (String v : before.villages()) {
                String now = v.equals(from) ? into : v;
                if (!villages.contains(now)) {
                    villages.add(now);
                }
            }
            try (PreparedStatement s = c.prepareStatement("UPDATE app_user SET villages_json = ? WHERE username = ?")) {
                s.setString(1, new String(Json.write(villages), StandardCharsets.UTF_8));
                s.setString(2, before.username());
                s.executeUpdate();
            }
            audit.record(c, actor, "user.villages", before.username(), before, find(c, before.username()).orElse(null));
            log.info("Village head {} now serves village {} (merged from {})", before.username(), into, from);
        }
    }

    /** Refuses (CONFLICT) while a village head still serves {@code village}: they would be left with nothing, or
     * inherit a new village given the same id later. */
    public void requireNoHeadsOf(Connection c, String village) throws SQLException {
        List<String> heads = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(SELECT); ResultSet rs = s.executeQuery()) {
            while (rs.next()) {
                User u = user(rs);
                if (u.villages().contains(village)) {
                    heads.add(u.username());
                }
            }
        }
        if (!heads.isEmpty()) {
            throw new UserException(Kind.CONFLICT, null, "Thôn/ấp " + village + " còn trưởng thôn / village " + village
                    + " still has village head(s) " + String.join(", ", heads) + ": merge it into another village, or"
                    + " give them other villages first");
        }
    }

    /** Made at the first unknown name rather than at start: a start should not pay for a hash nobody needs. */
    private String decoy() {
        String d = decoy;
        if (d == null) {
            d = hasher.hash(PasswordHasher.randomPassword().toCharArray());
            decoy = d;
        }
        return d;
    }

    private static void requirePassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new UserException(Kind.INVALID, "password",
                    "Mật khẩu cần ít nhất " + MIN_PASSWORD_LENGTH + " ký tự / password needs at least "
                            + MIN_PASSWORD_LENGTH + " characters");
        }
        if (password.length() > MAX_PASSWORD_LENGTH) {
            throw new UserException(Kind.INVALID, "password", "Mật khẩu dài quá " + MAX_PASSWORD_LENGTH
                    + " ký tự / password is longer than " + MAX_PASSWORD_LENGTH + " characters");
        }
    }

    private static void setHash(Connection c, String username, String hash) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("UPDATE app_user SET password_hash = ? WHERE username = ?")) {
            s.setString(1, hash);
            s.setString(2, username);
            s.executeUpdate();
        }
    }

    private static final String SELECT =
            "SELECT username, display_name, role, villages_json, language, created_at, disabled, must_change_password"
                    + " FROM app_user";

    /** Reads a user on a connection the caller holds (a transaction of its own). */
    public static Optional<User> find(Connection c, String username) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(SELECT + " WHERE username = ?")) {
            s.setString(1, username);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(user(rs)) : Optional.empty();
            }
        }
    }

    private static long count(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM app_user");
             ResultSet rs = s.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static User user(ResultSet rs) throws SQLException {
        List<String> vs;
        try {
            vs = Json.mapper().readValue(rs.getString(4), new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new SQLException("villages of user " + rs.getString(1) + " are not a JSON list: " + e.getMessage(), e);
        }
        return new User(rs.getString(1), rs.getString(2), Role.valueOf(rs.getString(3)), vs, rs.getString(5),
                Instant.parse(rs.getString(6)), rs.getInt(7) != 0, rs.getInt(8) != 0);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
