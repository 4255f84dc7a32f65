package vn.loalang.controller.content;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.AudioContentException;
import vn.loalang.audio.ContentHash;
import vn.loalang.audio.Loudness;
import vn.loalang.audio.LoudnessMeter;
import vn.loalang.audio.AudioInfo;
import vn.loalang.audio.AudioProbe;
import vn.loalang.controller.directory.CommuneFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The commune's audio library. Every file is decoded in full before it is accepted, so a corrupt,
 * truncated or mislabelled file is caught here, at the commune office, and not at 5 a.m. on a
 * pole. A refused file is kept out with the reason; the rest of the library still works. Each
 * file's loudness is measured (ITU-R BS.1770) and the gain that brings it to the commune's target
 * is stored with it, so that a bulletin recorded on a phone and a ministry MP3 sound alike.
 */
public final class ContentLibrary {
    private static final Logger log = LoggerFactory.getLogger(ContentLibrary.class);

    private final Map<String, LibraryItem> byId = new LinkedHashMap<>();
    private final Map<String, LibraryItem> bySha = new LinkedHashMap<>();
    private final Map<String, String> refused = new LinkedHashMap<>();

    /** Peaks are kept 1 dB under full scale: MP3 decoding overshoots, cheap amplifiers clip. */
    static final double PEAK_CEILING_DBTP = -1.0;
    /** A quiet recording is lifted at most this much: more would lift its noise as well. */
    static final double MAX_BOOST_DB = 12.0;

    public static ContentLibrary load(Collection<CommuneFile.LibraryEntry> entries, Path baseDir) {
        return load(entries, baseDir, -16.0);
    }

    public static ContentLibrary load(Collection<CommuneFile.LibraryEntry> entries, Path baseDir, double targetLufs) {
        ContentLibrary library = new ContentLibrary();
        for (CommuneFile.LibraryEntry entry : entries) {
            library.add(entry, baseDir.resolve(entry.file()).normalize(), targetLufs);
        }
        return library;
    }

    private void add(CommuneFile.LibraryEntry entry, Path file, double targetLufs) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new IOException("file " + file + " does not exist");
            }
            AudioInfo info = AudioProbe.probe(file);
            Loudness loudness = LoudnessMeter.measureAsBroadcast(file);
            double gain = loudness.gainTo(targetLufs, PEAK_CEILING_DBTP, MAX_BOOST_DB) + entry.gainDb();
            LibraryItem item = new LibraryItem(entry.id(), entry.title(), entry.category(), file, ContentHash.sha256(file),
                    Files.size(file), info.duration(), loudness.integratedLufs(), loudness.truePeakDbtp(),
                    Math.round(gain * 100) / 100.0, info.container(), entry.expires());
            byId.put(item.id(), item);
            bySha.putIfAbsent(item.sha256(), item);
            log.info("Library item {} '{}' accepted: {} {} ms, {} bytes, {} LUFS, gain {} dB", item.id(), item.title(),
                    info.container(), info.duration().toMillis(), item.sizeBytes(),
                    String.format(java.util.Locale.ROOT, "%.1f", loudness.integratedLufs()), item.gainDb());
        } catch (AudioContentException | IOException e) {
            refused.put(entry.id(), e.getMessage());
            log.error("Library item {} '{}' refused: {}", entry.id(), entry.title(), e.getMessage());
        }
    }

    public Optional<LibraryItem> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Optional<LibraryItem> bySha256(String sha256) {
        return Optional.ofNullable(bySha.get(sha256));
    }

    /** Entries that were refused, with the reason: shown to the operator, named in compile errors. */
    public Map<String, String> refused() {
        return Map.copyOf(refused);
    }

    public Collection<LibraryItem> items() {
        return byId.values();
    }
}
