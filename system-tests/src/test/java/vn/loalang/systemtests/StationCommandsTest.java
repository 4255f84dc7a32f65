package vn.loalang.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.analysis.PcmAnalysis;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.cli.CommandLineAccess;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.Presence;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A technician's commands through the API to a real station: a test tone heard on its line, a
 * relay test that powers the amplifier with nothing on it, a resync — each signed, answered by the
 * station and shown as done; a restart refused where no service manager would start the agent again.
 */
class StationCommandsTest {
    static final ZonedDateTime AFTERNOON = ZonedDateTime.of(2026, 11, 24, 14, 0, 0, 0, ZoneId.of(TestCommune.ZONE));
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    Controller controller;
    SimulatedStation station;

    @AfterEach
    void stop() throws Exception {
        Closing.inOrder(station, controller);
    }

    @Test
    void aTechniciansCommandsAreCarriedOutSignedAndAnswered() throws Exception {
        TestClock clock = new TestClock(AFTERNOON.toInstant());
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                        .withEmbeddedBroker("127.0.0.1", Ports.free()).withHttp("127.0.0.1", Ports.free(), null), clock,
                new PasswordHasher(1000), () -> "mat-khau-quan-tri", new PrintStream(OutputStream.nullOutputStream()));
        station = new SimulatedStation("thon-dong-1", controller.brokerUrl(), controller.keyId(), controller.publicKeyPem(),
                dir.resolve("station"), clock, false, 300, 100).start();
        ApiClient api = new ApiClient(controller.contentPort());
        String admin = api.login("admin", "mat-khau-quan-tri");
        assertEquals(201, api.call("POST", "/api/users", admin, Map.of("username", "ky.thuat", "role", "TECHNICIAN",
                "password", "mat-khau-ky-thuat")).status());
        String tech = api.login("ky.thuat", "mat-khau-ky-thuat");
        // The station announces ONLINE only after its subscriptions are in place; a command sent
        // before that would be a command nobody was listening for.
        await("the station is ONLINE at the controller").atMost(WAIT).until(() -> controller.monitor()
                .state("thon-dong-1").filter(s -> s.presence() == Presence.ONLINE).isPresent());

        ApiClient.Answer tone = api.call("POST", "/api/stations/thon-dong-1/commands", tech,
                Map.of("action", "TEST_TONE", "seconds", 2));
        assertEquals(201, tone.status(), String.valueOf(tone.json()));
        String toneId = tone.json().get("id").asText();
        await("the tone is done").atMost(WAIT).until(() -> status(api, tech, toneId).equals("DONE")
                && finished(toneId));
        Pcm pcm = AudioDecoder.decodeAll(dir.resolve("station").resolve("rendered").resolve("thon-dong-1_" + toneId + ".wav"));
        List<PcmAnalysis.Segment> sound = PcmAnalysis.soundSegments(pcm, -45, Duration.ofMillis(20));
        long ms = pcm.format().sampleRate() / 1000;
        assertEquals(1000.0, PcmAnalysis.dominantOf(pcm, sound.get(0).fromFrame() + 200 * ms,
                sound.get(0).fromFrame() + 400 * ms, 440, 1000), "a 1 kHz tone on the line");
        assertEquals(2000, sound.get(sound.size() - 1).end().minus(sound.get(0).start()).toMillis(), 60);

        int edges = station.relayEdges().size();
        String relayId = api.call("POST", "/api/stations/thon-dong-1/commands", tech,
                Map.of("action", "relay-test", "seconds", 1)).json().get("id").asText();
        await("the relay test is over").atMost(WAIT).until(() -> finished(relayId) && !station.relayOn());
        assertTrue(station.relayEdges().subList(edges, station.relayEdges().size()).stream()
                .anyMatch(SimulatedStation.Edge::on), "the amplifier was powered for the test");

        // From a terminal: the tool waits for the station's answer and says it.
        Path password = Files.writeString(dir.resolve("pw"), "mat-khau-ky-thuat\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] cli = {"--url", "http://127.0.0.1:" + controller.contentPort(), "--user", "ky.thuat",
                "--password-file", password.toString(), "--station", "thon-dong-1", "--action"};
        assertEquals(0, CommandLineAccess.station(with(cli, "resync"), out, err), err.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("RESYNC 5 s by ky.thuat"), out.toString(StandardCharsets.UTF_8));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains(": DONE"), out.toString(StandardCharsets.UTF_8));
        out.reset();
        assertEquals(0, CommandLineAccess.station(with(cli, "LIST"), out, err));
        assertEquals(3, out.toString(StandardCharsets.UTF_8).lines().count(), "tone, relay test, resync: "
                + out.toString(StandardCharsets.UTF_8));
        assertEquals(2, CommandLineAccess.station(with(cli, "REBOOT"), out, err), "not an action");
        String restart = api.call("POST", "/api/stations/thon-dong-1/commands", tech, Map.of("action", "RESTART"))
                .json().get("id").asText();
        await().atMost(WAIT).until(() -> status(api, tech, restart).equals("FAILED"));

        assertEquals(400, api.call("POST", "/api/stations/thon-dong-1/commands", tech,
                Map.of("action", "TEST_TONE", "seconds", 600)).status());
        assertEquals(404, api.call("POST", "/api/stations/thon-bac-1/commands", tech, Map.of("action", "RESYNC")).status());
        String operator = "van.thu";
        api.call("POST", "/api/users", admin, Map.of("username", operator, "role", "OPERATOR", "password", "mat-khau-van-thu"));
        assertEquals(403, api.call("POST", "/api/stations/thon-dong-1/commands", api.login(operator, "mat-khau-van-thu"),
                Map.of("action", "RESYNC")).status(), "commands are the technician's");
    }

    private static String[] with(String[] args, String last) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }

    private boolean finished(String programId) {
        return controller.monitor().eventLog().events("thon-dong-1").stream()
                .anyMatch(e -> e.type() == EventType.SESSION_FINISHED && programId.equals(e.sessionId()));
    }

    private static String status(ApiClient api, String token, String commandId) throws Exception {
        for (JsonNode c : api.call("GET", "/api/stations/thon-dong-1/commands", token, null).json()) {
            if (c.get("id").asText().equals(commandId)) {
                return c.get("status").asText();
            }
        }
        return "MISSING";
    }
}
