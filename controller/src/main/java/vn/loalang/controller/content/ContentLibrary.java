package vn.loalang.controller.content;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.AudioContentException;
import vn.loalang.controller.directory.Commune;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audio items the commune may broadcast, by id and by SHA-256, and the entries that were
 * refused with the reason. Every file is decoded in full before it is accepted
 * ({@link LibraryIngest}), so a corrupt, truncated or mislabelled file is caught at the commune
 * office and not at 5 a.m. on a pole. Each item carries the gain that brings it to the commune's
 * loudness target, so a bulletin recorded on a phone and a ministry MP3 sound alike.
 *
 * <p>Thread-safe: the HTTP content server reads it while the {@link LibraryCatalog} changes it.
 */
public final class ContentLibrary {
    private static final Logger log = LoggerFactory.getLogger(ContentLibrary.class);

    private final Map<String, LibraryItem> byId = new LinkedHashMap<>();
    private final Map<String, String> refused = new LinkedHashMap<>();

    ContentLibrary() {
    }

    /** An index of the files named by {@code entries} (relative to {@code baseDir}), measured now; nothing is stored. */
    public static ContentLibrary load(Collection<Commune.LibraryEntry> entries, Path baseDir) {
        return load(entries, baseDir, -16.0);
    }

    public static ContentLibrary load(Collection<Commune.LibraryEntry> entries, Path baseDir, double targetLufs) {
        ContentLibrary library = new ContentLibrary();
        for (Commune.LibraryEntry entry : entries) {
            Path file = baseDir.resolve(entry.file()).normalize();
            try {
                library.put(LibraryItem.of(entry, LibraryIngest.measure(file), targetLufs));
            } catch (AudioContentException | IOException e) {
                library.refuse(entry.id(), entry.title(), e.getMessage());
            }
        }
        return library;
    }

    synchronized void put(LibraryItem item) {
        byId.put(item.id(), item);
        refused.remove(item.id());
        log.info("Library item {} '{}' accepted: {} {} ms, {} bytes, {} LUFS, gain {} dB", item.id(), item.title(),
                item.format(), item.duration().toMillis(), item.sizeBytes(),
                String.format(java.util.Locale.ROOT, "%.1f", item.loudnessLufs()), item.gainDb());
    }

    synchronized void refuse(String id, String title, String reason) {
        if (id != null && !byId.containsKey(id)) {
            refused.put(id, reason);
        }
        log.error("Library item {} '{}' refused: {}", id, title, reason);
    }

    /** Forgets a refusal (its record was removed). */
    synchronized void forget(String id) {
        refused.remove(id);
    }

    synchronized Optional<LibraryItem> remove(String id) {
        return Optional.ofNullable(byId.remove(id));
    }

    public synchronized Optional<LibraryItem> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The first item with these bytes: two ids may name the same file. */
    public synchronized Optional<LibraryItem> bySha256(String sha256) {
        return byId.values().stream().filter(i -> i.sha256().equals(sha256)).findFirst();
    }

    /** Entries that were refused, with the reason: shown to the operator, named in compile errors. */
    public synchronized Map<String, String> refused() {
        return Map.copyOf(refused);
    }

    /** A copy, in the order the items were added. */
    public synchronized List<LibraryItem> items() {
        return new ArrayList<>(byId.values());
    }
}
