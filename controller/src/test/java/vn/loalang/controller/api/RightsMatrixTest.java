package vn.loalang.controller.api;

import io.javalin.http.HandlerType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.UserDirectory;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every registered API route, called by every role and by nobody, against the matrix written in
 * docs/security.md ("Rights matrix / Ma trận quyền"): the document and the server say the same.
 */
class RightsMatrixTest {
    private static final String ADMIN_PASSWORD = "admin-password-1";
    private static final String PASSWORD = "mat-khau-dai-du";
    /** The columns of the table, in order; null is "no login". */
    private static final List<Role> CALLERS = java.util.Arrays.asList(null, Role.ADMIN, Role.OPERATOR,
            Role.VILLAGE_HEAD, Role.TECHNICIAN, Role.CAP_SENDER);

    @TempDir
    Path dir;

    private ApiFixture api;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws IOException {
        api = new ApiFixture(dir, Clock.systemUTC(), ADMIN_PASSWORD);
        api.users.create("admin", new UserDirectory.NewUser("van.thu", null, Role.OPERATOR, List.of(), "vi", PASSWORD));
        api.users.create("admin", new UserDirectory.NewUser("truong.dong", null, Role.VILLAGE_HEAD,
                List.of("thon-dong"), "vi", PASSWORD));
        api.users.create("admin", new UserDirectory.NewUser("ky.thuat", null, Role.TECHNICIAN, List.of(), "vi",
                PASSWORD));
        api.users.create("admin", new UserDirectory.NewUser("nguon.cap", null, Role.CAP_SENDER, List.of(), "vi",
                PASSWORD));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    /** A cell of the table: a route and, for each caller, whether it is allowed. */
    private record Row(String method, String path, List<Boolean> allowed) {
    }

    static Map<String, Row> matrix() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "security.md"));
        int start = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("#") && lines.get(i).contains("Rights matrix / Ma trận quyền")) {
                start = i;
            }
        }
        assertTrue(start >= 0, "docs/security.md has no section 'Rights matrix / Ma trận quyền'");
        int i = start + 1;
        while (i < lines.size() && !lines.get(i).startsWith("|")) {
            i++;
        }
        List<String> header = cells(lines.get(i));
        assertEquals(List.of("route", "không đăng nhập / no login", "ADMIN", "OPERATOR", "VILLAGE_HEAD", "TECHNICIAN",
                "CAP_SENDER"), header, "the matrix's columns");
        i += 2; // the header and its |---| line
        Pattern route = Pattern.compile("`(GET|POST|PUT|DELETE) (/api/\\S+)`");
        Map<String, Row> rows = new LinkedHashMap<>();
        for (; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            List<String> c = cells(lines.get(i));
            Matcher m = route.matcher(c.get(0));
            assertTrue(m.matches(), "a route like `GET /api/me`, not " + c.get(0));
            assertEquals(CALLERS.size() + 1, c.size(), lines.get(i));
            List<Boolean> allowed = new ArrayList<>();
            for (String cell : c.subList(1, c.size())) {
                assertTrue(cell.equals("✓") || cell.equals("✗"), "a cell is ✓ or ✗, not " + cell);
                allowed.add(cell.equals("✓"));
            }
            Row row = new Row(m.group(1), m.group(2), allowed);
            assertEquals(null, rows.put(row.method() + " " + row.path(), row), "twice in the matrix: " + c.get(0));
        }
        return rows;
    }

    private static List<String> cells(String line) {
        String inner = line.strip();
        inner = inner.substring(1, inner.length() - 1);
        List<String> out = new ArrayList<>();
        for (String c : inner.split("\\|", -1)) {
            out.add(c.strip());
        }
        return out;
    }

    /** A value of the right shape for each path parameter, naming nothing that exists: no call changes anything. */
    private static String concrete(String path) {
        String p = path.replace("{username}", "khong.co").replace("{station}", "khong-co-1")
                .replace("{targetId}", "khong-co-1");
        return p.startsWith("/api/cap/") ? p.replace("{id}", "999999") : p.replace("{id}", "khong-co-1");
    }

    private String token(Role role) throws Exception {
        String name = switch (role) {
            case ADMIN -> "admin";
            case OPERATOR -> "van.thu";
            case VILLAGE_HEAD -> "truong.dong";
            case TECHNICIAN -> "ky.thuat";
            case CAP_SENDER -> "nguon.cap";
        };
        return api.api.login(name, role == Role.ADMIN ? ADMIN_PASSWORD : PASSWORD);
    }

    /** The status only: the body is not read (an event stream would never end). */
    private int status(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(api.api.uri(path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        r.body().close();
        return r.statusCode();
    }

    @Test
    void everyRouteAnswersEveryRoleAsTheMatrixInTheSecurityDocSays() throws Exception {
        Map<String, Row> matrix = matrix();
        Set<String> registered = new TreeSet<>();
        for (ApiRoutes.Route r : api.routes) {
            registered.add(r.method().toUpperCase(Locale.ROOT) + " " + r.path());
        }
        assertEquals(registered, new TreeSet<>(matrix.keySet()), "the matrix lists exactly the registered routes");

        List<String> wrong = new ArrayList<>();
        int cells = 0;
        for (Row row : matrix.values()) {
            String path = concrete(row.path());
            for (int c = 0; c < CALLERS.size(); c++) {
                Role role = CALLERS.get(c);
                // A fresh session each time: some allowed calls end it (logout) or need it whole.
                int status = status(row.method(), path, role == null ? null : token(role));
                boolean allowed = row.allowed().get(c);
                boolean ok = allowed ? status != 401 && status != 403 : status == (role == null ? 401 : 403);
                if (!ok) {
                    wrong.add(row.method() + " " + row.path() + " as " + (role == null ? "nobody" : role) + ": "
                            + status + ", the matrix says " + (allowed ? "allowed" : "refused"));
                }
                cells++;
            }
        }
        assertEquals(List.of(), wrong);
        assertEquals(matrix.size() * CALLERS.size(), cells);
    }

    @Test
    void aRouteRegisteredWithoutRightsStopsTheStart() throws Exception {
        // Around Router.add, on the app itself: the start refuses.
        Exception e = assertThrows(Exception.class, () -> new ApiFixture(dir.resolve("b"), Clock.systemUTC(),
                new PasswordHasher(1000), () -> ADMIN_PASSWORD,
                List.of(app -> app.get("/api/sneaky", ctx -> ctx.result("no gate")))));
        assertTrue(chain(e).contains("/api/sneaky") && chain(e).contains("without declared rights"), chain(e));

        // Through Router.add with no declaration: refused at registration.
        io.javalin.Javalin app = io.javalin.Javalin.create();
        Router router = new Router(app, new Access(null));
        IllegalStateException none = assertThrows(IllegalStateException.class,
                () -> router.add(HandlerType.GET, "/api/undeclared", null, ctx -> { }));
        assertTrue(none.getMessage().contains("/api/undeclared"), none.getMessage());
    }

    private static String chain(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            sb.append(t).append(" / ");
        }
        return sb.toString();
    }
}
