package vn.loalang.provisioning.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * A program run to its end within a time limit, its output kept in files (no pipe to fill up), and
 * everything about the run in {@link #toString()} for a failure's message.
 */
record Run(List<String> command, int exitCode, String stdout, String stderr) {

    static Run of(Duration timeout, Map<String, String> env, List<String> command) {
        try {
            Path out = Files.createTempFile("run-", ".out");
            Path err = Files.createTempFile("run-", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    fail("still running after " + timeout.toSeconds() + " s, killed: "
                            + new Run(command, -1, read(out), read(err)));
                }
                return new Run(command, p.exitValue(), read(out), read(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return fail("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while running " + command);
        }
    }

    static Run of(Duration timeout, List<String> command) {
        return of(timeout, Map.of(), command);
    }

    /** Fails, with the whole run in the message, unless the program exited 0. */
    Run ok() {
        if (exitCode != 0) {
            fail("expected exit code 0: " + this);
        }
        return this;
    }

    /** Whether {@code program} can be started at all (found on PATH and executable). */
    static boolean installed(String program, String versionOption) {
        try {
            Process p = new ProcessBuilder(program, versionOption).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return String.join(" ", command) + "\n  exit code " + exitCode + "\n  stdout: " + indent(stdout)
                + "\n  stderr: " + indent(stderr);
    }

    private static String indent(String s) {
        return s.isEmpty() ? "(empty)" : s.strip().replace("\n", "\n          ");
    }
}
