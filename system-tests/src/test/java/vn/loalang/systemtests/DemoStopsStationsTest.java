package vn.loalang.systemtests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The demo leaves no station process behind however it ends: stopped by a signal (Ctrl-C or
 * SIGTERM: its shutdown hook stops them) or killed outright (SIGKILL: no hook runs; each agent sees
 * the pipe from its parent close and stops itself). Either way each station switches its relays OFF.
 * The normal end (--exit-after) is {@link DemoCommandTest}'s.
 */
class DemoStopsStationsTest {
    static final Path CONTROLLER_JAR = Path.of("..", "controller", "target", "loalang-controller.jar");
    static final Path AGENT_JAR = Path.of("..", "station-agent", "target", "loalang-station-agent.jar");
    static final List<String> STATIONS = List.of("thon-dong-1", "thon-tay-1", "ap-binh-an-1");

    @TempDir
    Path dir;
    Process demo;
    final List<ProcessHandle> agents = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        agents.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        if (demo != null) {
            demo.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The demo, with its session far off: only its processes matter here. */
    private void startDemo() throws IOException {
        assertTrue(Files.isRegularFile(CONTROLLER_JAR) && Files.isRegularFile(AGENT_JAR),
                "the runnable jars are missing: run `mvn -B verify` (or `mvn -B -DskipTests package` first)");
        demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-jar", CONTROLLER_JAR.toString(), "demo", "--agent-jar", AGENT_JAR.toString(),
                "--data", dir.resolve("demo-data").toString(), "--start-in", "600")
                .redirectErrorStream(true).redirectOutput(dir.resolve("demo.out").toFile()).start();
        await("the demo starts its three stations").atMost(Duration.ofSeconds(90)).until(() -> {
            agents.clear();
            demo.toHandle().children().filter(p -> p.info().commandLine().orElse("").contains("loalang-station-agent"))
                    .forEach(agents::add);
            return agents.size() == STATIONS.size() && STATIONS.stream().allMatch(this::started);
        });
    }

    private boolean started(String station) {
        return log(station).contains("Station " + station + " started");
    }

    private String log(String station) {
        Path log = dir.resolve("demo-data").resolve("stations").resolve(station).resolve("agent.log");
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private void assertEveryStationStoppedWithRelaysOff() {
        await("every station process has ended").atMost(Duration.ofSeconds(60))
                .until(() -> agents.stream().noneMatch(ProcessHandle::isAlive));
        for (String station : STATIONS) {
            assertTrue(log(station).contains("Station " + station + " stopped; relays OFF"), station + ":\n" + log(station));
        }
    }

    @Test
    void aKilledDemoLeavesNoStationRunning() throws Exception {
        startDemo();

        demo.destroyForcibly(); // SIGKILL: no shutdown hook runs in the demo
        assertTrue(demo.waitFor(10, TimeUnit.SECONDS));
        assertEquals(137, demo.exitValue(), "killed, not stopped");

        assertEveryStationStoppedWithRelaysOff();
        for (String station : STATIONS) {
            assertTrue(log(station).contains("the process that started it has ended"), station + ":\n" + log(station));
        }
    }

    @Test
    void aDemoStoppedBySignalStopsItsStationsFirst() throws Exception {
        startDemo();

        demo.destroy(); // SIGTERM: what Ctrl-C (SIGINT) does too, through the same shutdown hooks
        assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "the demo stops");

        assertTrue(agents.stream().noneMatch(ProcessHandle::isAlive), "the demo waited for its stations to end");
        assertEveryStationStoppedWithRelaysOff();
    }
}
