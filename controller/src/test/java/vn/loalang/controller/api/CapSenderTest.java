package vn.loalang.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinylog.Level;
import vn.loalang.controller.alert.CapIntake;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.testing.CapturedLog;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.UserDirectory;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.testing.ManualClock;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CAP comes from a feed account that can do nothing else, and only the account that sent a message may withdraw it. */
class CapSenderTest {
    private static final String PASSWORD = "mat-khau-dai-du";
    /** Ten minutes after the flood warning in the samples was sent. */
    private static final Instant NOW = Instant.parse("2026-10-14T23:10:00Z");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private static byte[] sample(String name) throws Exception {
        try (InputStream in = CapSenderTest.class.getResourceAsStream("/cap/" + name)) {
            return in.readAllBytes();
        }
    }

    private HttpResponse<String> post(ApiFixture api, String token, byte[] xml) throws Exception {
        return http.send(HttpRequest.newBuilder(api.api.uri("/api/cap")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/xml").POST(HttpRequest.BodyPublishers.ofByteArray(xml)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void onlyAFeedAccountPostsCapAndOnlyTheSameAccountMayCancelWhatItSent() throws Exception {
        try (ApiFixture api = new ApiFixture(dir, new ManualClock(NOW), "admin-password-1")) {
            for (String feed : List.of("nchmf", "ke.gia.mao")) {
                api.users.create("admin", new UserDirectory.NewUser(feed, null, Role.CAP_SENDER, List.of(), "vi",
                        PASSWORD));
            }
            api.users.create("admin", new UserDirectory.NewUser("van.thu", null, Role.OPERATOR, List.of(), "vi",
                    PASSWORD));
            String nchmf = api.api.login("nchmf", PASSWORD);
            String other = api.api.login("ke.gia.mao", PASSWORD);
            String operator = api.api.login("van.thu", PASSWORD);

            assertEquals(403, post(api, operator, sample("flood-mekong-vi.xml")).statusCode(),
                    "an operator's account does not post CAP");
            HttpResponse<String> flood = post(api, nchmf, sample("flood-mekong-vi.xml"));
            assertEquals(201, flood.statusCode(), flood.body());
            long floodId = Json.mapper().readTree(flood.body()).get("id").asLong();
            String stateBefore = state(api, operator, floodId);
            for (String path : List.of("/api/cap", "/api/stations", "/api/alerts", "/api/library")) {
                assertEquals(403, api.api.call("GET", path, nchmf, null).status(), "a feed reads nothing: " + path);
            }

            HttpResponse<String> forged = post(api, other, sample("flood-cancel.xml"));
            assertEquals(403, forged.statusCode(), forged.body());
            JsonNode refusal = Json.mapper().readTree(forged.body());
            assertEquals("references", refusal.get("field").asText());
            assertTrue(refusal.get("message").asText().contains("must come from the account that posted"),
                    refusal.get("message").asText());
            assertEquals(stateBefore, state(api, operator, floodId), "the warning stands");
            HttpResponse<String> copy = post(api, other, sample("flood-mekong-vi.xml"));
            assertEquals(403, copy.statusCode(), "another account re-posting the warning learns nothing of it: "
                    + copy.body());
            assertFalse(copy.body().contains(String.valueOf(floodId)) && copy.body().contains("\"state\""), copy.body());
            assertEquals(1, api.api.call("GET", "/api/cap", operator, null).json().size(),
                    "the refused cancel is not kept as a message");
            assertTrue(audit(api).contains("ke.gia.mao cap.refused canhbao@nchmf.gov.vn VN-NCHMF-2026-LU-1018-01"),
                    audit(api).toString());
            assertFalse(CapturedLog.lines(CapIntake.class, Level.WARN, "posted by account ke.gia.mao refused")
                    .isEmpty());

            HttpResponse<String> cancel = post(api, nchmf, sample("flood-cancel.xml"));
            assertEquals(201, cancel.statusCode(), cancel.body());
            assertEquals("CANCEL", Json.mapper().readTree(cancel.body()).get("decision").asText());
        }
    }

    private static String state(ApiFixture api, String token, long id) throws Exception {
        for (JsonNode m : api.api.call("GET", "/api/cap", token, null).json()) {
            if (m.get("id").asLong() == id) {
                return m.get("state").asText();
            }
        }
        throw new AssertionError("no CAP message " + id);
    }

    private static List<String> audit(ApiFixture api) {
        return api.store.query(c -> new AuditLog(Clock.systemUTC()).latest(c, 100)).stream()
                .map(e -> e.actor() + " " + e.action() + " " + e.target()).toList();
    }
}
