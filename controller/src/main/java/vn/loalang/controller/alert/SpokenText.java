package vn.loalang.controller.alert;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.speech.SpeechEngine;
import vn.loalang.audio.speech.SpeechException;
import vn.loalang.audio.speech.VietnameseReading;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.change.ChangeException.Kind;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.time.LocalDate;
import java.util.Locale;

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
    private final VietnameseReading reading;

    /** Vietnamese text read the northern way (nghìn, linh) before it is spoken. */
    public SpokenText(SpeechEngine engine, LibraryCatalog library, Path scratch) {
        this(engine, library, scratch, VietnameseReading.of(VietnameseReading.Dialect.NORTH));
    }

    // issue 19: numbers, units, dates and times in a typed alert are read the Vietnamese way (decision 0043)
    public SpokenText(SpeechEngine engine, LibraryCatalog library, Path scratch, VietnameseReading reading) {
        this.engine = engine;
        this.library = library;
        this.scratch = scratch;
        this.reading = reading;
    }

    /** Speaks {@code text} and keeps it as a warning in the library; refused with the engine's reason. */
    public LibraryItem speak(String actor, String title, String text, String language, LocalDate expires) {
        String voice = language == null ? "vi" : language;
        String words = wordsOf(text, voice);
        Path wav;
        try {
            Files.createDirectories(scratch);
            wav = engine.speak(words, voice, scratch);
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

    /**
     * What the engine is given: for a Vietnamese voice, the text with its numbers, units, dates and times written out
     * ("2,5 m lúc 17h" → "hai phẩy năm mét lúc mười bảy giờ"); another language's text as typed.
     */
    private String wordsOf(String text, String voice) {
        if (text == null || !voice.strip().toLowerCase(Locale.ROOT).startsWith("vi")) {
            return text;
        }
        String words = reading.read(text);
        String composed = Normalizer.normalize(text, Normalizer.Form.NFC); // counted as the engine counts
        int typed = composed.codePointCount(0, composed.length());
        int spoken = words.codePointCount(0, words.length());
        if (typed <= VietnameseReading.MAX_CHARACTERS && spoken > VietnameseReading.MAX_CHARACTERS) {
            // Else the engine would refuse "2,150 characters" for a text the operator counted at 1,900.
            throw new ChangeException(Kind.REFUSED, "text", "Văn bản có " + typed + " ký tự, nhưng khi đọc các con số"
                    + " thành chữ thì dài " + spoken + " ký tự, quá " + VietnameseReading.MAX_CHARACTERS
                    + ": hãy rút ngắn / the text has " + typed + " characters but " + spoken
                    + " once its numbers are written out in words, more than the "
                    + VietnameseReading.MAX_CHARACTERS + " accepted: shorten it");
        }
        return words;
    }
}
