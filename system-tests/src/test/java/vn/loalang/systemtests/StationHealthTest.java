package vn.loalang.systemtests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.Controller;
import vn.loalang.controller.ControllerConfig;
import vn.loalang.controller.health.Health;
import vn.loalang.controller.health.Incidents;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.systemtests.support.CuttableLink;
import vn.loalang.systemtests.support.MosquittoBroker;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the technician sees, on Mosquitto: a station whose link is cut at the socket (no goodbye)
 * turns OFFLINE through its Last Will and opens one incident; when the link comes back it is OK
 * again and the incident closes once the problem has stayed away; a station whose clock drifts is
 * DEGRADED for its clock. Time is moved forward in steps shorter than the offline bound, so the
 * stations' fast telemetry keeps them fresh while the hysteresis runs out.
 */
class StationHealthTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    // A quiet hour: no session near, so only the faults under test show.
    static final Instant NIGHT = Instant.parse("2026-11-30T16:00:00Z");

    @TempDir
    Path dir;
    MosquittoBroker mosquitto;
    CuttableLink link;
    Controller controller;
    SimulatedStation cutOff;
    SimulatedStation drifting;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[]{cutOff, drifting, controller, link, mosquitto}) {
            if (c != null) {
                c.close();
            }
        }
    }

    @Test
    void aCutLinkIsOneIncidentThatClosesWhenTheStationIsBackAndADriftingClockIsDegraded() throws Exception {
        TestClock clock = new TestClock(NIGHT);
        mosquitto = MosquittoBroker.start(dir.resolve("broker"));
        link = new CuttableLink(URI.create(mosquitto.url()).getPort());
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                        .withHttp("127.0.0.1", Ports.free(), null).withExternalBroker(mosquitto.url(), null, null), clock,
                new PasswordHasher(1000), () -> "mat-khau-quan-tri", new PrintStream(OutputStream.nullOutputStream()));
        cutOff = new SimulatedStation("thon-dong-1", link.url(), controller.keyId(), controller.publicKeyPem(),
                dir.resolve("dong"), clock, false, 300, 100).reportingEvery(1).start();
        Clock fast = Clock.offset(clock, Duration.ofSeconds(20));
        drifting = new SimulatedStation("thon-tay-1", mosquitto.url(), controller.keyId(), controller.publicKeyPem(),
                dir.resolve("tay"), fast, false, 300, 100).reportingEvery(1).start();

        await("both stations report").atMost(WAIT).until(() -> state("thon-dong-1") == Health.State.OK
                && health("thon-tay-1").filter(h -> h.state() != Health.State.OFFLINE).isPresent());
        await("the drifting clock is named").atMost(WAIT).until(() -> health("thon-tay-1")
                .filter(h -> h.state() == Health.State.DEGRADED && kinds(h).contains("clock")).isPresent());

        link.cut();
        await("the Last Will arrives").atMost(WAIT).until(() -> controller.monitor().state("thon-dong-1")
                .filter(s -> s.presence() == vn.loalang.protocol.station.Presence.OFFLINE).isPresent());
        stepForward(clock, 2);
        await("offline past the bound").atMost(WAIT).until(() -> state("thon-dong-1") == Health.State.OFFLINE);
        await("one incident opens").atMost(WAIT).until(() -> open("thon-dong-1", "offline").isPresent());
        long incident = open("thon-dong-1", "offline").orElseThrow().id();

        link.mend();
        await("the station is back").atMost(WAIT).until(() -> state("thon-dong-1") == Health.State.OK);
        stepForward(clock, 3);
        await("the incident closes").atMost(WAIT).until(() -> open("thon-dong-1", "offline").isEmpty());
        List<Incidents.Incident> offline = controller.incidents().recent(50).stream()
                .filter(i -> i.stationId().equals("thon-dong-1") && i.kind().equals("offline")).toList();
        assertEquals(1, offline.size(), "one outage, one incident: " + offline);
        assertEquals(incident, offline.get(0).id());
        assertTrue(offline.get(0).closedAt().isAfter(offline.get(0).openedAt()));
        assertEquals(Health.State.OK, state("thon-dong-1"));
    }

    /**
     * Moves the shared clock a minute at a time: less than the 90 s offline bound, so a connected
     * station's telemetry (every second) is never stale, and each minute is seen by a health tick
     * (every 5 s of real time) before the next.
     */
    private void stepForward(TestClock clock, int minutes) {
        for (int i = 0; i < minutes; i++) {
            clock.jumpTo(clock.instant().plus(Duration.ofMinutes(1)));
            Instant ticked = clock.instant().plusSeconds(6);
            await("a health tick in the new minute").atMost(WAIT).until(() -> !clock.instant().isBefore(ticked));
        }
    }

    private Optional<Health> health(String station) {
        return controller.health().rows().stream().filter(h -> h.stationId().equals(station)).findFirst();
    }

    private Health.State state(String station) {
        return health(station).map(Health::state).orElse(null);
    }

    private static List<String> kinds(Health h) {
        return h.problems().stream().map(Health.Problem::kind).toList();
    }

    private Optional<Incidents.Incident> open(String station, String kind) {
        return controller.incidents().openIncidents().stream()
                .filter(i -> i.stationId().equals(station) && i.kind().equals(kind)).findFirst();
    }
}
