package vn.loalang.agent;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import vn.loalang.agent.systemd.FailSafeExit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An agent process whose relay is ON meets an error nothing handles, on the playout thread, on
 * Paho's callback thread or on its main thread: the relay goes OFF and the process exits with
 * status 70, for systemd to start a clean agent. Not an agent left with a dead thread, playing
 * nothing with its amplifiers powered.
 */
class AgentCrashTest {
    @TempDir
    Path dir;
    Process agent;

    @AfterEach
    void stop() throws InterruptedException {
        if (agent != null && agent.isAlive()) {
            agent.destroyForcibly().waitFor();
        }
    }

    @ParameterizedTest(name = "an error on the {0} thread")
    @CsvSource({"playout, playout-st-crash", "mqtt, MQTT Call: loalang-crash-probe", "main, main"})
    void anErrorNothingHandledSwitchesTheRelayOffAndEndsTheAgent(String thread, String threadName) throws IOException {
        Path out = dir.resolve("agent.out");
        agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                // Its log on its output, read below: not the test log file this JVM writes.
                "-Dtinylog.writer=console", "-Dtinylog.writer.level=info",
                "-cp", System.getProperty("java.class.path"), CrashingAgent.class.getName(), dir.toString(), thread)
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();

        await("the agent ends").atMost(Duration.ofSeconds(90)).until(() -> !agent.isAlive());

        String output = Files.readString(out, StandardCharsets.UTF_8);
        List<String> relay = output.lines().filter(l -> l.startsWith("RELAY ")).toList();
        assertEquals(List.of("RELAY amp ON", "RELAY amp OFF"), relay, output);
        assertEquals(FailSafeExit.STATUS, agent.exitValue(), output);
        assertTrue(output.contains("thread " + threadName + " died"), output);
        assertTrue(output.indexOf("RELAY amp OFF") < output.indexOf("Station st-crash stopped; relays OFF"),
                "OFF before the agent closed, not only by the close: " + output);
    }
}
