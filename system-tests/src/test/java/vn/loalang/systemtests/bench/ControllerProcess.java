package vn.loalang.systemtests.bench;

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
 * The controller as {@code ./loalang controller} runs it, in a JVM of its own, so that its CPU and
 * heap are measured apart from the stations that load it. Its console goes to a log file.
 */
final class ControllerProcess implements AutoCloseable {
    private static final String RUNNING = "Controller for ";

    private final Process process;
    private final Path log;
    private final Thread console;
    private volatile boolean running;

    private ControllerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.console = new Thread(this::copyConsole, "controller-console-" + process.pid());
        console.setDaemon(true);
    }

    /** Starts {@code controllerJar run} on the commune file, its store in {@code data}, on 127.0.0.1. */
    static ControllerProcess launch(Path controllerJar, Path commune, Path data, int mqttPort, int httpPort,
                                    String heap, String adminPassword) throws IOException {
        Files.createDirectories(data);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap, "-jar", controllerJar.toAbsolutePath().toString(), "run", "--commune", commune.toString(),
                "--data", data.toString(), "--mqtt-port", Integer.toString(mqttPort), "--http-port",
                Integer.toString(httpPort)));
        ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
        b.environment().put("LOALANG_ADMIN_PASSWORD", adminPassword);
        ControllerProcess c = new ControllerProcess(b.start(), data.resolve("controller.log"));
        c.console.start();
        return c;
    }

    private void copyConsole() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             BufferedWriter out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!running && line.contains(RUNNING) && line.contains(" running: ")) {
                    running = true;
                }
                out.write(line);
                out.newLine();
                out.flush();
            }
        } catch (IOException e) {
            System.err.println("The controller's console could not be copied to " + log + ": " + e.getMessage());
        }
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    void awaitRunning(Duration timeout) throws BenchException {
        Wait.until("the controller's \"running\" line in " + log, timeout, () -> {
            requireAlive();
            return running ? Optional.of(true) : Optional.empty();
        });
    }

    void requireAlive() throws BenchException {
        if (!process.isAlive()) {
            throw new BenchException("the controller exited with code " + process.exitValue() + "; its log is " + log);
        }
    }

    /** SIGTERM, so that it closes its store and broker as in the field; killed after 20 s. */
    @Override
    public void close() {
        process.toHandle().destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                System.err.println("The controller (pid " + process.pid() + ") did not stop in 20 s; killing it");
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            console.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
