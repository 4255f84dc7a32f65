package vn.loalang.controller.mirror.channel;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tinylog.Level;
import vn.loalang.controller.mirror.ChannelConfig;
import vn.loalang.controller.mirror.ChannelKind;
import vn.loalang.controller.mirror.MirrorTarget;
import vn.loalang.controller.mirror.Outcome;
import vn.loalang.controller.testing.CapturedLog;
import vn.loalang.controller.testing.fake.FakeHttpApi.Answer;
import vn.loalang.controller.testing.fake.TelegramFake;
import vn.loalang.protocol.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TelegramChannelTest {
    private static final String TOKEN = "7301234567:AAH-secret-bot-token-thon-dong_x9";

    @TempDir
    Path dir;
    private TelegramFake telegram;
    private TelegramChannel channel;
    private final MirrorTarget group = Fixtures.target("tg", "-1001234567890");

    @BeforeEach
    void start() {
        telegram = new TelegramFake(TOKEN);
        channel = channel(Map.of("botToken", TOKEN), "2");
    }

    @AfterEach
    void stop() {
        telegram.close();
    }

    private TelegramChannel channel(Map<String, String> secrets, String timeout) {
        ChannelConfig config = Fixtures.config(dir, "tg", ChannelKind.TELEGRAM,
                Fixtures.settings(telegram.base(), "requestTimeoutSeconds", timeout), secrets);
        return new TelegramChannel(config, Fixtures.HTTP, Clock.systemUTC());
    }

    @Test
    void anAlertIsPostedWithItsLinkAndItsMessageId() throws Exception {
        Outcome o = channel.send(Fixtures.alert(7, Fixtures.ALERT_TEXT, null), group);

        Outcome.Sent sent = assertInstanceOf(Outcome.Sent.class, o);
        assertEquals("101", sent.remoteId());
        TelegramFake.Posted p = telegram.posted().get(0);
        assertEquals("-1001234567890", p.chatId());
        assertTrue(p.text().startsWith("🔴 CẢNH BÁO KHẨN — Lũ trên sông Kiến Giang\n"), p.text());
        assertTrue(p.text().endsWith("\nNghe lại: https://xa-hung-thuy.vn/nghe-lai/canh-bao/7?n=telegram"), p.text());
        JsonNode body = Json.mapper().readTree(telegram.requests().get(0).body());
        assertTrue(body.path("link_preview_options").path("is_disabled").asBoolean());
        assertEquals("application/json", telegram.requests().get(0).header("Content-Type"));
    }

    @Test
    void aTextLongerThanTelegramTakesIsCutAfterASentenceAndKeepsItsLink() {
        String longText = "Bản tin dài. ".repeat(400) + "\nNghe lại: https://xa-hung-thuy.vn/nghe-lai/canh-bao/8";

        assertInstanceOf(Outcome.Sent.class, channel.send(Fixtures.alert(8, longText, null), group));

        String posted = telegram.posted().get(0).text();
        assertTrue(posted.length() <= 4096, "length " + posted.length());
        assertTrue(posted.endsWith("Bản tin dài.\nNghe lại: https://xa-hung-thuy.vn/nghe-lai/canh-bao/8?n=telegram"),
                posted.substring(posted.length() - 120));
    }

    @Test
    void theAudioIsUploadedOnceThenSentByItsFileId() throws Exception {
        Path mp3 = dir.resolve("canh-bao.mp3");
        Files.write(mp3, new byte[40_000]);

        assertInstanceOf(Outcome.Sent.class, channel.send(Fixtures.alert(9, "Cảnh báo lũ.", mp3), group));
        assertInstanceOf(Outcome.Sent.class, channel.send(Fixtures.alert(10, "Cảnh báo lũ.", mp3),
                Fixtures.target("tg", "-1009876543210")));

        assertEquals(1, telegram.uploads(), "one upload for two groups");
        var audios = telegram.posted().stream().filter(p -> p.method().equals("sendAudio")).toList();
        assertEquals(2, audios.size());
        assertEquals(audios.get(0).audio(), audios.get(1).audio(), "the second is sent by the first's file_id");
        assertEquals("Cảnh báo lũ sông Kiến Giang", audios.get(0).text(), "the caption is the title");
        var upload = telegram.requests().stream().filter(r -> r.path().endsWith("/sendAudio")).findFirst().orElseThrow();
        assertTrue(upload.header("Content-Type").startsWith("multipart/form-data; boundary="));
        assertTrue(upload.body().length > 40_000, "the file is in the upload");
        assertEquals(1, CapturedLog.lines(TelegramChannel.class, Level.INFO, "uploading the audio of delivery 9").size());
    }

    @Test
    void aRateLimitPausesTheWholeChannelForWhatTelegramSays() {
        telegram.next(TelegramFake.tooManyRequests(15));

        Outcome.Retry r = assertInstanceOf(Outcome.Retry.class, channel.send(Fixtures.session(11), group));

        assertEquals(Duration.ofSeconds(15), r.after());
        assertTrue(r.wholeChannel());
        assertTrue(r.reason().contains("giới hạn tốc độ") && r.reason().contains("rate limit"), r.reason());
    }

    @Test
    void aKickedBotAndAnUnknownChatAreTargetsGone() {
        telegram.next(TelegramFake.kicked()).next(TelegramFake.chatNotFound());

        Outcome.TargetGone kicked = assertInstanceOf(Outcome.TargetGone.class, channel.send(Fixtures.session(12), group));
        Outcome.TargetGone unknown = assertInstanceOf(Outcome.TargetGone.class, channel.send(Fixtures.session(13), group));

        assertTrue(kicked.reason().contains("kicked"), kicked.reason());
        assertTrue(unknown.reason().contains("chat not found"), unknown.reason());
    }

    @Test
    void aBotWithoutTheRightToPostIsThatTargetGoneWithWhatToDo() {
        telegram.next(Answer.json(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: not enough"
                + " rights to send text messages to the chat\"}"));

        Outcome.TargetGone g = assertInstanceOf(Outcome.TargetGone.class, channel.send(Fixtures.session(24), group));

        assertTrue(g.reason().contains("quản trị viên"), g.reason());
    }

    @Test
    void aGroupThatBecameASupergroupHasMoved() {
        telegram.next(TelegramFake.migrated(-1009999999999L));

        Outcome.Moved m = assertInstanceOf(Outcome.Moved.class, channel.send(Fixtures.session(14), group));

        assertEquals("-1009999999999", m.newAddress());
    }

    @Test
    void aWrongTokenTakesTheChannelDownWithoutQuotingIt() {
        TelegramChannel wrong = channel(Map.of("botToken", "7301234567:WRONG-token-never-shown"), "2");

        Outcome.ChannelDown down = assertInstanceOf(Outcome.ChannelDown.class, wrong.send(Fixtures.session(15), group));

        assertTrue(down.reason().contains("@BotFather"), down.reason());
        Fixtures.neverShown(down.reason(), "WRONG-token-never-shown", TOKEN);
    }

    @Test
    void noTokenAtAllIsChannelDown() {
        TelegramChannel none = channel(Map.of(), "2");

        assertInstanceOf(Outcome.ChannelDown.class, none.send(Fixtures.session(16), group));
        assertEquals(0, telegram.requests().size());
    }

    @Test
    void anotherRefusalIsForThisMessageOnly() {
        telegram.next(TelegramFake.tooLong());

        Outcome.Refused r = assertInstanceOf(Outcome.Refused.class, channel.send(Fixtures.session(17), group));

        assertTrue(r.reason().contains("message is too long"), r.reason());
    }

    @Test
    void aServerErrorAGarbageBodyAndASilenceAreRetries() {
        telegram.next(Answer.text(502, "<html>Bad Gateway</html>"))
                .next(Answer.json(200, "{\"ok\":tru"))
                .next(Answer.hang());

        Outcome.Retry bad = assertInstanceOf(Outcome.Retry.class, channel.send(Fixtures.session(18), group));
        Outcome.Retry garbage = assertInstanceOf(Outcome.Retry.class, channel.send(Fixtures.session(19), group));
        long t0 = System.nanoTime();
        Outcome.Retry silent = assertInstanceOf(Outcome.Retry.class, channel.send(Fixtures.session(20), group));
        long waited = (System.nanoTime() - t0) / 1_000_000;

        assertTrue(bad.reason().contains("502"), bad.reason());
        assertTrue(garbage.reason().contains("không đọc được"), garbage.reason());
        assertTrue(silent.reason().contains("did not answer within 2 s"), silent.reason());
        assertTrue(waited >= 1_900 && waited < 10_000, "waited " + waited + " ms");
        Fixtures.neverShown(bad.reason() + garbage.reason() + silent.reason(), TOKEN);
    }

    @Test
    void anAnswerPast64KbIsNotRead() {
        telegram.next(Answer.json(200, "{\"ok\":true,\"result\":{\"text\":\"" + "x".repeat(70_000) + "\"}}"));

        Outcome.Retry r = assertInstanceOf(Outcome.Retry.class, channel.send(Fixtures.session(21), group));

        assertTrue(r.reason().contains("64 KB"), r.reason());
    }

    @Test
    void membersAreTheGroupsCount() {
        telegram.members(87).forgetChat("-100555");

        assertEquals(OptionalInt.of(87), channel.members(group));
        assertEquals(OptionalInt.empty(), channel.members(Fixtures.target("tg", "-100555")));
        assertTrue(telegram.requests().get(0).query().contains("chat_id=-1001234567890"));
    }

    @Test
    void aTextPostedWhoseAudioFailsIsSentAndTheMissingAudioLoggedWithoutTheToken() throws Exception {
        Path mp3 = dir.resolve("a.mp3");
        Files.write(mp3, new byte[1_000]);
        telegram.next(Answer.json(200, "{\"ok\":true,\"result\":{\"message_id\":5}}"))
                .next(TelegramFake.tooManyRequests(3));

        Outcome.Sent sent = assertInstanceOf(Outcome.Sent.class, channel.send(Fixtures.alert(22, "Cảnh báo.", mp3), group));

        assertEquals("5", sent.remoteId(), "the text went out: sending it again would repeat it in the group");
        var lines = CapturedLog.lines(TelegramChannel.class, Level.WARN, "the text of delivery 22 is in chat");
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).message().contains("rate limit"), lines.get(0).message());
        Fixtures.neverShown(sent.toString(), TOKEN, "AAH-secret-bot-token");
    }
}
