package vn.loalang.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Positional reads and the translation of I/O failures into technician-readable errors. */
final class FileBytes {

    private FileBytes() {
    }

    /** Up to max bytes from position (fewer at the end of the file). */
    static byte[] read(Path file, long position, int max) throws AudioContentException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long available = Math.max(0, ch.size() - position);
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(max, available));
            while (buf.hasRemaining() && ch.read(buf, position + buf.position()) >= 0) {
                // read until full or end of file
            }
            return buf.array();
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    static long size(Path file) throws AudioContentException {
        try {
            return java.nio.file.Files.size(file);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
    }

    static AudioContentException unreadable(Path file, IOException e) {
        String why;
        if (e instanceof NoSuchFileException) {
            why = "the file does not exist";
        } else if (e instanceof AccessDeniedException) {
            why = "permission denied";
        } else {
            why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        }
        return new AudioContentException(AudioContentException.Problem.UNREADABLE, file,
                name(file) + " cannot be read: " + why, e);
    }

    static String name(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    static int le16(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8;
    }

    static long le32(byte[] b, int off) {
        return (b[off] & 0xffL) | (b[off + 1] & 0xffL) << 8 | (b[off + 2] & 0xffL) << 16 | (b[off + 3] & 0xffL) << 24;
    }

    static long be32(byte[] b, int off) {
        return (b[off] & 0xffL) << 24 | (b[off + 1] & 0xffL) << 16 | (b[off + 2] & 0xffL) << 8 | (b[off + 3] & 0xffL);
    }

    static boolean ascii(byte[] b, int off, String s) {
        if (off < 0 || off + s.length() > b.length) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[off + i] != (byte) s.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
