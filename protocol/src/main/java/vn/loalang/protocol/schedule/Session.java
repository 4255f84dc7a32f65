package vn.loalang.protocol.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One broadcast session on one day: the playlist starts at {@code start} (the first sample leaves
 * then) and nothing of it may play after {@code end}, the end of its window.
 *
 * @param id unique within the schedule, e.g. {@code 2026-11-24.morning}
 */
public record Session(String id, String name, Instant start, Instant end, List<Item> items) {
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
