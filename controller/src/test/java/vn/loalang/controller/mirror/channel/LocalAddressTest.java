package vn.loalang.controller.mirror.channel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.mirror.Channel;
import vn.loalang.controller.mirror.ChannelKind;
import vn.loalang.controller.mirror.Outcome;
import vn.loalang.controller.testing.fake.FakeHttpApi;
import vn.loalang.controller.testing.fake.FakeHttpApi.Answer;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every channel's requests are checked where they are made, by the address the host resolves to (review of issue 19,
 * item 7): an API base on this machine is refused without {@code --mirror-allow-local}, and the channel is down with
 * why; with it, the same request goes. (A name is resolved at each request, {@code OutboundAddress.refusal}, so a
 * name that points here today is refused too; here the fakes' own address stands for both.)
 */
class LocalAddressTest {
    private static final String TOKEN = "7301234567:AAH-local-never-shown";

    @TempDir
    Path dir;
    private final FakeHttpApi local = new FakeHttpApi();

    @AfterEach
    void stop() {
        local.close();
    }

    private List<Channel> channels(boolean allowLocal) {
        Map<String, String> settings = Fixtures.settings(local.base(), "requestTimeoutSeconds", "2", "appId", "app-1",
                "brandname", "UBND-XA");
        return List.of(
                new TelegramChannel(Fixtures.config(dir, "tg", ChannelKind.TELEGRAM, settings,
                        Map.of("botToken", TOKEN), allowLocal), Fixtures.HTTP, Clock.systemUTC()),
                new ZaloChannel(Fixtures.config(dir, "zl", ChannelKind.ZALO, settings,
                        Map.of("appSecret", "s", "accessToken", "a", "refreshToken", "r"), allowLocal), Fixtures.HTTP,
                        Clock.systemUTC()),
                new EsmsChannel(Fixtures.config(dir, "es", ChannelKind.ESMS, settings,
                        Map.of("apiKey", "k", "secretKey", "s"), allowLocal), Fixtures.HTTP, Clock.systemUTC()),
                new AndroidSmsChannel(Fixtures.config(dir, "gw", ChannelKind.ANDROID_SMS, settings,
                        Map.of("username", "sms", "password", "p"), allowLocal), Fixtures.HTTP, Clock.systemUTC()));
    }

    @Test
    void anApiBaseOnThisMachineIsRefusedUnlessAllowedForEveryChannel() {
        local.otherwise(Answer.json(500, "{}"));
        for (Channel c : channels(false)) {
            Outcome o = c.send(Fixtures.alert(90, Fixtures.ALERT_TEXT, null), Fixtures.target("x", "+84987654321"));
            Outcome.ChannelDown down = assertInstanceOf(Outcome.ChannelDown.class, o, c.kind() + ": " + o);
            assertTrue(down.reason().contains("127.0.0.1") && down.reason().contains("--mirror-allow-local"),
                    down.reason());
            assertFalse(down.reason().contains(TOKEN), down.reason());
            assertEquals(0, local.requests().size(), c.kind() + " called out");
        }
        for (Channel c : channels(true)) {
            c.send(Fixtures.alert(91, Fixtures.ALERT_TEXT, null), Fixtures.target("x", "+84987654321"));
        }
        assertEquals(4, local.requests().size(), "allowed, each channel's request goes");
    }
}
