package vn.loalang.controller.mirror.channel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinylog.Level;
import vn.loalang.controller.mirror.ChannelConfig;
import vn.loalang.controller.mirror.ChannelKind;
import vn.loalang.controller.mirror.FileChannelSecrets;
import vn.loalang.controller.mirror.MirrorTarget;
import vn.loalang.controller.mirror.Outcome;
import vn.loalang.controller.testing.CapturedLog;
import vn.loalang.controller.testing.fake.FakeHttpApi.Answer;
import vn.loalang.controller.testing.fake.ZaloFake;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ZaloChannelTest {
    private static final String APP_ID = "1209384756102938475";
    private static final String SECRET_KEY = "zalo-app-SECRET-K3y";
    private static final String ACCESS = "zalo-ACCESS-token-first";
    private static final String REFRESH = "zalo-REFRESH-token-first";
    private static final Instant NOW = Instant.parse("2026-12-06T05:10:00Z");

    @TempDir
    Path dir;
    private ZaloFake zalo;
    private ChannelConfig config;
    private ZaloChannel channel;
    private final MirrorTarget group = Fixtures.target("zl", "gr-thon-dong-8841");

    @BeforeEach
    void start() {
        zalo = new ZaloFake(APP_ID, SECRET_KEY, ACCESS, REFRESH).group("gr-thon-dong-8841");
        config = Fixtures.config(dir, "zl", ChannelKind.ZALO, Fixtures.settings(zalo.base(), "oauthBase",
                        zalo.base().toString(), "appId", APP_ID, "requestTimeoutSeconds", "2"),
                Map.of("appSecret", SECRET_KEY, "accessToken", ACCESS, "refreshToken", REFRESH));
        channel = new ZaloChannel(config, Fixtures.HTTP, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        zalo.close();
    }

    @Test
    void anAlertGoesToTheGroupAsTextWithItsLink() {
        Outcome.Sent sent = assertInstanceOf(Outcome.Sent.class,
                channel.send(Fixtures.alert(31, Fixtures.ALERT_TEXT, null), group));

        assertEquals("gmsg1", sent.remoteId());
        ZaloFake.GroupMessage m = zalo.messages().get(0);
        assertEquals("gr-thon-dong-8841", m.groupId());
        assertTrue(m.text().startsWith("🔴 CẢNH BÁO KHẨN"), m.text());
        assertTrue(m.text().endsWith("Nghe lại: https://xa-hung-thuy.vn/nghe-lai/canh-bao/31?n=zalo"), m.text());
        assertEquals(ACCESS, zalo.requests().get(0).header("access_token"));
    }

    @Test
    void anExpiredTokenIsRenewedWrittenToTheCardFirstThenTheMessageSentOnce() {
        zalo.expireAccessToken();
        FileChannelSecrets file = (FileChannelSecrets) config.secrets();
        List<Map<String, String>> onCardWhenUsed = new java.util.ArrayList<>();
        // The first request fails (-220), the second is the refresh, the third the resend: before answering it, look
        // at what is on the card.
        zalo.next(r -> ZaloFake.error(-220, "Access token has expired"));
        zalo.next(r -> {
            zalo.otherwise(req -> {
                if (req.path().equals("/v3.0/oa/group/message")) {
                    onCardWhenUsed.add(file.read());
                    zalo.otherwise(req2 -> Answer.text(500, "unexpected"));
                    return Answer.json(200, "{\"error\":0,\"message\":\"Success\",\"data\":{\"message_id\":\"g9\"}}");
                }
                return Answer.text(500, "unexpected");
            });
            return refreshAnswer(r);
        });

        Outcome o = channel.send(Fixtures.session(32), group);

        assertEquals(new Outcome.Sent("g9"), o);
        assertEquals(3, zalo.requests().size());
        var refresh = zalo.requests().get(1);
        assertEquals("/v4/oa/access_token", refresh.path());
        assertEquals(SECRET_KEY, refresh.header("secret_key"));
        Map<String, String> form = form(refresh.text());
        assertEquals(Map.of("refresh_token", REFRESH, "app_id", APP_ID, "grant_type", "refresh_token"), form);
        assertEquals("new-access-1", zalo.requests().get(2).header("access_token"));
        assertEquals("new-refresh-1", onCardWhenUsed.get(0).get("refreshToken"), "written before the new token is used");
        assertEquals("new-access-1", onCardWhenUsed.get(0).get("accessToken"));
        assertEquals(NOW.plusSeconds(90_000 - 60).toString(), file.read().get("accessTokenExpiresAt"));
        assertEquals(SECRET_KEY, file.read().get("appSecret"), "the other secrets are kept");
    }

    private static Answer refreshAnswer(vn.loalang.controller.testing.fake.FakeHttpApi.Request r) {
        return Answer.json(200, "{\"access_token\":\"new-access-1\",\"refresh_token\":\"new-refresh-1\","
                + "\"expires_in\":\"90000\"}");
    }

    @Test
    void theRealRotationAgainstTheFakeWorksTwiceAndAReusedRefreshTokenIsRefused() {
        zalo.expireAccessToken();
        assertInstanceOf(Outcome.Sent.class, channel.send(Fixtures.session(33), group));
        String firstRenewed = config.secrets().read().get("refreshToken");
        assertEquals(zalo.refreshToken(), firstRenewed);

        zalo.expireAccessToken();
        assertInstanceOf(Outcome.Sent.class, channel.send(Fixtures.session(34), group));
        assertEquals(zalo.refreshToken(), config.secrets().read().get("refreshToken"));
        assertEquals(2, zalo.messages().size());

        // An old backup restored: the spent refresh token comes back.
        Map<String, String> restored = new HashMap<>(config.secrets().read());
        restored.put("refreshToken", firstRenewed);
        restored.put("accessToken", "an-old-access-token");
        config.secrets().write(restored);
        Outcome.ChannelDown down = assertInstanceOf(Outcome.ChannelDown.class, channel.send(Fixtures.session(35), group));

        assertTrue(down.reason().contains("mã làm mới") && down.reason().contains("API Explorer"), down.reason());
        assertTrue(down.reason().contains("-14014"), down.reason());
        var renewed = CapturedLog.lines(ZaloChannel.class, Level.INFO, "renewed Zalo's access token");
        assertTrue(renewed.size() >= 2, "the renewals are logged");
        Fixtures.neverShown(down.reason(), SECRET_KEY, REFRESH, ACCESS, firstRenewed, zalo.accessToken());
    }

    @Test
    void aTokenPastItsExpiryIsRenewedBeforeSending() {
        Map<String, String> s = new HashMap<>(config.secrets().read());
        s.put("accessTokenExpiresAt", NOW.minusSeconds(1).toString());
        config.secrets().write(s);

        assertInstanceOf(Outcome.Sent.class, channel.send(Fixtures.session(36), group));

        assertEquals("/v4/oa/access_token", zalo.requests().get(0).path(), "renewed first, no failed send");
        assertEquals(2, zalo.requests().size());
    }

    @Test
    void aTokenWithMinutesLeftIsRenewedFirstAndTheOAuthServerIsTheApiBaseWhenOnlyThatIsSet() {
        ChannelConfig onlyApiBase = Fixtures.config(dir, "zl2", ChannelKind.ZALO, Fixtures.settings(zalo.base(),
                "appId", APP_ID), Map.of("appSecret", SECRET_KEY, "accessToken", ACCESS, "refreshToken", REFRESH,
                "accessTokenExpiresAt", NOW.plusSeconds(120).toString()));
        ZaloChannel ahead = new ZaloChannel(onlyApiBase, Fixtures.HTTP, Clock.fixed(NOW, ZoneOffset.UTC));

        assertInstanceOf(Outcome.Sent.class, ahead.send(Fixtures.session(50), group));

        assertEquals(List.of("/v4/oa/access_token", "/v3.0/oa/group/message"),
                zalo.requests().stream().map(r -> r.path()).toList());
    }

    @Test
    void anOperatorWhoTypedOnlyTheAppSecretAndARefreshTokenIsServed() {
        config.secrets().write(Map.of("appSecret", SECRET_KEY, "refreshToken", REFRESH));

        assertInstanceOf(Outcome.Sent.class, channel.send(Fixtures.session(51), group));

        assertEquals(2, zalo.requests().size());
        assertEquals(zalo.accessToken(), zalo.requests().get(1).header("access_token"));
    }

    @Test
    void theUpkeepRenewsAheadOfExpiryOnlyWhenDue() {
        Map<String, String> s = new HashMap<>(config.secrets().read());
        s.put("accessTokenExpiresAt", NOW.plus(Duration.ofHours(10)).toString());
        config.secrets().write(s);

        assertNull(channel.refreshIfExpiringWithin(Duration.ofHours(6)));
        assertEquals(0, zalo.requests().size());
        assertNull(channel.refreshIfExpiringWithin(Duration.ofHours(12)));
        assertEquals(1, zalo.requests().size());
        assertEquals(zalo.accessToken(), config.secrets().read().get("accessToken"));
    }

    @Test
    void anInvalidTokenAfterARenewalIsChannelDownNotALoop() {
        zalo.next(ZaloFake.error(-216, "Access token is invalid"));
        zalo.next(r -> refreshAnswer(r));
        zalo.next(ZaloFake.error(-216, "Access token is invalid"));

        assertInstanceOf(Outcome.ChannelDown.class, channel.send(Fixtures.session(37), group));
        assertEquals(3, zalo.requests().size());
    }

    @Test
    void aFreshTokenRefusedAtOnceIsNotRenewedTwice() {
        config.secrets().write(Map.of("appSecret", SECRET_KEY, "refreshToken", REFRESH));
        zalo.next(r -> refreshAnswer(r)).next(ZaloFake.error(-216, "Access token is invalid"));

        assertInstanceOf(Outcome.ChannelDown.class, channel.send(Fixtures.session(52), group));

        assertEquals(2, zalo.requests().size(), "one refresh, one send: a single-use token is not spent in a loop");
    }

    @Test
    void twoObjectsOfOneChannelSpendTheRefreshTokenOnce() throws Exception {
        ZaloChannel remade = new ZaloChannel(config, Fixtures.HTTP, Clock.fixed(NOW, ZoneOffset.UTC));
        zalo.expireAccessToken();
        zalo.holdRefreshFor(Duration.ofSeconds(1));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> channel.send(Fixtures.session(53), group));
            var b = pool.submit(() -> remade.send(Fixtures.session(54), group));

            assertInstanceOf(Outcome.Sent.class, a.get(10, java.util.concurrent.TimeUnit.SECONDS));
            assertInstanceOf(Outcome.Sent.class, b.get(10, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, zalo.requests().stream().filter(r -> r.path().equals("/v4/oa/access_token")).count());
        assertEquals(zalo.refreshToken(), config.secrets().read().get("refreshToken"));
    }

    @Test
    void anExpiryPastWhatATimeCanHoldStillKeepsTheNewPairAndIsTakenAsThirtyDays() {
        zalo.expiresIn("9000000000000000000");
        zalo.expireAccessToken();

        assertInstanceOf(Outcome.Sent.class, channel.send(Fixtures.session(39), group));

        Map<String, String> kept = config.secrets().read();
        assertEquals(zalo.refreshToken(), kept.get("refreshToken"), "the only valid refresh token is written");
        assertEquals(zalo.accessToken(), kept.get("accessToken"));
        Instant expires = Instant.parse(kept.get("accessTokenExpiresAt"));
        assertTrue(!expires.isAfter(NOW.plus(Duration.ofDays(30))) && expires.isAfter(NOW.plus(Duration.ofDays(29))),
                "clamped to 30 days: " + expires);

        zalo.expiresIn("-5");
        zalo.expireAccessToken();
        assertInstanceOf(Outcome.Sent.class, channel.send(Fixtures.session(40), group));
        assertEquals(NOW.plusSeconds(60).toString(), config.secrets().read().get("accessTokenExpiresAt"),
                "at least a minute");
    }

    @Test
    void theCallLimitPausesTheChannelForAMinute() {
        zalo.next(ZaloFake.error(-32, "The number of calls of the application has exceeded the limit"));

        Outcome.Retry r = assertInstanceOf(Outcome.Retry.class, channel.send(Fixtures.session(38), group));

        assertEquals(Duration.ofSeconds(60), r.after());
        assertTrue(r.wholeChannel());
    }

    @Test
    void quotaTierAndMoneyTakeTheChannelDownAGroupGoneIsTheTargetOnly() {
        zalo.next(ZaloFake.error(-211, "Out of quota"))
                .next(ZaloFake.error(-224, "OA has not been allowed to use this feature"))
                .next(ZaloFake.error(-321, "Zalo Cloud Account is not enough money"))
                .next(ZaloFake.error(-237, "Group is disabled"));

        Outcome quota = channel.send(Fixtures.session(39), group);
        Outcome tier = channel.send(Fixtures.session(40), group);
        Outcome money = channel.send(Fixtures.session(41), group);
        Outcome disabled = channel.send(Fixtures.session(42), group);
        Outcome notMember = channel.send(Fixtures.session(43), Fixtures.target("zl", "gr-someone-else"));

        assertTrue(((Outcome.ChannelDown) quota).reason().contains("hạn mức"));
        assertTrue(((Outcome.ChannelDown) tier).reason().contains("gói OA"));
        assertTrue(((Outcome.ChannelDown) money).reason().contains("hết tiền"));
        assertTrue(((Outcome.TargetGone) disabled).reason().contains("-237"));
        assertTrue(((Outcome.TargetGone) notMember).reason().contains("OA không còn trong nhóm"));
    }

    @Test
    void anUndocumentedErrorIsRefusedForThisMessage() {
        zalo.next(ZaloFake.error(-201, "Parameters are invalid"));

        Outcome.Refused r = assertInstanceOf(Outcome.Refused.class, channel.send(Fixtures.session(44), group));

        assertTrue(r.reason().contains("-201 Parameters are invalid"), r.reason());
    }

    @Test
    void garbageAServerErrorAndSilenceAreRetries() {
        zalo.next(Answer.text(200, "<html>maintenance</html>")).next(Answer.text(503, "busy")).next(Answer.hang());

        assertInstanceOf(Outcome.Retry.class, channel.send(Fixtures.session(45), group));
        assertInstanceOf(Outcome.Retry.class, channel.send(Fixtures.session(46), group));
        Outcome.Retry silent = assertInstanceOf(Outcome.Retry.class, channel.send(Fixtures.session(47), group));
        assertTrue(silent.reason().contains("2 s"), silent.reason());
    }

    @Test
    void aRefreshThatTimesOutIsARetryAndKeepsTheRefreshToken() {
        zalo.next(ZaloFake.error(-220, "Access token has expired")).next(Answer.hang());

        assertInstanceOf(Outcome.Retry.class, channel.send(Fixtures.session(48), group));

        assertEquals(REFRESH, config.secrets().read().get("refreshToken"));
    }

    @Test
    void missingSecretsAreSaidPlainly() {
        config.secrets().write(Map.of("accessToken", ACCESS));
        zalo.next(ZaloFake.error(-216, "Access token is invalid"));

        Outcome.ChannelDown down = assertInstanceOf(Outcome.ChannelDown.class, channel.send(Fixtures.session(49), group));

        assertTrue(down.reason().contains("thiếu mã làm mới"), down.reason());
        assertFalse(down.reason().contains(ACCESS));
    }

    private static Map<String, String> form(String body) {
        Map<String, String> m = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            m.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return m;
    }
}
