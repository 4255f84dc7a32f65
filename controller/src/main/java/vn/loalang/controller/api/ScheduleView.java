package vn.loalang.controller.api;

import vn.loalang.controller.directory.Commune;
import vn.loalang.protocol.schedule.Schedule;

import java.util.List;
import java.util.Map;

/** The schedules as last published, and why the program could not be published when it could not. */
public interface ScheduleView {
    /** The schedule last published to each station, by station id. */
    Map<String, Schedule> published();

    /** The problems of the last compile; empty when the program went out. */
    List<String> problems();

    /** What the last compile changed for some stations without it being a problem (an old agent's fallbacks). */
    default List<String> notices() {
        return List.of();
    }

    /**
     * The problems {@code candidate} would have if it were the commune now: a what-if, nothing published or
     * kept (the console's check before Save). None where no compiler is at hand.
     */
    default List<String> problemsIf(Commune candidate) {
        return List.of();
    }

    /**
     * As {@link #problemsIf(Commune)}, adding to {@code notices} what that compile would note without it being a
     * problem (a replay with no recording yet, the stations that would get a relay's fallback). One compile for both.
     */
    default List<String> problemsIf(Commune candidate, List<String> notices) {
        return problemsIf(candidate);
    }
}
