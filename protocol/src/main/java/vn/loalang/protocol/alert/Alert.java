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
 * @param priority        {@code EMERGENCY} (pre-empts everything, ignores quiet hours) or {@code WARNING}; read
 *                        from a newer controller, possibly {@link AlertPriority#UNRECOGNIZED}
 * @param preamble        {@code SIREN} (when absent), {@code CHIME} or {@code NONE}: generated on the station,
 *                        never downloaded; likewise possibly {@link AlertPreamble#UNRECOGNIZED}
 * @param items           what to say after the preamble; may be empty (the station then says its built-in fallback)
 * @param repeats         how many times the whole announcement plays, 1 to 10
 * @param intervalSeconds silence between two plays
 */
public record Alert(int schema, String id, String zone, AlertPriority priority, String title, String reason,
                    Instant issuedAt, Instant expiresAt, AlertPreamble preamble, List<Item> items, int repeats,
                    int intervalSeconds, boolean cancelled) {
    /** The priorities a controller sends, as they travel: what its tools offer. */
    public static final Set<String> PRIORITIES = names(AlertPriority.SENT);
    /** The preambles a controller sends, as they travel. */
    public static final Set<String> PREAMBLES = names(AlertPreamble.SENT);
    /** The most plays of one alert; each play is a session named by {@link AlertId}. */
    public static final int MAX_REPEATS = 10;
    /** The longest silence between two plays. */
    public static final int MAX_INTERVAL_SECONDS = 3600;
    /**
     * What a controller gives an alert asked for without them (the API, the {@code alert} tool, CAP),
     * here so that the controller and its tools' help read the same values.
     */
    public static final AlertPriority DEFAULT_PRIORITY = AlertPriority.EMERGENCY;
    public static final AlertPreamble DEFAULT_PREAMBLE = AlertPreamble.SIREN;
    public static final int DEFAULT_REPEATS = 1;
    public static final int DEFAULT_INTERVAL_SECONDS = 30;
    public static final Duration DEFAULT_LIFE = Duration.ofMinutes(30);
    /** The longest an alert may stay on the broker: what a controller issues, and what its tools offer. */
    public static final Duration LONGEST = Duration.ofHours(24);

    public Alert {
        SchemaVersion.require(schema);
        Ids.require("alert", id);
        Ids.require("zone", zone);
        if (priority == null) {
            throw new IllegalArgumentException("alert " + id + ": priority is missing: " + orList(AlertPriority.SENT));
        }
        Objects.requireNonNull(title, "alert " + id + ": title");
        Objects.requireNonNull(issuedAt, "alert " + id + ": issuedAt");
        Objects.requireNonNull(expiresAt, "alert " + id + ": expiresAt");
        if (!expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("alert " + id + ": expiresAt " + expiresAt + " is not after issuedAt " + issuedAt);
        }
        preamble = preamble == null ? DEFAULT_PREAMBLE : preamble;
        items = items == null ? List.of() : List.copyOf(items);
        if (repeats < 1 || repeats > MAX_REPEATS) {
            throw new IllegalArgumentException("alert " + id + ": repeats must be from 1 to " + MAX_REPEATS + ", not "
                    + repeats);
        }
        if (intervalSeconds < 0 || intervalSeconds > MAX_INTERVAL_SECONDS) {
            throw new IllegalArgumentException("alert " + id + ": intervalSeconds must be from 0 to " + MAX_INTERVAL_SECONDS);
        }
    }

    /** Whether it is played as an emergency: an {@code EMERGENCY}, or a priority this version does not know. */
    public boolean emergency() {
        return priority.heardAs() == AlertPriority.EMERGENCY;
    }

    /** Whether a newer controller gave it a priority or preamble this version does not know (played as the highest known). */
    public boolean unrecognized() {
        return priority == AlertPriority.UNRECOGNIZED || preamble == AlertPreamble.UNRECOGNIZED;
    }

    public Duration itemsDuration() {
        return Duration.ofMillis(items.stream().mapToLong(Item::durationMillis).sum());
    }

    private static Set<String> names(List<? extends Enum<?>> values) {
        return values.stream().map(Enum::name).collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** The one of {@code among} whose name is {@code text}: how the priorities and preambles are read. */
    static <E extends Enum<E>> java.util.Optional<E> named(List<E> among, String text) {
        return among.stream().filter(e -> e.name().equals(text)).findFirst();
    }

    /** "A, B or C", for the rules said in refusals. */
    static String orList(List<? extends Enum<?>> values) {
        List<String> names = values.stream().map(Enum::name).toList();
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }
}
