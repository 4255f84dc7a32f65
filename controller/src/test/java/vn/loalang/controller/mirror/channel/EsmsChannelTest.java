package vn.loalang.controller.mirror.channel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.mirror.ChannelKind;
import vn.loalang.controller.mirror.MirrorTarget;
import vn.loalang.controller.mirror.Outcome;
import vn.loalang.controller.testing.fake.EsmsFake;
import vn.loalang.controller.testing.fake.FakeHttpApi.Answer;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EsmsChannelTest {
    private static final String API_KEY = "ESMS-api-key-5C1F";
    private static final String SECRET = "ESMS-secret-9D2E";
    private static final String PHONE = "+84912345678";

    @TempDir
    Path dir;
    private EsmsFake esms;
    private EsmsChannel channel;
    private final MirrorTarget resident = Fixtures.target("sms", PHONE);

    @BeforeEach
    void start() {
        esms = new EsmsFake(API_KEY, SECRET, "UBND.HUNGTHUY");
        channel = channel(Map.of("apiKey", API_KEY, "secretKey", SECRET), "false");
    }

    @AfterEach
    void stop() {
        esms.close();
    }

    private EsmsChannel channel(Map<String, String> secrets, String unicode) {
        return new EsmsChannel(Fixtures.config(dir, "sms", ChannelKind.ESMS, Fixtures.settings(esms.base(),
                "brandname", "UBND.HUNGTHUY", "unicode", unicode, "maxSegments", "2", "requestTimeoutSeconds", "2"),
                secrets), Fixtures.HTTP, Clock.systemUTC());
    }

    @Test
    void anAlertIsOneCustomerCareSmsWithoutDiacriticsAndItsLink() {
        Outcome.Sent sent = assertInstanceOf(Outcome.Sent.class,
                channel.send(Fixtures.alert(501, Fixtures.ALERT_TEXT, null), resident));

        assertEquals("esms-1-7f3a", sent.remoteId());
        EsmsFake.Sms sms = esms.accepted().get(0);
        assertEquals("0912345678", sms.phone());
        assertEquals("2", sms.smsType());
        assertEquals("0", sms.isUnicode());
        assertEquals("0", sms.sandbox());
        assertEquals("501", sms.requestId(), "the outbox id makes a resend harmless");
        assertTrue(sms.content().startsWith("CANH BAO KHAN - Lu tren song Kien Giang\n"), sms.content());
        assertTrue(sms.content().endsWith("Nghe lai: https://xa-hung-thuy.vn/nghe-lai/canh-bao/501?n=sms"),
                sms.content());
        assertTrue(SmsText.segments(sms.content(), false) <= 2);
    }

    @Test
    void withUnicodeTheDiacriticsStayAndTheSegmentsAreShorter() {
        EsmsChannel unicode = channel(Map.of("apiKey", API_KEY, "secretKey", SECRET), "true");

        assertInstanceOf(Outcome.Sent.class, unicode.send(Fixtures.alert(502, Fixtures.ALERT_TEXT, null), resident));

        EsmsFake.Sms sms = esms.accepted().get(0);
        assertEquals("1", sms.isUnicode());
        assertTrue(sms.content().contains("CẢNH BÁO KHẨN"), sms.content());
        assertTrue(SmsText.segments(sms.content(), true) <= 2, sms.content());
        assertTrue(sms.content().endsWith("/canh-bao/502?n=sms"), sms.content());
    }

    @Test
    void aResendOfTheSameDeliveryIsTheDuplicateEsmsRefusesAndCountsAsSent() {
        assertInstanceOf(Outcome.Sent.class, channel.send(Fixtures.session(503), resident));
        assertInstanceOf(Outcome.Sent.class, channel.send(Fixtures.session(503), resident));

        assertEquals(1, esms.accepted().size());
    }

    @Test
    void theAccountsProblemsTakeTheChannelDown() {
        esms.next(EsmsFake.code("103", "Balance not enough to send message"))
                .next(EsmsFake.code("140", "IP not in whitelist"))
                .next(EsmsFake.code("146", "Template not found"));

        Outcome.ChannelDown balance = assertInstanceOf(Outcome.ChannelDown.class, channel.send(Fixtures.session(504), resident));
        Outcome.ChannelDown ip = assertInstanceOf(Outcome.ChannelDown.class, channel.send(Fixtures.session(505), resident));
        Outcome.ChannelDown template = assertInstanceOf(Outcome.ChannelDown.class, channel.send(Fixtures.session(506), resident));

        assertTrue(balance.reason().contains("hết tiền (103)"), balance.reason());
        assertTrue(ip.reason().contains("(140)"), ip.reason());
        assertTrue(template.reason().contains("docs/channels.md"), template.reason());
    }

    @Test
    void anEmptyAccountIsDownUntilToppedUp() {
        esms.outOfBalance(true);
        assertInstanceOf(Outcome.ChannelDown.class, channel.send(Fixtures.session(516), resident));

        esms.outOfBalance(false);
        assertInstanceOf(Outcome.Sent.class, channel.send(Fixtures.session(516), resident));
        assertEquals(1, esms.accepted().size());
    }

    @Test
    void wrongKeysAndAWrongBrandnameAreFoundByTheFakeAsEsmsDoes() {
        EsmsChannel wrongKeys = channel(Map.of("apiKey", "nope", "secretKey", "NOPE-secret"), "false");
        EsmsChannel wrongBrand = new EsmsChannel(Fixtures.config(dir, "sms2", ChannelKind.ESMS,
                Fixtures.settings(esms.base(), "brandname", "UBND.SAI"), Map.of("apiKey", API_KEY, "secretKey", SECRET)),
                Fixtures.HTTP, Clock.systemUTC());

        Outcome.ChannelDown keys = assertInstanceOf(Outcome.ChannelDown.class, wrongKeys.send(Fixtures.session(507), resident));
        Outcome.ChannelDown brand = assertInstanceOf(Outcome.ChannelDown.class, wrongBrand.send(Fixtures.session(508), resident));

        assertTrue(keys.reason().contains("(101)"));
        assertTrue(brand.reason().contains("(104)"));
        Fixtures.neverShown(keys.reason() + brand.reason(), "NOPE-secret", SECRET, API_KEY);
    }

    @Test
    void aBadOrBlockedNumberIsThatTargetGoneAndItsNumberMasked() {
        Outcome.TargetGone badFormat = assertInstanceOf(Outcome.TargetGone.class,
                channel.send(Fixtures.session(509), Fixtures.target("sms", "+8412345")));
        esms.next(EsmsFake.code("99", "Phone 0912345678 is blocked"));
        Outcome.TargetGone blocked = assertInstanceOf(Outcome.TargetGone.class,
                channel.send(Fixtures.session(510), resident));

        assertTrue(badFormat.reason().contains("(108)"), badFormat.reason());
        assertTrue(blocked.reason().contains("09x xxx x678"), blocked.reason());
        assertFalse(blocked.reason().contains("912345678"), blocked.reason());
    }

    @Test
    void anUnknownCodeIsRefusedWithItsMessageMasked() {
        esms.next(EsmsFake.code("118", "Loai tin khong hop le cho 0912345678"));

        Outcome.Refused r = assertInstanceOf(Outcome.Refused.class, channel.send(Fixtures.session(511), resident));

        assertTrue(r.reason().contains("118"), r.reason());
        assertFalse(r.reason().contains("0912345678"), r.reason());
    }

    @Test
    void serverErrorsGarbageAndSilenceAreRetries() {
        esms.next(Answer.text(500, "Internal Server Error")).next(Answer.json(200, "{\"Code"))
                .next(Answer.hang());

        assertInstanceOf(Outcome.Retry.class, channel.send(Fixtures.session(512), resident));
        assertInstanceOf(Outcome.Retry.class, channel.send(Fixtures.session(513), resident));
        Outcome.Retry silent = assertInstanceOf(Outcome.Retry.class, channel.send(Fixtures.session(514), resident));
        assertTrue(silent.reason().contains("eSMS did not answer within 2 s"), silent.reason());
    }

    @Test
    void noKeysIsChannelDownWithoutACall() {
        assertInstanceOf(Outcome.ChannelDown.class, channel(Map.of(), "false").send(Fixtures.session(515), resident));
        assertEquals(0, esms.requests().size());
    }
}
