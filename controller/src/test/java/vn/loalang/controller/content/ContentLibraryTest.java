package vn.loalang.controller.content;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.Gain;
import vn.loalang.audio.Loudness;
import vn.loalang.audio.LoudnessMeter;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.PcmConverter;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.directory.Commune.LibraryEntry;
import vn.loalang.controller.testing.TestFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One library of good and broken files, loaded once: decoding is the slow part. */
class ContentLibraryTest {

    @TempDir
    static Path base;
    static ContentLibrary library;

    @BeforeAll
    static void loadALibraryOfGoodAndBrokenFiles() throws IOException {
        Path dir = base.resolve("library");
        for (String f : List.of(Fixtures.ITEM_440HZ_2S, Fixtures.ITEM_1000HZ_1500MS, Fixtures.ITEM_660HZ_1S,
                "truncated.mp3", "random-bytes.mp3", "empty.mp3")) {
            TestFiles.copyFixture(f, dir);
        }
        library = ContentLibrary.load(List.of(
                entry("gia-lua", "library/" + Fixtures.ITEM_440HZ_2S, -2.0),
                entry("cat-ngang", "library/truncated.mp3", 0.0),
                entry("bao-hiem", "library/" + Fixtures.ITEM_1000HZ_1500MS, 0.0),
                entry("nhieu", "library/random-bytes.mp3", 0.0),
                entry("rong", "library/empty.mp3", 0.0),
                entry("mat-tich", "library/khong-co.mp3", 0.0),
                entry("thoi-tiet", "library/" + Fixtures.ITEM_660HZ_1S, 1.5)), base);
    }

    @Test
    void acceptsTheThreeItemsWithTheirDecodedDurations() {
        assertEquals(List.of("gia-lua", "bao-hiem", "thoi-tiet"),
                library.items().stream().map(LibraryItem::id).toList(), "accepted, in the order of the file");
        assertAll(
                () -> assertDuration(2000, "gia-lua"),
                () -> assertDuration(1500, "bao-hiem"),
                () -> assertDuration(1000, "thoi-tiet"));
    }

    @Test
    void addressesEachItemByTheSha256AndSizeOfItsFile() throws IOException {
        for (LibraryItem item : library.items()) {
            Path file = base.resolve("library").resolve(item.file().getFileName());
            assertEquals(TestFiles.sha256(file), item.sha256(), item.id());
            assertEquals(Files.size(file), item.sizeBytes(), item.id());
            assertEquals(file.toAbsolutePath().normalize(), item.file().toAbsolutePath(), item.id());
            assertEquals(item, library.bySha256(item.sha256()).orElseThrow());
        }
    }

    @Test
    void keepsTheTitleCategoryAndFormatOfEachItem() {
        LibraryItem gia = library.byId("gia-lua").orElseThrow();
        assertAll(
                () -> assertEquals("Tiêu đề gia-lua", gia.title()),
                () -> assertEquals("market-prices", gia.category()),
                () -> assertEquals("MP3", gia.format()));
    }

    @Test
    void storesTheGainThatBringsEachItemToTheTargetLoudnessPlusTheManualTrim() throws Exception {
        for (String id : List.of("gia-lua", "thoi-tiet")) {
            LibraryItem item = library.byId(id).orElseThrow();
            Loudness measured = LoudnessMeter.measureAsBroadcast(item.file());
            double trim = id.equals("gia-lua") ? -2.0 : 1.5;
            assertEquals(measured.integratedLufs(), item.loudnessLufs(), 1e-9, id);
            assertEquals(measured.gainTo(-16.0, -1.0, 12.0) + trim, item.gainDb(), 0.006, id);
        }
    }

    @Test
    void theStoredGainReallyBringsAnItemToTheTargetUnlessItsPeakForbids() throws Exception {
        LibraryItem item = library.byId("gia-lua").orElseThrow();
        Pcm pcm = AudioDecoder.decodeAll(item.file());
        byte[] data = pcm.data().clone();
        Gain.apply(data, 0, data.length, Gain.dbToLinear(item.gainDb() + 2.0));
        Pcm levelled = new Pcm(pcm.format(), data);
        PcmFormat stereo = new PcmFormat(pcm.format().sampleRate(), 2);
        Loudness after = LoudnessMeter.measure(
                PcmConverter.convert(levelled.stream(), stereo));

        // Either at the target, or held below it by the -1 dBTP ceiling.
        assertTrue(Math.abs(after.integratedLufs() + 16.0) < 0.2 || Math.abs(after.truePeakDbtp() + 1.0) < 0.2,
                after.toString());
    }

    @Test
    void refusesEachBrokenFileAndKeepsTheReasonForTheOperator() {
        Map<String, String> refused = library.refused();

        assertEquals(Set.of("cat-ngang", "nhieu", "rong", "mat-tich"), refused.keySet());
        assertAll(
                () -> assertReason(refused.get("cat-ngang"), "truncated.mp3", "is truncated"),
                () -> assertReason(refused.get("nhieu"), "random-bytes.mp3", "is not audio"),
                () -> assertReason(refused.get("rong"), "empty.mp3", "is empty"),
                () -> assertReason(refused.get("mat-tich"), "khong-co.mp3", "does not exist"));
    }

    @Test
    void aRefusedEntryCannotBeFoundAsAnItem() {
        for (String id : List.of("cat-ngang", "nhieu", "rong", "mat-tich")) {
            assertTrue(library.byId(id).isEmpty(), id);
        }
    }

    @Test
    void anUnknownIdOrHashFindsNothing() {
        assertTrue(library.byId("khong-biet").isEmpty());
        assertTrue(library.bySha256("0".repeat(64)).isEmpty());
    }

    @Test
    void twoEntriesForTheSameFileAreBothItemsAndShareOneHash(@TempDir Path other) throws IOException {
        TestFiles.copyFixture(Fixtures.ITEM_660HZ_1S, other);
        ContentLibrary twice = ContentLibrary.load(List.of(
                entry("thoi-tiet", Fixtures.ITEM_660HZ_1S, 0.0),
                entry("thoi-tiet-lai", Fixtures.ITEM_660HZ_1S, 0.0)), other);

        LibraryItem first = twice.byId("thoi-tiet").orElseThrow();
        LibraryItem second = twice.byId("thoi-tiet-lai").orElseThrow();
        assertEquals(first.sha256(), second.sha256());
        assertEquals("thoi-tiet", twice.bySha256(first.sha256()).orElseThrow().id());
        assertEquals(Map.of(), twice.refused());
    }

    private static void assertDuration(long expectedMillis, String id) {
        Duration d = library.byId(id).orElseThrow().duration();
        assertTrue(Math.abs(d.toMillis() - expectedMillis) <= 50,
                () -> id + " should last " + expectedMillis + " ms ± 50 but lasts " + d.toMillis() + " ms");
    }

    private static void assertReason(String reason, String... words) {
        for (String w : words) {
            assertTrue(reason != null && reason.contains(w), () -> "reason should contain \"" + w + "\": " + reason);
        }
    }

    private static LibraryEntry entry(String id, String file, double gainDb) {
        return new LibraryEntry(id, "Tiêu đề " + id, id.equals("gia-lua") ? "market-prices" : null, file, gainDb);
    }
}
