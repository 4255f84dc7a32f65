package vn.loalang.protocol.files;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Telling a full disk from other write failures, on the controller and on a station: Java reports
 * ENOSPC only as an {@link IOException} whose message is the C library's text, so that text (or, where
 * it is missing, the file system's own count of free bytes) is what names the problem to the technician.
 */
public final class DiskSpace {
    private static final String ENOSPC = "no space left on device";
    private static final String EDQUOT = "disk quota exceeded";

    private DiskSpace() {
    }

    /** Whether {@code error}, or anything that caused it, is the operating system saying the disk is full. */
    public static boolean isFull(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t instanceof FileSystemException f && f.getReason() != null ? f.getReason() : t.getMessage();
            if (m != null) {
                String lower = m.toLowerCase(Locale.ROOT);
                if (lower.contains(ENOSPC) || lower.contains(EDQUOT)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Bytes a non-root writer may still put on the disk that holds {@code dir}; -1 when the system cannot tell. */
    public static long usable(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** "12.3 MB": sizes as a technician reads them in a log line or a message. */
    public static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }
}
