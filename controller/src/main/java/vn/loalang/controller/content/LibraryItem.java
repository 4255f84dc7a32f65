package vn.loalang.controller.content;

import vn.loalang.controller.directory.Commune;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;

/**
 * An audio file of the library, validated by decoding and addressed by its SHA-256.
 *
 * @param loudnessLufs integrated loudness (ITU-R BS.1770) as broadcast; −∞ for silence
 * @param gainDb       what the station applies: the correction to the commune's target plus {@code trimDb}
 * @param expires      from this date on the item is left out of sessions (null: never)
 * @param trimDb       the operator's manual trim, part of {@code gainDb}
 */
public record LibraryItem(String id, String title, String category, Path file, String sha256, long sizeBytes,
                          Duration duration, double loudnessLufs, double truePeakDbtp, double gainDb, String format,
                          LocalDate expires, String language, double trimDb) {
    public boolean expiredOn(LocalDate date) {
        return expires != null && !date.isBefore(expires);
    }

    /** The item as a station fetches and plays it: by SHA-256 from the content server at {@code contentBase}. */
    public vn.loalang.protocol.schedule.Item toItem(java.net.URI contentBase) {
        // Appended, not resolved: resolve("/content/...") would drop the path of a public URL behind a proxy.
        String base = contentBase.toString().replaceAll("/+$", "");
        return new vn.loalang.protocol.schedule.Item(id, title, sha256, java.net.URI.create(base + "/content/" + sha256),
                sizeBytes, Math.max(1, duration.toMillis()), gainDb);
    }

    static LibraryItem of(Commune.LibraryEntry entry, LibraryIngest.Measured m, double targetLufs) {
        double lufs = m.loudness().integratedLufs();
        double peak = m.loudness().truePeakDbtp();
        return new LibraryItem(entry.id(), entry.title(), entry.category(), m.file(), m.sha256(), m.sizeBytes(),
                m.info().duration(), lufs, peak, LibraryIngest.gainDb(lufs, peak, targetLufs, entry.gainDb()),
                m.info().container(), entry.expires(), entry.language(), entry.gainDb());
    }

    /** The same item brought to another loudness target. */
    LibraryItem retargeted(double targetLufs) {
        return new LibraryItem(id, title, category, file, sha256, sizeBytes, duration, loudnessLufs, truePeakDbtp,
                LibraryIngest.gainDb(loudnessLufs, truePeakDbtp, targetLufs, trimDb), format, expires, language, trimDb);
    }
}
