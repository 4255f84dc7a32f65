package vn.loalang.systemtests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.AgentConfig;
import vn.loalang.agent.audio.AudioConfig;
import vn.loalang.agent.link.ReconnectConfig;
import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.RelayConfig;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.analysis.PcmAnalysis;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.station.EventType;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.MosquittoBroker;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.ShapingProxy;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A station on a village's 3G link, on Mosquitto: its broker connection and its content downloads
 * go through a shaping relay (300 ms round trip, 384 kbit/s, a carrier NAT that silently forgets
 * connections idle for 8 s). The content arrives and the morning session plays and is reported;
 * the keepalive (5 s here, 60 s by default) keeps the NAT's mapping through an idle spell and a
 * 3-second stall; when the link is dropped silently the station notices by its keepalive,
 * connects again, and plays the alert raised meanwhile (retained for it); and the connections
 * counted over the whole test are the one at start and the one after the drop, not a storm.
 */
class ShapedLinkTest {
    static final ZonedDateTime MORNING = ZonedDateTime.of(2026, 11, 24, 5, 30, 0, 0, ZoneId.of(TestCommune.ZONE));
    static final String SESSION = "2026-11-24.morning";
    static final String STATION = "thon-dong-1";
    static final String PASSWORD = "mat-khau-quan-tri";
    static final int KEEPALIVE_SECONDS = 5;
    static final Duration NAT_IDLE = Duration.ofSeconds(8);
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    TestClock clock;
    MosquittoBroker mosquitto;
    ShapingProxy mqttLink;
    ShapingProxy contentLink;
    Controller controller;
    SimulatedStation station;

    @BeforeEach
    void start() throws Exception {
        clock = new TestClock(MORNING.minusMinutes(30).toInstant());
        mosquitto = MosquittoBroker.start(dir.resolve("broker"));
        mqttLink = ShapingProxy.start(URI.create(mosquitto.url()).getPort(), ShapingProxy.Shape.RURAL_3G.withNatIdle(NAT_IDLE));
        int httpPort = Ports.free();
        contentLink = ShapingProxy.start(httpPort, ShapingProxy.Shape.RURAL_3G);
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                        .withHttp("127.0.0.1", httpPort, URI.create(contentLink.url("http")))
                        .withExternalBroker(mosquitto.url(), null, null), clock,
                new PasswordHasher(1000), () -> PASSWORD, new PrintStream(OutputStream.nullOutputStream()));
        AgentConfig config = new AgentConfig(STATION, mqttLink.url("tcp"), null, null, null, dir.resolve(STATION),
                Map.of(controller.keyId(), controller.publicKeyPem()),
                new GpioConfig("mock", List.of(new RelayConfig("amp", 17, true))),
                AudioConfig.wavFiles(dir.resolve(STATION).resolve("rendered")), 1000L, 500L, null,
                new ReconnectConfig(200L, 5000L, KEEPALIVE_SECONDS), 2000L);
        station = new SimulatedStation(config, clock).start();
    }

    @AfterEach
    void stop() throws Exception {
        Closing.inOrder(station, controller, mqttLink, contentLink, mosquitto);
    }

    @Test
    void sessionsAndAlertsGetThroughA3gLinkThatStallsAndDropsSilentlyWithoutAReconnectStorm() throws Exception {
        await("the session's content downloaded at 384 kbit/s").atMost(WAIT).until(() -> reported(EventType.CONTENT_READY, SESSION));
        assertTrue(contentLink.bytesToClients() > 10_000, "the content came through the shaped link: "
                + contentLink.bytesToClients() + " bytes");

        clock.jumpTo(MORNING.toInstant().minusSeconds(2));
        await("the morning session played and its end reported over the shaped link").atMost(WAIT)
                .until(() -> reported(EventType.SESSION_FINISHED, SESSION));
        assertTrue(station.relayEdges().stream().anyMatch(SimulatedStation.Edge::on), "the amplifier was switched on");
        assertFalse(PcmAnalysis.soundSegments(AudioDecoder.decodeAll(wav(SESSION)), -45, Duration.ofMillis(20)).isEmpty(),
                "and the session is heard");

        // Idle longer than the NAT's timeout, and a stall: the keepalive holds the mapping, no reconnect.
        mqttLink.stall(Duration.ofSeconds(3));
        await("idle past the NAT timeout").during(NAT_IDLE.plusSeconds(4)).atMost(NAT_IDLE.plusSeconds(10))
                .until(() -> station.agent().connects() == 1 && mqttLink.forwarding() == 1);

        // The carrier forgets the connection: no FIN, no RST. An alert is raised meanwhile.
        mqttLink.dropSilently();
        ApiClient api = new ApiClient(controller.contentPort());
        String admin = api.login("admin", PASSWORD);
        ApiClient.Answer alert = api.call("POST", "/api/alerts", admin, Map.of("villages", List.of("thon-dong"),
                "contentId", "tone-660", "reason", "Nước lũ tràn đê", "durationMinutes", 10));
        assertEquals(201, alert.status(), String.valueOf(alert.json()));
        String alertId = alert.json().get("id").asText();

        await("the dead link noticed by the keepalive and made again").atMost(Duration.ofSeconds(4L * KEEPALIVE_SECONDS + 10))
                .until(() -> station.agent().connects() == 2);
        await("the alert raised while the link was dead plays after the reconnect").atMost(WAIT)
                .until(() -> reported(EventType.SESSION_FINISHED, alertId));
        assertTrue(mqttLink.connections() <= 3, "no reconnect storm: " + mqttLink.connections()
                + " connections through the link over the test");
    }

    private boolean reported(EventType type, String sessionId) {
        return controller.monitor().eventLog().events(STATION).stream()
                .anyMatch(e -> e.type() == type && sessionId.equals(e.sessionId()));
    }

    private Path wav(String label) {
        return dir.resolve(STATION).resolve("rendered").resolve(STATION + "_" + label + ".wav");
    }
}
