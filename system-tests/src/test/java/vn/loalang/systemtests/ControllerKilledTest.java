package vn.loalang.systemtests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.systemtests.support.MosquittoBroker;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestCommune;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged controller killed with SIGKILL while a station's events are still unacknowledged,
 * then started again on the same data: nothing acknowledged is lost, nothing is recorded twice,
 * and the unchanged schedule is not signed or broadcast again as a new version.
 */
class ControllerKilledTest {
    static final Path CONTROLLER_JAR = Path.of("..", "controller", "target", "loalang-controller.jar");
    static final Pattern KEY_ID = Pattern.compile("Signing key (\\S+);");

    @TempDir
    Path dir;
    final List<Process> processes = new ArrayList<>();
    MosquittoBroker mosquitto;
    SimulatedStation station;

    @AfterEach
    void stop() throws Exception {
        if (station != null) {
            station.close();
        }
        for (Process p : processes) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (mosquitto != null) {
            mosquitto.close();
        }
    }

    @Test
    void aKilledControllerRestartsWithoutLosingOrRepeatingAnything() throws Exception {
        assertTrue(Files.isRegularFile(CONTROLLER_JAR), "run `mvn -B verify`: the controller jar is missing");
        mosquitto = MosquittoBroker.start(dir.resolve("broker"));
        Path commune = TestCommune.write(dir.resolve("commune"));
        Path data = dir.resolve("controller");
        int http = Ports.free();

        Process first = controller(commune, data, http, dir.resolve("first.out"));
        String keyId = awaitKeyId(dir.resolve("first.out"));
        String pem = Files.readString(data.resolve("keys").resolve("controller-signing.pub.pem"));
        station = new SimulatedStation("thon-dong-1", mosquitto.url(), keyId, pem, dir.resolve("station"),
                Clock.systemUTC(), false, 500, 200).start();
        await("the station holds the schedule and has cached its content").atMost(Duration.ofSeconds(30))
                .until(() -> station.agent().schedule().isPresent() && rows(data, "CONTENT_READY") > 0);
        long version = station.agent().schedule().orElseThrow().version();
        long accepted = rows(data, "SCHEDULE_ACCEPTED");

        first.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no goodbye, no flush
        // While the controller is dead the station goes on recording; nothing can acknowledge it.
        station.stopAgent();
        station.start();
        await("events pile up unacknowledged").atMost(Duration.ofSeconds(10))
                .until(() -> station.agent().pendingEvents() > 0);

        controller(commune, data, http, dir.resolve("second.out"));
        await("the restarted controller takes and acknowledges everything").atMost(Duration.ofSeconds(60))
                .until(() -> station.agent().pendingEvents() == 0);

        assertEquals(version, station.agent().schedule().orElseThrow().version(), "no new version was broadcast");
        assertEquals(accepted, rows(data, "SCHEDULE_ACCEPTED"), "the station accepted no second copy");
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("loalang.db"));
             Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), count(DISTINCT seq), min(seq), max(seq) FROM station_event"
                     + " WHERE station_id = 'thon-dong-1'")) {
            rs.next();
            assertEquals(rs.getLong(1), rs.getLong(2), "each event once");
            assertEquals(1, rs.getLong(3), "from the first event");
            assertEquals(rs.getLong(1), rs.getLong(4), "with no gap");
        }
        assertTrue(!Files.readString(dir.resolve("second.out")).contains("mật khẩu / password"),
                "the first administrator's password is printed once, not at every start");
    }

    private Process controller(Path commune, Path data, int http, Path out) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", CONTROLLER_JAR.toString(), "run", "--commune", commune.toString(),
                "--data", data.toString(), "--broker", mosquitto.url(), "--http-port", Integer.toString(http))
                .redirectErrorStream(true).redirectOutput(out.toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static String awaitKeyId(Path out) {
        String[] key = new String[1];
        await("the controller says its signing key").atMost(Duration.ofSeconds(30)).until(() -> {
            Matcher m = KEY_ID.matcher(Files.readString(out, StandardCharsets.UTF_8));
            if (m.find()) {
                key[0] = m.group(1);
                return true;
            }
            return false;
        });
        return key[0];
    }

    private static long rows(Path data, String type) throws SQLException {
        Path db = data.resolve("loalang.db");
        if (!Files.exists(db)) {
            return 0;
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM station_event WHERE station_id = 'thon-dong-1' AND type = '"
                     + type + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
