package vn.loalang.agent.update;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * What systemd does with loalang-agent.service, in a thread: the start script as ExecStartPre
 * ({@code loalang-update boot}, with the test's folders for /opt/loalang and /var/lib/loalang/update),
 * then the agent from the jar the link names, in its own JVM, as a supervised service
 * (INVOCATION_ID set, as systemd sets it); again when it ends (Restart=always), at most
 * {@link #MAX_STARTS} times so that a test that goes wrong cannot loop for ever.
 */
final class ServiceLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceLoop.class);
    private static final int MAX_STARTS = 12;

    /** The JVM options of the test's "unit" (the real unit's are tuned for a Pi; these only bound the heap). */
    static final List<String> JVM_OPTIONS = List.of("-Xmx64m", "-XX:+UseSerialGC");

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private final Path tool;
    private final Path opt;
    private final Path config;
    private final Path updateDir;
    private final Path output;
    private final Thread thread;
    private final List<Integer> exitCodes = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;
    private volatile Process agent;
    private volatile int starts;

    ServiceLoop(Path tool, Path opt, Path config, Path updateDir, Path log) {
        this.tool = tool;
        this.opt = opt;
        this.config = config;
        this.updateDir = updateDir;
        this.output = log;
        this.thread = new Thread(this::loop, "service-loop");
    }

    void start() {
        thread.start();
    }

    int starts() {
        return starts;
    }

    List<Integer> exitCodes() {
        return List.copyOf(exitCodes);
    }

    private void loop() {
        try {
            while (running && starts < MAX_STARTS) {
                ProcessBuilder boot = new ProcessBuilder("bash", tool.toString(), "boot")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
                boot.environment().put("LOALANG_OPT_DIR", opt.toString());
                boot.environment().put("LOALANG_UPDATE_DIR", updateDir.toString());
                // As systemd passes the unit's Environment= to ExecStartPre: the script builds a new version's
                // class-data archive with the unit's JVM options, this JVM and the station's config.
                boot.environment().put("LOALANG_JAVA_OPTS", String.join(" ", JVM_OPTIONS));
                boot.environment().put("LOALANG_JAVA", javaBin());
                boot.environment().put("LOALANG_CONFIG", config.toString());
                int bootStatus = boot.start().waitFor();
                if (bootStatus != 0) {
                    LOG.warn("loalang-update boot ended with {}", bootStatus);
                }
                if (!running) {
                    return;
                }
                List<String> command = new java.util.ArrayList<>(List.of(javaBin()));
                command.addAll(JVM_OPTIONS);
                // The unit's archive, by the link loalang-update switches with the jar.
                command.addAll(List.of("-XX:SharedArchiveFile=" + opt.resolve("loalang-station-agent.jsa"),
                        "-Xlog:cds=off,cds+dynamic=off", "-Dtinylog.writer=console", "-Dtinylog.writer.level=info",
                        "-jar", opt.resolve("loalang-station-agent.jar").toString(), "--config", config.toString(), "--simulate"));
                ProcessBuilder java = new ProcessBuilder(command)
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
                java.environment().put("INVOCATION_ID", "test-" + starts);
                agent = java.start();
                starts++;
                int status = agent.waitFor();
                exitCodes.add(status);
                LOG.info("agent start {} ended with {}", starts, status);
            }
        } catch (IOException e) {
            LOG.error("the service loop stopped: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        Process p = agent;
        if (p != null) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
        thread.join(TimeUnit.SECONDS.toMillis(30));
    }
}
