package vn.loalang.systemtests;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A relay in the commune's program, end to end on the controller: the source named through the API, the
 * morning given a relay of it. thôn Đông's station has not reported yet, so it is sent the fallback item (an
 * agent before issue 17 would refuse a live item); once it reports an agent that plays live items (an
 * in-process agent reports {@code dev}) the schedule is compiled again and it gets the relay, from the
 * controller's own live server. A source the program relays cannot be removed.
 */
class RelayProgramTest {
    /** 04:00 in the commune, before the morning session. */
    static final Instant EARLY = Instant.parse("2026-11-23T21:00:00Z");
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private TestClock clock;
    private Controller controller;
    private SimulatedStation dong;

    @BeforeEach
    void start() throws Exception {
        clock = new TestClock(EARLY);
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                        .withHttp("127.0.0.1", Ports.free(), null).withEmbeddedBroker("127.0.0.1", Ports.free()), clock,
                new PasswordHasher(1000), () -> "mat-khau-quan-tri", new PrintStream(OutputStream.nullOutputStream()));
    }

    @AfterEach
    void stop() {
        if (dong != null) {
            dong.close();
        }
        controller.close();
    }

    @Test
    void anOldOrSilentStationGetsTheFallbackAndALiveOneTheRelayOnceItReports() throws Exception {
        ApiClient api = new ApiClient(controller.contentPort());
        String admin = api.login("admin", "mat-khau-quan-tri");
        assertEquals(201, api.call("POST", "/api/live/sources", admin, Map.of("id", "vov1", "name", "VOV1",
                "url", "https://stream.example.vn/vov1.aac")).status());
        ObjectNode program = (ObjectNode) api.call("GET", "/api/program", admin, null).json().get("commune");
        ((com.fasterxml.jackson.databind.node.ArrayNode) program.get("daily").get(0).get("items")).addObject()
                .put("relay", "vov1").put("start", "06:00").put("maxMinutes", 10).put("fallbackItem", "tone-660");
        ApiClient.Answer saved = api.call("PUT", "/api/program", admin, program);
        assertEquals(200, saved.status(), String.valueOf(saved.json()));

        await("not heard from yet: the fallback in the relay's place").atMost(WAIT).until(() -> morning("thon-dong-1")
                .stream().map(Item::contentId).toList(), ids -> ids.equals(List.of("tone-440", "tone-1000", "tone-660",
                "tone-660")));
        assertTrue(api.call("GET", "/api/program", admin, null).json().get("notices").toString()
                .contains("station thon-dong-1"), "the operator is told");
        assertEquals(422, api.call("DELETE", "/api/live/sources/vov1", admin, null).status(), "the program relays it");

        dong = new SimulatedStation("thon-dong-1", controller.brokerUrl(), controller.keyId(), controller.publicKeyPem(),
                dir.resolve("thon-dong-1"), clock, false, 300, 100).start();
        Item relay = await("the station's report brings it the relay").atMost(WAIT).until(() -> morning("thon-dong-1")
                .stream().filter(Item::live).findFirst(), Optional::isPresent).orElseThrow();
        assertEquals(URI.create("http://127.0.0.1:" + controller.contentPort() + "/live/relay-vov1.mp3"), relay.relay().url());
        assertEquals(Duration.ofMinutes(10), relay.duration());
        assertEquals("tone-660", relay.relay().fallbackItem().contentId());
        assertEquals(0, api.call("GET", "/api/program", admin, null).json().get("notices").size(),
                "every station that has the relay plays it");
    }

    private List<Item> morning(String station) {
        return controller.schedules().get(station).sessions().stream().filter(s -> s.id().endsWith(".morning"))
                .findFirst().map(Session::items).orElseThrow();
    }
}
