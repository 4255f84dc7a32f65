package vn.loalang.agent.playout;

import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Session;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Something to play on the line: a scheduled session, or a warning or emergency put in by the
 * station's other parts. {@code start} is when its first sample is due; nothing of it sounds
 * after {@code end}. {@code late} is null when all its audio is in the cache already.
 *
 * @param volumeDb its own level on top of the station's: a session's (the operator's) or a talk's; null for
 *                 none (alerts, test tones). An emergency plays at the station's level whatever this says
 *                 ({@link Level}).
 */
public record Program(String id, String name, Priority priority, Instant start, Instant end, List<Item> items,
                      LateContent late, Double volumeDb) {
    /**
     * Audio of a program that may still be on its way into the cache when the program goes on the
     * line: an alert's clip, fetched while the siren the station generated itself already sounds.
     */
    public interface LateContent {
        /** Whether {@code item}, not in the cache yet, may still arrive: the line waits for it, in silence, meanwhile. */
        boolean stillComing(Item item);

        /** Said once in place of an item that did not arrive (the station's built-in announcement), if there is one. */
        Optional<Item> standIn();
    }

    public Program {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(priority, "priority");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        items = List.copyOf(items);
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("program " + id + " ends at " + end + ", not after it starts at " + start);
        }
    }

    public Program(String id, String name, Priority priority, Instant start, Instant end, List<Item> items,
                   LateContent late) {
        this(id, name, priority, start, end, items, late, null);
    }

    /** A program whose audio is all in the cache. */
    public Program(String id, String name, Priority priority, Instant start, Instant end, List<Item> items) {
        this(id, name, priority, start, end, items, null);
    }

    public static Program of(Session session) {
        return new Program(session.id(), session.name(), Priority.SESSION, session.start(), session.end(),
                session.items(), null, session.volumeDb());
    }

    /** Whether its window is open at {@code now}. */
    public boolean openAt(Instant now) {
        return now.isBefore(end);
    }
}
