package vn.loalang.controller.content;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.directory.Commune.LibraryEntry;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.TestFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library on a real SQLite file and content folder: uploads decoded, measured, kept, refused with the reason. */
class LibraryCatalogTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T03:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    Store store;
    LibraryCatalog catalog;

    @BeforeEach
    void open() throws IOException {
        store = Store.open(dir.resolve("loalang.db"));
        catalog = LibraryCatalog.open(store, dir.resolve("content"), -16, new AuditLog(CLOCK), CLOCK);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private LibraryItem upload(String id, String fixture, String uploadedAs) throws IOException {
        try (InputStream in = Files.newInputStream(Fixtures.path(fixture))) {
            return catalog.upload("van.thu", entry(id, null), uploadedAs, in);
        }
    }

    private static LibraryEntry entry(String id, LocalDate expires) {
        return new LibraryEntry(id, "Giá lúa hôm nay", "market-prices", "ignored", 0.0, expires, null);
    }

    @Test
    void theListenersAreToldWhichItemChanged() throws IOException {
        List<java.util.Set<String>> told = new java.util.concurrent.CopyOnWriteArrayList<>();
        catalog.onItemsChanged(told::add);

        upload("gia-lua", Fixtures.ITEM_440HZ_2S, "gia lua.mp3");
        upload("chuong", Fixtures.ITEM_660HZ_1S, "chuong.mp3");
        catalog.update("van.thu", "gia-lua", new LibraryCatalog.Edit("Giá lúa tuần này", null, null, null, false, null));
        catalog.remove("van.thu", "chuong", id -> false);

        assertEquals(List.of(java.util.Set.of("gia-lua"), java.util.Set.of("chuong"), java.util.Set.of("gia-lua"),
                java.util.Set.of("chuong")), told, "added, added, changed, removed: so only what names them compiles");
    }

    @Test
    void anUploadIsKeptUnderItsSha256WithWhatWasMeasuredAndSurvivesARestart() throws IOException {
        AtomicInteger changes = new AtomicInteger();
        catalog.onChange(changes::incrementAndGet);
        LibraryItem item = upload("gia-lua", Fixtures.ITEM_440HZ_2S, "gia lua.mp3");

        assertAll(
                () -> assertEquals(TestFiles.sha256(Fixtures.path(Fixtures.ITEM_440HZ_2S)), item.sha256()),
                () -> assertEquals(dir.resolve("content").resolve(item.sha256()).toAbsolutePath(), item.file()),
                () -> assertEquals(Files.size(Fixtures.path(Fixtures.ITEM_440HZ_2S)), Files.size(item.file())),
                () -> assertEquals(2000, item.duration().toMillis(), 5),
                () -> assertEquals("MP3", item.format()),
                () -> assertEquals("vi", item.language()),
                () -> assertEquals(-16 - item.loudnessLufs(), item.gainDb(), 0.01, "brought to the target"),
                () -> assertEquals(1, changes.get()));
        try (Stream<Path> left = Files.list(dir.resolve("content").resolve("incoming"))) {
            assertEquals(0, left.count(), "nothing left half-written in the incoming folder");
        }

        store.close();
        store = Store.open(dir.resolve("loalang.db"));
        LibraryCatalog reopened = LibraryCatalog.open(store, dir.resolve("content"), -16, new AuditLog(CLOCK), CLOCK);
        assertEquals(item, reopened.index().byId("gia-lua").orElseThrow(), "the same item, without decoding again");
        assertEquals(item, reopened.index().bySha256(item.sha256()).orElseThrow());
        assertTrue(auditActions().contains("van.thu library.add gia-lua"), auditActions().toString());
    }

    @Test
    void aBrokenOrMislabelledFileIsRefusedWithAMessageThatNamesTheProblemAndNothingIsKept() throws IOException {
        record Case(String fixture, String uploadedAs, String expected) {
        }
        List<Case> cases = List.of(
                new Case("truncated.mp3", "ban-tin.mp3", "truncated"),
                new Case("empty.mp3", "rong.mp3", "empty"),
                new Case("random-bytes.mp3", "nhieu.mp3", "not audio"),
                new Case("id3-only.mp3", "the.mp3", "only an ID3 tag"),
                new Case("wav-named.mp3", "nham.mp3", "is named .mp3 but holds a WAV file"));
        for (Case c : cases) {
            ChangeException e = assertThrows(ChangeException.class, () -> upload("x-" + c.uploadedAs().replace(".mp3", ""),
                    c.fixture(), c.uploadedAs()), c.fixture());
            assertEquals(ChangeException.Kind.REFUSED, e.kind(), c.fixture());
            assertEquals("file", e.field());
            assertTrue(e.getMessage().contains(c.expected()) && e.getMessage().contains(c.uploadedAs()),
                    c.fixture() + ": " + e.getMessage());
        }
        assertTrue(catalog.index().items().isEmpty());
        try (Stream<Path> files = Files.list(dir.resolve("content"))) {
            assertEquals(List.of("incoming"), files.map(p -> p.getFileName().toString()).toList());
        }
        List<LibraryCatalog.Refusal> refusals = catalog.refusals(10);
        assertEquals(cases.size(), refusals.size());
        assertEquals("nham.mp3", refusals.get(0).originalName(), "newest first");
        assertTrue(catalog.index().refused().get("x-ban-tin").contains("truncated"), "a program naming it says why");
    }

    @Test
    void aWavUploadIsAcceptedAndTheSameBytesUnderTwoIdsShareOneFile() throws IOException {
        LibraryItem wav = upload("chuong", "tone-1khz-1s-8k-mono-16bit.wav", "chuong.wav");
        assertEquals("WAV", wav.format());
        LibraryItem again = upload("chuong-2", "tone-1khz-1s-8k-mono-16bit.wav", "chuong.wav");
        assertEquals(wav.file(), again.file());

        ChangeException taken = assertThrows(ChangeException.class,
                () -> upload("chuong", "tone-1khz-1s-8k-mono-16bit.wav", "chuong.wav"));
        assertEquals(ChangeException.Kind.CONFLICT, taken.kind());

        catalog.remove("van.thu", "chuong", id -> false);
        assertTrue(Files.exists(again.file()), "still used by chuong-2");
        catalog.remove("van.thu", "chuong-2", id -> false);
        assertFalse(Files.exists(again.file()), "gone with the last item that used it");
    }

    @Test
    void anExpiryInThePastIsRefusedAndAnItemInUseCannotBeRemoved() throws IOException {
        ChangeException past = assertThrows(ChangeException.class, () -> {
            try (InputStream in = Files.newInputStream(Fixtures.path(Fixtures.ITEM_660HZ_1S))) {
                catalog.upload("van.thu", entry("cu", LocalDate.of(2026, 11, 1)), "cu.mp3", in);
            }
        });
        assertEquals("expires", past.field());

        upload("thoi-tiet", Fixtures.ITEM_660HZ_1S, "thoi-tiet.mp3");
        ChangeException used = assertThrows(ChangeException.class,
                () -> catalog.remove("van.thu", "thoi-tiet", id -> id.equals("thoi-tiet")));
        assertEquals(ChangeException.Kind.CONFLICT, used.kind());
        assertTrue(catalog.index().byId("thoi-tiet").isPresent());
    }

    @Test
    void editingTheMetadataAndTheTargetChangesTheGainNotTheFile() throws IOException {
        LibraryItem item = upload("gia-lua", Fixtures.ITEM_440HZ_2S, "gia-lua.mp3");
        LibraryItem trimmed = catalog.update("van.thu", "gia-lua", new LibraryCatalog.Edit("Giá lúa tuần này", null,
                "km", LocalDate.of(2026, 12, 31), false, -2.0));
        assertAll(
                () -> assertEquals("Giá lúa tuần này", trimmed.title()),
                () -> assertEquals("km", trimmed.language()),
                () -> assertEquals(LocalDate.of(2026, 12, 31), trimmed.expires()),
                () -> assertEquals(item.gainDb() - 2.0, trimmed.gainDb(), 0.011),
                () -> assertEquals(item.sha256(), trimmed.sha256()));
        ChangeException bad = assertThrows(ChangeException.class, () -> catalog.update("van.thu", "gia-lua",
                new LibraryCatalog.Edit(null, "gossip", null, null, false, null)));
        assertTrue(bad.getMessage().contains("category 'gossip'"), bad.getMessage());

        catalog.retarget(-20);
        LibraryItem quieter = catalog.index().byId("gia-lua").orElseThrow();
        assertEquals(LibraryIngest.gainDb(item.loudnessLufs(), item.truePeakDbtp(), -20, -2.0), quieter.gainDb());
        assertTrue(quieter.gainDb() < trimmed.gainDb(), "a lower target turns it down");

        store.close();
        store = Store.open(dir.resolve("loalang.db"));
        LibraryItem reread = LibraryCatalog.open(store, dir.resolve("content"), -16, new AuditLog(CLOCK), CLOCK)
                .index().byId("gia-lua").orElseThrow();
        assertEquals(trimmed, reread);
    }

    @Test
    void anItemWhoseFileWasDamagedOnDiskIsRefusedAtTheNextStart() throws IOException {
        LibraryItem item = upload("gia-lua", Fixtures.ITEM_440HZ_2S, "gia-lua.mp3");
        Files.write(item.file(), new byte[]{1, 2, 3});
        store.close();
        store = Store.open(dir.resolve("loalang.db"));
        LibraryCatalog reopened = LibraryCatalog.open(store, dir.resolve("content"), -16, new AuditLog(CLOCK), CLOCK);
        assertTrue(reopened.index().byId("gia-lua").isEmpty());
        assertTrue(reopened.index().refused().get("gia-lua").contains("3 bytes"), reopened.index().refused().toString());
    }

    @Test
    void anIdIsMadeFromAVietnameseTitle() throws IOException {
        assertEquals("gia-lua-hom-nay", catalog.idFor("Giá lúa hôm nay"));
        assertEquals("duong-di-bao-so-3", catalog.idFor("Đường đi bão số 3!"));
        assertEquals("ban-tin", catalog.idFor("!!!"));
        upload("gia-lua-hom-nay", Fixtures.ITEM_440HZ_2S, "a.mp3");
        assertEquals("gia-lua-hom-nay-2", catalog.idFor("Giá lúa hôm nay"));
    }

    @Test
    void anItemRefusedAtStartCanBeUploadedAgainOrRemoved() throws IOException {
        LibraryItem item = upload("gia-lua", Fixtures.ITEM_440HZ_2S, "gia-lua.mp3");
        Files.delete(item.file());
        store.close();
        store = Store.open(dir.resolve("loalang.db"));
        catalog = LibraryCatalog.open(store, dir.resolve("content"), -16, new AuditLog(CLOCK), CLOCK);
        assertTrue(catalog.index().refused().get("gia-lua").contains("missing"));

        LibraryItem again = upload("gia-lua", Fixtures.ITEM_440HZ_2S, "gia-lua.mp3");
        assertTrue(Files.exists(again.file()));
        assertTrue(catalog.index().refused().isEmpty());
        catalog.remove("van.thu", "gia-lua", id -> false);

        upload("thoi-tiet", Fixtures.ITEM_660HZ_1S, "thoi-tiet.mp3");
        Files.delete(catalog.index().byId("thoi-tiet").orElseThrow().file());
        store.close();
        store = Store.open(dir.resolve("loalang.db"));
        catalog = LibraryCatalog.open(store, dir.resolve("content"), -16, new AuditLog(CLOCK), CLOCK);
        catalog.remove("van.thu", "thoi-tiet", id -> false);
        assertTrue(catalog.index().refused().isEmpty(), "its record is gone with it");
        assertEquals(0, (int) store.query(c -> {
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM library_item")) {
                rs.next();
                return rs.getInt(1);
            }
        }));
    }

    @Test
    void whatAnInterruptedUploadLeftIsClearedAtTheNextStart() throws IOException {
        Path half = Files.createDirectories(dir.resolve("content").resolve("incoming").resolve("x")).resolve("ban-tin.mp3");
        Files.write(half, new byte[1000]);
        Path unnamed = Files.write(dir.resolve("content").resolve("a".repeat(64)), new byte[10]);
        store.close();
        store = Store.open(dir.resolve("loalang.db"));
        LibraryCatalog.open(store, dir.resolve("content"), -16, new AuditLog(CLOCK), CLOCK);
        assertFalse(Files.exists(half));
        assertFalse(Files.exists(unnamed), "no item names it");
    }

    @Test
    void aCommuneFileImportSkipsWhatItAlreadyDidAndKeepsAnExpiredEntry() throws IOException {
        Path file = TestFiles.copyFixture(Fixtures.ITEM_440HZ_2S, dir.resolve("seed"));
        catalog.importEntry("system", entry("gia-lua", LocalDate.of(2026, 1, 1)), file);
        catalog.importEntry("system", entry("gia-lua", LocalDate.of(2026, 1, 1)), file);
        catalog.importEntry("system", entry("mat-tich", null), dir.resolve("seed").resolve("khong-co.mp3"));
        catalog.importEntry("system", entry("mat-tich", null), dir.resolve("seed").resolve("khong-co.mp3"));
        assertTrue(catalog.index().byId("gia-lua").orElseThrow().expiredOn(LocalDate.of(2026, 11, 30)),
                "expired: it drops out of sessions, and the program that names it still compiles");
        assertEquals(1, catalog.refusals(10).size(), "each entry once, however often the import runs");
    }

    private List<String> auditActions() {
        return store.query(c -> new AuditLog(CLOCK).latest(c, 100)).stream()
                .map(e -> e.actor() + " " + e.action() + " " + e.target()).toList();
    }
}
