package vn.loalang.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.Pcm;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.testing.fake.EsmsFake;
import vn.loalang.controller.testing.fake.TelegramFake;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.station.EventType;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.MosquittoBroker;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 19, the morning a storm warning comes in, end to end: a village head types the warning; it sounds on the
 * village's loudspeaker, goes to the village's Telegram group with its text and a "Nghe lại" link, and tries the
 * SMS list through eSMS, whose account is out of money: the channel shows DOWN with the reason, the loudspeaker and
 * the group are not held up by it, and once the account is topped up and the administrator saves the keys again the
 * waiting SMS goes. A resident opens the link without logging in and plays the warning; the reach report counts the
 * loudspeaker, the listen, the chat message and the SMS. Outside services are local servers answering as each
 * service documents (these machines reach none).
 */
class StormMorningTest {
    static final ZonedDateTime DAWN = ZonedDateTime.of(2026, 11, 24, 5, 10, 0, 0, ZoneId.of(TestCommune.ZONE));
    static final String PASSWORD = "mat-khau-quan-tri";
    static final Duration WAIT = Duration.ofSeconds(45);
    static final String BOT_TOKEN = "123456:AAHbotTokenOfTheCommuneXyZ";
    static final String GROUP = "-1001234567890";
    static final String WARNING = "Mực nước sông Hồng lên 2,5 m lúc 17h. Bà con thôn Tây di chuyển lên chỗ cao.";

    @TempDir
    Path dir;
    TestClock clock;
    MosquittoBroker mosquitto;
    Controller controller;
    SimulatedStation tay;
    TelegramFake telegram;
    EsmsFake esms;
    ApiClient api;
    final HttpClient resident = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        clock = new TestClock(DAWN.toInstant());
        telegram = new TelegramFake(BOT_TOKEN);
        esms = new EsmsFake("api-key-xa", "secret-key-xa", "UBND XA");
        esms.outOfBalance(true);
        mosquitto = MosquittoBroker.start(dir.resolve("broker"));
        controller = Controller.start(ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                        .withHttp("127.0.0.1", Ports.free(), null).withExternalBroker(mosquitto.url(), null, null)
                        .withMirrorAllowLocal(true), // the fakes are on this machine
                clock, new PasswordHasher(1000), () -> PASSWORD, new PrintStream(OutputStream.nullOutputStream()));
        api = new ApiClient(controller.contentPort());
        tay = new SimulatedStation("thon-tay-1", mosquitto.url(), controller.keyId(), controller.publicKeyPem(),
                dir.resolve("thon-tay-1"), clock, false, 300, 100).start();
        await("thon-tay-1 holds its schedule").atMost(WAIT).until(() -> tay.agent().schedule().isPresent());
    }

    @AfterEach
    void stop() throws Exception {
        Closing.inOrder(tay, controller, mosquitto, telegram, esms);
    }

    private JsonNode ok(int status, ApiClient.Answer a) {
        assertEquals(status, a.status(), String.valueOf(a.json()));
        return a.json();
    }

    @Test
    void theWarningSoundsGoesToTheGroupWaitsForTheSmsAccountIsHeardAgainAndIsCounted() throws Exception {
        String admin = api.login("admin", PASSWORD);
        // The communication officer's set-up, done once: the village's Telegram group and its SMS list.
        ok(201, api.call("POST", "/api/channels", admin, Map.of("id", "telegram", "kind", "TELEGRAM",
                "name", "Telegram xã", "settings", Map.of("apiBase", telegram.base().toString()))));
        ok(200, api.call("PUT", "/api/channels/telegram/secret", admin, Map.of("secrets", Map.of("botToken", BOT_TOKEN))));
        ok(201, api.call("POST", "/api/channels", admin, Map.of("id", "esms", "kind", "ESMS", "name", "eSMS",
                "settings", Map.of("apiBase", esms.base().toString(), "brandname", "UBND XA"))));
        ok(200, api.call("PUT", "/api/channels/esms/secret", admin, Map.of("secrets", Map.of("apiKey", "api-key-xa",
                "secretKey", "secret-key-xa"))));
        ok(200, api.call("PUT", "/api/villages/thon-tay/mirror", admin, Map.of("targets", List.of(Map.of(
                "channel", "telegram", "address", GROUP, "label", "Nhóm Zalo thôn Tây", "categories", List.of())))));
        ok(201, api.call("POST", "/api/villages/thon-tay/mirror/phones", admin, Map.of("channel", "esms",
                "phone", "0912 345 678", "label", "Hộ ông Ba (khiếm thính)", "consent", true)));
        ok(201, api.call("POST", "/api/users", admin, Map.of("username", "truong.tay", "role", "VILLAGE_HEAD",
                "villages", List.of("thon-tay"), "password", "mat-khau-truong-thon")));
        String head = api.login("truong.tay", "mat-khau-truong-thon");

        // 05:10: the village head types the warning.
        Map<String, Object> typed = Map.of("villages", List.of("thon-tay"), "text", WARNING, "language", "vi",
                "title", "Lũ sông Hồng", "reason", "lũ", "durationMinutes", 120);
        java.time.Instant pressed = java.time.Instant.now();
        String id = ok(201, api.call("POST", "/api/alerts", head, typed)).get("id").asText();

        await("the warning played on thôn Tây's loudspeaker").atMost(WAIT).until(() -> controller.monitor().eventLog()
                .events(tay.id()).stream().anyMatch(e -> e.type() == EventType.SESSION_FINISHED && id.equals(e.sessionId())));
        TelegramFake.Posted post = await("the village's group got the warning").atMost(WAIT)
                .until(() -> telegram.posted().stream().filter(p -> GROUP.equals(p.chatId()) && p.text() != null
                        && p.text().contains(WARNING.substring(0, 30))).findFirst(), Optional::isPresent).orElseThrow();
        assertTrue(post.text().contains("2,5 m lúc 17h"), "the group reads the digits as typed: " + post.text());
        Matcher link = Pattern.compile("(http://\\S+/nghe-lai/canh-bao/" + Pattern.quote(id) + "\\?n=telegram)")
                .matcher(post.text());
        assertTrue(link.find(), "with the link to hear it again: " + post.text());
        // What the officer feels (docs/benchmarks.md): from the button to the loudspeaker and to the group's message.
        java.time.Instant sounded = controller.monitor().eventLog().events(tay.id()).stream()
                .filter(e -> e.type() == EventType.SESSION_STARTED && id.equals(e.sessionId())).findFirst().orElseThrow()
                .at();
        java.time.Instant posted = telegram.requests().stream().filter(r -> r.path().endsWith("/sendMessage"))
                .findFirst().orElseThrow().at();
        System.out.printf("[StormMorningTest] typed warning (spoken by espeak-ng): button → loudspeaker session started"
                        + " %d ms (station clock), button → Telegram group %d ms%n",
                Duration.between(clock.instant().minus(Duration.between(pressed, java.time.Instant.now())), sounded)
                        .toMillis(), Duration.between(pressed, posted).toMillis());

        // The SMS account is out of money: the channel says so, and its message waits rather than being lost.
        JsonNode down = await("eSMS is shown down with its reason").atMost(WAIT).until(() -> channel(admin, "esms"),
                c -> "DOWN".equals(c.path("status").asText()));
        assertTrue(down.path("statusDetail").asText().contains("103"), down.toString());
        assertTrue(esms.accepted().isEmpty());

        // A resident opens the link without logging in, and plays the warning from its start.
        HttpResponse<String> page = resident.send(HttpRequest.newBuilder(URI.create(link.group(1))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("sông Hồng lên 2,5 m"), page.body());
        Matcher audio = Pattern.compile("src=\"([^\"]+\\.mp3[^\"]*)\"").matcher(page.body());
        assertTrue(audio.find(), "the page has a player: " + page.body());
        URI audioUrl = URI.create(link.group(1)).resolve(audio.group(1).replace("&amp;", "&"));
        Path mp3 = dir.resolve("nghe-lai.mp3");
        HttpResponse<Path> played = resident.send(HttpRequest.newBuilder(audioUrl).header("User-Agent", "Zalo in-app")
                .build(), HttpResponse.BodyHandlers.ofFile(mp3));
        assertEquals(200, played.statusCode());
        Pcm heard = AudioDecoder.decodeAll(mp3);
        assertTrue(heard.frames() > heard.format().sampleRate(), "more than a second of the spoken warning");
        assertTrue(Files.size(mp3) > 0);

        // The account is topped up and the officer presses "Gửi thử": the test goes, and with it the waiting warning.
        esms.outOfBalance(false);
        String phone = null;
        for (JsonNode t : ok(200, api.call("GET", "/api/villages/thon-tay/mirror", admin, null)).get("targets")) {
            phone = "esms".equals(t.path("channel").asText()) ? t.path("id").asText() : phone;
        }
        ok(201, api.call("POST", "/api/channels/esms/test", admin, Map.of("target", phone)));
        EsmsFake.Sms sms = await("the warning's SMS went once the account could pay").atMost(WAIT)
                .until(() -> esms.accepted().stream().filter(m -> m.content().contains("2,5 m")).findFirst(),
                        Optional::isPresent).orElseThrow();
        assertEquals("0912345678", sms.phone());
        assertEquals("OK", channel(admin, "esms").path("status").asText());

        // "How many did we reach?": the loudspeaker, the listen, the group message and the SMS.
        controller.listenCounts().flush();
        JsonNode reach = await("the reach report counts it all").atMost(WAIT).until(() -> alertReach(admin, id),
                r -> r.path("smsSent").asLong() == 1 && r.path("loudspeakersCompleted").asInt() == 1);
        assertEquals(1, reach.path("loudspeakers").asInt(), reach.toString());
        assertEquals(1, reach.path("chatMessages").asLong(), reach.toString());
        assertEquals(1, reach.path("listens").asLong(), reach.toString());
    }

    private JsonNode channel(String token, String id) throws Exception {
        for (JsonNode c : api.call("GET", "/api/channels", token, null).json()) {
            if (id.equals(c.path("id").asText())) {
                return c;
            }
        }
        throw new AssertionError("no channel " + id);
    }

    private JsonNode alertReach(String token, String id) throws Exception {
        JsonNode answer = api.call("GET", "/api/reports/alerts?day=" + DAWN.toLocalDate(), token, null).json();
        JsonNode rows = answer.isArray() ? answer : answer.path("alerts");
        for (JsonNode r : rows) {
            if (id.equals(r.path("alertId").asText())) {
                return r;
            }
        }
        throw new AssertionError("alert " + id + " not in the reach report: " + answer);
    }
}
