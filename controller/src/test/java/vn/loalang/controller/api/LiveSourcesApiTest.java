package vn.loalang.controller.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.live.LiveSource;
import vn.loalang.controller.testing.ApiClient.Answer;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.UserDirectory;
import vn.loalang.protocol.schedule.EndRule;

import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /api/live/sources on a real SQLite store and a real Javalin: operators keep the commune's named live sources. */
class LiveSourcesApiTest {
    private static final String ADMIN_PASSWORD = "admin-password-1";
    private static final String PASSWORD = "mat-khau-dai-du";

    @TempDir
    Path dir;
    private ApiFixture api;

    @BeforeEach
    void start() throws Exception {
        api = new ApiFixture(dir, Clock.systemUTC(), ADMIN_PASSWORD);
        api.users.create("admin", new UserDirectory.NewUser("van.thu", null, Role.OPERATOR, List.of(), "vi", PASSWORD));
        api.users.create("admin", new UserDirectory.NewUser("truong.dong", null, Role.VILLAGE_HEAD,
                List.of("thon-dong"), "vi", PASSWORD));
        api.users.create("admin", new UserDirectory.NewUser("ky.thuat", null, Role.TECHNICIAN, List.of(), "vi",
                PASSWORD));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private static Map<String, Object> vov1() {
        Map<String, Object> body = new HashMap<>();
        body.put("id", "vov1");
        body.put("name", "VOV1");
        body.put("url", "https://stream.example.vn/vov1.aac");
        body.put("endRule", "PROGRAMME_END");
        return body;
    }

    @Test
    void anOperatorAddsChangesListsAndRemovesASourceAndEachChangeIsAudited() throws Exception {
        String operator = api.api.login("van.thu", PASSWORD);

        Answer added = api.api.call("POST", "/api/live/sources", operator, vov1());
        assertEquals(201, added.status(), String.valueOf(added.json()));
        assertEquals("AUTO", added.json().get("kind").asText(), "the default kind");
        assertEquals(10, added.json().get("maxSilenceSeconds").asInt(), "the default silence");
        assertTrue(added.json().get("enabled").asBoolean());

        Map<String, Object> change = vov1();
        change.remove("id");
        change.put("name", "Đài Tiếng nói Việt Nam – VOV1");
        change.put("kind", "HLS");
        change.put("enabled", false);
        Answer changed = api.api.call("PUT", "/api/live/sources/vov1", operator, change);
        assertEquals(200, changed.status(), String.valueOf(changed.json()));
        assertEquals(new LiveSource("vov1", "Đài Tiếng nói Việt Nam – VOV1", "https://stream.example.vn/vov1.aac",
                LiveSource.Kind.HLS, EndRule.PROGRAMME_END, 10, false), api.liveSources.get("vov1").orElseThrow());

        Answer listed = api.api.call("GET", "/api/live/sources", operator, null);
        assertEquals(200, listed.status());
        assertEquals(1, listed.json().size());
        assertEquals("HLS", listed.json().get(0).get("kind").asText());

        assertEquals(409, api.api.call("POST", "/api/live/sources", operator, vov1()).status(), "the id is taken");
        assertEquals(204, api.api.call("DELETE", "/api/live/sources/vov1", operator, null).status());
        assertEquals(404, api.api.call("DELETE", "/api/live/sources/vov1", operator, null).status());
        assertEquals(404, api.api.call("PUT", "/api/live/sources/vov9", operator, change).status());

        List<String> audit = api.store.query(c -> new AuditLog(Clock.systemUTC()).latest(c, 10)).stream()
                .map(e -> e.actor() + " " + e.action() + " " + e.target()).toList();
        assertEquals(List.of("van.thu live.source.remove vov1", "van.thu live.source.update vov1",
                "van.thu live.source.add vov1"), audit.subList(0, 3));
    }

    @Test
    void onlyOperatorsAndTheAdministratorMayTouchSources() throws Exception {
        String admin = api.api.login("admin", ADMIN_PASSWORD);
        assertEquals(201, api.api.call("POST", "/api/live/sources", admin, vov1()).status());
        for (String user : List.of("truong.dong", "ky.thuat")) {
            String token = api.api.login(user, PASSWORD);
            assertEquals(403, api.api.call("GET", "/api/live/sources", token, null).status(), user);
            Map<String, Object> other = vov1();
            other.put("id", "dai-tinh");
            assertEquals(403, api.api.call("POST", "/api/live/sources", token, other).status(), user);
            assertEquals(403, api.api.call("PUT", "/api/live/sources/vov1", token, vov1()).status(), user);
            assertEquals(403, api.api.call("DELETE", "/api/live/sources/vov1", token, null).status(), user);
        }
        assertEquals(401, api.api.call("GET", "/api/live/sources", null, null).status());
        assertEquals(List.of("vov1"), List.copyOf(api.liveSources.all().keySet()), "nothing changed by them");
    }

    @Test
    void aUrlThatIsNotHttpIsRefusedInBothLanguages() throws Exception {
        String operator = api.api.login("van.thu", PASSWORD);
        for (String url : List.of("file:///etc/passwd", "rtmp://stream.example.vn/live", "stream.example.vn/vov1",
                "https://", "http://exa mple.vn/x", "")) {
            Map<String, Object> body = vov1();
            body.put("url", url);
            Answer a = api.api.call("POST", "/api/live/sources", operator, body);
            assertEquals(400, a.status(), url);
            assertEquals("url", a.field(), url);
            String message = a.json().get("message").asText();
            assertTrue(message.startsWith("Địa chỉ nguồn phải là một URL http:// hoặc https:// đầy đủ / the source's url"
                    + " must be a full http:// or https:// URL"), message);
        }
        Map<String, Object> noName = vov1();
        noName.put("name", " ");
        assertEquals(400, api.api.call("POST", "/api/live/sources", operator, noName).status());
        Map<String, Object> silence = vov1();
        silence.put("maxSilenceSeconds", 500);
        assertEquals(400, api.api.call("POST", "/api/live/sources", operator, silence).status());
        assertTrue(api.liveSources.all().isEmpty());
    }
}
