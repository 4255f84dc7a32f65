package vn.loalang.protocol.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<Path> files() throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        }
    }

    @Test
    void writesANewFile() throws IOException {
        Path file = dir.resolve("events.acked");

        AtomicFiles.write(file, "42");

        assertEquals("42", Files.readString(file));
        assertEquals(List.of(file), files(), "no temporary file left beside it");
    }

    @Test
    void replacesTheWholeContentOfAnExistingFile() throws IOException {
        Path file = dir.resolve("schedule.signed.json");
        AtomicFiles.write(file, "a much longer first version of the file");

        AtomicFiles.write(file, "v2");

        assertEquals("v2", Files.readString(file));
        assertEquals(List.of(file), files());
    }

    @Test
    void aLeftoverTemporaryFileFromACrashDoesNotGetInTheWay() throws IOException {
        Path file = dir.resolve("stream-id");
        Files.writeString(dir.resolve("stream-id.tmp"), "half written before a power cut, and longer than the new content");

        AtomicFiles.write(file, "abc");

        assertEquals("abc", Files.readString(file));
        assertEquals(List.of(file), files());
    }

    @Test
    void aPrivateFileIsTheOwnersAloneAndReplacesTheOldOneWhole() throws IOException {
        Path key = dir.resolve("controller-signing.pem");
        Files.writeString(key, "an old key, readable by all");
        Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

        AtomicFiles.writePrivate(key, "-----BEGIN PRIVATE KEY-----", "rw-------");

        assertEquals("-----BEGIN PRIVATE KEY-----", Files.readString(key));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
        assertEquals(List.of(key), files(), "no temporary file left beside it");
    }
}
