package vn.loalang.controller.directory;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** Whether a library item is named by a session still to come, in the commune's program or a village's own. */
public final class ProgramUse {
    private ProgramUse() {
    }

    /** Whether a program replays the newest recording of {@code sourceId} ({@code {"latestRecording": …}}). */
    public static boolean replays(Commune c, String sourceId) {
        List<Commune.Program> programs = new ArrayList<>();
        programs.add(c.program());
        c.villages().stream().map(Commune.Village::program).filter(p -> p != null).forEach(programs::add);
        PlaylistEntry replay = new PlaylistEntry.LatestRecording(sourceId);
        return programs.stream().anyMatch(p -> p.daily().stream().anyMatch(d -> d.items().contains(replay))
                || p.oneOff().stream().anyMatch(o -> o.items().contains(replay)));
    }

    // issue 19: a new day's bulletin compiles only when a program plays its series
    /** Whether a program plays the day's bulletin of {@code series} ({@code {"latestBulletin": …}}). */
    public static boolean bulletins(Commune c, String series) {
        List<Commune.Program> programs = new ArrayList<>();
        programs.add(c.program());
        c.villages().stream().map(Commune.Village::program).filter(p -> p != null).forEach(programs::add);
        PlaylistEntry bulletin = new PlaylistEntry.LatestBulletin(series);
        return programs.stream().anyMatch(p -> p.daily().stream().anyMatch(d -> d.items().contains(bulletin))
                || p.oneOff().stream().anyMatch(o -> o.items().contains(bulletin)));
    }

    public static boolean names(Commune c, String itemId, LocalDate today) {
        List<Commune.Program> programs = new ArrayList<>();
        programs.add(c.program());
        c.villages().stream().map(Commune.Village::program).filter(p -> p != null).forEach(programs::add);
        return programs.stream().anyMatch(p -> p.daily().stream().anyMatch(d -> d.libraryIds().contains(itemId)
                && (d.validUntil() == null || !d.validUntil().isBefore(today)))
                || p.oneOff().stream().anyMatch(o -> o.libraryIds().contains(itemId) && !o.date().isBefore(today)));
    }
}
