package vn.loalang.provisioning.broker;

import vn.loalang.protocol.Ids;

import java.util.List;
import java.util.Objects;

/**
 * One user on the broker: the controller, or a station whose user name is its station id.
 *
 * @param passwordHash a Mosquitto {@code $7$} hash ({@link MosquittoPassword}); never the password
 * @param villages     for a station, the villages whose alerts it may hear (its own, after merges too)
 */
public record BrokerAccount(String username, String passwordHash, Kind kind, List<String> villages) {
    /** The controller (everything), a station (its own topics), an observer (reads everything, writes nothing). */
    public enum Kind { CONTROLLER, STATION, OBSERVER }

    public BrokerAccount {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(kind, "kind");
        if (username.isEmpty() || username.contains(":") || username.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("broker user name '" + username + "' cannot hold ':' or spaces");
        }
        if (passwordHash == null || !passwordHash.startsWith("$7$")) {
            throw new IllegalArgumentException("broker user " + username + " needs a Mosquitto $7$ password hash");
        }
        villages = villages == null ? List.of() : List.copyOf(villages);
        if (kind == Kind.STATION) {
            Ids.require("station", username);
            villages.forEach(v -> Ids.require("village", v));
        }
    }

    public static BrokerAccount controller(String username, String passwordHash) {
        return new BrokerAccount(username, passwordHash, Kind.CONTROLLER, List.of());
    }

    /** A read-only account for a monitoring bot or a dashboard: it may read the whole tree and write nothing. */
    public static BrokerAccount observer(String username, String passwordHash) {
        return new BrokerAccount(username, passwordHash, Kind.OBSERVER, List.of());
    }

    public static BrokerAccount station(String stationId, String passwordHash, List<String> villages) {
        return new BrokerAccount(stationId, passwordHash, Kind.STATION, villages);
    }
}
