package vn.loalang.controller.mirror.channel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import vn.loalang.controller.mirror.Channel;
import vn.loalang.controller.mirror.ChannelConfig;
import vn.loalang.controller.mirror.ChannelKind;
import vn.loalang.controller.mirror.MirrorMessage;
import vn.loalang.controller.mirror.MirrorTarget;
import vn.loalang.controller.mirror.OutboundAddress;
import vn.loalang.controller.mirror.Outcome;
import vn.loalang.protocol.LogText;
import vn.loalang.protocol.Json;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Optional;

/**
 * A plain HTTPS POST of each message to the target's URL, signed with the channel's secret: our own contract
 * (docs/mirror-webhook.md), for anything the other channels do not cover (a district's system, a loudspeaker
 * company's app, an SMS box with an HTTP API). {@code X-LoaLang-Delivery} is the outbox row, the same on every
 * attempt: a receiver drops the duplicates an at-least-once sender makes.
 *
 * <p>Answers: 2xx sent; 410 the target is gone; 429 and 503 try again after {@code Retry-After} (the receiver's, for
 * the whole channel); 301 and 308 moved; any other 4xx refused (this message only); 5xx, a timeout, or no HTTP
 * answer try again with back-off.
 */
public final class WebhookChannel implements Channel {
    /** The secret's name in the channel's secrets file ({@code ChannelRules.secretNames}). */
    public static final String SECRET = "signingSecret";
    static final Duration CONNECT = Duration.ofSeconds(5);
    static final Duration REQUEST = Duration.ofSeconds(15);
    /** The longest Retry-After honoured: past it, the message's own give-up time decides. */
    static final Duration LONGEST_WAIT = Duration.ofHours(6);
    /** How much of a refused {@code Location} header the reason quotes. */
    static final int MAX_LOCATION_SHOWN = 200;

    private final ChannelConfig config;
    private final boolean allowLocal;
    private final Clock clock;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param allowLocal {@code --mirror-allow-local}: loopback and link-local URLs allowed (tests)
     */
    public WebhookChannel(ChannelConfig config, boolean allowLocal, Clock clock) {
        this.config = config;
        this.allowLocal = allowLocal;
        this.clock = clock;
        // A channel setting may shorten the request timeout (a receiver on the LAN), never lengthen it.
        long seconds = parse(config.setting("requestTimeoutSeconds", null), REQUEST.toSeconds());
        this.timeout = Duration.ofSeconds(Math.max(1, Math.min(REQUEST.toSeconds(), seconds)));
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public ChannelKind kind() {
        return ChannelKind.WEBHOOK;
    }

    @Override
    public Outcome send(MirrorMessage message, MirrorTarget target) {
        URI url;
        try {
            url = URI.create(target.address());
        } catch (IllegalArgumentException e) {
            return new Outcome.Refused("địa chỉ webhook không hợp lệ / not a URL: " + e.getMessage());
        }
        Optional<String> refused = OutboundAddress.refusal(url, allowLocal);
        if (refused.isPresent()) {
            return new Outcome.Refused(refused.get());
        }
        String secret = config.secrets().read().get(SECRET);
        if (secret == null || secret.isBlank()) {
            return new Outcome.ChannelDown("chưa đặt khoá bí mật của webhook / the webhook's secret is not set");
        }
        byte[] body = body(message);
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "LoaLang-Mirror/1")
                .header("X-LoaLang-Delivery", Long.toString(message.deliveryId()))
                .header("X-LoaLang-Timestamp", timestamp)
                .header("X-LoaLang-Signature", "sha256=" + signature(secret, timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            return new Outcome.Retry(null, "webhook không trả lời trong " + timeout.toSeconds() + " s / no answer within "
                    + timeout.toSeconds() + " s", false);
        } catch (IOException e) {
            return new Outcome.Retry(null, "không gửi được tới webhook / cannot reach the webhook: " + e, false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome.Retry(null, "interrupted while sending", false);
        }
        int status = response.statusCode();
        close(response.body());
        return outcome(status, response.headers().firstValue("Retry-After"),
                response.headers().firstValue("Location"), url);
    }

    private Outcome outcome(int status, Optional<String> retryAfter, Optional<String> location, URI url) {
        if (status >= 200 && status < 300) {
            return new Outcome.Sent(null);
        }
        if (status == 410) {
            return new Outcome.TargetGone("webhook trả lời 410: địa chỉ không còn nhận tin / 410 Gone");
        }
        if (status == 429 || status == 503) {
            Duration after = retryAfter.flatMap(v -> retryAfter(v, clock.instant())).orElse(null);
            return new Outcome.Retry(after, "webhook bận hoặc giới hạn tốc độ (" + status + ")"
                    + (after == null ? "" : ", chờ " + after.toSeconds() + " s") + " / rate limited or busy", true);
        }
        if ((status == 301 || status == 308) && location.isPresent()) {
            try {
                URI moved = url.resolve(location.get());
                if (OutboundAddress.refusal(moved, allowLocal).isEmpty()) {
                    return new Outcome.Moved(moved.toString());
                }
            } catch (IllegalArgumentException e) {
                // A Location that is not a URL: refused below like any other unexpected answer.
            }
            // The receiver's header, bounded and made one line before it reaches last_error and the logs.
            return new Outcome.Refused("webhook chuyển tới địa chỉ không dùng được / moved to a refused address: "
                    + LogText.of(location.get(), MAX_LOCATION_SHOWN));
        }
        if (status >= 500) {
            return new Outcome.Retry(null, "webhook lỗi máy chủ " + status + " / server error " + status, false);
        }
        return new Outcome.Refused("webhook từ chối tin nhắn (" + status + ") / the webhook refused the message: "
                + status);
    }

    /** Retry-After as delta-seconds or an HTTP date (RFC 9110 §10.2.3), at most {@link #LONGEST_WAIT}. */
    static Optional<Duration> retryAfter(String value, Instant now) {
        String v = value.strip();
        Duration d;
        try {
            d = Duration.ofSeconds(Long.parseLong(v));
        } catch (NumberFormatException e) {
            try {
                d = Duration.between(now, ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
        if (d.isNegative()) {
            return Optional.of(Duration.ZERO);
        }
        return Optional.of(d.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : d);
    }

    /** The JSON the contract names, in its order. */
    static byte[] body(MirrorMessage m) {
        ObjectNode o = Json.mapper().createObjectNode();
        o.put("id", Long.toString(m.deliveryId()));
        o.put("ref", m.ref());
        o.put("kind", m.kind().name());
        o.put("village", m.village());
        o.put("title", m.title());
        o.put("text", m.text());
        o.put("pageUrl", m.pageUrl() == null ? null : m.pageUrl().toString());
        o.put("audioUrl", m.audioUrl() == null ? null : m.audioUrl().toString());
        o.put("priority", m.priority());
        o.put("expiresAt", m.expiresAt() == null ? null : m.expiresAt().toString());
        return Json.write(o);
    }

    /** Hex HMAC-SHA256 of {@code timestamp + "." + body} with the channel's secret. */
    public static String signature(String secret, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /**
     * The body is never read: the status says all a receiver can tell us, and a receiver that sends its headers then
     * holds the body (or sends gigabytes) must not hold a sending thread. Closing drops the connection's body.
     */
    private static void close(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // Nothing was to be read from it.
        }
    }

    private static long parse(String s, long fallback) {
        try {
            return s == null ? fallback : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
