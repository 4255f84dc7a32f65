package vn.loalang.controller.schedule;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.content.ContentLibrary;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.PlaylistEntry;
import vn.loalang.controller.live.LiveSource;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.schedule.Fallback;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.schedule.QuietHours;
import vn.loalang.protocol.schedule.RelaySpec;
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
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

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
    private volatile LiveInputs live = LiveInputs.NONE;
    private volatile List<String> notices = List.of();

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

    /** Relays in the program are compiled with these (the named sources, the channels' URL, the agents' versions). */
    public ScheduleCompiler relayWith(LiveInputs inputs) {
        this.live = inputs;
        return this;
    }

    /**
     * What the last compile did not treat as a problem but an operator should know: a station whose agent
     * cannot play relays got their fallback items, a replay had no recording yet.
     */
    public List<String> notices() {
        return notices;
    }

    /** Sessions whose window has ended at {@code now} are left out. */
    public Map<String, Schedule> compile(Instant now, long version) throws ProgramException {
        return compile(commune.get(), now, version);
    }

    /** The problems the current program would have at {@code now} with {@code sources} instead of the current ones. */
    public List<String> problemsWithSources(Map<String, LiveSource> sources, Instant now) {
        try {
            compile(commune.get(), sources, now, 1, new ArrayList<>());
            return List.of();
        } catch (ProgramException e) {
            return e.problems();
        }
    }

    /** What a change of the named sources would break: the problems the program has with {@code after} only. */
    public List<String> newProblems(Map<String, LiveSource> before, Map<String, LiveSource> after, Instant now) {
        List<String> fresh = new ArrayList<>(problemsWithSources(after, now));
        fresh.removeAll(problemsWithSources(before, now));
        return fresh;
    }

    /** The problems {@code commune} would have at {@code now}; empty when it compiles. */
    public List<String> problems(Commune commune, Instant now) {
        return problems(commune, now, new ArrayList<>());
    }

    /**
     * As {@link #problems(Commune, Instant)}, adding to {@code notices} what that compile would note without it being
     * a problem (a replay with no recording yet): the console's check shows both. The compiler's own notices stay
     * those of the last real compile (this is a what-if).
     */
    public List<String> problems(Commune commune, Instant now, List<String> notices) {
        try {
            // The version does not matter: nothing is published.
            compile(commune, live.sources().get(), now, 1, notices);
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
        List<String> found = new ArrayList<>();
        Map<String, Schedule> schedules = compile(commune, live.sources().get(), now, version, found);
        notices = List.copyOf(found);
        found.forEach(n -> log.warn("Program notice: {}", n));
        return schedules;
    }

    private Map<String, Schedule> compile(Commune commune, Map<String, LiveSource> sources, Instant now, long version,
                                          List<String> notices) throws ProgramException {
        ZoneId zone = commune.commune().zone();
        LocalDate today = LocalDate.ofInstant(now, zone);
        int days = commune.commune().horizonDays();
        Instant validUntil = today.plusDays(days).atStartOfDay(zone).toInstant();
        List<String> problems = new ArrayList<>();
        Map<String, List<Session>> sessionsByVillage = new LinkedHashMap<>();
        for (Commune.Village village : commune.villages()) {
            sessionsByVillage.put(village.id(),
                    sessionsOf(commune, village, commune.programOf(village), today, days, zone, now, sources, problems,
                            notices));
        }
        if (!problems.isEmpty()) {
            throw new ProgramException(problems);
        }
        // Sent along so that a station keeps warnings out of the night by itself, link or no link.
        QuietHours stationQuiet = commune.commune().quietHours();
        Map<String, Schedule> schedules = new LinkedHashMap<>();
        StationSessions fitted = new StationSessions(library, contentBase.get(), live.agents(), live.late().get(), notices);
        for (Commune.Station station : commune.stations()) {
            List<Session> sessions = fitted.of(station.id(), sessionsByVillage.get(station.village()));
            schedules.put(station.id(), new Schedule(SchemaVersion.CURRENT, station.id(), station.village(), version,
                    zone.getId(), now, validUntil, sessions, stationQuiet,
                    level(station.volumeDb() != null ? station.volumeDb() : commune.commune().volume().defaultDb())));
        }
        return schedules;
    }

    private List<Session> sessionsOf(Commune commune, Commune.Village village, Commune.Program program, LocalDate today,
                                     int days, ZoneId zone, Instant now, Map<String, LiveSource> sources,
                                     List<String> problems, List<String> notices) {
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
            List<Item> items = resolve(p, where, start, end, zone, sources, problems, reported, notices);
            if (items == null) {
                continue;
            }
            if (items.isEmpty()) {
                log.warn("{}: session {} on {} left out: every item in it has expired", where, p.id(), p.date());
                continue;
            }
            Duration playlist = playlistLength(items, start);
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

    private List<Item> resolve(Planned p, String where, Instant sessionStart, Instant sessionEnd, ZoneId zone,
                               Map<String, LiveSource> sources, List<String> problems, Set<String> reported,
                               List<String> notices) {
        if (p.items().isEmpty()) {
            if (reported.add("empty:" + p.id())) {
                problems.add(where + ": session '" + p.id() + "' has no items");
            }
            return null;
        }
        List<Item> items = new ArrayList<>();
        URI base = contentBase.get();
        boolean ok = true;
        for (PlaylistEntry entry : p.items()) {
            if (entry instanceof PlaylistEntry.LibraryRef ref) {
                Optional<Item> item = libraryItem(p, ref.id(), where, base, problems, reported);
                if (item == null) {
                    ok = false;
                } else {
                    item.ifPresent(items::add);
                }
            } else if (entry instanceof PlaylistEntry.RelayRef relay) {
                Item item = relayItem(p, relay, items, where, sessionStart, sessionEnd, zone, sources, base,
                        problems, reported);
                if (item == null) {
                    ok = false;
                } else {
                    items.add(item);
                }
            } else if (entry instanceof PlaylistEntry.LatestRecording latest) {
                latestRecording(p, latest.source(), sessionStart, zone).ifPresentOrElse(r -> items.add(r.toItem(base)),
                        () -> notices.add(where + ": session '" + p.id() + "' on " + p.date() + " plays no recording of "
                                + latest.source() + ": none was kept before it starts; " + (p.items().size() > 1
                                ? "its other items play without it" : "it has nothing else to play and is left out")));
            } else if (entry instanceof PlaylistEntry.LatestBulletin bulletin) {
                // issue 19: the day's bulletin; a morning without one still plays the rest of its session
                String id = bulletin.itemFor(p.date());
                library.byId(id).filter(i -> !i.expiredOn(p.date())).ifPresentOrElse(i -> items.add(i.toItem(base)),
                        () -> notices.add(where + ": session '" + p.id() + "' on " + p.date() + " plays no bulletin "
                                + bulletin.series() + ": " + id + " is not in the library (chưa có bản tin hôm nay)"));
            }
        }
        return ok ? items : null;
    }

    /** The library's item; empty when it has expired (left out quietly); null when it is missing (a problem). */
    private Optional<Item> libraryItem(Planned p, String contentId, String where, URI base, List<String> problems,
                                       Set<String> reported) {
        var item = library.byId(contentId);
        if (item.isEmpty()) {
            if (reported.add("missing:" + p.id() + ":" + contentId)) {
                String refused = library.refused().get(contentId);
                problems.add(where + ": session '" + p.id() + "' uses '" + contentId + "', which "
                        + (refused != null ? "was refused by the library: " + refused : "is not in the library"));
            }
            return null;
        }
        if (item.get().expiredOn(p.date())) {
            // Expired content drops out quietly: an old price list must not play, and is no error.
            log.info("{}: item {} expired on {}; left out of session {} on {}", where, contentId,
                    item.get().expires(), p.id(), p.date());
            return Optional.empty();
        }
        return Optional.of(item.get().toItem(base));
    }

    /**
     * The live item of a relay slot, or null with the problems: a source that is unknown or disabled, a slot
     * outside the session's window or starting before the items ahead of it are done, a fallback item missing.
     */
    private Item relayItem(Planned p, PlaylistEntry.RelayRef relay, List<Item> before, String where,
                           Instant sessionStart, Instant sessionEnd, ZoneId zone, Map<String, LiveSource> sources,
                           URI base, List<String> problems, Set<String> reported) {
        String what = where + ": session '" + p.id() + "' relays " + relay.source() + " at " + relay.start();
        String key = p.id() + ":" + relay.source() + ":" + relay.start();
        boolean ok = true;
        LiveSource source = sources.get(relay.source());
        if (source == null || !source.isEnabled()) {
            if (reported.add("source:" + key)) {
                problems.add(what + ", which " + (source == null ? "is not one of the commune's live sources"
                        : "is disabled"));
            }
            ok = false;
        }
        Instant start = p.date().atTime(relay.start()).atZone(zone).toInstant();
        Instant end = start.plus(relay.maximum());
        if (start.isBefore(sessionStart) || end.isAfter(sessionEnd)) {
            if (reported.add("window:" + key)) {
                problems.add(what + " until " + LocalTime.ofInstant(end, zone) + ", outside the session's window "
                        + p.start() + "–" + p.end());
            }
            ok = false;
        } else {
            Instant ahead = sessionStart.plus(playlistLength(before, sessionStart));
            if (start.isBefore(ahead)) {
                if (reported.add("overlap:" + key)) {
                    problems.add(what + ", but the items before it play until " + LocalTime.ofInstant(ahead, zone));
                }
                ok = false;
            }
        }
        Fallback fallback = relay.fallback() != null ? relay.fallback()
                : relay.fallbackItem() != null ? Fallback.ITEM_THEN_REST : Fallback.REST_OF_SESSION;
        Item fallbackItem = null;
        if (relay.fallbackItem() != null) {
            Optional<Item> item = libraryItem(p, relay.fallbackItem(), where, base, problems, reported);
            if (item == null) {
                ok = false;
            } else if (item.isPresent()) {
                fallbackItem = item.get();
            } else if (fallback == Fallback.ITEM_THEN_REST) {
                fallback = Fallback.REST_OF_SESSION; // its fallback expired: the rest of the session follows at once
            }
        } else if (fallback == Fallback.ITEM_THEN_REST) {
            if (reported.add("fallback:" + key)) {
                problems.add(what + " with fallback ITEM_THEN_REST, but names no fallbackItem");
            }
            ok = false;
        }
        if (!ok) {
            return null;
        }
        LiveChannelId channel = LiveChannelId.relay(source.id());
        RelaySpec spec = new RelaySpec(source.id(), source.name(), live.stationUrl().apply(channel), channel,
                RelaySpec.CODEC_MP3, start, end, relay.until() != null ? relay.until() : source.endRule(),
                relay.maxSilenceSeconds() != null ? relay.maxSilenceSeconds() : source.maxSilenceSeconds(), fallback,
                fallbackItem, RelaySpec.RELAY_JITTER_MILLIS);
        return Item.live(channel.value(), source.name(), spec, 0.0);
    }

    /** How long a playlist runs from {@code start}: files back to back, a relay from its slot's start to its end. */
    static Duration playlistLength(List<Item> items, Instant start) {
        Instant at = start;
        for (Item item : items) {
            if (item.live()) {
                at = item.relay().start().isAfter(at) ? item.relay().end() : at.plus(item.duration());
            } else {
                at = at.plus(item.duration());
            }
        }
        return Duration.between(start, at);
    }

    private static final Pattern RECORDING_STAMP = Pattern.compile("\\d{8}-\\d{4}");
    private static final java.time.format.DateTimeFormatter STAMP =
            java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmm");

    /**
     * The newest recording of {@code source} made before {@code before}: a library item of category
     * {@code relay-recording} with the recorder's id {@code rec-<source>-<yyyyMMdd-HHmm>} (the slot's local start).
     */
    private Optional<LibraryItem> latestRecording(Planned p, String source, Instant before, ZoneId zone) {
        String prefix = "rec-" + source + "-";
        LibraryItem newest = null;
        java.time.LocalDateTime newestAt = null;
        for (LibraryItem item : library.items()) {
            if (!RELAY_RECORDING.equals(item.category()) || !item.id().startsWith(prefix)
                    || !RECORDING_STAMP.matcher(item.id().substring(prefix.length())).matches()
                    || item.expiredOn(p.date())) {
                continue;
            }
            java.time.LocalDateTime at = java.time.LocalDateTime.parse(item.id().substring(prefix.length()), STAMP);
            if (at.atZone(zone).toInstant().isBefore(before) && (newestAt == null || at.isAfter(newestAt))) {
                newest = item;
                newestAt = at;
            }
        }
        return Optional.ofNullable(newest);
    }

    /** The library category of relay recordings ({@code live.Recorder} keeps them). */
    static final String RELAY_RECORDING = "relay-recording";

    /** Milliseconds are shown when present: a playlist 0.4 s too long must not read as long as its window. */
    private static String minutesSeconds(Duration d) {
        String seconds = d.toMillisPart() == 0 ? Integer.toString(d.toSecondsPart())
                : String.format(Locale.ROOT, "%d.%03d", d.toSecondsPart(), d.toMillisPart());
        return d.toMinutes() + " min " + seconds + " s";
    }

    private record Planned(String id, String name, LocalDate date, LocalTime start, LocalTime end,
                           List<PlaylistEntry> items, Double volumeDb) {
    }

    /**
     * A level for the wire: 0 dB goes as no level at all, so a commune that sets none sends the schedules it
     * sent before levels existed (same bytes, same signatures), and an older agent reads nothing it ignores.
     */
    private static Double level(Double db) {
        return db == null || db == 0.0 ? null : db;
    }
}
