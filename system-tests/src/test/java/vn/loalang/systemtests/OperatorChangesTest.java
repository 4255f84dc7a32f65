package vn.loalang.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.testing.ApiClient.Answer;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
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
 * An operator's day through the API of a real controller with two stations on the embedded broker:
 * a new bulletin uploaded and put into one village's morning reaches that village's station only;
 * a program that overlaps is refused and the stations keep what they hold; two villages merged
 * keep their stations, which follow the new village's program; all of it is still there, with
 * the same schedule versions, after the controller restarts; and a decommissioned station falls silent.
 */
class OperatorChangesTest {
    static final ZonedDateTime MORNING = ZonedDateTime.of(2026, 11, 24, 5, 30, 0, 0, ZoneId.of(TestCommune.ZONE));
    static final String ADMIN_PASSWORD = "mat-khau-quan-tri";

    @TempDir
    Path dir;
    Controller controller;
    SimulatedStation dong;
    SimulatedStation tay;

    @AfterEach
    void stop() throws Exception {
        Closing.inOrder(dong, tay, controller);
    }

    private Controller start(ControllerConfig config, TestClock clock) throws Exception {
        return Controller.start(config, clock, new PasswordHasher(1000), () -> ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream()));
    }

    @Test
    void aChangeReachesOnlyTheStationsItTouchesAndSurvivesARestart() throws Exception {
        TestClock clock = new TestClock(MORNING.minusHours(2).toInstant());
        ControllerConfig config = ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                .withEmbeddedBroker("127.0.0.1", Ports.free()).withHttp("127.0.0.1", Ports.free(), null);
        controller = start(config, clock);
        dong = station("thon-dong-1", clock);
        tay = station("thon-tay-1", clock);
        ApiClient api = new ApiClient(controller.contentPort());
        String admin = api.login("admin", ADMIN_PASSWORD);
        assertEquals(201, api.call("POST", "/api/users", admin, Map.of("username", "van.thu", "role", "OPERATOR",
                "password", "mat-khau-van-thu")).status());
        String operator = api.login("van.thu", "mat-khau-van-thu");
        awaitHolding(dong, controller);
        awaitHolding(tay, controller);
        long dongVersion = dong.agent().schedule().orElseThrow().version();
        long tayVersion = tay.agent().schedule().orElseThrow().version();

        Answer uploaded = api.upload(operator, Fixtures.path(Fixtures.ITEM_1000HZ_1500MS), "tiem-chung.mp3",
                Map.of("id", "tiem-chung", "title", "Lịch tiêm chủng", "category", "health-insurance"));
        assertEquals(201, uploaded.status(), String.valueOf(uploaded.json()));
        Map<String, Object> morning = Map.of("id", "morning", "name", "Buổi sáng", "start", "05:30", "end", "06:30",
                "items", List.of("tiem-chung", "tone-660"));
        Answer changed = api.call("PUT", "/api/villages/thon-tay/program", operator, Map.of("daily", List.of(morning)));
        assertEquals(200, changed.status(), String.valueOf(changed.json()));

        awaitHolding(tay, controller);
        Schedule tayNow = tay.agent().schedule().orElseThrow();
        assertTrue(tayNow.version() > tayVersion, "thôn Tây got a new schedule");
        assertEquals(List.of("tiem-chung", "tone-660"), tayNow.sessions().get(0).items().stream().map(Item::contentId)
                .toList());
        assertEquals(dongVersion, controller.schedules().get("thon-dong-1").version(), "thôn Đông was not touched");
        assertEquals(dongVersion, dong.agent().schedule().orElseThrow().version());

        Map<String, Object> overlapping = Map.of("id", "extra", "start", "06:00", "end", "06:10",
                "items", List.of("tone-660"));
        Answer refused = api.call("PUT", "/api/villages/thon-tay/program", operator,
                Map.of("daily", List.of(morning, overlapping)));
        assertEquals(422, refused.status(), String.valueOf(refused.json()));
        assertTrue(refused.json().get("problems").get(0).asText().contains("overlap"), refused.json().toString());
        assertEquals(tayNow.version(), controller.schedules().get("thon-tay-1").version(),
                "the station keeps its last good schedule");

        Answer merged = api.call("POST", "/api/villages/thon-tay/merge", admin, Map.of("into", "thon-dong"));
        assertEquals(200, merged.status(), String.valueOf(merged.json()));
        await("thôn Tây's station now plays thôn Đông's program").atMost(Duration.ofSeconds(20)).until(() ->
                tay.agent().schedule().orElseThrow().sessions().equals(controller.schedules().get("thon-dong-1").sessions())
                        && tay.agent().schedule().orElseThrow().version() > tayNow.version());
        awaitHolding(tay, controller);
        assertEquals("thon-dong", tay.agent().schedule().orElseThrow().zone());
        assertEquals(dongVersion, controller.schedules().get("thon-dong-1").version());
        Map<String, Long> versions = Map.of("thon-dong-1", controller.schedules().get("thon-dong-1").version(),
                "thon-tay-1", controller.schedules().get("thon-tay-1").version());

        controller.close();
        controller = start(config, clock);
        api = new ApiClient(controller.contentPort());
        String again = api.login("van.thu", "mat-khau-van-thu");
        JsonNode villages = api.call("GET", "/api/villages", again, null).json();
        assertEquals(1, villages.size(), "the merger was kept: " + villages);
        assertEquals(List.of("thon-dong-1", "thon-tay-1"), List.of(villages.get(0).get("stations").get(0).asText(),
                villages.get(0).get("stations").get(1).asText()));
        assertTrue(api.call("GET", "/api/library", again, null).json().get("items").toString()
                .contains("\"id\":\"tiem-chung\""), "the upload was kept");
        assertEquals(versions.get("thon-dong-1"), controller.schedules().get("thon-dong-1").version());
        assertEquals(versions.get("thon-tay-1"), controller.schedules().get("thon-tay-1").version(),
                "nothing signed again after the restart");
        ApiClient client = api;
        await("both stations are online and none is behind").atMost(Duration.ofSeconds(20)).until(() -> {
            JsonNode rows = client.call("GET", "/api/stations", again, null).json();
            boolean ok = rows.size() == 2;
            for (JsonNode r : rows) {
                ok &= !r.get("behind").asBoolean();
            }
            return ok;
        });

        String adminAgain = api.login("admin", ADMIN_PASSWORD);
        assertEquals(204, api.call("DELETE", "/api/stations/thon-tay-1", adminAgain, null).status());
        await("a decommissioned station holds a signed schedule with nothing in it").atMost(Duration.ofSeconds(20))
                .until(() -> tay.agent().schedule().orElseThrow().sessions().isEmpty());
        assertEquals(versions.get("thon-dong-1"), controller.schedules().get("thon-dong-1").version());
    }

    private SimulatedStation station(String id, TestClock clock) throws Exception {
        return new SimulatedStation(id, controller.brokerUrl(), controller.keyId(), controller.publicKeyPem(),
                dir.resolve(id), clock, false, 500, 200).start();
    }

    /** Until the station holds exactly what the controller last published to it. */
    private static void awaitHolding(SimulatedStation station, Controller controller) {
        await(station.id() + " holds its latest schedule").atMost(Duration.ofSeconds(20)).until(() ->
                station.agent().schedule().map(Schedule::version).orElse(-1L)
                        .equals(controller.schedules().get(station.id()).version()));
    }
}
