package vn.loalang.systemtests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.audio.JavaSoundSink;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.health.Health;
import vn.loalang.controller.health.Incidents;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.systemtests.support.Closing;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the technician sees, on Mosquitto: a station whose link is cut at the socket (no goodbye)
 * turns OFFLINE through its Last Will and opens one incident; when the link comes back it is OK
 * again and the incident closes once the problem has stayed away; a station whose clock drifts is
 * DEGRADED for its clock; a station online whose sound card is gone misses its session; a relay
 * whose contacts weld keeps the amplifier powered after the session. Time is moved forward in steps
 * shorter than the offline bound, so the stations' fast telemetry keeps them fresh while the
 * missed-session bound or the hysteresis runs out.
 */
class StationHealthTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    // A quiet hour: no session near, so only the faults under test show.
    static final Instant NIGHT = Instant.parse("2026-11-30T16:00:00Z");
    static final Instant MORNING = SessionEndToEndTest.MORNING.toInstant();
    static final String SESSION = SessionEndToEndTest.SESSION;

    @TempDir
    Path dir;
    MosquittoBroker mosquitto;
    CuttableLink link;
    Controller controller;
    SimulatedStation dong;
    SimulatedStation tay;
    vn.loalang.controller.testing.MqttProbe healthTopic;

    @AfterEach
    void stop() throws Exception {
        Closing.inOrder(healthTopic, dong, tay, controller, link, mosquitto);
    }

    @Test
    void aCutLinkIsOneIncidentThatClosesWhenTheStationIsBackAndADriftingClockIsDegraded() throws Exception {
        TestClock clock = new TestClock(NIGHT);
        startController(clock);
        link = new CuttableLink(URI.create(mosquitto.url()).getPort());
        healthTopic = vn.loalang.controller.testing.MqttProbe.connect(mosquitto.url(),
                Topics.defaults().health("thon-dong-1"));
        dong = station("thon-dong-1", link.url(), clock).start();
        Clock fast = Clock.offset(clock, Duration.ofSeconds(20));
        tay = station("thon-tay-1", mosquitto.url(), fast).start();

        await("both stations report").atMost(WAIT).until(() -> state("thon-dong-1") == Health.State.OK
                && health("thon-tay-1").filter(h -> h.state() != Health.State.OFFLINE).isPresent());
        // The station judges its clock from three signed messages of the controller. Its start-up events may all
        // go out in one burst, answered by one receipt: two more events, each receipted, make the third sample.
        for (int i = 0; i < 2; i++) {
            tay.agent().record(vn.loalang.protocol.station.StationEvent.of(
                    vn.loalang.protocol.station.EventType.CONTENT_READY).session("nudge-" + i).detail("a receipt to judge by"));
            await("the event is receipted").atMost(WAIT).until(() -> tay.agent().pendingEvents() == 0);
        }
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
        assertOneClosedIncident("thon-dong-1", "offline", incident);
        assertEquals(Health.State.OK, state("thon-dong-1"));
        List<String> told = new java.util.ArrayList<>();
        for (var m : healthTopic.received()) {
            told.add(Json.mapper().readTree(m.payload()).path("state").asText());
        }
        // Before its first telemetry the station may have been told OFFLINE ("no telemetry yet"), once.
        List<String> changes = collapse(told);
        assertEquals(List.of("OK", "OFFLINE", "OK"), changes.subList(Math.max(0, changes.size() - 3), changes.size()),
                "what a console subscribed to the station's health was told: " + told);
        assertTrue(changes.size() == 3 || changes.equals(List.of("OFFLINE", "OK", "OFFLINE", "OK")), told.toString());
    }

    /** Repeats in a row folded: a retained copy may come again on subscribing. */
    private static List<String> collapse(List<String> states) {
        List<String> out = new java.util.ArrayList<>();
        for (String s : states) {
            if (out.isEmpty() || !out.get(out.size() - 1).equals(s)) {
                out.add(s);
            }
        }
        return out;
    }

    @Test
    void aStationOnlineWhoseSoundCardIsGoneMissesItsSessionAndOpensOneIncident() throws Exception {
        TestClock clock = new TestClock(MORNING.minus(Duration.ofMinutes(30)));
        startController(clock);
        // The real JavaSound output, configured for a USB sound card that is not plugged in (on any machine).
        dong = station("thon-dong-1", mosquitto.url(), clock).start(new JavaSoundSink("USB Audio thon-dong-1", clock));
        tay = station("thon-tay-1", mosquitto.url(), clock).start();
        await("content cached on both stations").atMost(WAIT).until(() -> reported("thon-dong-1", EventType.CONTENT_READY)
                .isPresent() && reported("thon-tay-1", EventType.CONTENT_READY).isPresent());

        clock.jumpTo(MORNING.minusSeconds(2));
        await("the sound output fails to open").atMost(WAIT).until(() -> reported("thon-dong-1", EventType.SESSION_FINISHED)
                .filter(e -> "OUTPUT_FAILED".equals(e.reason())).isPresent());
        await("the other station plays the session").atMost(WAIT).until(() -> reported("thon-tay-1",
                EventType.SESSION_FINISHED).filter(e -> e.reason() == null).isPresent());
        assertTrue(reported("thon-dong-1", EventType.SESSION_STARTED).isPresent(),
                "the station did start the session: its relay went on before the output failed");
        assertFalse(dong.relayOn(), "and off again when it failed");
        assertEquals(Health.State.OK, state("thon-dong-1"), "within the bound a session is not missed yet");

        stepForward(clock, 2);
        String missed = "missed:" + SESSION;
        await("the missed session is named").atMost(WAIT).until(() -> health("thon-dong-1")
                .filter(h -> h.state() == Health.State.DEGRADED && kinds(h).equals(List.of(missed))).isPresent());
        await("one incident opens").atMost(WAIT).until(() -> open("thon-dong-1", missed).isPresent());
        // Another health tick: the incident stays the one, and nothing else is said of either station.
        stepForward(clock, 1);
        assertEquals(List.of(open("thon-dong-1", missed).orElseThrow()), incidentsOf("thon-dong-1"));
        assertEquals(List.of(), incidentsOf("thon-tay-1"), "the station that played is not missed");
        assertEquals(Health.State.OK, state("thon-tay-1"));
    }

    @Test
    void aRelayStuckOnAfterTheSessionIsOneIncidentThatClosesOnceItIsFreed() throws Exception {
        TestClock clock = new TestClock(MORNING.minus(Duration.ofMinutes(30)));
        startController(clock);
        tay = station("thon-tay-1", mosquitto.url(), clock).withAmplifierSense(22).start();
        await("content cached").atMost(WAIT).until(() -> reported("thon-tay-1", EventType.CONTENT_READY).isPresent());
        await("the amplifier reads as its relay").atMost(WAIT).until(() -> state("thon-tay-1") == Health.State.OK);

        clock.jumpTo(MORNING.minusSeconds(2));
        await("the relay is on for the session").atMost(WAIT).until(tay::relayOn);
        tay.amplifierPower(true); // the contacts weld under the amplifier's current
        await("the session ends").atMost(WAIT).until(() -> reported("thon-tay-1", EventType.SESSION_FINISHED).isPresent());
        await("the station says its relay is stuck").atMost(WAIT).until(() -> reported("thon-tay-1",
                EventType.RELAY_SENSE_MISMATCH).filter(e -> "STUCK_ON".equals(e.reason())).isPresent());
        assertFalse(tay.relayOn(), "the agent commanded the relay OFF");
        await("the stuck relay is named").atMost(WAIT).until(() -> health("thon-tay-1")
                .filter(h -> h.state() == Health.State.DEGRADED && kinds(h).equals(List.of("relay-sense:amp"))).isPresent());
        await("one incident opens").atMost(WAIT).until(() -> open("thon-tay-1", "relay-sense:amp").isPresent());
        long incident = open("thon-tay-1", "relay-sense:amp").orElseThrow().id();

        tay.amplifierPower(null); // the technician frees the relay: the amplifier follows it again
        await("the station is OK again").atMost(WAIT).until(() -> state("thon-tay-1") == Health.State.OK);
        stepForward(clock, 2);
        await("the incident closes").atMost(WAIT).until(() -> open("thon-tay-1", "relay-sense:amp").isEmpty());
        assertOneClosedIncident("thon-tay-1", "relay-sense:amp", incident);
        assertEquals(List.of("STUCK_ON"), controller.monitor().eventLog().events("thon-tay-1").stream()
                .filter(e -> e.type() == EventType.RELAY_SENSE_MISMATCH).map(StationEvent::reason).toList(),
                "powered while the relay was on: only the stuck contact is reported");
        assertEquals(Health.State.OK, state("thon-tay-1"));
    }

    private void startController(TestClock clock) throws Exception {
        mosquitto = MosquittoBroker.start(dir.resolve("broker"));
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                        .withHttp("127.0.0.1", Ports.free(), null).withExternalBroker(mosquitto.url(), null, null), clock,
                new PasswordHasher(1000), () -> "mat-khau-quan-tri", new PrintStream(OutputStream.nullOutputStream()));
    }

    /** A station that reports every second, so that the test can move the clock without it going stale. */
    private SimulatedStation station(String id, String brokerUrl, Clock clock) {
        return new SimulatedStation(id, brokerUrl, controller.keyId(), controller.publicKeyPem(), dir.resolve(id), clock,
                false, 300, 100).reportingEvery(1);
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

    /** The latest event of this type the controller took in from the station, of the morning session. */
    private Optional<StationEvent> reported(String station, EventType type) {
        return controller.monitor().eventLog().events(station).stream()
                .filter(e -> e.type() == type && SESSION.equals(e.sessionId())).reduce((first, second) -> second);
    }

    private List<Incidents.Incident> incidentsOf(String station) {
        return controller.incidents().recent(50).stream().filter(i -> i.stationId().equals(station)).toList();
    }

    private void assertOneClosedIncident(String station, String kind, long id) {
        List<Incidents.Incident> all = incidentsOf(station).stream().filter(i -> i.kind().equals(kind)).toList();
        assertEquals(1, all.size(), "one problem, one incident: " + all);
        assertEquals(id, all.get(0).id());
        assertTrue(all.get(0).closedAt().isAfter(all.get(0).openedAt()));
    }

    private Optional<Incidents.Incident> open(String station, String kind) {
        return controller.incidents().openIncidents().stream()
                .filter(i -> i.stationId().equals(station) && i.kind().equals(kind)).findFirst();
    }
}
