package vn.loalang.controller.content;

import java.nio.file.Path;
import java.time.Duration;

/** An audio file of the library, validated by decoding and addressed by its SHA-256. */
public record LibraryItem(String id, String title, String category, Path file, String sha256, long sizeBytes,
                          Duration duration, double gainDb, String format) {
}
