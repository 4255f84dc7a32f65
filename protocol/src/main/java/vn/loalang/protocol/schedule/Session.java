package vn.loalang.protocol.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One broadcast session on one day: the playlist starts at {@code start} (the first sample leaves
 * then) and nothing of it may play after {@code end}, the end of its window.
 *
 * @param id       unique within the schedule, e.g. {@code 2026-11-24.morning}
 * @param volumeDb the operator's level for this session (quieter at 5 a.m.), added on the station to the
 *                 station's own level; null for 0 dB (added in issue 17)
 */
public record Session(String id, String name, Instant start, Instant end, List<Item> items, Double volumeDb) {
    /** A session at the station's level, as before issue 17. */
    public Session(String id, String name, Instant start, Instant end, List<Item> items) {
        this(id, name, start, end, items, null);
    }

    public Session {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("session id is missing");
        }
        Objects.requireNonNull(name, "session " + id + ": name");
        Objects.requireNonNull(start, "session " + id + ": start");
        Objects.requireNonNull(end, "session " + id + ": end");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("session " + id + ": end " + end + " is not after start " + start);
        }
        if (items == null || items.isEmpty()) {
            throw new IllegalArgumentException("session " + id + " has no items");
        }
        items = List.copyOf(items);
        Duration playlist = playlistDuration(items);
        if (playlist.compareTo(Duration.between(start, end)) > 0) {
            throw new IllegalArgumentException("session " + id + ": playlist lasts " + playlist.toSeconds()
                    + " s but the session window is only " + Duration.between(start, end).toSeconds() + " s");
        }
        Volume.check("session " + id, volumeDb);
    }

    /** The session's level in dB, 0 when none was set. */
    public double volume() {
        return volumeDb == null ? 0.0 : volumeDb;
    }

    public Duration playlistDuration() {
        return playlistDuration(items);
    }

    private static Duration playlistDuration(List<Item> items) {
        return Duration.ofMillis(items.stream().mapToLong(Item::durationMillis).sum());
    }

    public boolean overlaps(Session other) {
        return start.isBefore(other.end) && other.start.isBefore(end);
    }
}
