package vn.loalang.agent.systemd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The systemd unit shipped in {@code src/main/dist}: what keeps a station on the air must not rot
 * unnoticed, and the command it runs after every stop must be one the agent understands.
 */
class AgentUnitFileTest {
    private static final Path UNIT = Path.of("src/main/dist/loalang-agent.service");
    private static final String JAR = "/opt/loalang/loalang-station-agent.jar";
    private static final String CONFIG = "/etc/loalang/station.json";

    @TempDir
    Path dir;

    /** section → key → value; a key given twice keeps the last, as systemd does for these keys. */
    private static Map<String, Map<String, String>> unit() throws IOException {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String line : Files.readAllLines(UNIT, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (l.startsWith("[")) {
                current = sections.computeIfAbsent(l.substring(1, l.length() - 1), k -> new LinkedHashMap<>());
                continue;
            }
            int eq = l.indexOf('=');
            current.put(l.substring(0, eq), l.substring(eq + 1));
        }
        return sections;
    }

    private static Map<String, String> service() throws IOException {
        return unit().get("Service");
    }

    @Test
    void systemdRestartsTheAgentForEverAndWatchesIt() throws IOException {
        Map<String, String> s = service();

        assertEquals("notify", s.get("Type"));
        assertEquals("all", s.get("NotifyAccess"), "systemd-notify is a child of the JVM, not its main process");
        assertEquals("always", s.get("Restart"));
        assertEquals("2", s.get("RestartSec"));
        assertEquals("30", s.get("WatchdogSec"));
        assertEquals("0", unit().get("Unit").get("StartLimitIntervalSec"), "never give up restarting");
    }

    @Test
    void theAgentRunsAsItsOwnUserWithTheGpioAndAudioGroups() throws IOException {
        Map<String, String> s = service();

        assertEquals("loalang", s.get("User"));
        assertEquals(List.of("gpio", "audio"), Arrays.asList(s.get("SupplementaryGroups").split("\\s+")));
        assertEquals("/usr/bin/java $LOALANG_JAVA_OPTS -jar " + JAR + " --config " + CONFIG, s.get("ExecStart"));
        assertEquals("multi-user.target", unit().get("Install").get("WantedBy"));
    }

    /** Every {@code Environment=} assignment of the unit, quoted or not. */
    private static Map<String, String> environment() throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(UNIT, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.startsWith("Environment=")) {
                String a = l.substring("Environment=".length());
                a = a.startsWith("\"") && a.endsWith("\"") ? a.substring(1, a.length() - 1) : a;
                env.put(a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
            }
        }
        return env;
    }

    /** A typo in an option would keep the JVM from starting on every pole: this JVM must accept them all. */
    @Test
    void theJvmIsSizedForASmallBoardWithOptionsJavaAccepts() throws Exception {
        Map<String, String> env = environment();
        List<String> options = List.of(env.get("LOALANG_JAVA_OPTS").split("\\s+"));

        assertTrue(options.containsAll(List.of("-XX:+UseSerialGC", "-Xmx64m", "-XX:TieredStopAtLevel=1",
                "-XX:SharedArchiveFile=/opt/loalang/loalang-station-agent.jsa")), options.toString());
        assertEquals("2", env.get("MALLOC_ARENA_MAX"));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The archive is built at install; without it (here) the JVM must start all the same.
        options.forEach(command::add);
        command.add("-version");
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(java.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, java.exitValue(), output);
        assertFalse(output.contains("warning"), "the missing archive is not worth a warning in the journal: " + output);
    }

    @Test
    void afterEveryStopTheRelaysAreForcedOff() throws IOException {
        String stopPost = service().get("ExecStopPost");

        assertTrue(stopPost.startsWith("/usr/bin/java "), stopPost);
        assertTrue(stopPost.contains("-jar " + JAR + " --config " + CONFIG), stopPost);
        assertTrue(stopPost.endsWith(" --relays-off"), stopPost);
        assertFalse(stopPost.startsWith("-"), "a failure must be seen in the journal, not ignored");
    }

    /**
     * Before Java starts and first after every stop, the relays go OFF without Java (pinctrl, through
     * /opt/loalang/loalang-relays): as root, and never blocking a start or hiding the agent's own
     * ExecStopPost, which stays the last.
     */
    @Test
    void theRelaysGoOffWithoutJavaBeforeTheAgentStartsAndFirstAfterItStops() throws IOException {
        List<String> lines = Files.readAllLines(UNIT, StandardCharsets.UTF_8).stream().map(String::strip)
                .filter(l -> l.startsWith("ExecStartPre=") || l.startsWith("ExecStopPost=")).toList();

        // Between them, the version chooser (loalang-update boot): after the relays are OFF, before Java.
        assertEquals(List.of("ExecStartPre=-+/opt/loalang/loalang-relays off",
                "ExecStartPre=-+/opt/loalang/loalang-update boot",
                "ExecStopPost=-+/opt/loalang/loalang-relays off"), lines.subList(0, 3));
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(3).startsWith("ExecStopPost=/usr/bin/java ") && lines.get(3).endsWith(" --relays-off"),
                "the agent's own OFF comes last: " + lines);
    }

    /** Runs the unit's ExecStopPost command, with this build's classes for the jar and a mock-GPIO config. */
    @Test
    void theCommandRunAfterEveryStopSwitchesOffAndExitsWithoutStartingTheAgent() throws Exception {
        Path config = Files.writeString(dir.resolve("station.json"), """
                {"stationId":"st-01","brokerUrl":"tcp://127.0.0.1:1","dataDir":"%s",
                 "trustedKeys":{"k1":"not read by --relays-off"},
                 "gpio":{"provider":"mock","relays":[{"name":"amp","pin":17},{"name":"amp-2","pin":27,"activeLow":true}]}}
                """.formatted(dir.resolve("data")));
        Path logging = Files.writeString(dir.resolve("tinylog.properties"), "writer=console\nwriter.level=info\n"
                + "writer.format={level} {class-name}: {message}\n");
        List<String> command = new ArrayList<>();
        for (String word : service().get("ExecStopPost").split("\\s+")) {
            switch (word) {
                case "/usr/bin/java" -> command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-Dtinylog.configuration=" + logging));
                case "-jar" -> command.addAll(List.of("-cp", System.getProperty("java.class.path")));
                case JAR -> command.add("vn.loalang.agent.Main");
                case CONFIG -> command.add(config.toString());
                default -> command.add(word);
            }
        }

        Process agent = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertTrue(agent.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, agent.exitValue(), output);
        assertTrue(output.contains("Station st-01 forced its amplifier relays OFF after the agent stopped"), output);
        assertFalse(output.contains("Station st-01 started"), "no link, no playout: " + output);
        assertFalse(Files.exists(dir.resolve("data")), "nothing of the agent's state is touched");
    }
}
