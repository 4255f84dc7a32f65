package vn.loalang.controller.content;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.directory.Commune.LibraryEntry;
import vn.loalang.controller.live.Ffmpeg;
import vn.loalang.controller.live.FfmpegConverter;
import vn.loalang.controller.store.Store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What phones and editors record, converted by the real ffmpeg into the library (issue 18, decision
 * 0036): each recording is made here by ffmpeg from a 3 s tone, uploaded, kept as MP3 with its length,
 * and its original kept beside it byte for byte. Debian's ffmpeg has no AMR encoder, so the AMR file is
 * written frame by frame (12.2 kbit/s frames, 20 ms each) as a phone's recorder would lay it out.
 */
class ConversionTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T03:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;
    Store store;
    LibraryCatalog catalog;

    @BeforeEach
    void open() throws IOException {
        store = Store.open(dir.resolve("loalang.db"));
        catalog = LibraryCatalog.open(store, dir.resolve("content"), -16, new AuditLog(CLOCK), CLOCK);
        catalog.convertWith(new FfmpegConverter(Ffmpeg.find("ffmpeg")));
    }

    @AfterEach
    void close() {
        store.close();
    }

    record Recording(String name, String format, List<String> encoder) {
    }

    @Test
    void whatPhonesAndEditorsRecordIsConvertedMeasuredAndKeptWithItsOriginal() throws Exception {
        List<Recording> recordings = List.of(
                new Recording("ghi-am.m4a", "M4A", List.of("-c:a", "aac", "-b:a", "64k")),
                new Recording("tin-nhan.ogg", "Ogg", List.of("-c:a", "libopus", "-b:a", "32k")),
                new Recording("phat-thanh.mp2", "MP2", List.of("-c:a", "mp2", "-b:a", "128k")),
                new Recording("bien-tap.wav", "WAV", List.of("-c:a", "pcm_f32le")));
        List<Path> originals = new ArrayList<>();
        for (Recording r : recordings) {
            Path made = tone(r.name(), r.encoder());
            LibraryItem item = upload(id(r.name()), made, r.name());
            assertConverted(item, made, r.format(), 3000);
            originals.add(catalog.original(item.id()).orElseThrow().file());
        }
        Path amr = amr("ghi-am-cu.amr", 150);
        LibraryItem fromAmr = upload("ghi-am-cu", amr, "ghi-am-cu.amr");
        assertConverted(fromAmr, amr, "AMR", 3000);

        // The originals are counted in the quota with the MP3s, and survive a restart.
        long expected = 0;
        for (LibraryItem i : catalog.index().items()) {
            expected += i.sizeBytes() + catalog.original(i.id()).orElseThrow().sizeBytes();
        }
        assertEquals(expected, catalog.usedBytes());
        store.close();
        store = Store.open(dir.resolve("loalang.db"));
        catalog = LibraryCatalog.open(store, dir.resolve("content"), -16, new AuditLog(CLOCK), CLOCK);
        assertEquals("AMR", catalog.original("ghi-am-cu").orElseThrow().format());
        assertEquals("ghi-am-cu.amr", catalog.original("ghi-am-cu").orElseThrow().name());
        assertEquals(expected, catalog.usedBytes());

        // Removed with its item.
        Path m4a = originals.get(0);
        catalog.remove("van.thu", "ghi-am", id -> false);
        assertFalse(Files.exists(m4a), "the original goes with its item");
        assertTrue(catalog.original("ghi-am").isEmpty());
        assertTrue(Files.exists(originals.get(1)));
    }

    @Test
    void whatNoConverterReadsIsRefusedWithTheConvertersReason() throws Exception {
        // Starts like an Ogg file, then nothing: recognised as audio of another format, and ffmpeg cannot read it.
        byte[] bytes = new byte[4096];
        System.arraycopy("OggS".getBytes(StandardCharsets.US_ASCII), 0, bytes, 0, 4);
        Path broken = Files.write(dir.resolve("hong.ogg"), bytes);
        ChangeException e = assertThrows(ChangeException.class, () -> upload("hong", broken, "hong.ogg"));
        assertEquals(ChangeException.Kind.REFUSED, e.kind());
        assertTrue(e.getMessage().contains("hong.ogg is an Ogg file") && e.getMessage().contains("no converter reads it")
                && e.getMessage().contains("ffmpeg could not read it"), e.getMessage());
        assertTrue(catalog.refusals(1).get(0).reason().contains("no converter reads it"), "kept with its reason");
        assertTrue(catalog.index().refused().get("hong").contains("no converter reads it"));

        // Random bytes are not audio: refused as before, never handed to the converter.
        Path noise = Fixtures.path("random-bytes.mp3");
        ChangeException notAudio = assertThrows(ChangeException.class, () -> upload("nhieu", noise, "nhieu.mp3"));
        assertTrue(notAudio.getMessage().contains("not audio"), notAudio.getMessage());
        assertTrue(catalog.index().items().isEmpty());
        assertNothingLeft();
    }

    /** Plan §4 item 7: a WAV named .mp3 is a sign of the wrong recording, told to the operator, never converted. */
    @Test
    void aWavNamedMp3IsStillRefusedAsAMixUpWhenAConverterIsThere() {
        ChangeException e = assertThrows(ChangeException.class,
                () -> upload("nham", Fixtures.path("wav-named.mp3"), "nham.mp3"));
        assertEquals(ChangeException.Kind.REFUSED, e.kind());
        assertTrue(e.getMessage().contains("is named .mp3 but holds a WAV file"), e.getMessage());
        assertTrue(catalog.index().items().isEmpty());
    }

    @Test
    void withoutFfmpegTheRefusalSaysHowToInstallIt() throws Exception {
        catalog.convertWith(null);
        Path m4a = tone("ghi-am.m4a", List.of("-c:a", "aac"));
        ChangeException e = assertThrows(ChangeException.class, () -> upload("ghi-am", m4a, "ghi-am.m4a"));
        assertEquals(ChangeException.Kind.REFUSED, e.kind());
        assertTrue(e.getMessage().contains("ghi-am.m4a is an MP4/M4A file (AAC)")
                && e.getMessage().contains("sudo apt-get install ffmpeg"), e.getMessage());
        assertTrue(catalog.refusals(1).get(0).reason().contains("install ffmpeg"));
        assertNothingLeft();
    }

    private void assertConverted(LibraryItem item, Path made, String format, long durationMs) throws IOException {
        LibraryCatalog.Original original = catalog.original(item.id()).orElseThrow();
        assertAll(item.id(),
                () -> assertEquals("MP3", item.format(), "the stations get an MP3"),
                () -> assertEquals(durationMs, item.duration().toMillis(), 50, "its length, within 50 ms"),
                () -> assertTrue(Double.isFinite(item.loudnessLufs()), "measured: " + item.loudnessLufs()),
                () -> assertEquals(format, original.format()),
                () -> assertEquals(Files.size(made), original.sizeBytes()),
                () -> assertArrayEquals(Files.readAllBytes(made), Files.readAllBytes(original.file()),
                        "the original is kept as it was uploaded"),
                () -> assertEquals(dir.resolve("content").resolve(item.sha256()).toAbsolutePath(), item.file()));
    }

    private void assertNothingLeft() throws IOException {
        try (var left = Files.walk(dir.resolve("content"))) {
            assertEquals(List.of(), left.filter(Files::isRegularFile).toList(), "nothing kept of a refused file");
        }
    }

    private LibraryItem upload(String id, Path file, String uploadedAs) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return catalog.upload("van.thu", new LibraryEntry(id, "Bản tin " + id, "farming", "ignored", 0.0, null, null),
                    uploadedAs, in);
        }
    }

    private static String id(String name) {
        return name.substring(0, name.lastIndexOf('.'));
    }

    /** A 3 s 440 Hz tone at −12 dBFS, encoded by ffmpeg with {@code encoder}. */
    private Path tone(String name, List<String> encoder) throws Exception {
        Path out = dir.resolve("made").resolve(name);
        Files.createDirectories(out.getParent());
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "lavfi", "-i", "sine=f=440:d=3:sample_rate=44100", "-af", "volume=-6dB"));
        command.addAll(encoder);
        command.add(out.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ffmpeg made " + name + " in time");
        assertEquals(0, p.exitValue(), said);
        return out;
    }

    /** An AMR-NB file of {@code frames} 12.2 kbit/s frames (20 ms each) with a fixed pseudo-random payload. */
    private Path amr(String name, int frames) throws IOException {
        Random random = new Random(18);
        byte[] file = new byte[6 + frames * 32];
        System.arraycopy("#!AMR\n".getBytes(StandardCharsets.US_ASCII), 0, file, 0, 6);
        for (int f = 0; f < frames; f++) {
            byte[] payload = new byte[31];
            random.nextBytes(payload);
            file[6 + f * 32] = 0x3c; // frame type 7 (12.2 kbit/s), quality bit set
            System.arraycopy(payload, 0, file, 6 + f * 32 + 1, 31);
        }
        Path out = dir.resolve("made").resolve(name);
        Files.createDirectories(out.getParent());
        return Files.write(out, file);
    }
}
