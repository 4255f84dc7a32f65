package vn.loalang.systemtests.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The outside programs the benchmark runs, each found or refused with the way to install it. */
final class Tools {
    private static final long TIMEOUT_SECONDS = 60;

    private Tools() {
    }

    /** A tool of the JDK that runs this benchmark, so that it can attach to a JVM of the same version. */
    static String jdk(String tool) throws BenchException {
        Path p = Path.of(System.getProperty("java.home"), "bin", tool);
        if (!Files.isExecutable(p)) {
            throw new BenchException(p + " is missing: the benchmark needs the full JDK, not only the runtime"
                    + " (apt-get install -y openjdk-17-jdk-headless)");
        }
        return p.toString();
    }

    /** Fails with the install command when a Debian package's program is not on the PATH. */
    static void require(String program, String debianPackage) throws BenchException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return;
            }
        }
        throw new BenchException(program + " is not installed; install it with: apt-get install -y " + debianPackage);
    }

    /** Runs a command to its end and returns what it printed; a failure or a time-out is an error. */
    static String output(String... command) throws BenchException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new BenchException("cannot run " + command[0] + ": " + e.getMessage());
        }
        try {
            // The outputs read here are a few lines, well under a pipe's buffer: reading after the end cannot block.
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new BenchException(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new BenchException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): "
                        + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new BenchException("cannot read the output of " + command[0] + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while " + command[0] + " ran");
        } finally {
            p.destroyForcibly();
        }
    }
}
