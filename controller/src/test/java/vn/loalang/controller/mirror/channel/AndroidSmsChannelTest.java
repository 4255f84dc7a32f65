package vn.loalang.controller.mirror.channel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.mirror.Channel.Receipt;
import vn.loalang.controller.mirror.ChannelKind;
import vn.loalang.controller.mirror.MirrorTarget;
import vn.loalang.controller.mirror.Outcome;
import vn.loalang.controller.testing.fake.AndroidSmsGatewayFake;
import vn.loalang.controller.testing.fake.FakeHttpApi.Answer;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AndroidSmsChannelTest {
    private static final String PASSWORD = "gw-PASS-8hq2";

    @TempDir
    Path dir;
    private AndroidSmsGatewayFake phone;
    private AndroidSmsChannel channel;
    private final MirrorTarget head = Fixtures.target("gw", "+84987654321");

    @BeforeEach
    void start() {
        phone = new AndroidSmsGatewayFake("sms", PASSWORD);
        channel = channel(Map.of("username", "sms", "password", PASSWORD));
    }

    @AfterEach
    void stop() {
        phone.close();
    }

    private AndroidSmsChannel channel(Map<String, String> secrets) {
        return new AndroidSmsChannel(Fixtures.config(dir, "gw", ChannelKind.ANDROID_SMS,
                Fixtures.settings(phone.base(), "requestTimeoutSeconds", "2", "maxSegments", "3"), secrets),
                Fixtures.HTTP, Clock.systemUTC());
    }

    @Test
    void anAlertGoesAtAlertPriorityWithADeliveryReport() {
        Outcome.Sent sent = assertInstanceOf(Outcome.Sent.class,
                channel.send(Fixtures.alert(77, Fixtures.ALERT_TEXT, null), head));

        assertEquals("loalang-77", sent.remoteId());
        AndroidSmsGatewayFake.Message m = phone.messages().get(0);
        assertEquals(List.of("+84987654321"), m.phoneNumbers());
        assertEquals(100, m.priority());
        assertTrue(m.withDeliveryReport());
        assertEquals(3600, m.ttl());
        assertTrue(m.text().endsWith("?n=sms") && SmsText.segments(m.text(), false) <= 3, m.text());
    }

    @Test
    void aSessionSummaryKeepsTheAppsOwnPace() {
        assertInstanceOf(Outcome.Sent.class, channel.send(Fixtures.session(78), head));

        assertEquals(0, phone.messages().get(0).priority());
    }

    @Test
    void theReceiptFollowsThePhonesStates() {
        Outcome.Sent sent = (Outcome.Sent) channel.send(Fixtures.session(79), head);

        assertEquals(Receipt.WAITING, channel.receipt(sent.remoteId()));
        phone.state(sent.remoteId(), "Processed");
        assertEquals(Receipt.WAITING, channel.receipt(sent.remoteId()));
        phone.state(sent.remoteId(), "Sent");
        assertEquals(Receipt.WAITING, channel.receipt(sent.remoteId()));
        phone.state(sent.remoteId(), "Delivered");
        assertEquals(Receipt.DELIVERED, channel.receipt(sent.remoteId()));
        phone.state(sent.remoteId(), "Failed");
        assertEquals(Receipt.FAILED, channel.receipt(sent.remoteId()));
        assertEquals("/message/loalang-79", phone.requests().get(1).path());
        int asked = phone.requests().size();
        assertEquals(Receipt.WAITING, channel.receipt("loalang-forgotten"), "a 404 never stops the channel's receipts");
        assertEquals(Receipt.WAITING, channel.receipt("../../etc"));
        assertEquals(asked + 1, phone.requests().size(), "an id not ours is never put in a path");
    }

    @Test
    void aReceiptThePhoneCannotGiveNowIsStillWaiting() {
        phone.next(Answer.hang());

        assertEquals(Receipt.WAITING, channel.receipt("loalang-80"));
    }

    @Test
    void aWrongPasswordTakesTheChannelDownAndIsNeverShown() {
        AndroidSmsChannel wrong = channel(Map.of("username", "sms", "password", "WRONG-pass-x"));

        Outcome.ChannelDown down = assertInstanceOf(Outcome.ChannelDown.class, wrong.send(Fixtures.session(81), head));

        assertTrue(down.reason().contains("401"), down.reason());
        Fixtures.neverShown(down.reason(), "WRONG-pass-x", PASSWORD);
    }

    @Test
    void aRefusalIsForThisMessageAndNamesNoWholeNumber() {
        phone.next(Answer.json(400, "{\"message\":\"invalid phone number +84987654321\"}"));

        Outcome.Refused r = assertInstanceOf(Outcome.Refused.class, channel.send(Fixtures.session(82), head));

        assertTrue(r.reason().contains("09x xxx x321"), r.reason());
        assertFalse(r.reason().contains("987654321"), r.reason());
    }

    @Test
    void aPhoneThatIsOffTheNetworkOrSilentOrConfusedIsARetry() {
        phone.next(Answer.text(500, "oops")).next(Answer.json(202, "{\"state\":\"Pending\"}")).next(Answer.hang());

        assertInstanceOf(Outcome.Retry.class, channel.send(Fixtures.session(83), head));
        assertInstanceOf(Outcome.Retry.class, channel.send(Fixtures.session(84), head));
        assertInstanceOf(Outcome.Retry.class, channel.send(Fixtures.session(85), head));
        java.net.URI gone;
        try (var closed = new vn.loalang.controller.testing.fake.FakeHttpApi()) {
            gone = closed.base();
        }
        AndroidSmsChannel off = new AndroidSmsChannel(Fixtures.config(dir, "gw3", ChannelKind.ANDROID_SMS,
                Fixtures.settings(gone), Map.of("username", "sms", "password", PASSWORD)), Fixtures.HTTP,
                Clock.systemUTC());
        Outcome.Retry offline = assertInstanceOf(Outcome.Retry.class, off.send(Fixtures.session(86), head));
        assertTrue(offline.reason().contains("cannot connect to Android SMS gateway"), offline.reason());
    }

    @Test
    void theSettingTheConsoleWritesIsThePhonesAddress() {
        AndroidSmsChannel byAddress = new AndroidSmsChannel(Fixtures.config(dir, "gw4", ChannelKind.ANDROID_SMS,
                Map.of("address", phone.base().toString()), Map.of("username", "sms", "password", PASSWORD)),
                Fixtures.HTTP, Clock.systemUTC());

        assertInstanceOf(Outcome.Sent.class, byAddress.send(Fixtures.session(87), head));
    }

    @Test
    void aChannelWithoutThePhonesAddressIsRefusedAtOnce() {
        var config = Fixtures.config(dir, "gw2", ChannelKind.ANDROID_SMS, Map.of(), Map.of());

        var e = assertThrows(IllegalArgumentException.class,
                () -> new AndroidSmsChannel(config, Fixtures.HTTP, Clock.systemUTC()));
        assertTrue(e.getMessage().contains("address"));
    }
}
