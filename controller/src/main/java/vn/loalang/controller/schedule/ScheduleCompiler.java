package vn.loalang.controller.schedule;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.content.ContentLibrary;
import vn.loalang.controller.directory.Commune;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.QuietHours;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns the commune's program into one schedule per station for the coming days: each recurring
 * session on the days it runs (weekdays, dates, validity window), plus the one-off sessions, less
 * the cancellations, with expired items left out and every item resolved to the library file
 * the station must fetch. All problems are collected and reported together, in words an
 * operator can act on.
 */
public final class ScheduleCompiler {
    private static final Logger log = LoggerFactory.getLogger(ScheduleCompiler.class);
    private final Supplier<Commune> commune;
    private final ContentLibrary library;
    private final Supplier<URI> contentBase;

    public ScheduleCompiler(Commune commune, ContentLibrary library, URI contentBase) {
        this(() -> commune, library, contentBase);
    }

    /** @param commune the commune as it is now (it changes while the controller runs) */
    public ScheduleCompiler(Supplier<Commune> commune, ContentLibrary library, URI contentBase) {
        this(commune, library, () -> contentBase);
    }

    /**
     * @param contentBase where stations fetch the files, read at each compile: the controller's own
     *                    address is known only once its HTTP port is open ({@code ContentAddress})
     */
    public ScheduleCompiler(Supplier<Commune> commune, ContentLibrary library, Supplier<URI> contentBase) {
        this.commune = commune;
        this.library = library;
        this.contentBase = contentBase;
    }

    /** Sessions whose window has ended at {@code now} are left out. */
    public Map<String, Schedule> compile(Instant now, long version) throws ProgramException {
        return compile(commune.get(), now, version);
    }

    /** The problems {@code commune} would have at {@code now}; empty when it compiles. */
    public List<String> problems(Commune commune, Instant now) {
        try {
            compile(commune, now, 1); // the version does not matter: nothing is published
            return List.of();
        } catch (ProgramException e) {
            return e.problems();
        }
    }

    /** The problems {@code after} has at {@code now} that {@code before} did not: what a change would break. */
    public List<String> newProblems(Commune before, Commune after, Instant now) {
        List<String> fresh = new ArrayList<>(problems(after, now));
        fresh.removeAll(problems(before, now));
        return fresh;
    }

    /** As {@link #compile(Instant, long)}, for a commune that is not (yet) the current one. */
    public Map<String, Schedule> compile(Commune commune, Instant now, long version) throws ProgramException {
        ZoneId zone = commune.commune().zone();
        LocalDate today = LocalDate.ofInstant(now, zone);
        int days = commune.commune().horizonDays();
        Instant validUntil = today.plusDays(days).atStartOfDay(zone).toInstant();
        List<String> problems = new ArrayList<>();
        Map<String, List<Session>> sessionsByVillage = new LinkedHashMap<>();
        for (Commune.Village village : commune.villages()) {
            sessionsByVillage.put(village.id(),
                    sessionsOf(commune, village, commune.programOf(village), today, days, zone, now, problems));
        }
        if (!problems.isEmpty()) {
            throw new ProgramException(problems);
        }
        // Sent along so that a station keeps warnings out of the night by itself, link or no link.
        QuietHours stationQuiet = commune.commune().quietHours();
        Map<String, Schedule> schedules = new LinkedHashMap<>();
        for (Commune.Station station : commune.stations()) {
            schedules.put(station.id(), new Schedule(SchemaVersion.CURRENT, station.id(), station.village(), version,
                    zone.getId(), now, validUntil, sessionsByVillage.get(station.village()), stationQuiet,
                    level(station.volumeDb() != null ? station.volumeDb() : commune.commune().volume().defaultDb())));
        }
        return schedules;
    }

    private List<Session> sessionsOf(Commune commune, Commune.Village village, Commune.Program program, LocalDate today,
                                     int days, ZoneId zone, Instant now, List<String> problems) {
        String where = "village " + village.id();
        Set<String> ids = new HashSet<>();
        List<Planned> planned = new ArrayList<>();
        for (Commune.DailySession d : program.daily()) {
            if (!ids.add(d.id())) {
                problems.add(where + ": session id '" + d.id() + "' is used twice");
            }
            for (int i = 0; i < days; i++) {
                LocalDate date = today.plusDays(i);
                if (d.runsOn(date)) {
                    planned.add(new Planned(d.id(), d.name(), date, d.start(), d.end(), d.items(), d.volumeDb()));
                }
            }
        }
        for (Commune.OneOffSession o : program.oneOff()) {
            if (!ids.add(o.id())) {
                problems.add(where + ": session id '" + o.id() + "' is used twice");
            }
            planned.add(new Planned(o.id(), o.name(), o.date(), o.start(), o.end(), o.items(), o.volumeDb()));
        }
        for (Commune.Cancellation c : program.cancellations()) {
            if (c.session() != null && !ids.contains(c.session())) {
                problems.add(where + ": the cancellation on " + c.date() + " names session '" + c.session()
                        + "', which the program does not have");
            }
        }
        planned.removeIf(p -> program.cancelled(p.date(), p.id()));
        QuietHours quiet = commune.commune().quietHours();
        List<Session> sessions = new ArrayList<>();
        Set<String> reported = new HashSet<>();
        for (Planned p : planned) {
            if (quiet != null && quiet.overlaps(p.start(), p.end())) {
                if (reported.add("quiet:" + p.id())) {
                    problems.add(where + ": session '" + p.id() + "' (" + p.start() + "–" + p.end()
                            + ") falls in the commune's quiet hours " + quiet + ", when only emergencies may sound");
                }
                continue;
            }
            Instant start = p.date().atTime(p.start()).atZone(zone).toInstant();
            Instant end = p.date().atTime(p.end()).atZone(zone).toInstant();
            if (!end.isAfter(start)) {
                if (reported.add("order:" + p.id())) {
                    problems.add(where + ": session '" + p.id() + "' ends at " + p.end() + ", not after it starts at " + p.start());
                }
                continue;
            }
            if (!end.isAfter(now)) {
                continue;
            }
            List<Item> items = resolve(p, where, problems, reported);
            if (items == null) {
                continue;
            }
            if (items.isEmpty()) {
                log.warn("{}: session {} on {} left out: every item in it has expired", where, p.id(), p.date());
                continue;
            }
            Duration playlist = Duration.ofMillis(items.stream().mapToLong(Item::durationMillis).sum());
            Duration window = Duration.between(start, end);
            if (playlist.compareTo(window) > 0) {
                if (reported.add("long:" + p.id())) {
                    problems.add(where + ": session '" + p.id() + "' (" + p.start() + "–" + p.end() + ") has a playlist of "
                            + minutesSeconds(playlist) + ", longer than its window of " + minutesSeconds(window));
                }
                continue;
            }
            sessions.add(new Session(p.date() + "." + p.id(), p.name(), start, end, items, level(p.volumeDb())));
        }
        sessions.sort((a, b) -> a.start().compareTo(b.start()));
        for (int i = 1; i < sessions.size(); i++) {
            if (sessions.get(i - 1).overlaps(sessions.get(i))) {
                problems.add(where + ": sessions " + sessions.get(i - 1).id() + " and " + sessions.get(i).id() + " overlap");
            }
        }
        return sessions;
    }

    private List<Item> resolve(Planned p, String where, List<String> problems, Set<String> reported) {
        if (p.items().isEmpty()) {
            if (reported.add("empty:" + p.id())) {
                problems.add(where + ": session '" + p.id() + "' has no items");
            }
            return null;
        }
        List<Item> items = new ArrayList<>();
        URI base = contentBase.get();
        boolean ok = true;
        for (String contentId : p.items()) {
            var item = library.byId(contentId);
            if (item.isEmpty()) {
                ok = false;
                if (reported.add("missing:" + p.id() + ":" + contentId)) {
                    String refused = library.refused().get(contentId);
                    problems.add(where + ": session '" + p.id() + "' uses '" + contentId + "', which "
                            + (refused != null ? "was refused by the library: " + refused : "is not in the library"));
                }
                continue;
            }
            if (item.get().expiredOn(p.date())) {
                // Expired content drops out quietly: an old price list must not play, and is no error.
                log.info("{}: item {} expired on {}; left out of session {} on {}", where, contentId,
                        item.get().expires(), p.id(), p.date());
                continue;
            }
            items.add(item.get().toItem(base));
        }
        return ok ? items : null;
    }

    /** Milliseconds are shown when present: a playlist 0.4 s too long must not read as long as its window. */
    private static String minutesSeconds(Duration d) {
        String seconds = d.toMillisPart() == 0 ? Integer.toString(d.toSecondsPart())
                : String.format(Locale.ROOT, "%d.%03d", d.toSecondsPart(), d.toMillisPart());
        return d.toMinutes() + " min " + seconds + " s";
    }

    private record Planned(String id, String name, LocalDate date, LocalTime start, LocalTime end, List<String> items,
                           Double volumeDb) {
    }

    /**
     * A level for the wire: 0 dB goes as no level at all, so a commune that sets none sends the schedules it
     * sent before levels existed (same bytes, same signatures), and an older agent reads nothing it ignores.
     */
    private static Double level(Double db) {
        return db == null || db == 0.0 ? null : db;
    }
}
