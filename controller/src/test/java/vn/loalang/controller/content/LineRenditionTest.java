package vn.loalang.controller.content;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.AudioInfo;
import vn.loalang.audio.AudioProbe;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.analysis.PcmAnalysis;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.directory.Commune.LibraryEntry;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.TestFiles;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Content brought to the stations' line format at the commune office (so that no Pi resamples), with
 * Debian's real {@code lame} and the real library on SQLite.
 */
class LineRenditionTest {
    private static final LineFormat LINE = LineFormat.AGENT_DEFAULT;

    @TempDir
    Path dir;
    Store store;

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
    }

    @Test
    void aFileAtAnotherRateBecomesAnMp3AtTheLineWithTheSameSoundAndLength() throws Exception {
        // 48 kHz stereo, a 660 Hz tone of one second.
        Path source = Fixtures.path(Fixtures.ITEM_660HZ_1S);
        Path out = LineRendition.to(LINE).render(source, dir.resolve("line.mp3"));

        AudioInfo before = AudioProbe.probe(source);
        AudioInfo after = AudioProbe.probe(out);
        Pcm pcm = AudioDecoder.decodeAll(out);
        long middle = pcm.frames() / 2;
        assertAll(
                () -> assertEquals(dir.resolve("line.mp3"), out),
                () -> assertEquals("MP3", after.container()),
                () -> assertEquals(44_100, after.format().sampleRate()),
                () -> assertEquals(1, after.format().channels()),
                () -> assertFalse(after.variableBitrate(), "constant bit rate: a download's size is known"),
                () -> assertEquals(64, after.bitrateKbps()),
                () -> assertEquals(before.duration().toMillis(), after.duration().toMillis(), 5,
                        "gapless: the encoder's delay and padding are in its header, and trimmed"),
                () -> assertEquals(660, PcmAnalysis.dominantOf(pcm, middle - 4410, middle + 4410, 440, 660, 1000), 0.1),
                () -> assertTrue(PcmAnalysis.rmsDbfs(pcm, middle - 4410, middle + 4410) > -30, "still sounds"));
    }

    @Test
    void aFileAlreadyAtTheLineIsKeptAsItIs() throws Exception {
        Path source = Fixtures.path(Fixtures.ITEM_440HZ_2S); // 44.1 kHz mono

        assertEquals(source, LineRendition.to(LINE).render(source, dir.resolve("line.mp3")));
        assertFalse(Files.exists(dir.resolve("line.mp3")));
    }

    @Test
    void theLineMustBeARateMp3Has() {
        assertThrows(IllegalArgumentException.class, () -> new LineFormat(96_000, 1));
        assertThrows(IllegalArgumentException.class, () -> new LineFormat(44_100, 3));
        assertThrows(IllegalArgumentException.class, () -> new LineFormat(0, 1));
        assertTrue(LineFormat.AS_UPLOADED.asUploaded(), "--line-rate 0: files kept as uploaded");
        assertFalse(LineFormat.AGENT_DEFAULT.asUploaded());
        assertEquals(32, LineRendition.kbps(new LineFormat(22_050, 1)));
        assertEquals(128, LineRendition.kbps(new LineFormat(48_000, 2)));
    }

    @Test
    void theLibraryKeepsTheRenditionAndServesItsHash() throws Exception {
        LibraryCatalog catalog = open(LineRendition.to(LINE));

        LibraryItem item = upload(catalog, Fixtures.ITEM_1000HZ_1500MS); // 22.05 kHz mono

        AudioInfo kept = AudioProbe.probe(item.file());
        assertAll(
                () -> assertEquals(44_100, kept.format().sampleRate()),
                () -> assertEquals(1, kept.format().channels()),
                () -> assertEquals("MP3", item.format()),
                () -> assertEquals(TestFiles.sha256(item.file()), item.sha256(), "the stations fetch what is kept"),
                () -> assertEquals(Files.size(item.file()), item.sizeBytes()),
                () -> assertEquals(1500, item.duration().toMillis(), 5),
                () -> assertEquals(-16 - item.loudnessLufs(), item.gainDb(), 0.01, "measured as the stations play it"));
        try (Stream<Path> left = Files.list(dir.resolve("content").resolve("incoming"))) {
            assertEquals(0, left.count(), "neither the upload nor its rendition is left in the incoming folder");
        }
    }

    @Test
    void withoutTheEncoderTheFileIsKeptAsUploadedAndTheStationsConvertIt() throws Exception {
        LibraryCatalog catalog = open(new LineRendition(LINE, dir.resolve("no-such-lame").toString()));

        LibraryItem item = upload(catalog, Fixtures.ITEM_1000HZ_1500MS);

        assertEquals(TestFiles.sha256(Fixtures.path(Fixtures.ITEM_1000HZ_1500MS)), item.sha256());
        assertEquals(22_050, AudioProbe.probe(item.file()).format().sampleRate());
    }

    private LibraryCatalog open(LineRendition rendition) throws IOException {
        store = Store.open(dir.resolve("loalang.db"));
        return LibraryCatalog.open(store, dir.resolve("content"), -16, new AuditLog(LibraryCatalogTest.CLOCK),
                LibraryCatalogTest.CLOCK, StorageLimits.DEFAULT, rendition);
    }

    private static LibraryItem upload(LibraryCatalog catalog, String fixture) throws IOException {
        try (InputStream in = Files.newInputStream(Fixtures.path(fixture))) {
            return catalog.upload("van.thu", new LibraryEntry("tin", "Tin", "local-news", "ignored", 0.0, null, null),
                    fixture, in);
        }
    }
}
