package vn.loalang.controller.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A directory a fuzz target works in, removed with everything in it when the target closes. */
final class TempDir implements AutoCloseable {
    final Path path;

    TempDir(String prefix) throws IOException {
        this.path = Files.createTempDirectory("loalang-fuzz-" + prefix);
    }

    @Override
    public void close() throws IOException {
        try (Stream<Path> all = Files.walk(path)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
