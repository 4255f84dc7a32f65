package vn.loalang.systemtests.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The agent's class-data sharing archive, built at bench time as {@code install-station.sh} builds it
 * on the Pi: the agent's jar run once with {@code --relays-off} (which reads the config and claims
 * the relays' pins, then exits: harmless at any time) under the unit's own JVM options plus
 * {@code -XX:ArchiveClassesAtExit}. The JVM writes the classes that run loaded (JDK and agent
 * alike) to the archive when it exits; later starts map them instead of parsing and verifying them.
 * Keep the two in step: same options, same training run.
 */
final class ClassDataArchive {
    private static final long TIMEOUT_SECONDS = 120;

    private ClassDataArchive() {
    }

    /** Builds {@code jsa} for {@code jvm}; the archive the unit names is left out of the training run itself. */
    static Path build(AgentJvm jvm, Path agentJar, Path config, Path jsa) throws BenchException {
        List<String> command = new ArrayList<>();
        command.add(AgentProcess.java());
        jvm.options().stream().filter(o -> !o.startsWith(AgentJvm.ARCHIVE_OPTION)).forEach(command::add);
        command.add("-XX:ArchiveClassesAtExit=" + jsa.toAbsolutePath());
        command.addAll(List.of("-jar", agentJar.toAbsolutePath().toString(), "--config", config.toString(), "--relays-off"));
        Path log = jsa.resolveSibling(jsa.getFileName() + ".log");
        try {
            Files.deleteIfExists(jsa);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(jvm.environment());
            Process p = builder.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new BenchException("building the class-data archive took over " + TIMEOUT_SECONDS + " s; see " + log);
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(jsa)) {
                throw new BenchException("building the class-data archive failed (exit " + p.exitValue() + "); see " + log);
            }
            return jsa;
        } catch (IOException e) {
            throw new BenchException("building the class-data archive: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while building the class-data archive");
        }
    }
}
