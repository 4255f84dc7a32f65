package vn.loalang.provisioning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A system program run to its end, within a time limit, with what it printed: chmod, id, tar, the
 * broker's reload. Its output goes to a file, so a chatty program never blocks on a full pipe and
 * a hung one is killed at the limit.
 */
public final class Command {
    private Command() {
    }

    /** Runs {@code command}; its output (stdout and stderr) when it exits 0, else an IOException saying why. */
    public static String run(Duration timeout, List<String> command) throws IOException {
        Path output = Files.createTempFile("loalang-command", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            boolean ended;
            try {
                ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + String.join(" ", command), e);
            }
            String printed = Files.readString(output, StandardCharsets.UTF_8).strip();
            if (!ended) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in " + timeout.toSeconds() + " s");
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed with " + p.exitValue()
                        + (printed.isEmpty() ? "" : ": " + printed));
            }
            return printed;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
