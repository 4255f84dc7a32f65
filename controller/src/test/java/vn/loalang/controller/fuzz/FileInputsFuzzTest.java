package vn.loalang.controller.fuzz;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.alert.cap.CapException;
import vn.loalang.controller.alert.cap.CapParser;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.CommuneFile;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.fuzz.FuzzProperties;
import vn.loalang.protocol.fuzz.FuzzTarget;
import vn.loalang.protocol.fuzz.Mutations;
import vn.loalang.protocol.testing.ManualClock;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * What comes into the controller as a file: a CAP message from the province, the commune file an
 * admin writes, and a recording uploaded to the library. Each is read or refused, within the call
 * limit: an XML entity bomb, a huge MP3 frame count or a deep JSON document must not hold it.
 */
@Tag("fuzz")
@net.jqwik.api.lifecycle.AddLifecycleHook(vn.loalang.protocol.fuzz.FuzzBudget.class)
class FileInputsFuzzTest extends FuzzProperties {
    static final Instant NOW = Instant.parse("2026-12-05T22:00:00Z");

    static final Map<String, Callable<FuzzTarget>> TARGETS = Map.of(
            "cap-parser", CapTarget::new,
            "commune-file", CommuneTarget::new,
            "library-upload", UploadTarget::new);

    static final class CapTarget implements FuzzTarget {
        final CapParser parser = new CapParser();

        @Override
        public void accept(byte[] input) {
            try {
                parser.parse(input);
            } catch (CapException refused) {
                // Answered 400 with the reason by the CAP route.
            }
        }
    }

    static final class CommuneTarget implements FuzzTarget {
        final TempDir dir = new TempDir("commune");

        CommuneTarget() throws IOException {
        }

        @Override
        public void accept(byte[] input) throws IOException {
            Path file = Files.write(dir.path.resolve("commune.json"), input);
            try {
                CommuneFile.read(file);
            } catch (IOException refused) {
                // The controller does not start, and says which field of the file is wrong.
            }
        }

        @Override
        public void close() throws IOException {
            dir.close();
        }
    }

    /** The library's upload on a real store and content folder: decoded, measured, kept or refused. */
    static final class UploadTarget implements FuzzTarget {
        final TempDir dir = new TempDir("library");
        final ManualClock clock = new ManualClock(NOW);
        final Store store = Store.open(dir.path.resolve("loalang.db"));
        final LibraryCatalog catalog = LibraryCatalog.open(store, dir.path.resolve("content"), -16,
                new AuditLog(clock), clock);
        final AtomicLong uploads = new AtomicLong();

        UploadTarget() throws IOException {
        }

        @Override
        public void accept(byte[] input) throws IOException {
            String id = "fuzz-" + uploads.incrementAndGet();
            boolean riff = input.length >= 4 && new String(input, 0, 4, StandardCharsets.ISO_8859_1).equals("RIFF");
            try {
                catalog.upload("van.thu", new Commune.LibraryEntry(id, "Giá lúa", "market-prices", "ignored", 0.0,
                        null, null), id + (riff ? ".wav" : ".mp3"), new ByteArrayInputStream(input));
            } catch (ChangeException refused) {
                // Answered 4xx with the reason, and kept in the list of refused files.
            }
        }

        @Override
        public void close() throws IOException {
            store.close();
            dir.close();
        }
    }

    @Provide
    Arbitrary<byte[]> capMessages() throws IOException {
        List<byte[]> goldens = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/cap"))) {
            for (Path f : files.filter(f -> f.toString().endsWith(".xml")).sorted().toList()) {
                goldens.add(Files.readAllBytes(f));
            }
        }
        String alert = new String(goldens.get(0), StandardCharsets.UTF_8);
        int start = alert.indexOf("<alert");
        StringBuilder laughs = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY e0 \"lol\">");
        for (int i = 1; i < 10; i++) {
            laughs.append("<!ENTITY e").append(i).append(" \"").append(("&e" + (i - 1) + ";").repeat(10)).append("\">");
        }
        goldens.add((laughs + "]>" + alert.substring(start).replaceFirst("<note>", "<note>&e9;"))
                .getBytes(StandardCharsets.UTF_8));
        goldens.add(("<?xml version=\"1.0\"?><!DOCTYPE alert [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                + alert.substring(start).replaceFirst("<sender>[^<]*", "<sender>&xxe;")).getBytes(StandardCharsets.UTF_8));
        return Mutations.of(goldens);
    }

    @Provide
    Arbitrary<byte[]> communeFiles() {
        Commune commune = new Commune(
                new Commune.Settings("xa-an-binh", "Xã An Bình", "Asia/Ho_Chi_Minh", 7, -16.0),
                List.of(new Commune.Village("thon-dong", "Thôn Đông", null),
                        new Commune.Village("thon-tay", "Thôn Tây", null, "xa-cu")),
                List.of(new Commune.Station("thon-dong-1", "Cụm loa Thôn Đông", "thon-dong", 10.5, 106.7, 2, 1500),
                        new Commune.Station("thon-tay-1", "Cụm loa Thôn Tây", "thon-tay")),
                List.of(new Commune.LibraryEntry("gia-lua", "Giá lúa", "market-prices", "gia-lua.mp3", -1.0)),
                Commune.Program.TWO_DAILY_SESSIONS);
        return Mutations.of(List.of(Json.write(commune)));
    }

    @Provide
    Arbitrary<byte[]> recordings() {
        return Mutations.of(Stream.of(Fixtures.ITEM_1000HZ_1500MS, "tone-1khz-1s-8k-mono-16bit.wav",
                "tone-1khz-3s-22k-mono-vbr.mp3", "tone-1khz-2s-44k-mono-cbr-id3v1.mp3").map(name -> {
            try {
                return Files.readAllBytes(Fixtures.path(name));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList());
    }

    @Property(tries = 300, seed = "1406", shrinking = ShrinkingMode.OFF)
    void capMessagesAreReadOrRefused(@ForAll("capMessages") byte[] input) {
        fuzz("cap-parser", TARGETS.get("cap-parser"), input);
    }

    @Property(tries = 150, seed = "1407", shrinking = ShrinkingMode.OFF)
    void communeFilesAreReadOrRefused(@ForAll("communeFiles") byte[] input) {
        fuzz("commune-file", TARGETS.get("commune-file"), input);
    }

    /** Decoding is the slow part (tens of ms a file): fewer cases here, more in a long run. */
    @Property(tries = 30, seed = "1408", shrinking = ShrinkingMode.OFF)
    void uploadsAreKeptOrRefused(@ForAll("recordings") byte[] input) {
        fuzz("library-upload", TARGETS.get("library-upload"), input);
    }
}
