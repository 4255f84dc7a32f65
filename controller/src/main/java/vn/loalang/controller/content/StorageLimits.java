package vn.loalang.controller.content;

/**
 * How much the library may take of the commune server's disk.
 *
 * @param uploadBytes the largest file an operator or administrator may upload
 * @param clipBytes   the largest clip a village head may upload for an alert (recorded on a phone, minutes long)
 * @param quotaBytes  the library's total: an upload that would pass it is refused, so the disk keeps room for
 *                    the store, the logs and the backups the server also writes
 */
public record StorageLimits(long uploadBytes, long clipBytes, long quotaBytes) {
    private static final long MB = 1024L * 1024;
    /** An hour of 320 kbps stereo MP3 is 144 MB; a WAV of a long meeting may be more. */
    public static final long DEFAULT_UPLOAD_BYTES = 512 * MB;
    /** Ten minutes of a phone's 44.1 kHz mono WAV is 53 MB. */
    public static final long DEFAULT_CLIP_BYTES = 64 * MB;
    /** About 150 hours of 128 kbps MP3: years of a commune's bulletins, small beside a server's disk. */
    public static final long DEFAULT_QUOTA_BYTES = 8192 * MB;
    public static final StorageLimits DEFAULT = new StorageLimits(DEFAULT_UPLOAD_BYTES, DEFAULT_CLIP_BYTES,
            DEFAULT_QUOTA_BYTES);

    public StorageLimits {
        if (uploadBytes <= 0 || clipBytes <= 0 || quotaBytes <= 0) {
            throw new IllegalArgumentException("upload, clip and library limits must be positive");
        }
        clipBytes = Math.min(clipBytes, uploadBytes);
    }

    /** From whole megabytes, as the options give them. */
    public static StorageLimits ofMegabytes(long uploadMb, long clipMb, long quotaMb) {
        return new StorageLimits(uploadMb * MB, clipMb * MB, quotaMb * MB);
    }

    /** "512 MB", "1.5 MB", or "20 KB" for a limit under a megabyte. */
    public static String megabytes(long bytes) {
        if (bytes < MB) {
            return Math.max(1, bytes / 1024) + " KB";
        }
        return bytes % MB == 0 ? (bytes / MB) + " MB" : String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (double) MB);
    }
}
