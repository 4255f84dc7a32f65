package vn.loalang.systemtests.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A real Mosquitto (the Debian package) on 127.0.0.1 and an ephemeral port, started and stopped
 * by the test. When Mosquitto is not installed the test fails and says how to install it: a
 * production-broker test is never skipped.
 */
public final class MosquittoBroker implements AutoCloseable {
    private static final List<Path> CANDIDATES = List.of(Path.of("/usr/sbin/mosquitto"), Path.of("/usr/bin/mosquitto"),
            Path.of("/usr/local/sbin/mosquitto"));

    private final Path binary;
    private final Path config;
    private final Path log;
    private final int port;
    private Process process;

    private MosquittoBroker(Path binary, Path dir, int port) throws IOException {
        this(binary, dir, port, List.of("listener " + port + " 127.0.0.1", "allow_anonymous true"));
    }

    private MosquittoBroker(Path binary, Path dir, int port, List<String> listener) throws IOException {
        this.binary = binary;
        this.port = port;
        this.config = dir.resolve("mosquitto.conf");
        this.log = dir.resolve("mosquitto.log");
        Files.writeString(config, String.join("\n", listener) + "\n" + String.join("\n",
                "persistence false",
                "log_dest stdout",
                "log_type error",
                "log_type warning",
                "log_type notice",
                ""));
    }

    public static MosquittoBroker start(Path dir) throws IOException {
        Files.createDirectories(dir);
        MosquittoBroker broker = new MosquittoBroker(binary(), dir, Ports.free());
        broker.startProcess();
        return broker;
    }

    /**
     * Mosquitto as Debian runs it: a main config that includes {@code confD}, where the generated
     * {@code loalang.conf} (its listener on {@code port}, TLS, passwords, ACL) lives.
     */
    public static MosquittoBroker startIncluding(Path dir, Path confD, int port) throws IOException {
        Files.createDirectories(dir);
        MosquittoBroker broker = new MosquittoBroker(binary(), dir, port, List.of("include_dir " + confD.toAbsolutePath()));
        broker.startProcess();
        return broker;
    }

    private static Path binary() {
        return CANDIDATES.stream().filter(Files::isExecutable).findFirst().orElseThrow(() -> new AssertionError(
                "Mosquitto is not installed, and this test runs against it (the production broker). "
                        + "Install it with: sudo apt-get install -y mosquitto   (./loalang test does this when run as root)"));
    }

    /** What {@code systemctl reload mosquitto} does: SIGHUP, and the broker reads its passwd and acl again. */
    public List<String> reloadCommand() {
        return List.of("kill", "-HUP", Long.toString(process.pid()));
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    private void startProcess() throws IOException {
        process = new ProcessBuilder(binary.toString(), "-c", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        await("mosquitto listening on port " + port).atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new AssertionError("mosquitto exited with " + process.exitValue() + ": "
                                + Files.readString(log));
                    }
                    return Ports.listening(port);
                });
    }

    /** The broker's process, for a benchmark that measures its CPU. */
    public long pid() {
        return process.pid();
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Stops the broker process (clients see the connection drop) and starts it again on the same port. */
    public void restart() throws IOException, InterruptedException {
        stop();
        startProcess();
    }

    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
