package vn.loalang.protocol.files;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Writes that a power cut cannot tear and a reader never sees half of: the bytes go to a temporary
 * file beside the target, are forced to the disk (an SD card on a Pi), the file is renamed over the
 * old one in one step, and the directory is forced too. A private file has its permissions from its
 * first byte: a key or a password is never readable by others, not even while it is being written.
 *
 * <p>Both forces matter. Without the first, ext4 may commit the rename before the data (delayed
 * allocation), and a power cut leaves the new name on an empty file: {@code AtomicFilesPowerCutTest} shows it
 * on a real ext4. Without the second, the rename itself may be lost, and the old contents come back
 * after the caller was told the new ones are kept.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    public static void write(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeAll(ch, bytes);
        } catch (IOException e) {
            // On a full disk the half-written copy would only hold on to the space that is missing.
            Files.deleteIfExists(tmp);
            throw e;
        }
        moveIntoPlace(tmp, file);
    }

    public static void write(Path file, String text) throws IOException {
        write(file, text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes {@code text} with {@code permissions} (e.g. {@code rw-------}) set before the first byte,
     * and moves it into place; the directory is made if missing. Several writers may run at once.
     */
    public static void writePrivate(Path file, String text, String permissions) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp;
        try {
            tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions)));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system (a Windows development machine): no permissions to give.
            tmp = Files.createTempFile(parent, "." + file.getFileName(), ".tmp");
        }
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeAll(ch, text.getBytes(StandardCharsets.UTF_8));
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(parent);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Forces {@code file} (already written) to the disk, renames it to {@code target} in one step and
     * forces the directory: from the return on, {@code target} is whole after a power cut. For files
     * written as a stream (a download), where {@link #write} would need them in memory.
     */
    public static void moveIntoPlace(Path file, Path target) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.toAbsolutePath().getParent());
    }

    /**
     * Forces a directory's entries (a rename, a new or deleted file) to the disk, through a read-only
     * handle on the directory as Linux allows.
     */
    public static void syncDirectory(Path dir) throws IOException {
        if (java.io.File.separatorChar == '\\') {
            return; // Windows (a development machine) cannot open a directory; its entries are its own to keep.
        }
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void writeAll(FileChannel ch, byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
        ch.force(true);
    }
}
