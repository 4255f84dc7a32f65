package vn.loalang.controller.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.alert.AlertPreamble;
import vn.loalang.protocol.alert.AlertPriority;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The options of {@code alert} and {@code provision}, and the login they share, come from definitions:
 * their {@code --help} lists each, and a bad value is refused as {@code run} refuses one, exit code 2,
 * before any login (the URL below has nothing listening: reaching it would be exit code 1) and before
 * any file is written.
 */
class CommandLineToolsOptionsTest {
    /** Nothing listens on port 1: a tool that tried to log in would answer 1, not 2. */
    private static final List<String> LOGIN = List.of("--user", "truong.tay", "--url", "http://127.0.0.1:1");

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    private int alert(String... args) {
        List<String> all = new ArrayList<>(LOGIN);
        all.addAll(List.of(args));
        return AlertCommand.run(all.toArray(String[]::new), print(out), print(err));
    }

    private int provision(String... args) {
        return ProvisionCommand.run(args, print(out), print(err));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static PrintStream print(ByteArrayOutputStream to) {
        return new PrintStream(to, true, StandardCharsets.UTF_8);
    }

    @Test
    void aBadAlertValueIsRefusedWithItsRuleBeforeTheLogin() {
        assertEquals(2, alert("--villages", "thon-tay", "--content", "canh-bao-lu", "--reason", "lũ", "--repeats", "11"));
        assertEquals("Tuỳ chọn sai / a bad option: --repeats = 11 is not allowed: give how many times it plays as a "
                + "whole number from 1 to 10, e.g. 1\n(loalang-controller alert --help lists every option)\n", err());
        err.reset();
        assertEquals(2, alert("--villages", "thon-tay", "--content", "canh-bao-lu", "--reason", "lũ", "--priority", "urgent"));
        assertTrue(err().contains("--priority = urgent is not allowed: give the priority as EMERGENCY or WARNING"), err());
        err.reset();
        assertEquals(2, alert("--villages", "thon tay", "--content", "canh-bao-lu", "--reason", "lũ"));
        assertTrue(err().contains("--villages = thon tay is not allowed: give the villages as village ids separated by "
                + "commas, or * for the whole commune"), err());
        err.reset();
        assertEquals(2, alert("--minutes", "1441", "--villages", "*", "--content", "canh-bao-lu", "--reason", "lũ"));
        assertTrue(err().contains("from 1 to 1440"), "an alert lasts at most 24 hours: " + err());
    }

    @Test
    void anAlertWithoutVillagesOrWithoutAUserIsRefusedBeforeTheLogin() {
        assertEquals(2, alert("--content", "canh-bao-lu", "--reason", "lũ"));
        assertTrue(err().startsWith("Tuỳ chọn sai / a bad option: --villages is missing: give the villages as "), err());
        err.reset();
        assertEquals(2, AlertCommand.run(new String[]{"--villages", "thon-tay", "--content", "canh-bao-lu"}, print(out),
                print(err)));
        assertTrue(err().startsWith("Tuỳ chọn sai / a bad option: --user is missing: give your user name on the "
                + "controller as a text that is not blank, e.g. ky.thuat"), err());
        err.reset();
        assertEquals(2, alert("--status", "a-1", "--colour", "red"));
        assertTrue(err().startsWith("unknown option(s): --colour"), "an unknown option still shows the usage: " + err());
    }

    @Test
    void theAlertsBoundsAreTheWiresAlerts() {
        for (int repeats : new int[]{0, 1, 10, 11}) {
            assertEquals(accepts(() -> alertWith(repeats, 30, "EMERGENCY", "SIREN")),
                    accepts(() -> AlertOptions.REPEATS.read(Integer.toString(repeats))), "repeats " + repeats);
        }
        for (int interval : new int[]{-1, 0, 3600, 3601}) {
            assertEquals(accepts(() -> alertWith(1, interval, "EMERGENCY", "SIREN")),
                    accepts(() -> AlertOptions.INTERVAL.read(Integer.toString(interval))), "interval " + interval);
        }
        for (String priority : List.of("EMERGENCY", "WARNING", "emergency", "INFO")) {
            assertEquals(accepts(() -> alertWith(1, 30, priority, "SIREN")),
                    accepts(() -> AlertOptions.PRIORITY.read(priority)), "priority " + priority);
        }
        for (String preamble : List.of("SIREN", "CHIME", "NONE", "siren", "BELL")) {
            assertEquals(accepts(() -> alertWith(1, 30, "EMERGENCY", preamble)),
                    accepts(() -> AlertOptions.PREAMBLE.read(preamble)), "preamble " + preamble);
        }
    }

    private static void alertWith(int repeats, int interval, String priority, String preamble) {
        Instant now = Instant.parse("2026-12-06T02:00:00Z");
        // What a controller sends: the typed values its API and tools parse strictly (the wire reads a newer one too).
        new Alert(SchemaVersion.CURRENT, "a-1", "thon-tay", AlertPriority.of(priority), "t", "r", now,
                now.plusSeconds(60), AlertPreamble.of(preamble), List.of(), repeats, interval, false);
    }

    private static boolean accepts(Runnable r) {
        try {
            r.run();
            return true;
        } catch (IllegalArgumentException e) { // OptionException is one
            return false;
        }
    }

    @Test
    void aBadProvisionValueIsRefusedBeforeAnythingIsWritten() {
        Path provisioning = dir.resolve("provisioning");
        assertEquals(2, provision("init", "--dir", provisioning.toString(), "--broker-hosts", "192.168.1.10",
                "--port", "70000", "--mosquitto-dir", dir.resolve("mosquitto").toString()));
        assertEquals("Tuỳ chọn sai / a bad option: --port = 70000 is not allowed: give the broker's TLS port as a TCP "
                + "port from 1 to 65535, e.g. 8883\n(loalang-controller provision --help lists every option)\n", err());
        assertFalse(Files.exists(provisioning) || Files.exists(dir.resolve("mosquitto")), "nothing written");
        err.reset();
        assertEquals(2, provision("init", "--dir", provisioning.toString()));
        assertTrue(err().startsWith("Tuỳ chọn sai / a bad option: --broker-hosts is missing: give the broker's "
                + "addresses as host names or addresses separated by commas, e.g. 192.168.1.10"), err());
        err.reset();
        assertEquals(2, provision("station", "--dir", provisioning.toString(), "--user", "admin", "--url",
                "http://127.0.0.1:1", "--station", "thon-dong-1", "--village", "thon-dong", "--relays", "amp:seventeen"));
        assertTrue(err().contains("--relays = amp:seventeen is not allowed: give the station's relays as NAME:PIN or "
                + "NAME:PIN:active-low, separated by commas"), err());
        err.reset();
        // The sound card is named at the server: a bundle without it would be refused on the Pi.
        assertEquals(2, provision("station", "--dir", provisioning.toString(), "--user", "admin", "--url",
                "http://127.0.0.1:1", "--station", "thon-dong-1", "--village", "thon-dong", "--relays", "amp:17"));
        assertTrue(err().contains("--audio-device NAME is required: the sound card the station plays on"), err());
        err.reset();
        assertEquals(2, provision("station", "--dir", provisioning.toString(), "--user", "admin", "--url",
                "http://127.0.0.1:1", "--station", "thon-dong-1", "--village", "thon-dong", "--relays", "amp:2",
                "--audio-device", "USB Audio"));
        assertTrue(err().contains("--relays = amp:2 is not allowed"), "a relay on I2C SDA: " + err());
        err.reset();
        assertEquals(2, provision("revoke", "--user", "admin", "--url", "http://127.0.0.1:1", "--station", "thon-dong-1",
                "--keep-station", "maybe"));
        assertTrue(err().contains("--keep-station = maybe is not allowed: give whether the station stays listed as "
                + "yes or no, e.g. no"), err());
        err.reset();
        assertEquals(2, provision("rotate", "--user", "admin", "--url", "http://127.0.0.1:1", "--station", "thon-dong-1",
                "--village", "thon-dong"));
        assertTrue(err().startsWith("unknown option(s): --village"), "a rotation keeps its village: " + err());
    }

    @Test
    void aBadLoginOptionIsRefusedTheSameWayInEveryTool() {
        String[] badUrl = {"--user", "admin", "--url", "127.0.0.1:8080", "--station", "thon-dong-1"};
        assertEquals(2, provision(concat(new String[]{"revoke"}, badUrl)));
        String fromProvision = err().lines().findFirst().orElseThrow();
        err.reset();
        assertEquals(2, StationCommand.run(concat(badUrl, new String[]{"--action", "LIST"}), print(out), print(err)));
        assertEquals(fromProvision, err().lines().findFirst().orElseThrow());
        assertEquals("Tuỳ chọn sai / a bad option: --url = 127.0.0.1:8080 is not allowed: give the controller's address"
                + " as a URL starting with http:// or https://, e.g. http://127.0.0.1:8080", fromProvision);
    }

    private static String[] concat(String[] a, String[] b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

    @Test
    void eachToolsHelpListsEachOfItsOptionsAndTheLogin() {
        assertUsageLists(AlertCommand.USAGE, AlertOptions.ALL);
        assertUsageLists(AlertCommand.USAGE, SessionOptions.ALL);
        assertUsageLists(StationCommand.USAGE, SessionOptions.ALL);
        assertUsageLists(ProvisionCommand.USAGE, ProvisionOptions.ALL);
        assertUsageLists(ProvisionCommand.USAGE, SessionOptions.ALL);
        assertTrue(AlertCommand.USAGE.replaceAll("\\s+", " ").contains("plays. (default 1; a whole number from 1 to 10)"),
                AlertCommand.USAGE);
        assertEquals(0, AlertCommand.run(new String[]{"--help"}, print(out), print(err)));
        assertEquals(AlertCommand.USAGE + "\n", out.toString(StandardCharsets.UTF_8));
    }

    private static void assertUsageLists(String usage, List<Option<?>> options) {
        for (Option<?> o : options) {
            assertTrue(usage.contains("  --" + o.key() + " " + o.metavar()), o.key() + " in:\n" + usage);
        }
    }

    @Test
    void theDefaultsShownAreTheOnesUsed() {
        assertEquals(Path.of("/etc/loalang/tls"), ProvisionOptions.TLS_DIR.defaultValue(), "run's TLS folder");
        assertEquals(SessionOptions.DEFAULT_CA.getParent(), ProvisionOptions.TLS_DIR.defaultValue(),
                "the tools trust the CA that provision init leaves");
        OptionException e = assertThrows(OptionException.class, () -> ProvisionOptions.PORT.read("0"));
        assertTrue(e.getMessage().toLowerCase(Locale.ROOT).contains("e.g. 8883"), e.getMessage());
    }
}
