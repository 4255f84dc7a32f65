package vn.loalang.controller.users;

import vn.loalang.controller.store.Store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Bearer tokens of logged-in users, in {@code api_session}. A token is 32 random bytes; only its
 * SHA-256 is stored, so the database file (or a backup of it) opens no session. A token lives
 * 12 hours: one working day at the commune office.
 */
public final class Sessions {
    public static final Duration LIFETIME = Duration.ofHours(12);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A session just opened: the token is shown to the client once and never stored. */
    public record Login(String token, Instant expiresAt, User user) {
    }

    private final Store store;
    private final UserDirectory users;
    private final Clock clock;

    public Sessions(Store store, UserDirectory users, Clock clock) {
        this.store = store;
        this.users = users;
        this.clock = clock;
    }

    public Optional<Login> login(String username, String password) {
        return users.authenticate(username, password).map(this::open);
    }

    /** A new session for {@code user}, who has just proved who they are (a login, a password change). */
    public Login open(User user) {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant now = clock.instant();
        Instant expires = now.plus(LIFETIME);
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "INSERT INTO api_session (token_hash, username, created_at, expires_at) VALUES (?, ?, ?, ?)")) {
                s.setString(1, hash(token));
                s.setString(2, user.username());
                s.setString(3, now.toString());
                s.setString(4, expires.toString());
                s.executeUpdate();
            }
            // Expired sessions are of no use to anyone: cleared here rather than by a timer.
            try (PreparedStatement s = c.prepareStatement("DELETE FROM api_session WHERE expires_at < ?")) {
                s.setString(1, now.toString());
                s.executeUpdate();
            }
            return null;
        });
        return new Login(token, expires, user);
    }

    /** The enabled user holding {@code token}, while it has not expired. */
    public Optional<User> user(String token) {
        if (token == null || token.isBlank()) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        return store.query(c -> {
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT username, expires_at FROM api_session WHERE token_hash = ?")) {
                s.setString(1, hash(token));
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next() || !Instant.parse(rs.getString(2)).isAfter(now)) {
                        return Optional.<User>empty();
                    }
                    String username = rs.getString(1);
                    return UserDirectory.find(c, username).filter(u -> !u.disabled());
                }
            }
        });
    }

    public void logout(String token) {
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM api_session WHERE token_hash = ?")) {
                s.setString(1, hash(token));
                s.executeUpdate();
            }
            return null;
        });
    }

    private static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
