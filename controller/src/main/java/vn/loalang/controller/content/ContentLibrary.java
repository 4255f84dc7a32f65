package vn.loalang.controller.content;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.AudioContentException;
import vn.loalang.audio.ContentHash;
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
 * pole. A refused file is kept out with the reason; the rest of the library still works.
 */
public final class ContentLibrary {
    private static final Logger log = LoggerFactory.getLogger(ContentLibrary.class);

    private final Map<String, LibraryItem> byId = new LinkedHashMap<>();
    private final Map<String, LibraryItem> bySha = new LinkedHashMap<>();
    private final Map<String, String> refused = new LinkedHashMap<>();

    public static ContentLibrary load(Collection<CommuneFile.LibraryEntry> entries, Path baseDir) {
        ContentLibrary library = new ContentLibrary();
        for (CommuneFile.LibraryEntry entry : entries) {
            library.add(entry, baseDir.resolve(entry.file()).normalize());
        }
        return library;
    }

    private void add(CommuneFile.LibraryEntry entry, Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new IOException("file " + file + " does not exist");
            }
            AudioInfo info = AudioProbe.probe(file);
            LibraryItem item = new LibraryItem(entry.id(), entry.title(), entry.category(), file, ContentHash.sha256(file),
                    Files.size(file), info.duration(), entry.gainDb(), info.container());
            byId.put(item.id(), item);
            bySha.putIfAbsent(item.sha256(), item);
            log.info("Library item {} '{}' accepted: {} {} ms, {} bytes", item.id(), item.title(), info.container(),
                    info.duration().toMillis(), item.sizeBytes());
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
