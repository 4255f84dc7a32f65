package vn.loalang.controller.directory;

import vn.loalang.protocol.schedule.QuietHours;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.directory.Commune.DailySession;
import vn.loalang.controller.directory.Commune.Program;
import vn.loalang.controller.directory.Commune.Station;
import vn.loalang.controller.directory.Commune.Village;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.UserDirectory;

import java.nio.file.Path;
import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The commune in a real SQLite file: imported once, changed only whole and valid, audited, kept across restarts. */
class DirectoryTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T03:00:00Z"), ZoneOffset.UTC);
    static final Program PROGRAM = new Program(List.of(
            new DailySession("morning", "Buổi sáng", LocalTime.of(5, 30), LocalTime.of(6, 30), PlaylistEntry.library("gia-lua"),
                    Set.of(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), null, LocalDate.of(2026, 1, 1), null),
            new DailySession("evening", "Buổi chiều", LocalTime.of(17, 0), LocalTime.of(18, 0), List.of("gia-lua"))),
            List.of(new Commune.OneOffSession("tiem-chung", "Tiêm chủng", LocalDate.of(2026, 12, 5),
                    LocalTime.of(9, 0), LocalTime.of(9, 30), PlaylistEntry.library("gia-lua"))),
            List.of(new Commune.Cancellation(LocalDate.of(2027, 1, 1), null, "Tết Dương lịch")));
    static final Commune SEED = new Commune(
            new Commune.Settings("xa-an-binh", "Xã An Bình", null, 7, -18.0,
                    new QuietHours(LocalTime.of(22, 0), LocalTime.of(5, 0)),
                    new HealthThresholds(60, 300, 15, 1000, 70.0, 500, 64)),
            List.of(new Village("thon-dong", "Thôn Đông", null),
                    new Village("thon-tay", "Thôn Tây", new Program(List.of(), List.of()))),
            List.of(new Station("thon-dong-1", "Cụm loa chợ", "thon-dong", 10.1, 106.2, 2, 2500),
                    new Station("thon-tay-1", null, "thon-tay")),
            List.of(new Commune.LibraryEntry("gia-lua", "Giá lúa", null, "gia-lua.mp3", null)), PROGRAM);

    @TempDir
    Path dir;
    Store store;
    Directory directory;

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("loalang.db"));
        directory = Directory.open(store, new AuditLog(CLOCK), CLOCK, dir.resolve("commune.json"), SEED, "abc");
    }

    @AfterEach
    void close() {
        store.close();
    }

    private Directory reopen(Commune seed) {
        store.close();
        store = Store.open(dir.resolve("loalang.db"));
        return Directory.open(store, new AuditLog(CLOCK), CLOCK, seed == null ? null : dir.resolve("commune.json"),
                seed, "other");
    }

    @Test
    void theSeedIsImportedOnceAndReadBackWholeAfterARestart() {
        assertTrue(directory.importedNow());
        Commune withoutLibrary = new Commune(SEED.commune(), SEED.villages(), SEED.stations(), List.of(),
                SEED.program());
        assertEquals(withoutLibrary, directory.current());

        Commune other = new Commune(new Commune.Settings("xa-khac", "Xã Khác", null, null, null),
                List.of(), List.of(), List.of(), new Program(List.of(), List.of()));
        Directory again = reopen(other);
        assertEquals(withoutLibrary, again.current(), "the store is the record; a changed file is not read again");
        assertTrue(!again.importedNow());
        assertEquals(withoutLibrary, reopen(null).current(), "no file needed once imported");
    }

    @Test
    void anEmptyStoreWithoutACommuneFileSaysWhatToDo() {
        store.close();
        store = Store.open(dir.resolve("empty.db"));
        ChangeException e = assertThrows(ChangeException.class,
                () -> Directory.open(store, new AuditLog(CLOCK), CLOCK, null, null, null));
        assertTrue(e.getMessage().contains("--commune FILE"), e.getMessage());
    }

    @Test
    void villagesAndStationsAreRenamedAndRegroupedWithoutChangingAStationsId() {
        List<Commune> announced = new ArrayList<>();
        directory.onChange(announced::add);
        directory.addVillage("admin", new Village("ap-moi", "Ấp Mới", null, "Xã Bình Hoà"));
        directory.renameVillage("admin", "thon-tay", "Thôn Tây (cũ)", "Xã An Bình");
        Station moved = directory.updateStation("tech", "thon-tay-1", new Directory.StationEdit("Cụm loa cầu",
                "ap-moi", 10.5, 106.7, null, 3000));

        assertEquals(new Station("thon-tay-1", "Cụm loa cầu", "ap-moi", 10.5, 106.7, 1, 3000), moved);
        assertEquals(3, announced.size(), "each change is announced once");
        Directory again = reopen(null);
        Commune after = again.current();
        assertEquals("Xã Bình Hoà", after.village("ap-moi").orElseThrow().formerCommune());
        assertEquals("Thôn Tây (cũ)", after.village("thon-tay").orElseThrow().name());
        assertEquals(moved, after.stations().get(1));
        assertTrue(audit().contains("tech station.update thon-tay-1"), audit().toString());
    }

    @Test
    void aMergedVillageHandsOverItsStationsAndItsVillageHeads() {
        UserDirectory users = new UserDirectory(store, new PasswordHasher(1000), new AuditLog(CLOCK), CLOCK,
                directory::villageIds);
        users.create("admin", new UserDirectory.NewUser("truong.tay", "Bác Ba", Role.VILLAGE_HEAD,
                List.of("thon-tay"), "vi", "mat-khau-dai-du"));
        directory.mergeVillage("admin", "thon-tay", "thon-dong",
                c -> users.villageMerged(c, "admin", "thon-tay", "thon-dong"));

        Commune after = directory.current();
        assertEquals(List.of("thon-dong"), after.villages().stream().map(Village::id).toList());
        assertEquals(List.of("thon-dong-1", "thon-tay-1"), after.stations().stream().map(Station::id).toList(),
                "the stations keep their ids: nothing to provision again");
        assertTrue(after.stations().stream().allMatch(s -> s.village().equals("thon-dong")));
        assertEquals(List.of("thon-dong"), users.all().stream().filter(u -> u.username().equals("truong.tay"))
                .findFirst().orElseThrow().villages());
        assertTrue(audit().containsAll(List.of("admin village.merge thon-tay->thon-dong", "admin user.villages truong.tay")),
                audit().toString());
        assertEquals(after, reopen(null).current());
    }

    @Test
    void aVillageWithAVillageHeadCannotBeRemoved() {
        UserDirectory users = new UserDirectory(store, new PasswordHasher(1000), new AuditLog(CLOCK), CLOCK,
                directory::villageIds);
        directory.addVillage("admin", new Village("ap-moi", "Ấp Mới", null));
        users.create("admin", new UserDirectory.NewUser("truong.moi", null, Role.VILLAGE_HEAD, List.of("ap-moi"), "vi",
                "mat-khau-dai-du"));
        ChangeException e = assertThrows(ChangeException.class,
                () -> directory.removeVillage("admin", "ap-moi", c -> users.requireNoHeadsOf(c, "ap-moi")));
        assertEquals(Kind.CONFLICT, e.kind());
        assertTrue(e.getMessage().contains("truong.moi"), e.getMessage());
        assertTrue(reopen(null).current().village("ap-moi").isPresent(), "nothing removed");
    }

    @Test
    void aChangeThatCannotBeMadeLeavesEverythingAsItWas() {
        Commune before = directory.current();
        record Case(Runnable change, Kind kind) {
        }
        List<Case> cases = List.of(
                new Case(() -> directory.addVillage("admin", new Village("thon-dong", "Trùng", null)), Kind.CONFLICT),
                new Case(() -> directory.removeVillage("admin", "thon-dong", null), Kind.CONFLICT),
                new Case(() -> directory.renameVillage("admin", "thon-bac", "Bắc", null), Kind.NOT_FOUND),
                new Case(() -> directory.addStation("admin", new Station("thon-dong-1", null, "thon-dong")), Kind.CONFLICT),
                new Case(() -> directory.addStation("admin", new Station("moi-1", null, "thon-bac")), Kind.INVALID),
                new Case(() -> directory.updateStation("tech", "thon-dong-1",
                        new Directory.StationEdit(null, null, 95.0, 106.0, null, null)), Kind.INVALID),
                new Case(() -> directory.updateStation("tech", "thon-dong-1",
                        new Directory.StationEdit(null, null, null, null, 0, null)), Kind.INVALID),
                new Case(() -> directory.mergeVillage("admin", "thon-dong", "thon-dong", null), Kind.INVALID),
                new Case(() -> directory.updateSettings("admin",
                        new Directory.SettingsEdit(null, 0, null, false, null)), Kind.INVALID));
        for (Case c : cases) {
            ChangeException e = assertThrows(ChangeException.class, c.change::run);
            assertEquals(c.kind(), e.kind(), e.getMessage());
        }
        assertEquals(before, directory.current());
        assertEquals(before, reopen(null).current());
    }

    @Test
    void aProgramChangeWithNewProblemsIsRefusedWithEveryProblem() {
        directory.checkProgramsWith((before, after) -> after.program().daily().size() > 2
                ? List.of("village thon-dong: sessions a and b overlap", "village thon-dong: session c has no items")
                : List.of());
        Program tooMany = new Program(List.of(PROGRAM.daily().get(0), PROGRAM.daily().get(1),
                new DailySession("noon", null, LocalTime.of(11, 0), LocalTime.of(11, 30), List.of())), List.of());
        ChangeException e = assertThrows(ChangeException.class, () -> directory.setCommuneProgram("van.thu", tooMany));
        assertEquals(Kind.REFUSED, e.kind());
        assertEquals("program", e.field());
        assertEquals(2, e.problems().size());
        assertEquals(PROGRAM, reopen(null).current().program());
    }

    @Test
    void aVillageProgramAndTheSettingsAreSavedAndAudited() {
        Program own = new Program(List.of(new DailySession("morning", null, LocalTime.of(6, 0), LocalTime.of(6, 45),
                List.of("gia-lua"))), List.of());
        directory.setVillageProgram("van.thu", "thon-dong", own);
        directory.setVillageProgram("van.thu", "thon-tay", null);
        HealthThresholds hills = new HealthThresholds(120, null, null, null, 60.0, null, null);
        directory.updateSettings("admin", new Directory.SettingsEdit("Xã An Bình mới", 14, -16.0, true, null, hills));

        Directory again = reopen(null);
        Commune after = again.current();
        assertEquals(own, after.village("thon-dong").orElseThrow().program());
        assertNull(after.village("thon-tay").orElseThrow().program(), "follows the commune's program again");
        assertEquals(new Commune.Settings("xa-an-binh", "Xã An Bình mới", "Asia/Ho_Chi_Minh", 14, -16.0, null, hills),
                after.commune());
        assertEquals(new Commune.Settings("xa-an-binh", "Xã An Bình mới", "Asia/Ho_Chi_Minh", 14, -16.0, null,
                SEED.commune().health()), again.updateSettings("admin", new Directory.SettingsEdit(null, null, null,
                false, null, SEED.commune().health())), "thresholds are replaced whole");
        assertTrue(audit().containsAll(List.of("van.thu program.village thon-dong", "admin commune.settings xa-an-binh",
                "system commune.import xa-an-binh")), audit().toString());
    }

    private List<String> audit() {
        return store.query(c -> new AuditLog(CLOCK).latest(c, 100)).stream()
                .map(e -> e.actor() + " " + e.action() + " " + e.target()).toList();
    }
}
