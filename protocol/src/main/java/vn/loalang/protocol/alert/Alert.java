package vn.loalang.protocol.alert;

import vn.loalang.protocol.Ids;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.schedule.Item;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * An announcement for every loudspeaker of one village (zone), published signed and retained on
 * {@code {root}/zone/{zone}/alert} while it is active: a station that connects late still gets it.
 * The same alert id with {@code cancelled} true withdraws it everywhere at once.
 *
 * @param priority        {@code EMERGENCY} (pre-empts everything, ignores quiet hours) or {@code WARNING}
 * @param preamble        {@code SIREN}, {@code CHIME} or {@code NONE}: generated on the station, never downloaded
 * @param items           what to say after the preamble; may be empty (the station then says its built-in fallback)
 * @param repeats         how many times the whole announcement plays, 1 to 10
 * @param intervalSeconds silence between two plays
 */
public record Alert(int schema, String id, String zone, String priority, String title, String reason,
                    Instant issuedAt, Instant expiresAt, String preamble, List<Item> items, int repeats,
                    int intervalSeconds, boolean cancelled) {
    public static final Set<String> PRIORITIES = Set.of("EMERGENCY", "WARNING");
    public static final Set<String> PREAMBLES = Set.of("SIREN", "CHIME", "NONE");
    /** The most plays of one alert; each play is a session named by {@link AlertId}. */
    public static final int MAX_REPEATS = 10;
    /** The longest an alert may stay on the broker: what a controller issues, and what its tools offer. */
    public static final java.time.Duration LONGEST = java.time.Duration.ofHours(24);

    public Alert {
        SchemaVersion.require(schema);
        Ids.require("alert", id);
        Ids.require("zone", zone);
        if (!PRIORITIES.contains(priority)) {
            throw new IllegalArgumentException("alert " + id + ": priority '" + priority + "' is not EMERGENCY or WARNING");
        }
        Objects.requireNonNull(title, "alert " + id + ": title");
        Objects.requireNonNull(issuedAt, "alert " + id + ": issuedAt");
        Objects.requireNonNull(expiresAt, "alert " + id + ": expiresAt");
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("alert " + id + ": expiresAt " + expiresAt + " is not after issuedAt " + issuedAt);
        }
        preamble = preamble == null ? "SIREN" : preamble;
        if (!PREAMBLES.contains(preamble)) {
            throw new IllegalArgumentException("alert " + id + ": preamble '" + preamble + "' is not SIREN, CHIME or NONE");
        }
        items = items == null ? List.of() : List.copyOf(items);
        if (repeats < 1 || repeats > MAX_REPEATS) {
            throw new IllegalArgumentException("alert " + id + ": repeats must be from 1 to " + MAX_REPEATS + ", not "
                    + repeats);
        }
        if (intervalSeconds < 0 || intervalSeconds > 3600) {
            throw new IllegalArgumentException("alert " + id + ": intervalSeconds must be from 0 to 3600");
        }
    }

    public boolean emergency() {
        return priority.equals("EMERGENCY");
    }

    public Duration itemsDuration() {
        return Duration.ofMillis(items.stream().mapToLong(Item::durationMillis).sum());
    }
}
