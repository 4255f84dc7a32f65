package vn.loalang.controller.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.UserDirectory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code run} on an empty data directory, without a commune file: the setup server on the controller's
 * address, the first administrator's printed password, the commune posted, then the real controller in
 * its place on the same port with the same session — and every later start straight to the controller.
 */
class FirstStartTest {
    private static final String PASSWORD = "mat-khau-rieng-1";
    private static final Map<String, Object> DRAFT = Map.of("name", "Xã An Bình", "villages",
            List.of(Map.of("name", "Thôn Đông"), Map.of("name", "Thôn Tây")),
            "morning", Map.of("start", "05:30", "end", "06:30"), "evening", Map.of("start", "17:00", "end", "18:00"));

    @TempDir
    Path dir;

    private final ExecutorService starter = Executors.newSingleThreadExecutor();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private Controller controller;

    @AfterEach
    void stop() throws InterruptedException {
        if (controller != null) {
            controller.close();
        }
        starter.shutdownNow();
        assertTrue(starter.awaitTermination(20, TimeUnit.SECONDS), "the setup server's wait ended");
    }

    private static int freePort() {
        return vn.loalang.controller.testing.TestPorts.free();
    }

    private ControllerConfig config(Path communeFile) throws IOException {
        return ControllerConfig.of(communeFile, dir).withHttp("127.0.0.1", freePort(), null)
                .withEmbeddedBroker("127.0.0.1", freePort());
    }

    private Future<Controller> firstStart(ControllerConfig config) {
        PrintStream console = new PrintStream(printed, true, StandardCharsets.UTF_8);
        return starter.submit(() -> FirstStart.run(config, Clock.systemUTC(), new PasswordHasher(1000), () -> null,
                console));
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anEmptyStoreIsSetUpInTheConsoleThenTheControllerRunsOnTheSamePortWithTheSameSession() throws Exception {
        ControllerConfig config = config(null);
        Future<Controller> started = firstStart(config);
        await().atMost(Duration.ofSeconds(30)).until(() -> printed().contains("no commune yet: open http://127.0.0.1:"
                + config.httpPort() + "/"));
        Matcher m = Pattern.compile("password: (\\S+)").matcher(printed());
        assertTrue(m.find(), printed());
        ApiClient api = new ApiClient(config.httpPort());

        assertEquals(true, api.call("GET", "/api/setup", null, null).json().get("needed").asBoolean());
        assertEquals(401, api.call("POST", "/api/setup", null, DRAFT).status());
        // The printed password opens one door: choosing one's own.
        String printedToken = api.login("admin", m.group(1));
        ApiClient.Answer first = api.call("POST", "/api/setup", printedToken, DRAFT);
        assertEquals(403, first.status());
        assertEquals("password", first.field());
        JsonNode changed = api.call("POST", "/api/me/password", printedToken,
                Map.of("currentPassword", m.group(1), "password", PASSWORD)).json();
        String token = changed.get("token").asText();

        // A draft with a fault is refused with its field, and nothing starts.
        ApiClient.Answer wrong = api.call("POST", "/api/setup", token, Map.of("name", "Xã An Bình",
                "villages", List.of(Map.of("name", "Thôn Đông")), "morning", Map.of("start", "05:30", "end", "06:30"),
                "evening", Map.of("start", "17:00", "end", "16:00")));
        assertEquals(400, wrong.status());
        assertEquals("evening.end", wrong.field());
        assertFalse(started.isDone());

        ApiClient.Answer done = api.call("POST", "/api/setup", token, DRAFT);
        assertEquals(202, done.status(), String.valueOf(done.json()));
        assertEquals("xa-an-binh", done.json().get("communeId").asText());
        controller = started.get(60, TimeUnit.SECONDS);

        assertEquals(config.httpPort(), controller.contentPort());
        assertEquals(List.of("thon-dong", "thon-tay"), controller.commune().villages().stream().map(v -> v.id()).toList());
        assertEquals(false, api.call("GET", "/api/setup", null, null).json().get("needed").asBoolean());
        // The session opened on the setup server is the controller's too.
        assertEquals("admin", api.call("GET", "/api/me", token, null).json().get("username").asText());
        assertEquals(2, api.call("GET", "/api/villages", token, null).json().size());
        assertEquals(409, api.call("POST", "/api/setup", token, DRAFT).status());
        JsonNode audit = api.call("GET", "/api/audit", token, null).json();
        boolean imported = false;
        for (JsonNode row : audit) {
            imported |= row.get("action").asText().equals("commune.import") && row.get("actor").asText().equals("admin");
        }
        assertTrue(imported, "the setup is audited as the administrator's import: " + audit);
        // Empty playlists: the program waits for its recordings, and says so (the console leads to the library).
        assertTrue(controller.programProblems().stream().anyMatch(p -> p.contains("has no items")),
                String.valueOf(controller.programProblems()));

        // A later start reads the store: no setup, no new password, the same commune.
        controller.close();
        controller = null;
        printed.reset();
        controller = firstStart(config).get(60, TimeUnit.SECONDS);
        assertEquals("xa-an-binh", controller.commune().commune().id());
        assertFalse(printed().contains("no commune yet"), printed());
        assertFalse(printed().contains("password:"), printed());
        assertEquals("admin", api.call("GET", "/api/me", api.login("admin", PASSWORD), null).json().get("username").asText());
    }

    @Test
    void onlyAnAdministratorWhoChoseTheirPasswordSetsUp() throws Exception {
        // A setup left half-way: the users exist (the administrator's own password chosen), the commune does not.
        try (Store store = Store.open(dir.resolve("loalang.db"))) {
            UserDirectory users = new UserDirectory(store, new PasswordHasher(1000), new AuditLog(Clock.systemUTC()),
                    Clock.systemUTC(), Set.of());
            users.create("system", new UserDirectory.NewUser("admin", null, Role.ADMIN, List.of(), "vi", PASSWORD));
            users.create("admin", new UserDirectory.NewUser("van.thu", null, Role.OPERATOR, List.of(), "vi", PASSWORD));
        }
        ControllerConfig config = config(null).withStoreFile(dir.resolve("loalang.db"));
        Future<Controller> started = firstStart(config);
        await().atMost(Duration.ofSeconds(30)).until(() -> printed().contains("no commune yet"));
        assertFalse(printed().contains("password:"), "no new administrator: " + printed());
        ApiClient api = new ApiClient(config.httpPort());

        ApiClient.Answer operator = api.call("POST", "/api/setup", api.login("van.thu", PASSWORD), DRAFT);
        assertEquals(403, operator.status());
        assertFalse(started.isDone());
        assertEquals(202, api.call("POST", "/api/setup", api.login("admin", PASSWORD), DRAFT).status());
        controller = started.get(60, TimeUnit.SECONDS);
        assertEquals("Xã An Bình", controller.commune().commune().name());
    }

    @Test
    void aCommuneFileStartsTheControllerAtOnce() throws Exception {
        Path file = dir.resolve("commune.json");
        Files.writeString(file, """
                {"commune": {"id": "xa-tu-tep", "name": "Xã Từ Tệp"},
                 "villages": [{"id": "thon-1", "name": "Thôn 1"}]}
                """);
        controller = firstStart(config(file)).get(60, TimeUnit.SECONDS);
        assertEquals("xa-tu-tep", controller.commune().commune().id());
        assertFalse(printed().contains("no commune yet"), printed());
    }

    @Test
    void aMissingCommuneFileOnAnEmptyStoreIsRefusedNotSetUpByHand() throws Exception {
        ControllerConfig config = config(dir.resolve("cmmune.json"));
        IOException e = assertThrows(IOException.class, () -> FirstStart.setupNeeded(config));
        assertTrue(e.getMessage().contains("cmmune.json") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void theSetupServerKeepsTheHttpsRule() throws Exception {
        ControllerConfig config = config(null).withHttp("0.0.0.0", freePort(), null);
        IOException e = assertThrows(IOException.class, () -> SetupServer.start(config, Clock.systemUTC(),
                new PasswordHasher(1000), () -> null, new PrintStream(printed, true, StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("in clear"), e.getMessage());
    }
}
