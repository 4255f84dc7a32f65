package vn.loalang.agent.playout;

import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Session;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Something to play on the line: a scheduled session, or a warning or emergency put in by the
 * station's other parts. {@code start} is when its first sample is due; nothing of it sounds
 * after {@code end}.
 */
public record Program(String id, String name, Priority priority, Instant start, Instant end, List<Item> items) {
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

    public static Program of(Session session) {
        return new Program(session.id(), session.name(), Priority.SESSION, session.start(), session.end(),
                session.items());
    }

    /** Whether its window is open at {@code now}. */
    public boolean openAt(Instant now) {
        return now.isBefore(end);
    }
}
