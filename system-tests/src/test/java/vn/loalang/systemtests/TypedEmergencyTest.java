package vn.loalang.systemtests;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.schedule.ScheduleService;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.testing.ApiClient.Answer;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A village head's typed emergency, through the API of a running controller: the text is spoken
 * into the library (espeak-ng), and that clip, which no program names, compiles no schedule
 * (issue 15: the alert used to wait for a compile of every schedule on the HTTP thread).
 */
class TypedEmergencyTest {
    static final ZonedDateTime MORNING = ZonedDateTime.of(2026, 11, 24, 5, 30, 0, 0, ZoneId.of(TestCommune.ZONE));
    static final String ADMIN_PASSWORD = "mat-khau-quan-tri";

    @TempDir
    Path dir;
    Controller controller;

    @AfterEach
    void stop() throws Exception {
        Closing.inOrder(controller);
    }

    @Test
    void aTypedEmergencyIsSpokenIntoTheLibraryAndCompilesNoSchedule() throws Exception {
        TestClock clock = new TestClock(MORNING.minusHours(2).toInstant());
        ControllerConfig config = ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                .withEmbeddedBroker("127.0.0.1", Ports.free()).withHttp("127.0.0.1", Ports.free(), null);
        controller = Controller.start(config, clock, new PasswordHasher(1000), () -> ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream()));
        ScheduleService schedules = controller.scheduleService();
        long compiles = schedules.compiles();
        Map<String, Long> versions = schedules.publishedVersions();
        int items = controller.library().index().items().size();
        ApiClient api = new ApiClient(controller.contentPort());
        String admin = api.login("admin", ADMIN_PASSWORD);

        Answer triggered = api.call("POST", "/api/alerts", admin, Map.of("villages", List.of("thon-dong"),
                "text", "Nước lũ đang lên, bà con di chuyển lên chỗ cao ngay.", "language", "vi", "title", "Lũ lên",
                "reason", "lũ về đêm", "repeats", 1, "intervalSeconds", 0, "durationMinutes", 15));

        assertEquals(201, triggered.status(), String.valueOf(triggered.json()));
        assertEquals(items + 1, controller.library().index().items().size(), "the spoken clip is in the library");
        assertEquals(compiles, schedules.compiles(), "no schedule compiled for a clip no program names");
        assertFalse(schedules.compileAsked(), "nor asked for");
        assertEquals(versions, schedules.publishedVersions());
    }
}
