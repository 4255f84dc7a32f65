package vn.loalang.controller.users;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A person who uses the controller, as shown and audited: the password hash is never part of it.
 *
 * @param villages the village ids a village head acts for; empty for the other roles
 * @param language {@code vi} or {@code en}, for what the console shows
 */
public record User(String username, String displayName, Role role, List<String> villages, String language,
                   Instant createdAt, boolean disabled) {
    public User {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(role, "role");
        villages = villages == null ? List.of() : List.copyOf(villages);
        displayName = displayName == null ? username : displayName;
        language = language == null ? "vi" : language;
    }
}
