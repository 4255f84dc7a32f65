package vn.loalang.controller.mirror;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.mirror.channel.WebhookChannel;
import vn.loalang.controller.testing.fake.FakeHttpApi;
import vn.loalang.controller.testing.fake.FakeHttpApi.Answer;
import vn.loalang.protocol.Json;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The webhook against a local receiver that answers as receivers do: each answer maps to its outcome. */
class WebhookChannelTest {
    private static final Instant NOW = Instant.parse("2026-12-06T05:10:00Z");
    private static final String SECRET = "k3p-th1s-s3cret";

    @TempDir
    Path dir;
    private final FakeHttpApi receiver = new FakeHttpApi();

    @AfterEach
    void close() {
        receiver.close();
    }

    private WebhookChannel channel(Map<String, String> settings, boolean allowLocal, boolean withSecret) {
        FileChannelSecrets secrets = new FileChannelSecrets(dir, "hook");
        if (withSecret) {
            secrets.write(Map.of(WebhookChannel.SECRET, SECRET));
        } else {
            secrets.delete();
        }
        return new WebhookChannel(new ChannelConfig("hook", ChannelKind.WEBHOOK, "Hệ thống huyện", settings, secrets),
                allowLocal, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private WebhookChannel channel() {
        return channel(Map.of(), true, true);
    }

    private static MirrorMessage message() {
        return new MirrorMessage(42, MirrorMessage.Kind.ALERT, "thon-dong", "Nước lũ", "CẢNH BÁO KHẨN — Nước lũ\nSơ tán",
                URI.create("https://xa.example/nghe-lai/canh-bao/a1?n=webhook"),
                URI.create("https://xa.example/nghe-lai/a/canh-bao/a1.mp3"), null, 0, NOW.plusSeconds(3600), "a1",
                "EMERGENCY");
    }

    private MirrorTarget target(URI url) {
        return new MirrorTarget("t1", "hook", "thon-dong", url.toString(), "Huyện");
    }

    private MirrorTarget target() {
        return target(receiver.base().resolve("/loa/hook"));
    }

    /** What a receiver does (docs/mirror-webhook.md): HMAC of "timestamp.body" with the shared secret. */
    private static String expectedSignature(String timestamp, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
        return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    }

    @Test
    void aSignedPostOfTheContractsJsonIsSentAndTheReceiverCanCheckIt() throws Exception {
        receiver.next(Answer.json(200, "{\"ok\":true}"));

        Outcome o = channel().send(message(), target());

        assertEquals(new Outcome.Sent(null), o);
        FakeHttpApi.Request r = receiver.requests().get(0);
        assertEquals("POST", r.method());
        assertEquals("/loa/hook", r.path());
        assertEquals("42", r.header("X-LoaLang-Delivery"), "the outbox row: the same on every attempt");
        assertEquals(Long.toString(NOW.getEpochSecond()), r.header("X-LoaLang-Timestamp"));
        assertEquals(expectedSignature(r.header("X-LoaLang-Timestamp"), r.body()), r.header("X-LoaLang-Signature"));
        JsonNode body = Json.mapper().readTree(r.body());
        assertEquals("42", body.get("id").asText());
        assertEquals("ALERT", body.get("kind").asText());
        assertEquals("thon-dong", body.get("village").asText());
        assertEquals("Nước lũ", body.get("title").asText());
        assertEquals("CẢNH BÁO KHẨN — Nước lũ\nSơ tán", body.get("text").asText());
        assertEquals("https://xa.example/nghe-lai/canh-bao/a1?n=webhook", body.get("pageUrl").asText());
        assertEquals("https://xa.example/nghe-lai/a/canh-bao/a1.mp3", body.get("audioUrl").asText());
        assertEquals("EMERGENCY", body.get("priority").asText());
        assertEquals(NOW.plusSeconds(3600).toString(), body.get("expiresAt").asText());
        assertEquals("a1", body.get("ref").asText());

        // A body changed on the way no longer matches the signature.
        byte[] tampered = r.text().replace("Sơ tán", "Ở nhà").getBytes(StandardCharsets.UTF_8);
        assertTrue(!expectedSignature(r.header("X-LoaLang-Timestamp"), tampered).equals(r.header("X-LoaLang-Signature")));
    }

    @Test
    void aRefusedLocationIsQuotedBoundedInTheReason() {
        String far = "http://169.254.169.254/" + "a".repeat(10_000);
        receiver.next(Answer.text(308, "").withHeader("Location", far));

        // Longer than any address the settings keep (2,000 characters): refused, and quoted in part.
        Outcome.Refused r = assertInstanceOf(Outcome.Refused.class, channel().send(message(), target()));

        assertTrue(r.reason().contains("http://169.254.169.254/aaa"), r.reason());
        assertTrue(r.reason().length() < 300, "at most 200 characters of the header: " + r.reason().length());
    }

    @Test
    void goneRefusedMovedAndServerErrorsEachMeanTheirOwnThing() {
        receiver.next(Answer.text(410, "gone"))
                .next(Answer.text(400, "bad"))
                .next(Answer.text(308, "").withHeader("Location", "/loa/moi"))
                .next(Answer.text(500, "oops"))
                .next(Answer.text(502, "bad gateway"));
        WebhookChannel c = channel();

        assertInstanceOf(Outcome.TargetGone.class, c.send(message(), target()));
        assertInstanceOf(Outcome.Refused.class, c.send(message(), target()));
        assertEquals(new Outcome.Moved(receiver.base().resolve("/loa/moi").toString()), c.send(message(), target()));
        Outcome.Retry r500 = assertInstanceOf(Outcome.Retry.class, c.send(message(), target()));
        assertNull(r500.after(), "our back-off decides");
        assertEquals(false, r500.wholeChannel(), "one receiver's error is not a rate limit");
        assertInstanceOf(Outcome.Retry.class, c.send(message(), target()));
    }

    @Test
    void aRateLimitsRetryAfterIsHonouredForTheWholeChannelInSecondsOrAsADate() {
        receiver.next(Answer.text(429, "slow down").withHeader("Retry-After", "30"))
                .next(Answer.text(503, "busy").withHeader("Retry-After",
                        DateTimeFormatter.RFC_1123_DATE_TIME.format(NOW.plusSeconds(120).atZone(ZoneOffset.UTC))))
                .next(Answer.text(429, "no header"));
        WebhookChannel c = channel();

        Outcome.Retry seconds = assertInstanceOf(Outcome.Retry.class, c.send(message(), target()));
        assertEquals(Duration.ofSeconds(30), seconds.after());
        assertTrue(seconds.wholeChannel());
        Outcome.Retry date = assertInstanceOf(Outcome.Retry.class, c.send(message(), target()));
        assertEquals(Duration.ofSeconds(120), date.after());
        Outcome.Retry none = assertInstanceOf(Outcome.Retry.class, c.send(message(), target()));
        assertNull(none.after());
        assertTrue(none.wholeChannel());
    }

    @Test
    void aReceiverThatNeverAnswersCostsTheTimeoutAndIsTriedAgain() {
        receiver.next(Answer.hang());
        long t = System.nanoTime();

        Outcome o = channel(Map.of("requestTimeoutSeconds", "1"), true, true).send(message(), target());

        long ms = (System.nanoTime() - t) / 1_000_000;
        Outcome.Retry r = assertInstanceOf(Outcome.Retry.class, o);
        assertTrue(r.reason().contains("1 s"), r.reason());
        assertTrue(ms >= 900 && ms < 10_000, "held for its timeout, not for ever: " + ms + " ms");
    }

    @Test
    void somethingThatIsNotHttpIsTriedAgain() throws Exception {
        try (ServerSocket garbage = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> answered = CompletableFuture.runAsync(() -> {
                try (Socket s = garbage.accept(); OutputStream out = s.getOutputStream()) {
                    s.getInputStream().read(new byte[4096]);
                    out.write("\u0000\u0001garbage, not HTTP\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            Outcome o = channel().send(message(), target(URI.create("http://127.0.0.1:" + garbage.getLocalPort() + "/")));
            assertInstanceOf(Outcome.Retry.class, o);
            answered.join();
        }
    }

    @Test
    void aHugeAnswerIsNotReadAndStillCountsAsSent() {
        byte[] big = new byte[8 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'x');
        receiver.next(new Answer(200, "text/plain", big, Map.of(), false));
        assertEquals(new Outcome.Sent(null), channel().send(message(), target()));
    }

    @Test
    void loopbackIsRefusedWithoutTheOptionAndAMissingSecretStopsTheChannel() {
        Outcome local = channel(Map.of(), false, true).send(message(), target());
        Outcome.Refused refused = assertInstanceOf(Outcome.Refused.class, local);
        assertTrue(refused.reason().contains("--mirror-allow-local"), refused.reason());
        Outcome linkLocal = channel(Map.of(), false, true).send(message(),
                target(URI.create("http://169.254.169.254/latest/meta-data")));
        assertInstanceOf(Outcome.Refused.class, linkLocal);
        assertInstanceOf(Outcome.Refused.class, channel(Map.of(), false, true).send(message(),
                target(URI.create("file:///etc/passwd"))));
        assertEquals(0, receiver.requests().size(), "nothing was sent to this machine");

        assertInstanceOf(Outcome.ChannelDown.class, channel(Map.of(), true, false).send(message(), target()));
        assertEquals(0, receiver.requests().size());
    }
}
