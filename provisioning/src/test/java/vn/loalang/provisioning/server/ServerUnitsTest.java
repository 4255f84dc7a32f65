package vn.loalang.provisioning.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The commune server's systemd units as systemd itself reads them ({@code systemd-analyze verify},
 * which needs no running systemd: it parses the files and checks the programs they start), and the
 * example controller config.
 */
class ServerUnitsTest {
    private static final Path DIST = Path.of("src/main/dist/server").toAbsolutePath();
    private static final List<String> UNITS = List.of("loalang-controller.service", "loalang-backup.service",
            "loalang-backup.timer");

    @BeforeAll
    static void systemdAnalyzeIsInstalled() {
        if (!Run.installed("systemd-analyze", "--version")) {
            fail("systemd-analyze is missing: apt-get install -y systemd   (it checks the unit files; no running systemd is needed)");
        }
    }

    @Test
    void systemdReadsTheUnitsWithoutAWord() throws IOException {
        // Every unit of the folder, the broker-reload path unit and its service included.
        List<String> all;
        try (var files = Files.list(DIST)) {
            all = files.map(f -> f.getFileName().toString()).filter(n -> n.matches(".*\\.(service|timer|path)")).sorted().toList();
        }
        assertTrue(all.containsAll(UNITS), "the units are in " + DIST + ": " + all);
        Run run = verify(DIST, all);
        assertEquals(0, run.exitCode(), run.toString());
        // systemd-analyze warns about a key it does not know or a value it cannot parse, and exits 0.
        assertEquals("", (run.stdout() + run.stderr()).strip(), "systemd-analyze verify says nothing: " + run);
    }

    @Test
    void verifyWouldCatchAMistakeInThem(@TempDir Path copy) throws IOException {
        // The same files with two mistakes: the check above passes because the files are right, not
        // because systemd-analyze cannot see them on this machine.
        for (String unit : UNITS) {
            Files.copy(DIST.resolve(unit), copy.resolve(unit));
        }
        replace(copy.resolve("loalang-controller.service"), "ProtectSystem=strict", "ProtectSystem=strickt");
        replace(copy.resolve("loalang-backup.timer"), "OnCalendar=*-*-* 02:30:00", "OnCalendar=*-*-* 25:30:00");
        Run run = verify(copy, UNITS);
        String said = run.stdout() + run.stderr();
        assertTrue(said.contains("loalang-controller.service:") && said.contains("strickt"), run.toString());
        assertTrue(said.contains("loalang-backup.timer:") && said.contains("25:30:00"), run.toString());
    }

    @Test
    void theControllerUnitRunsTheJarWithItsConfigAsUserLoalang() throws IOException {
        Map<String, List<String>> unit = settings(DIST.resolve("loalang-controller.service"));
        assertEquals(List.of("/usr/bin/java -Xmx512m -jar /opt/loalang/loalang-controller.jar run --config /etc/loalang/controller.json"),
                unit.get("ExecStart"));
        assertEquals(List.of("loalang"), unit.get("User"));
        assertEquals(List.of("-/etc/loalang/controller.env"), unit.get("EnvironmentFile"));
        assertEquals(List.of("always"), unit.get("Restart"));
        assertEquals(List.of("loalang"), unit.get("StateDirectory"));
        // The store; and Mosquitto's passwd and acl, which the controller rewrites (--broker-accounts).
        assertEquals(List.of("/var/lib/loalang -/etc/mosquitto/loalang/accounts"), unit.get("ReadWritePaths"));
        assertEquals(List.of("strict"), unit.get("ProtectSystem"));
        assertTrue(unit.get("After").get(0).contains("mosquitto.service") && unit.get("After").get(0).contains("network-online.target"));
        // The console and the content server stay up while Mosquitto restarts.
        assertFalse(unit.containsKey("Requires") || unit.containsKey("BindsTo"), "not bound to the broker: " + unit);
    }

    @Test
    void theExampleConfigIsTheProductionOne() throws IOException {
        JsonNode config = new ObjectMapper().readTree(DIST.resolve("controller.json").toFile());
        Map<String, String> options = new TreeMap<>();
        config.fields().forEachRemaining(e -> options.put(e.getKey(), e.getValue().asText()));
        assertEquals(new TreeMap<>(Map.ofEntries(
                Map.entry("data", "/var/lib/loalang"),
                Map.entry("commune", "/etc/loalang/commune/commune.json"),
                Map.entry("broker", "ssl://127.0.0.1:8883"),
                Map.entry("mqtt-user", "controller"),
                Map.entry("mqtt-password-file", "/etc/loalang/controller.mqtt-password"),
                Map.entry("mqtt-ca", "/etc/mosquitto/loalang/ca.pem"),
                Map.entry("broker-accounts", "/etc/mosquitto/loalang/accounts"),
                // Every interface: plain HTTP there only redirects to HTTPS; the stations too fetch over HTTPS.
                Map.entry("http-host", "0.0.0.0"),
                Map.entry("http-port", "8080"),
                Map.entry("https-port", "8443"),
                Map.entry("tls-cert", "/etc/loalang/tls/controller.pem"),
                Map.entry("tls-key", "/etc/loalang/tls/controller.key"),
                Map.entry("public-url", "https://SERVER-IP:8443"))), options);
        assertTrue(config.get("http-port").isInt(), "http-port is a number");
    }

    @Test
    void theCommuneLineCanBeDeletedAfterTheFirstStartAsTheGuideSays() throws IOException {
        // docs/deployment.md: sudo sed -i '/"commune"/d' /etc/loalang/controller.json
        String without = String.join("\n", Files.readAllLines(DIST.resolve("controller.json")).stream()
                .filter(line -> !line.contains("\"commune\"")).toList());
        JsonNode config = new ObjectMapper().readTree(without);
        assertFalse(config.has("commune"));
        assertEquals("/var/lib/loalang", config.get("data").asText(), "still the whole config: " + without);
    }

    private static Run verify(Path folder, List<String> units) {
        List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify", "--man=no"));
        units.forEach(u -> command.add(folder.resolve(u).toString()));
        return Run.of(Duration.ofSeconds(60), command);
    }

    /** The settings of a unit file, key → values in order (comments and section headers left out). */
    private static Map<String, List<String>> settings(Path unit) throws IOException {
        Map<String, List<String>> settings = new TreeMap<>();
        for (String line : Files.readAllLines(unit)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith("[")) {
                continue;
            }
            int eq = l.indexOf('=');
            settings.computeIfAbsent(l.substring(0, eq), k -> new ArrayList<>()).add(l.substring(eq + 1));
        }
        return settings;
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertTrue(text.contains(from), file + " has " + from);
        Files.writeString(file, text.replace(from, to));
    }
}
