package vn.loalang.controller.alert;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.speech.SpeechEngine;
import vn.loalang.audio.speech.SpeechException;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * Typed text turned into a library item by the speech engine: what a village head types on a
 * phone at night becomes a recording the stations fetch like any other, kept in the library (and
 * the audit log) with the alert, and dropped from it the day after the alert expires.
 */
public final class SpokenText {
    private static final Logger log = LoggerFactory.getLogger(SpokenText.class);

    private final SpeechEngine engine;
    private final LibraryCatalog library;
    private final Path scratch;

    public SpokenText(SpeechEngine engine, LibraryCatalog library, Path scratch) {
        this.engine = engine;
        this.library = library;
        this.scratch = scratch;
    }

    /** Speaks {@code text} and keeps it as a warning in the library; refused with the engine's reason. */
    public LibraryItem speak(String actor, String title, String text, String language, LocalDate expires) {
        Path wav;
        try {
            Files.createDirectories(scratch);
            wav = engine.speak(text, language == null ? "vi" : language, scratch);
        } catch (SpeechException e) {
            throw new ChangeException(Kind.REFUSED, "text", "Không đọc được văn bản / the text could not be spoken: "
                    + e.getMessage());
        } catch (IOException e) {
            throw new ChangeException(Kind.REFUSED, "text", "the text could not be spoken: " + e.getMessage());
        }
        try (InputStream in = Files.newInputStream(wav)) {
            String id = library.idFor("loi-" + title);
            // Kept without a recompile: a new clip is in no program, and the alert is waiting for it.
            LibraryItem item = library.keepSpoken(actor, new Commune.LibraryEntry(id, title, "warning", "spoken.wav",
                    0.0, expires, language), in);
            log.info("Text from {} spoken into library item {} ({} ms)", actor, item.id(), item.duration().toMillis());
            return item;
        } catch (IOException e) {
            throw new ChangeException(Kind.REFUSED, "text", "the spoken text could not be kept: " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(wav);
            } catch (IOException e) {
                log.warn("Could not delete {}: {}", wav, e.getMessage());
            }
        }
    }
}
