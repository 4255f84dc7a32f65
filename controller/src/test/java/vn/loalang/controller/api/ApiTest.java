package vn.loalang.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.schedule.ScheduleCompiler;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.report.PlannedSessions;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.station.EventLog;
import vn.loalang.controller.station.SqliteEventLog;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.testing.ApiClient.Answer;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API on a real SQLite file and a real Javalin on a free port, called over HTTP. */
class ApiTest {
    private static final String ADMIN_PASSWORD = "admin-password-1";

    @TempDir
    Path dir;

    private ApiFixture fixture;
    private Store store;
    private LibraryCatalog library;
    private SqliteEventLog eventLog;
    private Map<String, Long> published;
    private ApiClient api;

    @BeforeEach
    void start() throws IOException {
        Clock clock = Clock.systemUTC();
        fixture = new ApiFixture(dir, clock, ADMIN_PASSWORD);
        store = fixture.store;
        library = fixture.library;
        eventLog = fixture.events;
        published = fixture.published;
        api = fixture.api;
        library.importEntry("system", new Commune.LibraryEntry("mat-tich", "Mất tích", "local-news", "missing.mp3",
                null), dir.resolve("missing.mp3"));
        ScheduleCompiler compiler = new ScheduleCompiler(fixture.directory::current, library.index(),
                URI.create("http://127.0.0.1"));
        fixture.directory.checkProgramsWith((before, after) -> compiler.newProblems(before, after, clock.instant()));
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private Answer call(String method, String path, String token, Object body) throws IOException, InterruptedException {
        return api.call(method, path, token, body);
    }

    private String login(String username, String password) throws IOException, InterruptedException {
        return api.login(username, password);
    }

    private List<String> auditActions() {
        return store.query(c -> new AuditLog(Clock.systemUTC()).latest(c, 100)).stream()
                .map(e -> e.actor() + " " + e.action() + " " + e.target()).toList();
    }

    @Test
    void aLoginAnswersATokenAndTheUserAndIsAudited() throws Exception {
        Answer a = call("POST", "/api/login", null, Map.of("username", "admin", "password", ADMIN_PASSWORD));
        assertEquals(200, a.status());
        String token = a.json().get("token").asText();
        assertEquals(43, token.length(), "32 bytes base64url without padding");
        assertTrue(Instant.parse(a.json().get("expiresAt").asText()).isAfter(Instant.now().plusSeconds(11 * 3600)));
        JsonNode user = a.json().get("user");
        assertEquals("admin", user.get("username").asText());
        assertEquals("ADMIN", user.get("role").asText());
        assertEquals("vi", user.get("language").asText());
        assertTrue(user.get("villages").isArray());
        assertFalse(user.has("passwordHash"));
        assertEquals("admin", call("GET", "/api/me", token, null).json().get("username").asText());
        assertTrue(auditActions().contains("admin login admin"), auditActions().toString());
        // Only the hash of the token is stored.
        String stored = store.query(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT token_hash FROM api_session");
                 ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertFalse(stored.contains(token));
        assertEquals(64, stored.length());

        assertEquals(204, call("POST", "/api/logout", token, null).status());
        assertEquals(401, call("GET", "/api/me", token, null).status());
    }

    @Test
    void aWrongPasswordAndAnUnknownUserGetTheSame401AndAreAudited() throws Exception {
        Answer wrong = call("POST", "/api/login", null, Map.of("username", "admin", "password", "not-the-password"));
        Answer unknown = call("POST", "/api/login", null, Map.of("username", "nobody", "password", "not-the-password"));
        assertEquals(401, wrong.status());
        assertEquals(401, unknown.status());
        assertEquals(wrong.json(), unknown.json());
        assertTrue(wrong.json().has("field") && wrong.json().get("field").isNull());
        List<String> audit = auditActions();
        assertTrue(audit.contains("admin login.failed admin"), audit.toString());
        assertTrue(audit.contains("nobody login.failed nobody"), audit.toString());
    }

    @Test
    void withoutATokenTheApiAnswers401AndATechnicianMayNotCreateUsers() throws Exception {
        for (String path : List.of("/api/me", "/api/users", "/api/stations", "/api/villages", "/api/library",
                "/api/events")) {
            Answer a = call("GET", path, null, null);
            assertEquals(401, a.status(), path);
            assertNotNull(a.json().get("message").asText(), path);
        }
        assertEquals(401, call("GET", "/api/me", "made-up-token", null).status());
        String admin = login("admin", ADMIN_PASSWORD);
        assertEquals(201, call("POST", "/api/users", admin, Map.of("username", "ky.thuat", "role", "TECHNICIAN",
                "password", "technician-pw")).status());
        String tech = login("ky.thuat", "technician-pw");
        Answer a = call("POST", "/api/users", tech, Map.of("username", "khac", "role", "ADMIN", "password",
                "whatever-long"));
        assertEquals(403, a.status());
        assertEquals(403, call("GET", "/api/users", tech, null).status());
        assertEquals(403, call("POST", "/api/users/admin/password", tech, Map.of("password", "taken-over-1")).status());
        assertEquals(200, call("GET", "/api/events", tech, null).status());
        assertEquals(200, call("GET", "/api/library", tech, null).status());
    }

    @Test
    void invalidInputNamesTheField() throws Exception {
        String admin = login("admin", ADMIN_PASSWORD);
        record Case(Map<String, Object> body, String field, int status) {
        }
        List<Case> cases = List.of(
                new Case(Map.of("username", "AB", "role", "OPERATOR", "password", "long-enough-pw"), "username", 400),
                new Case(Map.of("username", "van.an", "role", "KING", "password", "long-enough-pw"), "role", 400),
                new Case(Map.of("username", "van.an", "role", "OPERATOR", "password", "short"), "password", 400),
                new Case(Map.of("username", "truong", "role", "VILLAGE_HEAD", "villages", List.of("thon-bac"),
                        "password", "long-enough-pw"), "villages", 400),
                new Case(Map.of("username", "admin", "role", "OPERATOR", "password", "long-enough-pw"), "username", 409));
        for (Case c : cases) {
            Answer a = call("POST", "/api/users", admin, c.body());
            assertEquals(c.status(), a.status(), c.toString() + " → " + a.json());
            assertEquals(c.field(), a.field(), c.toString());
        }
        Answer events = call("GET", "/api/events?limit=0", admin, null);
        assertEquals(400, events.status());
        assertEquals("limit", events.field());
        Answer body = call("POST", "/api/login", null, "not an object");
        assertEquals(400, body.status());
        Answer shape = call("POST", "/api/users", admin, Map.of("username", List.of("a", "b"), "role", "OPERATOR"));
        assertEquals(400, shape.status());
        assertEquals("username", shape.field());
        assertEquals(404, call("GET", "/api/nothing-here", admin, null).status());
    }

    @Test
    void creatingAUserAndChangingAPasswordAreAuditedWithBeforeAndAfter() throws Exception {
        String admin = login("admin", ADMIN_PASSWORD);
        Answer created = call("POST", "/api/users", admin, Map.of("username", "truong.thon", "displayName", "Ông Ba",
                "role", "VILLAGE_HEAD", "villages", List.of("thon-dong"), "password", "village-head-pw"));
        assertEquals(201, created.status(), String.valueOf(created.json()));
        assertEquals("thon-dong", created.json().get("villages").get(0).asText());
        String head = login("truong.thon", "village-head-pw");
        assertEquals(200, call("POST", "/api/me/password", head, Map.of("currentPassword", "village-head-pw",
                "password", "new-password-9")).status());
        assertEquals(401, call("GET", "/api/me", head, null).status(), "a new password ends the old sessions");
        login("truong.thon", "new-password-9");
        List<AuditLog.Entry> rows = store.query(c -> new AuditLog(Clock.systemUTC()).latest(c, 100));
        AuditLog.Entry create = rows.stream().filter(e -> e.action().equals("user.create")
                && e.target().equals("truong.thon")).findFirst().orElseThrow();
        assertEquals("admin", create.actor());
        assertEquals(null, create.before());
        assertTrue(create.after().contains("\"role\":\"VILLAGE_HEAD\""), create.after());
        assertFalse(create.after().contains("pbkdf2"), "no password hash in the audit log");
        assertTrue(rows.stream().anyMatch(e -> e.action().equals("user.password") && e.actor().equals("truong.thon")));
        JsonNode users = call("GET", "/api/users", admin, null).json();
        assertEquals(2, users.size());
    }

    @Test
    void aStationIsBehindFromAPublishUntilItReportsAcceptingThatVersion() throws Exception {
        String admin = login("admin", ADMIN_PASSWORD);
        JsonNode before = station(admin, "thon-dong-1");
        assertFalse(before.get("behind").asBoolean(), "nothing published yet");
        assertEquals("UNKNOWN", before.get("presence").asText());
        assertEquals("Thôn Đông", before.get("villageName").asText());

        published.put("thon-dong-1", 100L);
        accepted("thon-dong-1", 1, 100L);
        assertFalse(station(admin, "thon-dong-1").get("behind").asBoolean());

        published.put("thon-dong-1", 200L);
        JsonNode behind = station(admin, "thon-dong-1");
        assertTrue(behind.get("behind").asBoolean());
        assertEquals(200, behind.get("publishedVersion").asLong());
        assertEquals(100, behind.get("acceptedVersion").asLong());

        accepted("thon-dong-1", 2, 200L);
        JsonNode caughtUp = station(admin, "thon-dong-1");
        assertFalse(caughtUp.get("behind").asBoolean());
        assertEquals(200, caughtUp.get("acceptedVersion").asLong());

        JsonNode events = call("GET", "/api/events?station=thon-dong-1&limit=1", admin, null).json();
        assertEquals(1, events.size());
        assertEquals(2, events.get(0).get("seq").asLong(), "newest first");
        assertEquals(2, call("GET", "/api/villages", admin, null).json().size());
        JsonNode library = call("GET", "/api/library", admin, null).json();
        assertEquals("mat-tich", library.get("refused").get(0).get("id").asText());
    }

    private JsonNode station(String token, String id) throws IOException, InterruptedException {
        Answer a = call("GET", "/api/stations", token, null);
        assertEquals(200, a.status());
        for (JsonNode s : a.json()) {
            if (s.get("id").asText().equals(id)) {
                return s;
            }
        }
        throw new AssertionError("no station " + id + " in " + a.json());
    }

    private void accepted(String station, long seq, long version) {
        StationEvent e = new StationEvent(SchemaVersion.CURRENT, station, "boot-1", seq,
                Instant.parse("2026-11-23T10:00:00Z").plusSeconds(seq), EventType.SCHEDULE_ACCEPTED, null, null, version,
                null, null, null);
        eventLog.record(e, new EventLog.Position(station, "boot-1", seq, List.of()));
    }

    @Test
    void reportsSetPlannedAgainstPlayedAsJsonOrCsvForTheRolesThatReadThem() throws Exception {
        Instant morning = Instant.parse("2025-06-09T22:30:00Z"); // 05:30 on 10 June 2025 in Hà Nội: in the past
        Item item = new Item("gia-lua", "Giá lúa",
                "a".repeat(64), URI.create("http://127.0.0.1/content/x"), 100, 1000, 0);
        Schedule plan = new Schedule(SchemaVersion.CURRENT,
                "thon-dong-1", "thon-dong", 1, "Asia/Ho_Chi_Minh", morning.minusSeconds(3600), morning.plusSeconds(86_400),
                List.of(new Session("2025-06-10.morning", "Buổi sáng", morning,
                        morning.plusSeconds(3600), List.of(item))));
        store.transaction(c -> {
            PlannedSessions.write(c, plan);
            return null;
        });
        eventLog.record(StationEvent.of(EventType.ITEM_FINISHED).session("2025-06-10.morning").content("gia-lua")
                .numbered("thon-dong-1", "sd", 1, morning.plusSeconds(1)), new EventLog.Position("thon-dong-1", "sd", 1, List.of()));
        String tech = technician();

        JsonNode report = call("GET", "/api/reports?day=2025-06-10", tech, null).json();
        assertEquals(1, report.get("summary").get("reached").asInt());
        assertEquals(1.0, report.get("summary").get("shareReached").asDouble());
        assertEquals("thon-dong", report.get("sessions").get(0).get("village").asText());

        HttpResponse<String> csv = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                api.uri("/api/reports?month=2025-06&format=csv")).header("Authorization", "Bearer " + tech).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, csv.statusCode());
        assertTrue(csv.headers().firstValue("Content-Type").orElseThrow().startsWith("text/csv"));
        assertTrue(csv.body().contains("2025-06-10,2025-06-10.morning,Buổi sáng,thon-dong,1,1,1,1,yes"), csv.body());

        assertEquals("month", call("GET", "/api/reports?month=11-2026", tech, null).field());
        assertEquals("from", call("GET", "/api/reports", tech, null).field());
        assertEquals("to", call("GET", "/api/reports?from=2025-06-10&to=2025-06-01", tech, null).field());
    }

    /** Issue 19: each report row's reach, read from the listen and mirror tables as their writers fill them. */
    @Test
    void reportRowsCarryTheirReachAndAlertsHaveTheirOwnReportForTheSameRoles() throws Exception {
        Instant morning = Instant.parse("2025-06-09T22:30:00Z"); // 05:30 on 10 June 2025 in Hà Nội
        Item item = new Item("gia-lua", "Giá lúa", "a".repeat(64), URI.create("http://127.0.0.1/content/x"), 100,
                1000, 0);
        Schedule plan = new Schedule(SchemaVersion.CURRENT, "thon-dong-1", "thon-dong", 1, "Asia/Ho_Chi_Minh",
                morning.minusSeconds(3600), morning.plusSeconds(86_400), List.of(new Session("2025-06-10.morning",
                "Buổi sáng", morning, morning.plusSeconds(3600), List.of(item))));
        store.transaction(c -> {
            PlannedSessions.write(c, plan);
            return null;
        });
        eventLog.record(StationEvent.of(EventType.ITEM_FINISHED).session("2025-06-10.morning").content("gia-lua")
                .numbered("thon-dong-1", "sd", 1, morning.plusSeconds(1)), new EventLog.Position("thon-dong-1", "sd", 1,
                List.of()));
        sql("INSERT INTO listen_count VALUES ('2025-06-10', 'thon-dong', '2025-06-10.morning', 'gia-lua', 'LISTEN',"
                + " 'zalo', 3)");
        sql("INSERT INTO listen_count VALUES ('2025-06-10', 'thon-dong', '', '', 'FEED', 'feed', 2)");
        sql("INSERT INTO listen_count VALUES ('2025-06-10', '*', 'alert', 'a-1', 'LISTEN', 'page', 5)");
        sql("INSERT INTO mirror_channel (id, kind, name, settings_json, created_at, created_by)"
                + " VALUES ('tg', 'TELEGRAM', 'Telegram', '{}', '2025-06-01T00:00:00Z', 'admin')");
        sql("INSERT INTO mirror_target (id, channel_id, village, address, label, categories_json, members, created_at,"
                + " created_by) VALUES ('tg-dong', 'tg', 'thon-dong', '-100', 'Nhóm thôn Đông', '[]', 80,"
                + " '2025-06-01T00:00:00Z', 'admin')");
        sql("INSERT INTO mirror_outbox (kind, ref, village, session_id, channel_id, target_id, priority, payload_json,"
                + " state, next_at, give_up_at, created_at) VALUES ('SESSION', '2025-06-10/2025-06-10.morning',"
                + " 'thon-dong', '2025-06-10.morning', 'tg', 'tg-dong', 3, '{}', 'SENT', '2025-06-10T00:00:00Z',"
                + " '2025-06-11T00:00:00Z', '2025-06-10T00:00:00Z')");
        sql("INSERT INTO alert (id, created_at, actor, villages_json, priority, title, reason, preamble, items_json,"
                + " repeats, interval_seconds, expires_at, state) VALUES ('a-1', '2025-06-10T01:00:00Z', 'admin',"
                + " '[\"thon-dong\"]', 'WARNING', 'Nắng nóng', 'x', 'SIREN', '[]', 1, 0, '2025-06-11T00:00:00Z',"
                + " 'EXPIRED')");
        sql("INSERT INTO alert_delivery VALUES ('a-1', 'thon-dong-1', 'COMPLETED', '2025-06-10T01:01:00Z', null)");
        String tech = technician();

        JsonNode report = call("GET", "/api/reports?day=2025-06-10", tech, null).json();
        JsonNode reach = report.get("sessions").get(0).get("reach");
        assertEquals(1, reach.get("loudspeakersPlanned").asInt());
        assertEquals(1, reach.get("loudspeakersPlayed").asInt());
        assertEquals(3, reach.get("pageListens").asInt());
        assertEquals(0, reach.get("feedDownloads").asInt(), "nothing reported is 0, not missing");
        assertEquals(2, reach.get("feedFetches").asInt());
        assertEquals(1, reach.get("chatMessages").asInt());
        assertEquals(80, reach.get("chatMembers").asInt());
        assertEquals(0, reach.get("smsSent").asInt());
        assertEquals(3, report.get("reachTotal").get("pageListens").asInt());
        assertEquals("Buổi sáng", report.get("sessions").get(0).get("name").asText(), "the row's own fields stay");

        HttpResponse<String> csv = get("/api/reports?month=2025-06&format=csv", tech);
        assertTrue(csv.body().startsWith("date,session,name,village,stations,stations_complete,planned_items,"
                + "played_items,reached,relay_seconds_planned,relay_seconds_played,late_plays,loudspeakers_planned,"
                + "loudspeakers_played,page_listens,feed_downloads,feed_fetches,chat_messages,chat_members,sms_sent,"
                + "sms_delivered\n"), csv.body());
        assertTrue(csv.body().contains("2025-06-10,2025-06-10.morning,Buổi sáng,thon-dong,1,1,1,1,yes,0,0,0,"
                + "1,1,3,0,2,1,80,0,0\n"), csv.body());

        JsonNode alerts = call("GET", "/api/reports/alerts?month=2025-06", tech, null).json();
        assertEquals("2025-06-01", alerts.get("from").asText());
        JsonNode a = alerts.get("alerts").get(0);
        assertEquals("a-1", a.get("alertId").asText());
        assertEquals("2025-06-10T01:00:00Z", a.get("issuedAt").asText());
        assertEquals(1, a.get("loudspeakers").asInt());
        assertEquals(1, a.get("loudspeakersCompleted").asInt());
        assertEquals(5, a.get("listens").asInt());
        assertEquals(List.of("thon-dong"), List.of(a.get("villages").get(0).asText()));
        HttpResponse<String> alertsCsv = get("/api/reports/alerts?from=2025-06-10&to=2025-06-10&format=csv", tech);
        assertEquals(200, alertsCsv.statusCode());
        assertTrue(alertsCsv.headers().firstValue("Content-Type").orElseThrow().startsWith("text/csv"));
        assertTrue(alertsCsv.headers().firstValue("Content-Disposition").orElseThrow()
                .contains("canh-bao-2025-06-10_2025-06-10.csv"));
        assertEquals("a-1,2025-06-10 08:00,WARNING,Nắng nóng,EXPIRED,thon-dong,1,1,5,0,0,0,0",
                alertsCsv.body().split("\n")[1]);
        assertEquals(0, call("GET", "/api/reports/alerts?day=2025-06-11", tech, null).json().get("alerts").size(),
                "the next day has none");

        assertEquals("format", call("GET", "/api/reports/alerts?month=2025-06&format=xml", tech, null).field());
        assertEquals("to", call("GET", "/api/reports/alerts?from=2025-06-10&to=2025-06-01", tech, null).field());
        assertEquals("to", call("GET", "/api/reports/alerts?from=2024-01-01&to=2025-06-01", tech, null).field());
        String head = userWithRole("truong-dong", "VILLAGE_HEAD", List.of("thon-dong"));
        assertEquals(403, call("GET", "/api/reports/alerts?month=2025-06", head, null).status());
        assertEquals(401, call("GET", "/api/reports/alerts?month=2025-06", null, null).status());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(api.uri(path))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void sql(String statement) {
        store.transaction(c -> {
            try (PreparedStatement s = c.prepareStatement(statement)) {
                s.executeUpdate();
            }
            return null;
        });
    }

    private String technician() throws Exception {
        String admin = login("admin", ADMIN_PASSWORD);
        Answer made = call("POST", "/api/users", admin, Map.of("username", "ky-thuat", "displayName", "Kỹ thuật viên",
                "role", "TECHNICIAN", "language", "vi", "password", "mat-khau-dai-du"));
        assertEquals(201, made.status(), String.valueOf(made.json()));
        return login("ky-thuat", "mat-khau-dai-du");
    }

    private String userWithRole(String name, String role, List<String> villages) throws Exception {
        String admin = login("admin", ADMIN_PASSWORD);
        Answer made = call("POST", "/api/users", admin, Map.of("username", name, "role", role, "villages", villages,
                "password", "mat-khau-dai-du"));
        assertEquals(201, made.status(), String.valueOf(made.json()));
        return login(name, "mat-khau-dai-du");
    }

    private Answer upload(String token, String fixture, String filename, Map<String, String> fields) throws Exception {
        return api.upload(token, Fixtures.path(fixture), filename, fields);
    }

    @Test
    void anOperatorUploadsAudioThatIsMeasuredAndHeardAndABrokenFileIsRefusedWithTheReason() throws Exception {
        String operator = userWithRole("van.thu", "OPERATOR", List.of());
        Answer ok = upload(operator, Fixtures.ITEM_440HZ_2S, "Giá lúa.mp3",
                Map.of("title", "Giá lúa hôm nay", "category", "market-prices", "expires", "2099-01-01"));
        assertEquals(201, ok.status(), String.valueOf(ok.json()));
        assertEquals("gia-lua-hom-nay", ok.json().get("id").asText(), "an id made from the title");
        assertEquals(2000, ok.json().get("durationMs").asLong(), 5);
        assertTrue(ok.json().get("loudnessLufs").isNumber());
        HttpResponse<byte[]> heard = api.getBytes(ok.json().get("url").asText());
        assertEquals(200, heard.statusCode());
        assertTrue(java.util.Arrays.equals(java.nio.file.Files.readAllBytes(Fixtures.path(Fixtures.ITEM_440HZ_2S)),
                heard.body()), "the operator hears exactly what the stations will fetch");

        Answer cut = upload(operator, "truncated.mp3", "ban-tin.mp3", Map.of("title", "Bản tin"));
        assertEquals(422, cut.status());
        assertEquals("file", cut.field());
        assertTrue(cut.json().get("message").asText().contains("truncated"), cut.json().toString());
        assertEquals(400, upload(operator, Fixtures.ITEM_440HZ_2S, "a.mp3", Map.of("title", "X", "category", "gossip"))
                .status());
        assertEquals(400, upload(operator, Fixtures.ITEM_440HZ_2S, "a.mp3", Map.of()).status(), "title required");
        String tech = userWithRole("ky.thuat", "TECHNICIAN", List.of());
        assertEquals(403, upload(tech, Fixtures.ITEM_440HZ_2S, "a.mp3", Map.of("title", "X")).status());
        JsonNode refusals = call("GET", "/api/library/refusals", tech, null).json();
        assertEquals("ban-tin.mp3", refusals.get(0).get("originalName").asText());

        Answer edited = call("PUT", "/api/library/gia-lua-hom-nay", operator, Map.of("gainDb", -3, "title", "Giá lúa"));
        assertEquals(200, edited.status(), String.valueOf(edited.json()));
        assertEquals(-3, edited.json().get("trimDb").asDouble());
        assertEquals(204, call("DELETE", "/api/library/gia-lua-hom-nay", operator, null).status());
        assertEquals(404, call("DELETE", "/api/library/gia-lua-hom-nay", operator, null).status());
        assertTrue(auditActions().containsAll(List.of("van.thu library.add gia-lua-hom-nay",
                "van.thu library.update gia-lua-hom-nay", "van.thu library.remove gia-lua-hom-nay")), auditActions().toString());
    }

    @Test
    void aProgramThatWouldNotCompileIsRefusedWholeWithEveryProblemAndNothingChanges() throws Exception {
        String operator = userWithRole("van.thu", "OPERATOR", List.of());
        assertEquals(201, upload(operator, Fixtures.ITEM_440HZ_2S, "gia-lua.mp3", Map.of("id", "gia-lua",
                "title", "Giá lúa")).status());
        Map<String, Object> morning = Map.of("id", "morning", "start", "05:30", "end", "06:30", "items", List.of("gia-lua"));
        Map<String, Object> overlapping = Map.of("id", "extra", "start", "06:00", "end", "06:15",
                "items", List.of("gia-lua"));
        Map<String, Object> missing = Map.of("id", "noon", "start", "11:00", "end", "11:30", "items", List.of("khong-co"));
        Answer bad = call("PUT", "/api/program", operator, Map.of("daily", List.of(morning, overlapping, missing)));
        assertEquals(422, bad.status(), String.valueOf(bad.json()));
        assertEquals("program", bad.field());
        List<String> problems = new ArrayList<>();
        bad.json().get("problems").forEach(p -> problems.add(p.asText()));
        assertTrue(problems.stream().anyMatch(p -> p.contains("'khong-co', which is not in the library")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains(".morning and ") && p.contains(".extra overlap")),
                problems.toString());
        assertEquals(0, call("GET", "/api/program", operator, null).json().get("commune").get("daily").size(),
                "nothing saved");
        Answer malformed = call("PUT", "/api/program", operator, Map.of("daily", List.of(Map.of("id", "x",
                "start", "sáng", "end", "06:00", "items", List.of()))));
        assertEquals(400, malformed.status(), String.valueOf(malformed.json()));

        Answer good = call("PUT", "/api/villages/thon-tay/program", operator, Map.of("daily", List.of(morning)));
        assertEquals(200, good.status(), String.valueOf(good.json()));
        JsonNode tay = good.json().get("villages").get(1);
        assertEquals("morning", tay.get("program").get("daily").get(0).get("id").asText());
        String head = userWithRole("truong.tay", "VILLAGE_HEAD", List.of("thon-tay"));
        assertEquals(403, call("PUT", "/api/program", head, Map.of("daily", List.of())).status());
        assertEquals(200, call("GET", "/api/program", head, null).status());
        assertEquals(200, call("DELETE", "/api/villages/thon-tay/program", operator, null).status());
        assertTrue(auditActions().contains("van.thu program.village thon-tay"), auditActions().toString());
    }

    @Test
    void theConsolesOwnRoutesKeepTheirRights() throws Exception {
        String head = userWithRole("truong.tay", "VILLAGE_HEAD", List.of("thon-tay"));
        assertEquals(403, call("GET", "/api/health/stream", head, null).status(), "a village head sees no station health");
        assertEquals(401, call("GET", "/api/time", null, null).status());
        assertTrue(call("GET", "/api/time", head, null).json().get("now").asText().startsWith("20"));
        assertEquals(400, call("PUT", "/api/me", head, Map.of("language", "fr")).status());
        assertEquals("en", call("PUT", "/api/me", head, Map.of("language", "en")).json().get("language").asText());
        var page = api.getBytes("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"),
                "the console runs only its own scripts");
    }

    @Test
    void twoOperatorsEditingAtOnceDoNotOverwriteEachOtherUnseen() throws Exception {
        String first = userWithRole("van.thu", "OPERATOR", List.of());
        String second = userWithRole("can.bo", "OPERATOR", List.of());
        assertEquals(201, upload(first, Fixtures.ITEM_440HZ_2S, "gia-lua.mp3", Map.of("id", "gia-lua",
                "title", "Giá lúa")).status());
        String loaded = call("GET", "/api/program", first, null).json().get("revision").asText();
        assertEquals(loaded, call("GET", "/api/program", second, null).json().get("revision").asText());
        Map<String, Object> morning = Map.of("id", "morning", "start", "05:30", "end", "06:30", "items", List.of("gia-lua"));
        Map<String, Object> evening = Map.of("id", "evening", "start", "17:00", "end", "18:00", "items", List.of("gia-lua"));

        Answer saved = api.call("PUT", "/api/program", second, Map.of("daily", List.of(morning)),
                Map.of("If-Match", "\"" + loaded + "\""));
        assertEquals(200, saved.status(), String.valueOf(saved.json()));
        String now = saved.json().get("revision").asText();
        assertFalse(now.equals(loaded), "every edit gives another revision");
        Answer stale = api.call("PUT", "/api/program", first, Map.of("daily", List.of(evening)),
                Map.of("If-Match", "\"" + loaded + "\""));
        assertEquals(412, stale.status(), "the later edit is refused: " + stale.json());
        assertTrue(stale.json().get("message").asText().contains("người khác sửa"), stale.json().toString());
        JsonNode kept = call("GET", "/api/program", first, null).json();
        assertEquals("morning", kept.get("commune").get("daily").get(0).get("id").asText(), "the first edit stands");
        assertEquals(now, kept.get("revision").asText());
        assertEquals(200, call("PUT", "/api/program", first, Map.of("daily", List.of(morning, evening))).status(),
                "without If-Match (curl) the edit is made, as before");
    }

    @Test
    void theDirectoryIsShapedByAdminsAndTechniciansAndAMergeKeepsEveryStationsId() throws Exception {
        String admin = login("admin", ADMIN_PASSWORD);
        String tech = userWithRole("ky.thuat", "TECHNICIAN", List.of());
        String operator = userWithRole("van.thu", "OPERATOR", List.of());
        Answer added = call("POST", "/api/villages", admin, Map.of("id", "ap-moi", "name", "Ấp Mới",
                "formerCommune", "Xã Bình Hoà"));
        assertEquals(201, added.status(), String.valueOf(added.json()));
        assertEquals(403, call("POST", "/api/villages", operator, Map.of("id", "x", "name", "X")).status());
        assertEquals(409, call("POST", "/api/villages", admin, Map.of("id", "ap-moi", "name", "Lại")).status());
        assertEquals(400, call("POST", "/api/villages", admin, Map.of("id", "Ấp Mới", "name", "X")).status());

        Answer station = call("POST", "/api/stations", tech, Map.of("id", "ap-moi-1", "village", "ap-moi",
                "latitude", 10.25, "longitude", 105.9, "relayChannels", 2));
        assertEquals(201, station.status(), String.valueOf(station.json()));
        assertEquals(2, station.json().get("relayChannels").asInt());
        Answer far = call("PUT", "/api/stations/ap-moi-1", tech, Map.of("latitude", 200, "longitude", 105.9));
        assertEquals(400, far.status(), String.valueOf(far.json()));
        assertEquals(400, call("POST", "/api/stations", tech, Map.of("id", "x-1", "village", "thon-bac")).status());
        assertEquals(409, call("DELETE", "/api/villages/ap-moi", admin, null).status(), "it still has a station");

        Answer merged = call("POST", "/api/villages/thon-tay/merge", admin, Map.of("into", "ap-moi"));
        assertEquals(200, merged.status(), String.valueOf(merged.json()));
        assertEquals(List.of("thon-tay-1", "ap-moi-1"), List.of(merged.json().get("stations").get(0).asText(),
                merged.json().get("stations").get(1).asText()));
        assertEquals("ap-moi", station(admin, "thon-tay-1").get("village").asText());
        assertEquals(404, call("PUT", "/api/villages/thon-tay", admin, Map.of("name", "Tây")).status());
        Answer renamed = call("PUT", "/api/villages/ap-moi", admin, Map.of("name", "Ấp Mới (Tây cũ)"));
        assertEquals("Ấp Mới (Tây cũ)", renamed.json().get("name").asText());

        Answer settings = call("PUT", "/api/commune", admin, Map.of("name", "Xã An Bình mới", "quietHours",
                Map.of("start", "22:00", "end", "05:00")));
        assertEquals(200, settings.status(), String.valueOf(settings.json()));
        assertEquals("22:00:00", settings.json().get("quietHours").get("start").asText());
        assertEquals(400, call("PUT", "/api/commune", admin, Map.of("timeZone", "UTC")).status());
        Answer noHours = call("PUT", "/api/commune", admin, Map.of("quietHours", Map.of("start", "05:00", "end", "05:00")));
        assertEquals(400, noHours.status(), String.valueOf(noHours.json()));
        assertEquals("quietHours", noHours.field());
        assertEquals(403, call("PUT", "/api/commune", tech, Map.of("name", "X")).status());
        Answer hills = call("PUT", "/api/commune", admin, Map.of("health", Map.of("maxTemperatureC", 60)));
        assertEquals(200, hills.status(), String.valueOf(hills.json()));
        assertEquals(60.0, hills.json().get("health").get("maxTemperatureC").asDouble());
        assertEquals(90, hills.json().get("health").get("offlineAfterSeconds").asInt(), "the rest: defaults");
        Answer tooEager = call("PUT", "/api/commune", admin, Map.of("health", Map.of("offlineAfterSeconds", 1)));
        assertEquals(400, tooEager.status(), String.valueOf(tooEager.json()));
        assertEquals("health", tooEager.field());
        assertTrue(tooEager.json().toString().contains("offlineAfterSeconds must be from 30"), tooEager.json().toString());
        assertEquals(204, call("DELETE", "/api/stations/ap-moi-1", admin, null).status());
        JsonNode log = call("GET", "/api/audit?limit=50", admin, null).json();
        assertTrue(log.toString().contains("village.merge"), log.toString());
        assertEquals(403, call("GET", "/api/audit", tech, null).status());
    }

    @Test
    void aVillageHeadUploadsAClipOnTheSpotAndSendsItFromTheCommandLine() throws Exception {
        String head = userWithRole("truong.tay", "VILLAGE_HEAD", List.of("thon-tay"));
        Answer clip = upload(head, Fixtures.ITEM_660HZ_1S, "chay.mp3", Map.of("title", "Cháy ở xóm 3",
                "category", "market-prices"));
        assertEquals(201, clip.status(), String.valueOf(clip.json()));
        assertEquals("warning", clip.json().get("category").asText(), "a village head's upload is a warning, whatever asked");

        java.nio.file.Path pw = java.nio.file.Files.writeString(dir.resolve("pw"), "mat-khau-dai-du\n");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = vn.loalang.controller.cli.CommandLineAccess.alert(new String[]{"--url", api.uri("").toString(), "--user",
                "truong.tay", "--password-file", pw.toString(), "--villages", "thon-tay", "--content",
                clip.json().get("id").asText(), "--reason", "cháy nhà dân", "--minutes", "15"}, out, err);
        assertEquals(0, code, err.toString(java.nio.charset.StandardCharsets.UTF_8));
        String printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(printed.contains("ACTIVE") && printed.contains("1 loa / loudspeaker(s)"), printed);
        String alertId = printed.substring(printed.indexOf("alert ") + 6).split(":", 2)[0];
        out.reset();
        assertEquals(0, vn.loalang.controller.cli.CommandLineAccess.alert(new String[]{"--url", api.uri("").toString(),
                "--user", "truong.tay", "--password-file", pw.toString(), "--status", alertId}, out, err));
        printed = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(printed.contains("thon-tay-1 (thon-tay): PENDING"), "each loudspeaker's progress: " + printed);

        int refused = vn.loalang.controller.cli.CommandLineAccess.alert(new String[]{"--url", api.uri("").toString(), "--user",
                "truong.tay", "--password-file", pw.toString(), "--villages", "thon-dong", "--content",
                clip.json().get("id").asText(), "--reason", "x"}, out, err);
        assertEquals(1, refused);
        assertTrue(err.toString(java.nio.charset.StandardCharsets.UTF_8).contains("HTTP 403"));
    }

    @Test
    void theOpenApiDocumentDescribesEveryApiRoute() throws Exception {
        Answer doc = call("GET", "/api/openapi.json", null, null);
        assertEquals(200, doc.status());
        assertEquals("3.0.3", doc.json().get("openapi").asText());
        JsonNode paths = doc.json().get("paths");
        List<String> missing = new ArrayList<>();
        Set<String> registered = new HashSet<>();
        for (ApiRoutes.Route r : fixture.routes) {
            registered.add(r.method() + " " + r.path());
            if (paths.get(r.path()) == null || paths.get(r.path()).get(r.method()) == null) {
                missing.add(r.method() + " " + r.path());
            }
        }
        assertEquals(List.of(), missing, "routes not in openapi.json");
        // And nothing documented that is not there.
        paths.fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(m ->
                assertTrue(registered.contains(m + " " + p.getKey()), m + " " + p.getKey() + " is documented only")));
        assertTrue(registered.size() >= 11);
    }
}
