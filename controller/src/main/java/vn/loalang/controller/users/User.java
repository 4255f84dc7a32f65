package vn.loalang.controller.users;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A person who uses the controller, as shown and audited: the password hash is never part of it.
 *
 * @param villages the village ids a village head acts for; empty for the other roles
 * @param language {@code vi} or {@code en}, for what the console shows
 * @param mustChangePassword the user was given a password (the first administrator's printed one, or one an
 *                           administrator set) and may do nothing but change it
 */
public record User(String username, String displayName, Role role, List<String> villages, String language,
                   Instant createdAt, boolean disabled, boolean mustChangePassword) {
    public User(String username, String displayName, Role role, List<String> villages, String language,
                Instant createdAt, boolean disabled) {
        this(username, displayName, role, villages, language, createdAt, disabled, false);
    }

    public User {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(role, "role");
        villages = villages == null ? List.of() : List.copyOf(villages);
        displayName = displayName == null ? username : displayName;
        language = language == null ? "vi" : language;
    }
}
