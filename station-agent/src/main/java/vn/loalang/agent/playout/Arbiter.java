package vn.loalang.agent.playout;

import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Decides what has the line: emergency &gt; live talk &gt; warning &gt; scheduled session &gt; idle. Among what is
 * due, the highest priority wins; within one priority a pre-empted program resumes before anything
 * new starts, then the earliest start goes first. Quiet hours keep everything but emergencies off
 * the line. The arbiter only decides; {@link PlayoutScheduler} plays, and tells it what came of it.
 */
final class Arbiter {
    /** What to play next, and from where. */
    record Turn(Program program, Position from, boolean submitted) {
    }

    private final Supplier<Optional<Schedule>> schedule;
    private final Predicate<String> alreadyPlayed;
    private final Map<String, Program> submitted = new LinkedHashMap<>();
    private final Map<String, Turn> parked = new LinkedHashMap<>();

    /**
     * @param schedule      the schedule the station holds now
     * @param alreadyPlayed whether a scheduled session was played (or given up) already
     */
    Arbiter(Supplier<Optional<Schedule>> schedule, Predicate<String> alreadyPlayed) {
        this.schedule = schedule;
        this.alreadyPlayed = alreadyPlayed;
    }

    synchronized void submit(Program program) {
        submitted.put(program.id(), program);
    }

    /** Withdraws a submitted program, playing or not; true when there was one. */
    synchronized boolean cancel(String id) {
        boolean had = submitted.remove(id) != null;
        return parked.remove(id) != null || had;
    }

    synchronized boolean isSubmitted(String id) {
        return submitted.containsKey(id) || parked.containsKey(id) && parked.get(id).submitted();
    }

    synchronized boolean holds(String sha256) {
        return submitted.values().stream().anyMatch(p -> uses(p, sha256))
                || parked.values().stream().anyMatch(t -> uses(t.program(), sha256));
    }

    private static boolean uses(Program p, String sha256) {
        return p.items().stream().flatMap(Arbiter::files).anyMatch(i -> sha256.equals(i.sha256()));
    }

    /** The cached files an item plays: itself, or for a live item its fallback (the stream is no file). */
    static Stream<Item> files(Item item) {
        if (!item.live()) {
            return Stream.of(item);
        }
        return Stream.ofNullable(item.relay().fallbackItem());
    }

    /** The program that should have the line at {@code now}, counting {@code lead} of warm-up before a start. */
    synchronized Optional<Turn> next(Instant now, Duration lead) {
        return candidates(now, lead).stream().max(ORDER);
    }

    /** Whether something due at {@code now} outranks {@code current}: then {@code current} must give way. */
    synchronized Optional<Program> outranking(Program current, Instant now) {
        return candidates(now, Duration.ZERO).stream().map(Turn::program)
                .filter(p -> p.priority().outranks(current.priority()) && !p.id().equals(current.id()))
                .max(Comparator.comparing(Program::priority));
    }

    /** Whether {@code program} must stay off the line at {@code at}: quiet hours, unless it is an emergency. */
    boolean quiet(Program program, Instant at) {
        return program.priority() != Priority.EMERGENCY
                && schedule.get().map(s -> s.quietAt(at)).orElse(false);
    }

    /**
     * A pre-empted program waits here to resume from {@code at}, within its window. False when a
     * submitted program was cancelled meanwhile (during its fade): then it must not come back.
     */
    synchronized boolean park(Turn turn, Position at) {
        String id = turn.program().id();
        if (turn.submitted() && !submitted.containsKey(id) && !parked.containsKey(id)) {
            return false;
        }
        parked.put(id, new Turn(turn.program(), at, turn.submitted()));
        submitted.remove(id, turn.program());
        return true;
    }

    /** The program is over (played, failed, skipped or given up): it leaves the arbiter (not a newer one of its id). */
    synchronized void done(Turn turn) {
        parked.remove(turn.program().id());
        submitted.remove(turn.program().id(), turn.program());
    }

    /** Parked and submitted programs whose window has closed, removed: the caller reports them. */
    synchronized List<Turn> expire(Instant now) {
        List<Turn> gone = new ArrayList<>();
        parked.values().removeIf(t -> {
            boolean over = !t.program().openAt(now);
            if (over) {
                gone.add(t);
            }
            return over;
        });
        submitted.values().removeIf(p -> {
            boolean over = !p.openAt(now);
            if (over) {
                gone.add(new Turn(p, Position.START, true));
            }
            return over;
        });
        return gone;
    }

    /** When the next not-yet-due thing becomes due, for the scheduler's sleep. */
    synchronized Optional<Instant> nextDue(Instant now, Duration lead) {
        List<Instant> dues = new ArrayList<>();
        submitted.values().stream().map(p -> p.start().minus(lead)).filter(t -> t.isAfter(now)).forEach(dues::add);
        nextSession(now).map(s -> s.start().minus(lead)).filter(t -> t.isAfter(now)).ifPresent(dues::add);
        return dues.stream().min(Comparator.naturalOrder());
    }

    private List<Turn> candidates(Instant now, Duration lead) {
        List<Turn> out = new ArrayList<>();
        for (Turn t : parked.values()) {
            if (t.program().openAt(now)) {
                out.add(t);
            }
        }
        for (Program p : submitted.values()) {
            if (!now.isBefore(p.start().minus(lead)) && p.openAt(now) && !parked.containsKey(p.id())) {
                out.add(new Turn(p, Position.START, true));
            }
        }
        nextSession(now).filter(s -> !now.isBefore(s.start().minus(lead)) && !parked.containsKey(s.id()))
                .ifPresent(s -> out.add(new Turn(Program.of(s), Position.START, false)));
        return out;
    }

    private Optional<Session> nextSession(Instant now) {
        return schedule.get().flatMap(s -> s.upcoming(now).stream()
                .filter(session -> !alreadyPlayed.test(session.id()) && !parked.containsKey(session.id()))
                .findFirst());
    }

    /** Highest priority; then what was pre-empted; then the earliest start. */
    private final Comparator<Turn> ORDER = Comparator.<Turn, Priority>comparing(t -> t.program().priority())
            .thenComparing(t -> parked.containsKey(t.program().id()))
            .thenComparing(t -> t.program().start(), Comparator.reverseOrder());
}
