package vn.loalang.agent.update;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The folder the agent shares with {@code /opt/loalang/loalang-update}, the root script the unit runs
 * before every start ({@code dataDir/update}, the only place both can write). The agent writes
 * {@code staged/} (a verified build: {@code loalang-station-agent.jar}, {@code version},
 * {@code sha256}), {@code pending} (the UPDATE command it answers) and {@code healthy} (the version
 * that passed its trial); the script writes {@code trial} (the version now on trial) and
 * {@code result} ({@code ADOPTED v}, {@code ROLLED_BACK v previous} or {@code REFUSED v why}).
 * Everything is written to a temporary name, forced to the card and renamed: a power cut leaves the
 * old file or the new one.
 */
public final class UpdateFiles {
    public static final String JAR = "loalang-station-agent.jar";

    private final Path dir;

    public UpdateFiles(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public Path staged() {
        return dir.resolve("staged");
    }

    /** Where a download is put together before it becomes {@link #staged()} in one rename. */
    Path staging() {
        return dir.resolve("staging.tmp");
    }

    Optional<String> trial() throws IOException {
        return read("trial");
    }

    Optional<String> result() throws IOException {
        return read("result");
    }

    Optional<String> pending() throws IOException {
        return read("pending");
    }

    void writePending(String commandId) throws IOException {
        write("pending", commandId);
    }

    void writeHealthy(String version) throws IOException {
        write("healthy", version);
    }

    void forget(String name) throws IOException {
        Files.deleteIfExists(dir.resolve(name));
        syncDirectory(dir);
    }

    private Optional<String> read(String name) throws IOException {
        try {
            String text = Files.readString(dir.resolve(name), StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    void write(String name, String text) throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(name + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(dir);
    }

    /** A rename is on the card only once its folder is: without it a power cut can undo it. */
    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel ch = FileChannel.open(directory, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems refuse to open a folder for this; the rename is then as safe as they make it.
            if (Files.isDirectory(directory) && e.getMessage() != null && e.getMessage().contains("Is a directory")) {
                return;
            }
            throw e;
        }
    }
}
