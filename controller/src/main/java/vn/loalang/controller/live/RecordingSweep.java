package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.ProgramUse;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Removes the recordings of relays and talks once they have expired ({@code keepRecordingDays}
 * after they were made) and no session still to come names them, hourly on {@code library-upkeep}
 * as {@code alert.SpokenClipSweep} does for spoken alert clips. Recordings of broadcasts are kept
 * only as long as the commune needs them for late playing (rights to keep copies are not settled:
 * plan §6). Each removal is audited as {@code library.remove} by {@code system}.
 */
public final class RecordingSweep {
    private static final Logger log = LoggerFactory.getLogger(RecordingSweep.class);
    static final String ACTOR = "system";

    private final LibraryCatalog library;
    private final Supplier<Commune> commune;
    private final Clock clock;

    public RecordingSweep(LibraryCatalog library, Supplier<Commune> commune, Clock clock) {
        this.library = library;
        this.commune = commune;
        this.clock = clock;
    }

    /**
     * At start, before any recorder runs: removes the {@code .part} files a power cut or a crash left in
     * {@code dataDir/live/rec} (a recording is kept only when its slot or talk ends, so a half-written one is
     * never kept). Returns how many were removed; a file that cannot be removed is logged and left.
     */
    public static int removeUnfinished(java.nio.file.Path dataDir) {
        java.nio.file.Path dir = dataDir.resolve("live").resolve("rec");
        if (!java.nio.file.Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (java.nio.file.DirectoryStream<java.nio.file.Path> parts = java.nio.file.Files.newDirectoryStream(dir, "*.part")) {
            for (java.nio.file.Path part : parts) {
                try {
                    long size = java.nio.file.Files.size(part);
                    java.nio.file.Files.delete(part);
                    removed++;
                    log.info("Unfinished recording {} ({} bytes) from before the controller stopped is removed: only "
                            + "whole slots and talks are kept", part.getFileName(), size);
                } catch (java.io.IOException e) {
                    log.warn("Unfinished recording {} could not be removed: {}", part.getFileName(), e.toString());
                }
            }
        } catch (java.io.IOException e) {
            log.warn("The unfinished recordings in {} could not be listed: {}", dir, e.toString());
        }
        return removed;
    }

    /** One pass; returns the ids removed. */
    public List<String> sweep() {
        LocalDate today = LocalDate.now(clock.withZone(commune.get().commune().zone()));
        List<String> removed = new ArrayList<>();
        for (LibraryItem item : library.recordings()) {
            if (!item.expiredOn(today)) {
                continue;
            }
            try {
                library.remove(ACTOR, item.id(), id -> ProgramUse.names(commune.get(), id, today));
                removed.add(item.id());
                log.info("Recording {} expired on {} and no program uses it: removed from the library ({} bytes)",
                        item.id(), item.expires(), item.sizeBytes());
            } catch (ChangeException e) {
                log.info("Recording {} expired on {} but stays: {}", item.id(), item.expires(), e.getMessage());
            } catch (RuntimeException e) {
                log.error("Recording {} could not be removed: {}", item.id(), e.toString());
            }
        }
        return removed;
    }
}
