package vn.loalang.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.testing.ApiClient.Answer;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.UserDirectory;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mirror's routes on a real SQLite store and a real Javalin: an administrator sets a channel and its secret, an
 * operator the village's targets and a phone with consent, a technician only watches; nothing answers a secret or a
 * whole phone number; an alert's status lists its messages.
 */
class MirrorRoutesTest {
    private static final String ADMIN_PASSWORD = "admin-password-1";
    private static final String PASSWORD = "mat-khau-dai-du";
    private static final String TOKEN = "7012345678:AAHfX-very-secret-bot-token-a9F2";

    @TempDir
    Path dir;
    private ApiFixture api;
    private String admin;
    private String operator;
    private String tech;

    @BeforeEach
    void start() throws Exception {
        api = new ApiFixture(dir, Clock.systemUTC(), ADMIN_PASSWORD);
        api.users.create("admin", new UserDirectory.NewUser("van.thu", null, Role.OPERATOR, List.of(), "vi", PASSWORD));
        api.users.create("admin", new UserDirectory.NewUser("ky.thuat", null, Role.TECHNICIAN, List.of(), "vi",
                PASSWORD));
        api.users.create("admin", new UserDirectory.NewUser("truong.dong", null, Role.VILLAGE_HEAD,
                List.of("thon-dong"), "vi", PASSWORD));
        admin = api.api.login("admin", ADMIN_PASSWORD);
        operator = api.api.login("van.thu", PASSWORD);
        tech = api.api.login("ky.thuat", PASSWORD);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private Answer call(String method, String path, String token, Object body) throws Exception {
        return api.api.call(method, path, token, body);
    }

    @Test
    void anAdministratorSetsAChannelAnOperatorItsTargetsAndNoAnswerCarriesASecretOrAWholeNumber() throws Exception {
        Map<String, Object> telegram = new HashMap<>();
        telegram.put("kind", "TELEGRAM");
        telegram.put("name", "Telegram xã An Bình");
        telegram.put("settings", Map.of("ratePerMinute", 20));
        assertEquals(403, call("POST", "/api/channels", operator, telegram).status(), "channels are the admin's");
        Answer added = call("POST", "/api/channels", admin, telegram);
        assertEquals(201, added.status(), String.valueOf(added.json()));
        assertEquals("telegram-1", added.json().get("id").asText());
        assertEquals("20", added.json().get("settings").get("ratePerMinute").asText());
        assertFalse(added.json().get("secretSet").asBoolean());

        Answer wrongKind = call("POST", "/api/channels", admin, Map.of("kind", "FAX", "name", "x"));
        assertEquals(400, wrongKind.status());
        Answer local = call("POST", "/api/channels", admin, Map.of("kind", "ANDROID_SMS", "name", "SMS",
                "settings", Map.of("address", "http://admin:mat-khau@192.168.1.20:8080/")));
        assertEquals(400, local.status(), "a password belongs in the secrets, not in an address");
        assertEquals("address", local.field());

        Answer secret = call("PUT", "/api/channels/telegram-1/secret", admin, Map.of("secrets", Map.of("botToken", TOKEN)));
        assertEquals(200, secret.status(), String.valueOf(secret.json()));
        assertTrue(secret.json().get("secretSet").asBoolean());
        assertEquals("…a9F2", secret.json().get("hint").asText());
        assertEquals(403, call("PUT", "/api/channels/telegram-1/secret", operator,
                Map.of("secrets", Map.of("botToken", TOKEN))).status());

        Map<String, Object> esms = Map.of("id", "esms", "kind", "ESMS", "name", "eSMS",
                "settings", Map.of("brandname", "UBND XA", "unicode", true, "maxSegments", 2));
        assertEquals(201, call("POST", "/api/channels", admin, esms).status());

        Answer targets = call("PUT", "/api/villages/thon-dong/mirror", operator, Map.of("targets", List.of(
                Map.of("channel", "telegram-1", "address", "-1001234567890", "label", "Nhóm thôn Đông",
                        "categories", List.of("weather", "market-prices")))));
        assertEquals(200, targets.status(), String.valueOf(targets.json()));
        String groupId = targets.json().get("targets").get(0).get("id").asText();

        Map<String, Object> noConsent = new HashMap<>(Map.of("channel", "esms", "phone", "0912 345 678"));
        Answer refused = call("POST", "/api/villages/thon-dong/mirror/phones", operator, noConsent);
        assertEquals(400, refused.status());
        assertEquals("consent", refused.field());
        noConsent.put("consent", true);
        Answer phone = call("POST", "/api/villages/thon-dong/mirror/phones", operator, noConsent);
        assertEquals(201, phone.status(), String.valueOf(phone.json()));
        assertEquals("09x xxx x678", phone.json().get("address").asText());
        assertEquals("van.thu", phone.json().get("consentBy").asText());

        Answer village = call("GET", "/api/villages/thon-dong/mirror", operator, null);
        assertEquals(200, village.status());
        assertEquals(2, village.json().get("targets").size());
        assertEquals(403, call("GET", "/api/villages/thon-dong/mirror", tech, null).status(),
                "a technician never sees the phone list");
        assertEquals(404, call("GET", "/api/villages/thon-nam/mirror", operator, null).status());

        Answer seen = call("GET", "/api/channels", tech, null);
        assertEquals(200, seen.status());
        assertEquals(2, seen.json().size());
        JsonNode tg = seen.json().get(1).get("id").asText().equals("telegram-1") ? seen.json().get(1) : seen.json().get(0);
        assertEquals(1, tg.get("targets").asInt());

        Answer test = call("POST", "/api/channels/telegram-1/test", operator, Map.of("target", groupId));
        assertEquals(201, test.status(), String.valueOf(test.json()));
        long testId = test.json().get("id").asLong();
        Answer log = call("GET", "/api/mirror/deliveries?state=PENDING&channel=telegram-1", tech, null);
        assertEquals(200, log.status());
        assertEquals(testId, log.json().get(0).get("id").asLong());
        assertEquals("TEST", log.json().get(0).get("kind").asText());
        assertEquals(400, call("GET", "/api/mirror/deliveries?limit=lots", tech, null).status());
        assertEquals(409, call("POST", "/api/mirror/deliveries/" + testId + "/retry", operator, null).status(),
                "a PENDING message is already in line");
        assertEquals(403, call("POST", "/api/mirror/deliveries/" + testId + "/retry", tech, null).status());

        StringBuilder everything = new StringBuilder();
        for (String path : List.of("/api/channels", "/api/villages/thon-dong/mirror", "/api/mirror/deliveries",
                "/api/audit?limit=100")) {
            everything.append(call("GET", path, admin, null).json());
        }
        assertTrue(everything.toString().contains("mirror.phone.add"), "the audit log was read");
        assertFalse(everything.toString().contains("very-secret"), everything.toString());
        assertFalse(everything.toString().contains("912345678"), everything.toString());

        assertEquals(204, call("DELETE", "/api/villages/thon-dong/mirror/phones/" + phone.json().get("id").asText(),
                operator, null).status());
        assertEquals(1, call("GET", "/api/villages/thon-dong/mirror", operator, null).json().get("targets").size());
        assertEquals(204, call("DELETE", "/api/channels/telegram-1", admin, null).status());
        assertEquals("CANCELLED", call("GET", "/api/mirror/deliveries", admin, null).json().get(0).get("state").asText(),
                "the channel's waiting test went with it");
    }

    @Test
    void anAlertsStatusListsItsChatAndSmsMessagesAndAVillageHeadSeesThoseOfTheirVillages() throws Exception {
        Answer clip = api.api.upload(operator, Fixtures.path(Fixtures.ITEM_660HZ_1S), "lu.mp3",
                Map.of("title", "Lũ", "category", "warning"));
        assertEquals(201, clip.status(), String.valueOf(clip.json()));
        Answer alert = call("POST", "/api/alerts", operator, Map.of("villages", List.of("*"),
                "contentId", clip.json().get("id").asText(), "priority", "EMERGENCY", "reason", "Lũ về"));
        assertEquals(201, alert.status(), String.valueOf(alert.json()));
        String alertId = alert.json().get("id").asText();
        assertEquals(List.of(), list(call("GET", "/api/alerts/" + alertId, operator, null).json().get("mirror")),
                "no channel yet: an empty list");

        call("POST", "/api/channels", admin, Map.of("id", "tg", "kind", "TELEGRAM", "name", "Telegram"));
        String dong = call("PUT", "/api/villages/thon-dong/mirror", admin, Map.of("targets", List.of(Map.of("channel",
                "tg", "address", "-100111", "label", "Nhóm Đông")))).json().get("targets").get(0).get("id").asText();
        String tay = call("PUT", "/api/villages/thon-tay/mirror", admin, Map.of("targets", List.of(Map.of("channel",
                "tg", "address", "-100222", "label", "Nhóm Tây")))).json().get("targets").get(0).get("id").asText();
        // Rows as the sender writes them when the alert goes out.
        api.store.transaction(c -> {
            for (String[] row : List.of(new String[]{"thon-dong", dong, "SENT"}, new String[]{"thon-tay", tay, "FAILED"})) {
                try (PreparedStatement s = c.prepareStatement("""
                        INSERT INTO mirror_outbox (kind, ref, village, channel_id, target_id, priority, payload_json,
                            state, next_at, give_up_at, last_error, created_at, sent_at)
                        VALUES ('ALERT', ?, ?, 'tg', ?, 0, '{}', ?, '2026-12-06T05:10:00.000Z',
                            '2099-01-01T00:00:00.000Z', ?, '2026-12-06T05:10:00.000Z', ?)""")) {
                    s.setString(1, alertId);
                    s.setString(2, row[0]);
                    s.setString(3, row[1]);
                    s.setString(4, row[2]);
                    s.setString(5, row[2].equals("FAILED") ? "bot bị xoá khỏi nhóm / bot was kicked" : null);
                    s.setString(6, row[2].equals("SENT") ? "2026-12-06T05:10:02.000Z" : null);
                    s.executeUpdate();
                }
            }
            return null;
        });

        JsonNode status = call("GET", "/api/alerts/" + alertId, operator, null).json();
        assertTrue(status.get("deliveries").isArray(), "the alert's own status is unchanged: " + status);
        assertEquals(List.of("Nhóm Đông", "Nhóm Tây"), list(status.get("mirror")).stream()
                .map(m -> m.get("target").asText()).toList());
        assertEquals("SENT", status.get("mirror").get(0).get("state").asText());
        assertEquals("2026-12-06T05:10:02Z", status.get("mirror").get(0).get("sentAt").asText());
        assertEquals("bot bị xoá khỏi nhóm / bot was kicked", status.get("mirror").get(1).get("lastError").asText());

        String head = api.api.login("truong.dong", PASSWORD);
        JsonNode headView = call("GET", "/api/alerts/" + alertId, head, null).json();
        assertEquals(List.of("Nhóm Đông"), list(headView.get("mirror")).stream().map(m -> m.get("target").asText())
                .toList(), "a village head sees their own village's messages");

        JsonNode failed = call("GET", "/api/mirror/deliveries?alert=" + alertId + "&state=FAILED", operator, null).json();
        assertEquals(1, failed.size());
        Answer retried = call("POST", "/api/mirror/deliveries/" + failed.get(0).get("id").asLong() + "/retry", operator,
                null);
        assertEquals(200, retried.status(), String.valueOf(retried.json()));
        assertEquals("PENDING", retried.json().get("state").asText());
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
