package vn.loalang.controller.directory;

import vn.loalang.protocol.schedule.QuietHours;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.store.Store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.time.Clock;

/**
 * The commune as the store holds it — settings, villages, stations and programs — and the one way
 * to change it. Every change is checked whole before anything is written: the new commune must be
 * valid, and must not bring program problems that were not there before (an overlap, a playlist
 * longer than its session, an item missing from the library). A refused change leaves the store
 * and the stations' schedules as they were. An accepted one is written with its audit row in one
 * transaction, then announced to the listeners (the controller recompiles and republishes).
 */
public final class Directory {
    private static final Logger log = LoggerFactory.getLogger(Directory.class);

    /** The program problems {@code after} has that {@code before} did not, in the compiler's words. */
    @FunctionalInterface
    public interface ProgramCheck {
        List<String> newProblems(Commune before, Commune after);
    }

    /** More work on the change's own transaction, e.g. village heads following a merged village. */
    @FunctionalInterface
    public interface AlsoInTransaction {
        void run(Connection c) throws SQLException;
    }

    /**
     * A change to a station's record; null fields stay as they are.
     *
     * @param volumeDb its level, within the commune's volume range (a level outside it is refused, not clamped)
     */
    public record StationEdit(String name, String village, Double latitude, Double longitude, Integer relayChannels,
                              Integer warmUpMs, Double volumeDb) {
        public StationEdit(String name, String village, Double latitude, Double longitude, Integer relayChannels,
                           Integer warmUpMs) {
            this(name, village, latitude, longitude, relayChannels, warmUpMs, null);
        }
    }

    /**
     * A change to the commune's settings; null fields stay as they are. Quiet hours are replaced when
     * {@code setQuietHours}; health thresholds, when given, are replaced whole (a missing number: its default).
     */
    public record SettingsEdit(String name, Integer horizonDays, Double targetLufs, boolean setQuietHours,
                               QuietHours quietHours, HealthThresholds health, VolumeLimits volume) {
        public SettingsEdit(String name, Integer horizonDays, Double targetLufs, boolean setQuietHours,
                            QuietHours quietHours) {
            this(name, horizonDays, targetLufs, setQuietHours, quietHours, null, null);
        }

        public SettingsEdit(String name, Integer horizonDays, Double targetLufs, boolean setQuietHours,
                            QuietHours quietHours, HealthThresholds health) {
            this(name, horizonDays, targetLufs, setQuietHours, quietHours, health, null);
        }
    }

    private final Store store;
    private final AuditLog audit;
    private final Clock clock;
    private final List<Consumer<Commune>> listeners = new CopyOnWriteArrayList<>();
    private volatile ProgramCheck check = (before, after) -> List.of();
    private final boolean importedNow;
    private volatile Commune current;

    private Directory(Store store, AuditLog audit, Clock clock, Commune current, boolean importedNow) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.current = current;
        this.importedNow = importedNow;
    }

    /**
     * The directory of {@code store}. An empty store is seeded from {@code seedFile} (its villages,
     * stations and programs; its library is imported by the caller); a store that has a commune
     * ignores the file, and says so when the file changed since it was imported.
     */
    public static Directory open(Store store, AuditLog audit, Clock clock, Path seedFile, Commune seed,
                                 String seedSha256) {
        Optional<Commune> stored = store.query(CommuneRecords::load);
        if (stored.isPresent()) {
            if (seedFile != null) {
                Optional<CommuneRecords.Seed> from = store.query(CommuneRecords::seed);
                if (from.isEmpty() || !Objects.equals(from.get().sha256(), seedSha256)) {
                    log.warn("The store already holds commune {}; {} is not read again (it differs from the file first"
                            + " imported). Change villages, stations and programs through the API.",
                            stored.get().commune().id(), seedFile);
                }
            }
            return new Directory(store, audit, clock, stored.get(), false);
        }
        if (seed == null) {
            throw new ChangeException(Kind.INVALID, "commune", "The store " + store.file() + " holds no commune yet:"
                    + " start the controller once with --commune FILE to import one");
        }
        Commune imported = new Commune(seed.commune(), seed.villages(), seed.stations(), List.of(), seed.program());
        store.transaction(c -> {
            CommuneRecords.save(c, imported, seedFile == null ? null : new CommuneRecords.Seed(seedFile.toString(), seedSha256),
                    clock.instant());
            audit.record(c, "system", "commune.import", imported.commune().id(), null, imported);
            return null;
        });
        log.info("Commune {} imported from {}: {} village(s), {} station(s)", imported.commune().id(), seedFile,
                imported.villages().size(), imported.stations().size());
        return new Directory(store, audit, clock, imported, true);
    }

    /** Whether this open imported the commune file into an empty store. */
    public boolean importedNow() {
        return importedNow;
    }

    /**
     * Whether the library files of the imported commune file are still to be imported: true from
     * the import until {@link #librarySeeded()}, so that a start interrupted half-way through a
     * large library finishes the import at the next start.
     */
    public boolean librarySeedPending() {
        return store.query(c -> {
            try (var s = c.prepareStatement("SELECT seeded_from IS NOT NULL AND library_seeded = 0 FROM commune");
                 var rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        });
    }

    public void librarySeeded() {
        store.transaction(c -> {
            try (var s = c.prepareStatement("UPDATE commune SET library_seeded = 1")) {
                return s.executeUpdate();
            }
        });
    }

    /** How changes are checked for program problems (the controller's compiler); set once at start. */
    public void checkProgramsWith(ProgramCheck check) {
        this.check = Objects.requireNonNull(check);
    }

    /**
     * Runs {@code work} while no change can be made, e.g. removing a library item after checking
     * that no program uses it, without a program naming it being saved in between.
     */
    public synchronized <T> T whileUnchanged(java.util.function.Supplier<T> work) {
        return work.get();
    }

    public void onChange(Consumer<Commune> listener) {
        listeners.add(listener);
    }

    public Commune current() {
        return current;
    }

    public Set<String> villageIds() {
        Set<String> ids = new LinkedHashSet<>();
        current.villages().forEach(v -> ids.add(v.id()));
        return ids;
    }

    public Set<String> stationIds() {
        Set<String> ids = new LinkedHashSet<>();
        current.stations().forEach(s -> ids.add(s.id()));
        return ids;
    }

    // --- villages --------------------------------------------------------------------------------

    public Commune.Village addVillage(String actor, Commune.Village village) {
        return (Commune.Village) change(actor, "village.add", village.id(), c -> {
            if (c.village(village.id()).isPresent()) {
                throw new ChangeException(Kind.CONFLICT, "id", "Thôn/ấp " + village.id() + " đã có / a village with id "
                        + village.id() + " exists already");
            }
            return with(c, plus(c.villages(), village), c.stations(), c.program());
        }, c -> c.village(village.id()).orElse(null), null);
    }

    /** Renames a village and records the old commune it came from; its id, stations and program stay. */
    public Commune.Village renameVillage(String actor, String id, String name, String formerCommune) {
        return renameVillage(actor, id, name, formerCommune, null);
    }

    /** As {@link #renameVillage(String, String, String, String)}, also setting its CAP geocodes (null: unchanged). */
    public Commune.Village renameVillage(String actor, String id, String name, String formerCommune,
                                             List<String> geocodes) {
        return (Commune.Village) change(actor, "village.rename", id, c -> {
            Commune.Village v = village(c, id);
            Commune.Village renamed = new Commune.Village(id, name == null ? v.name() : name, v.program(),
                    formerCommune == null ? v.formerCommune() : formerCommune,
                    geocodes == null ? v.geocodes() : geocodes);
            return with(c, replace(c.villages(), v, renamed), c.stations(), c.program());
        }, c -> c.village(id).orElse(null), null);
    }

    /** Sets a village's own program; null makes it follow the commune's program again. */
    public Commune.Village setVillageProgram(String actor, String id, Commune.Program program) {
        return (Commune.Village) change(actor, "program.village", id, c -> {
            Commune.Village v = village(c, id);
            return with(c, replace(c.villages(), v, v.withProgram(program)), c.stations(), c.program());
        }, c -> c.village(id).orElse(null), null);
    }

    /**
     * Merges village {@code from} into {@code into}: its stations move (keeping their ids, so no
     * station is provisioned again), its village heads follow, and {@code from} is removed with its
     * own program. The stations then play {@code into}'s program.
     */
    public Commune mergeVillage(String actor, String from, String into, AlsoInTransaction alsoInTransaction) {
        if (from.equals(into)) {
            throw new ChangeException(Kind.INVALID, "into", "a village cannot be merged into itself");
        }
        change(actor, "village.merge", from + "->" + into, c -> {
            Commune.Village gone = village(c, from);
            village(c, into);
            List<Commune.Station> stations = new ArrayList<>();
            for (Commune.Station s : c.stations()) {
                stations.add(s.village().equals(from) ? moved(s, into) : s);
            }
            List<Commune.Village> villages = new ArrayList<>(c.villages());
            villages.remove(gone);
            return with(c, villages, stations, c.program());
        }, c -> new MergeView(c.village(from).orElse(null), c.village(into).orElse(null),
                c.stations().stream().filter(s -> s.village().equals(from) || s.village().equals(into))
                        .map(Commune.Station::id).toList()), alsoInTransaction);
        return current;
    }

    /** What a merger changed, for the audit log. */
    record MergeView(Commune.Village from, Commune.Village into, List<String> stations) {
    }

    /**
     * What {@link #mergeVillage} would do now, changing nothing, for the administrator to read before confirming.
     *
     * @param stations          the stations that move from {@code from} to {@code into}
     * @param ownProgramDropped {@code from} had a program of its own, which goes with it
     * @param geocodesDropped   {@code from}'s alert areas that {@code into} does not cover: alerts for them no
     *                          longer reach the moved stations
     * @param intoFollows       {@code own} when {@code into} plays its own program, else {@code commune}
     */
    public record MergePreview(String from, String fromName, String into, String intoName, List<String> stations,
                               boolean ownProgramDropped, List<String> geocodesDropped, String intoFollows) {
    }

    /** The same checks as {@link #mergeVillage}: a preview of a merger that would be refused is refused. */
    public MergePreview mergePreview(String from, String into) {
        if (from.equals(into)) {
            throw new ChangeException(Kind.INVALID, "into", "a village cannot be merged into itself");
        }
        Commune c = current;
        Commune.Village gone = village(c, from);
        Commune.Village stays = village(c, into);
        List<String> dropped = gone.geocodes().stream().filter(g -> !stays.geocodes().contains(g)).toList();
        return new MergePreview(from, gone.name(), into, stays.name(), c.stations().stream()
                .filter(s -> s.village().equals(from)).map(Commune.Station::id).toList(), gone.program() != null,
                dropped, stays.program() != null ? "own" : "commune");
    }

    /** Removes a village that has no station left; {@code alsoInTransaction} may refuse it too (its village heads). */
    public void removeVillage(String actor, String id, AlsoInTransaction alsoInTransaction) {
        change(actor, "village.remove", id, c -> {
            Commune.Village v = village(c, id);
            if (c.stations().stream().anyMatch(s -> s.village().equals(id))) {
                throw new ChangeException(Kind.CONFLICT, null, "Thôn/ấp " + id + " còn cụm loa / village " + id
                        + " still has stations: move them or merge the village instead");
            }
            List<Commune.Village> villages = new ArrayList<>(c.villages());
            villages.remove(v);
            return with(c, villages, c.stations(), c.program());
        }, c -> c.village(id).orElse(null), alsoInTransaction);
    }

    // --- stations --------------------------------------------------------------------------------

    public Commune.Station addStation(String actor, Commune.Station station) {
        return (Commune.Station) change(actor, "station.add", station.id(), c -> {
            if (station(c, station.id()).isPresent()) {
                throw new ChangeException(Kind.CONFLICT, "id", "Cụm loa " + station.id() + " đã có / a station with id "
                        + station.id() + " exists already");
            }
            village(c, station.village(), "village");
            return with(c, c.villages(), plus(c.stations(), station), c.program());
        }, c -> station(c, station.id()).orElse(null), null);
    }

    /** Renames, moves (to another village), locates or re-equips a station; its id stays. */
    public Commune.Station updateStation(String actor, String id, StationEdit edit) {
        return (Commune.Station) change(actor, "station.update", id, c -> {
            Commune.Station s = station(c, id).orElseThrow(() -> notFound("station", id));
            if (edit.village() != null) {
                village(c, edit.village(), "village");
            }
            boolean located = edit.latitude() != null || edit.longitude() != null;
            Commune.Station updated = new Commune.Station(id, or(edit.name(), s.name()),
                    or(edit.village(), s.village()), located ? edit.latitude() : s.latitude(),
                    located ? edit.longitude() : s.longitude(), or(edit.relayChannels(), s.relayChannels()),
                    or(edit.warmUpMs(), s.warmUpMs()), or(edit.volumeDb(), s.volumeDb()));
            return with(c, c.villages(), replace(c.stations(), s, updated), c.program());
        }, c -> station(c, id).orElse(null), null);
    }

    /** Decommissions a station: it gets no schedule any more. */
    public void removeStation(String actor, String id) {
        change(actor, "station.remove", id, c -> {
            Commune.Station s = station(c, id).orElseThrow(() -> notFound("station", id));
            List<Commune.Station> stations = new ArrayList<>(c.stations());
            stations.remove(s);
            return with(c, c.villages(), stations, c.program());
        }, c -> station(c, id).orElse(null), null);
    }

    // --- commune ---------------------------------------------------------------------------------

    public Commune.Program setCommuneProgram(String actor, Commune.Program program) {
        return (Commune.Program) change(actor, "program.commune", current.commune().id(),
                c -> with(c, c.villages(), c.stations(), program), Commune::program, null);
    }

    // --- what a program edit would do, nothing saved (the console's check before Save) -----------

    /** The commune as it would be with {@code program} as the commune's program; nothing is saved. */
    public Commune withCommuneProgram(Commune.Program program) {
        Commune c = current;
        return with(c, c.villages(), c.stations(), program);
    }

    /** The commune as it would be with {@code program} as village {@code id}'s own (null: following the commune's). */
    public Commune withVillageProgram(String id, Commune.Program program) {
        Commune c = current;
        Commune.Village v = village(c, id);
        return with(c, replace(c.villages(), v, v.withProgram(program)), c.stations(), c.program());
    }

    /** The problems a change to {@code candidate} would be refused for: the same check every change passes. */
    public List<String> newProblems(Commune candidate) {
        return check.newProblems(current, candidate);
    }

    public Commune.Settings updateSettings(String actor, SettingsEdit edit) {
        return (Commune.Settings) change(actor, "commune.settings", current.commune().id(), c -> {
            Commune.Settings k = c.commune();
            Commune.Settings updated = new Commune.Settings(k.id(), or(edit.name(), k.name()), k.timeZone(),
                    or(edit.horizonDays(), k.horizonDays()), or(edit.targetLufs(), k.targetLufs()),
                    edit.setQuietHours() ? edit.quietHours() : k.quietHours(), or(edit.health(), k.health()),
                    k.live(), or(edit.volume(), k.volume()));
            return new Commune(updated, c.villages(), c.stations(), c.library(), c.program());
        }, Commune::commune, null);
    }

    // --- the one way a change is made ------------------------------------------------------------

    private synchronized Object change(String actor, String action, String target, UnaryOperator<Commune> edit,
                                       java.util.function.Function<Commune, Object> view,
                                       AlsoInTransaction alsoInTransaction) {
        Commune before = current;
        Commune after;
        try {
            after = edit.apply(before);
        } catch (IllegalArgumentException | NullPointerException e) {
            // The records validate themselves; their message names what is wrong.
            throw new ChangeException(Kind.INVALID, null, e.getMessage());
        }
        List<String> fresh = check.newProblems(before, after);
        if (!fresh.isEmpty()) {
            throw new ChangeException(Kind.REFUSED, "program", "Chương trình không hợp lệ, chưa lưu / the change would"
                    + " make the program unpublishable, so it was not saved: " + String.join("; ", fresh), fresh);
        }
        store.transaction(c -> {
            CommuneRecords.save(c, after, null, clock.instant());
            audit.record(c, actor, action, target, view.apply(before), view.apply(after));
            if (alsoInTransaction != null) {
                alsoInTransaction.run(c);
            }
            return null;
        });
        current = after;
        log.info("{} by {}: {} saved", action, actor, target);
        for (Consumer<Commune> l : listeners) {
            l.accept(after);
        }
        return view.apply(after);
    }

    private static Commune with(Commune c, List<Commune.Village> villages, List<Commune.Station> stations,
                                    Commune.Program program) {
        return new Commune(c.commune(), villages, stations, c.library(), program);
    }

    private static Commune.Village village(Commune c, String id) {
        return village(c, id, null);
    }

    private static Commune.Village village(Commune c, String id, String field) {
        return c.village(id).orElseThrow(() -> field == null ? notFound("village", id)
                : new ChangeException(Kind.INVALID, field, "Không có thôn/ấp / no village with id " + id));
    }

    private static Optional<Commune.Station> station(Commune c, String id) {
        return c.stations().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    private static Commune.Station moved(Commune.Station s, String village) {
        return new Commune.Station(s.id(), s.name(), village, s.latitude(), s.longitude(), s.relayChannels(),
                s.warmUpMs(), s.volumeDb());
    }

    private static ChangeException notFound(String kind, String id) {
        return new ChangeException(Kind.NOT_FOUND, null, "Không tìm thấy / no " + kind + " with id " + id);
    }

    private static <T> List<T> plus(List<T> list, T item) {
        List<T> out = new ArrayList<>(list);
        out.add(item);
        return out;
    }

    private static <T> List<T> replace(List<T> list, T old, T now) {
        List<T> out = new ArrayList<>(list);
        out.set(out.indexOf(old), now);
        return out;
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
