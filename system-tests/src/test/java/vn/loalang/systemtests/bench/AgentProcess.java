package vn.loalang.systemtests.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import vn.loalang.controller.server.Controller;
import vn.loalang.protocol.Json;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The station agent as it runs on a pole: its own JVM from the packaged jar, with the JVM options
 * and environment of the systemd unit ({@link AgentJvm}), with mock GPIO and sound rendered to a
 * WAV file ({@code --simulate}). Its console goes to {@code agent.log}; the line it logs when every part
 * is running marks the end of start-up.
 */
final class AgentProcess implements AutoCloseable {
    private static final String STARTED = " started (agent ";

    private final String stationId;
    private final Process process;
    private final long launchedNanos;
    private final Path log;
    private final Thread console;
    private volatile long startedNanos = -1;

    private AgentProcess(String stationId, Process process, long launchedNanos, Path log) {
        this.stationId = stationId;
        this.process = process;
        this.launchedNanos = launchedNanos;
        this.log = log;
        this.console = new Thread(this::copyConsole, "agent-console-" + process.pid());
        console.setDaemon(true);
    }

    /**
     * The station's {@code station.json} in {@code dir}: mock GPIO, one active-low relay, sound to WAV
     * files; the broker at {@code brokerUrl} (e.g. through the data-budget relays), trusting
     * {@code caFile} for ssl:// (null: none).
     */
    static Path writeConfig(Path dir, String stationId, Controller controller, String brokerUrl, Path caFile)
            throws IOException {
        Files.createDirectories(dir);
        ObjectNode cfg = Json.mapper().createObjectNode();
        cfg.put("stationId", stationId).put("brokerUrl", brokerUrl).put("dataDir", dir.toString())
                .put("warmupMillis", 2000).put("tailMillis", 1000);
        if (caFile != null) {
            cfg.put("caFile", caFile.toAbsolutePath().toString());
        }
        cfg.putObject("trustedKeys").put(controller.keyId(), controller.publicKeyPem());
        cfg.putObject("gpio").put("provider", "mock").putArray("relays").addObject().put("name", "amp").put("pin", 17)
                .put("activeLow", true);
        cfg.putObject("audio").put("sink", "wav").put("wavDir", wavDir(dir).toString());
        cfg.putObject("reconnect").put("minMillis", 250).put("maxMillis", 2000);
        Path config = dir.resolve("station.json");
        Files.write(config, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(cfg));
        return config;
    }

    static AgentProcess launch(AgentJvm jvm, Path agentJar, Path config, String stationId) throws IOException {
        Path dir = config.getParent();
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvm.options());
        command.addAll(List.of("-jar", agentJar.toAbsolutePath().toString(), "--config", config.toString(), "--simulate"));
        long launched = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(jvm.environment());
        Process p = builder.start();
        AgentProcess agent = new AgentProcess(stationId, p, launched, dir.resolve("agent.log"));
        agent.console.start();
        return agent;
    }

    /** The java of the JVM running the bench: the same JDK measures and is measured. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static Path wavDir(Path dir) {
        return dir.resolve("rendered");
    }

    /** Copies the agent's console to its log file, noting when the start-up line goes by. */
    private void copyConsole() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (startedNanos < 0 && line.contains("Station " + stationId + STARTED)) {
                    startedNanos = System.nanoTime();
                }
                out.write(line);
                out.newLine();
                out.flush();
            }
        } catch (IOException e) {
            System.err.println("The agent's console could not be copied to " + log + ": " + e.getMessage());
        }
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    /** Milliseconds from launching the JVM to the agent's "started" line. */
    long awaitStarted(Duration timeout) throws BenchException {
        return Wait.until("the agent's \"started\" line in " + log, timeout, () -> {
            requireAlive();
            long at = startedNanos;
            return at < 0 ? Optional.empty() : Optional.of(TimeUnit.NANOSECONDS.toMillis(at - launchedNanos));
        });
    }

    long millisSinceLaunch() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - launchedNanos);
    }

    void requireAlive() throws BenchException {
        if (!process.isAlive()) {
            throw new BenchException("the agent exited with code " + process.exitValue() + "; its log is " + log);
        }
    }

    /**
     * SIGTERM first, so that the agent switches its relays off and says goodbye as in the field.
     * The signal goes through the process handle: {@link Process#destroy} would also close the
     * console pipe and cut the agent's last log lines.
     */
    @Override
    public void close() {
        process.toHandle().destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                System.err.println("The agent (pid " + process.pid() + ") did not stop in 10 s; killing it");
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            console.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
