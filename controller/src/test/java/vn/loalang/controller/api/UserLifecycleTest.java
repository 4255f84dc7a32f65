package vn.loalang.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.testing.ApiClient.Answer;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.UserDirectory;
import vn.loalang.controller.users.UserException;
import vn.loalang.protocol.testing.ManualClock;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An administrator disables, re-enables and changes users; users change their own passwords. Over real HTTP. */
class UserLifecycleTest {
    private static final String ADMIN_PASSWORD = "admin-password-1";
    private static final String PASSWORD = "mat-khau-dai-du";

    @TempDir
    Path dir;

    private static List<String> audit(ApiFixture api) {
        return api.store.query(c -> new AuditLog(Clock.systemUTC()).latest(c, 200)).stream()
                .map(e -> e.actor() + " " + e.action() + " " + e.target()).toList();
    }

    /** An open health stream read on a thread of its own: its lines, and whether the server has ended it. */
    private static final class Stream implements AutoCloseable {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final AtomicBoolean ended = new AtomicBoolean();
        private final InputStream body;
        private final Thread reader;

        Stream(ApiFixture api, String token) throws Exception {
            HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    api.api.uri("/api/health/stream")).header("Authorization", "Bearer " + token)
                    .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, r.statusCode());
            body = r.body();
            reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        lines.add(line);
                    }
                } catch (java.io.IOException e) {
                    lines.add("(error) " + e);
                }
                ended.set(true);
            }, "test-health-stream");
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public void close() throws Exception {
            body.close();
            reader.join(5000);
        }
    }

    @Test
    void disablingAUserEndsTheirSessionsAndTheirOpenHealthStreamAtOnceAndEnablingLetsThemBackIn() throws Exception {
        try (ApiFixture api = new ApiFixture(dir, Clock.systemUTC(), ADMIN_PASSWORD)) {
            api.users.create("admin", new UserDirectory.NewUser("ky.thuat", null, Role.TECHNICIAN, List.of(), "vi",
                    PASSWORD));
            String admin = api.api.login("admin", ADMIN_PASSWORD);
            String tech = api.api.login("ky.thuat", PASSWORD);
            String other = api.api.login("admin", ADMIN_PASSWORD);
            try (Stream mine = new Stream(api, tech); Stream admins = new Stream(api, other)) {
                await().atMost(Duration.ofSeconds(5)).until(() -> mine.lines.contains(": connected")
                        && admins.lines.contains(": connected"));

                Answer off = api.api.call("POST", "/api/users/ky.thuat/disable", admin, null);
                assertEquals(200, off.status(), String.valueOf(off.json()));
                assertTrue(off.json().get("disabled").asBoolean());
                await().atMost(Duration.ofSeconds(5)).untilTrue(mine.ended);
                assertFalse(admins.ended.get(), "only that user's streams end");
            }
            assertEquals(401, api.api.call("GET", "/api/stations", tech, null).status(), "the token is dead");
            assertEquals(401, api.api.call("POST", "/api/login", null, Map.of("username", "ky.thuat", "password",
                    PASSWORD)).status());
            assertEquals(401, new Stream401(api, tech).status);

            Answer on = api.api.call("POST", "/api/users/ky.thuat/enable", admin, null);
            assertEquals(200, on.status());
            assertFalse(on.json().get("disabled").asBoolean());
            String again = api.api.login("ky.thuat", PASSWORD);
            assertEquals(200, api.api.call("GET", "/api/stations", again, null).status());
            List<String> audit = audit(api);
            assertTrue(audit.contains("admin user.disable ky.thuat") && audit.contains("admin user.enable ky.thuat"),
                    audit.toString());
            assertEquals(404, api.api.call("POST", "/api/users/khong.co/disable", admin, null).status());
        }
    }

    /** A stream asked for with a dead token: refused before it opens. */
    private static final class Stream401 {
        final int status;

        Stream401(ApiFixture api, String token) throws Exception {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    api.api.uri("/api/health/stream")).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            status = r.statusCode();
        }
    }

    @Test
    void aNewRoleOrNewVillagesEndTheSessionsOpenedWithTheOldOnes() throws Exception {
        try (ApiFixture api = new ApiFixture(dir, Clock.systemUTC(), ADMIN_PASSWORD)) {
            api.users.create("admin", new UserDirectory.NewUser("truong.thon", null, Role.VILLAGE_HEAD,
                    List.of("thon-dong"), "vi", PASSWORD));
            String admin = api.api.login("admin", ADMIN_PASSWORD);
            String head = api.api.login("truong.thon", PASSWORD);

            Answer moved = api.api.call("PUT", "/api/users/truong.thon/role", admin,
                    Map.of("role", "VILLAGE_HEAD", "villages", List.of("thon-tay")));
            assertEquals(200, moved.status(), String.valueOf(moved.json()));
            assertEquals("thon-tay", moved.json().get("villages").get(0).asText());
            assertEquals(401, api.api.call("GET", "/api/me", head, null).status(), "the old villages' session ended");
            head = api.api.login("truong.thon", PASSWORD);
            assertEquals(List.of("thon-tay"), List.of(api.api.call("GET", "/api/me", head, null).json().get("villages")
                    .get(0).asText()));

            Answer wrong = api.api.call("PUT", "/api/users/truong.thon/role", admin,
                    Map.of("role", "OPERATOR", "villages", List.of("thon-tay")));
            assertEquals(400, wrong.status());
            assertEquals("villages", wrong.field());
            assertEquals(400, api.api.call("PUT", "/api/users/truong.thon/role", admin, Map.of("role", "KING"))
                    .status());
            assertEquals(200, api.api.call("GET", "/api/me", head, null).status(), "a refused change ends nothing");

            Answer promoted = api.api.call("PUT", "/api/users/truong.thon/role", admin, Map.of("role", "OPERATOR"));
            assertEquals(200, promoted.status());
            assertEquals(401, api.api.call("GET", "/api/me", head, null).status());
            String operator = api.api.login("truong.thon", PASSWORD);
            assertEquals(200, api.api.call("GET", "/api/library/refusals", operator, null).status(),
                    "the new role's rights");
            assertTrue(audit(api).stream().filter(a -> a.equals("admin user.role truong.thon")).count() == 2,
                    audit(api).toString());
        }
    }

    @Test
    void anAdministratorDoesNotDisableOrDemoteThemselfAndTheLastAdministratorStays() throws Exception {
        try (ApiFixture api = new ApiFixture(dir, Clock.systemUTC(), ADMIN_PASSWORD)) {
            String admin = api.api.login("admin", ADMIN_PASSWORD);
            assertEquals(409, api.api.call("POST", "/api/users/admin/disable", admin, null).status());
            assertEquals(409, api.api.call("PUT", "/api/users/admin/role", admin, Map.of("role", "OPERATOR"))
                    .status());
            assertEquals(409, api.api.call("POST", "/api/users/admin/password", admin, Map.of("password",
                    "another-password-1")).status(), "one's own password goes through /api/me/password");
            UserException last = assertThrows(UserException.class, () -> api.users.disable("system", "admin"));
            assertEquals(ChangeException.Kind.CONFLICT, last.kind());
            assertTrue(last.getMessage().contains("last enabled administrator"), last.getMessage());
            assertThrows(UserException.class, () -> api.users.changeRole("system", "admin", Role.OPERATOR, null));
            assertEquals(200, api.api.call("GET", "/api/me", admin, null).status());
        }
    }

    @Test
    void changingOnesOwnPasswordNeedsTheCurrentOneAndEndsTheOtherSessions() throws Exception {
        try (ApiFixture api = new ApiFixture(dir, Clock.systemUTC(), ADMIN_PASSWORD)) {
            api.users.create("admin", new UserDirectory.NewUser("van.thu", null, Role.OPERATOR, List.of(), "vi",
                    PASSWORD));
            String mine = api.api.login("van.thu", PASSWORD);
            String elsewhere = api.api.login("van.thu", PASSWORD);

            Answer none = api.api.call("POST", "/api/me/password", mine, Map.of("password", "mat-khau-moi-1"));
            assertEquals(400, none.status());
            assertEquals("currentPassword", none.field());
            Answer wrong = api.api.call("POST", "/api/me/password", mine, Map.of("currentPassword", "not-it-at-all",
                    "password", "mat-khau-moi-1"));
            assertEquals(422, wrong.status());
            assertEquals("currentPassword", wrong.field());
            assertTrue(audit(api).contains("van.thu user.password.refused van.thu"));
            assertEquals(200, api.api.call("GET", "/api/me", elsewhere, null).status(), "a refusal ends nothing");

            Answer changed = api.api.call("POST", "/api/me/password", mine, Map.of("currentPassword", PASSWORD,
                    "password", "mat-khau-moi-1"));
            assertEquals(200, changed.status(), String.valueOf(changed.json()));
            String fresh = changed.json().get("token").asText();
            assertEquals(401, api.api.call("GET", "/api/me", elsewhere, null).status(), "every old session ended");
            assertEquals(401, api.api.call("GET", "/api/me", mine, null).status());
            assertEquals(200, api.api.call("GET", "/api/me", fresh, null).status(), "the answer carries a new one");
            api.api.login("van.thu", "mat-khau-moi-1");
            assertTrue(audit(api).contains("van.thu user.password van.thu"));
        }
    }

    @Test
    void wrongCurrentPasswordsAreThrottledLikeLogins() throws Exception {
        // A clock that stands still: the one-second wait cannot run out between two calls on a busy machine.
        ManualClock clock = new ManualClock(java.time.Instant.parse("2026-12-05T08:00:00Z"));
        try (ApiFixture api = new ApiFixture(dir, clock, ADMIN_PASSWORD)) {
            api.users.create("admin", new UserDirectory.NewUser("van.thu", null, Role.OPERATOR, List.of(), "vi",
                    PASSWORD));
            String stolen = api.api.login("van.thu", PASSWORD);
            for (int i = 0; i <= LoginThrottle.BY_NAME.free(); i++) {
                assertEquals(422, api.api.call("POST", "/api/me/password", stolen, Map.of("currentPassword",
                        "guess-" + i, "password", "mat-khau-moi-1")).status());
            }
            assertEquals(429, api.api.call("POST", "/api/me/password", stolen, Map.of("currentPassword", PASSWORD,
                    "password", "mat-khau-moi-1")).status(), "a session is no way around the throttle");
            assertEquals(429, api.api.call("POST", "/api/login", null, Map.of("username", "van.thu", "password",
                    PASSWORD)).status(), "and the name waits for logins too");
            clock.advance(java.time.Duration.ofSeconds(1));
            assertEquals(200, api.api.call("POST", "/api/me/password", stolen, Map.of("currentPassword", PASSWORD,
                    "password", "mat-khau-moi-1")).status(), "after the wait, the one who knows it changes it");
        }
    }

    @Test
    void theFirstAdministratorsPrintedPasswordOpensOnlyThePasswordChange() throws Exception {
        try (ApiFixture api = new ApiFixture(dir, Clock.systemUTC(), null)) {
            Matcher m = Pattern.compile("password: (\\S+)").matcher(api.console);
            assertTrue(m.find(), api.console);
            String printed = m.group(1);
            Answer login = api.api.call("POST", "/api/login", null, Map.of("username", "admin", "password", printed));
            assertEquals(200, login.status());
            assertTrue(login.json().get("user").get("mustChangePassword").asBoolean());
            String token = login.json().get("token").asText();

            for (String path : List.of("/api/stations", "/api/users", "/api/audit")) {
                Answer refused = api.api.call("GET", path, token, null);
                assertEquals(403, refused.status(), path);
                assertEquals("password", refused.field(), path);
                assertTrue(refused.json().get("message").asText().contains("change the password you were given"));
            }
            assertEquals(403, api.api.call("POST", "/api/users", token, Map.of("username", "ke.gian", "role", "ADMIN",
                    "password", "chiem-quyen-1")).status(), "no new administrator either");
            JsonNode me = api.api.call("GET", "/api/me", token, null).json();
            assertTrue(me.get("mustChangePassword").asBoolean());

            Answer changed = api.api.call("POST", "/api/me/password", token, Map.of("currentPassword", printed,
                    "password", "mat-khau-cua-toi-1"));
            assertEquals(200, changed.status(), String.valueOf(changed.json()));
            assertFalse(changed.json().get("user").get("mustChangePassword").asBoolean());
            String fresh = changed.json().get("token").asText();
            assertEquals(200, api.api.call("GET", "/api/stations", fresh, null).status());
            assertEquals(200, api.api.call("GET", "/api/users", fresh, null).status());
        }
    }

    @Test
    void aPasswordAnAdministratorSetsMustBeChangedByItsUser() throws Exception {
        try (ApiFixture api = new ApiFixture(dir, Clock.systemUTC(), ADMIN_PASSWORD)) {
            api.users.create("admin", new UserDirectory.NewUser("van.thu", null, Role.OPERATOR, List.of(), "vi",
                    PASSWORD));
            String admin = api.api.login("admin", ADMIN_PASSWORD);
            String before = api.api.login("van.thu", PASSWORD);
            assertEquals(204, api.api.call("POST", "/api/users/van.thu/password", admin, Map.of("password",
                    "cap-boi-admin-1")).status());
            assertEquals(401, api.api.call("GET", "/api/me", before, null).status());
            String given = api.api.login("van.thu", "cap-boi-admin-1");
            assertEquals(403, api.api.call("GET", "/api/program", given, null).status());
            Answer changed = api.api.call("POST", "/api/me/password", given, Map.of("currentPassword",
                    "cap-boi-admin-1", "password", "chi-toi-biet-1"));
            assertEquals(200, changed.status());
            assertEquals(200, api.api.call("GET", "/api/program", changed.json().get("token").asText(), null)
                    .status());
        }
    }
}
