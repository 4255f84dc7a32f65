package vn.loalang.controller.content;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;

/**
 * An audio file of the library, validated by decoding and addressed by its SHA-256.
 *
 * @param loudnessLufs integrated loudness (ITU-R BS.1770) as broadcast; −∞ for silence
 * @param gainDb       what the station applies: the correction to the commune's target plus any manual trim
 * @param expires      from this date on the item is left out of sessions (null: never)
 */
public record LibraryItem(String id, String title, String category, Path file, String sha256, long sizeBytes,
                          Duration duration, double loudnessLufs, double truePeakDbtp, double gainDb, String format,
                          LocalDate expires) {
    public boolean expiredOn(LocalDate date) {
        return expires != null && !date.isBefore(expires);
    }
}
