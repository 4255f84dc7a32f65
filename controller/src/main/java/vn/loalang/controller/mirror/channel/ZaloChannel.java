package vn.loalang.controller.mirror.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.mirror.Channel;
import vn.loalang.controller.mirror.ChannelConfig;
import vn.loalang.controller.mirror.ChannelKind;
import vn.loalang.controller.mirror.MirrorMessage;
import vn.loalang.controller.mirror.MirrorTarget;
import vn.loalang.controller.mirror.Outcome;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.LogText;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * A Zalo Official Account posting into a village's group chat (GMF: "Group Message Framework", OA API v3,
 * {@code POST /v3.0/oa/group/message}, header {@code access_token}). Text only, with the link to hear it again: group
 * messages carry no audio. Zalo answers HTTP 200 even for errors, the code in the body's {@code error}.
 * <p>The access token lives 25 hours; it is renewed with the refresh token at the OAuth server ({@code POST
 * /v4/oa/access_token}, header {@code secret_key}), which answers with a new access token <em>and a new refresh
 * token: the old one is spent</em>. Both are written through {@link vn.loalang.controller.mirror.ChannelSecrets#write}
 * before the new access token is used, so a crash right after a refresh never loses the only valid refresh token.
 * <p>Secrets (names as {@code mirror.ChannelRules} has them): {@code appSecret} (the app's secret key) and
 * {@code refreshToken}, typed by the operator; {@code accessToken} and {@code accessTokenExpiresAt}, written by the
 * channel (an operator may also paste a first access token). Settings: {@code appId}, {@code apiBase} (default
 * {@code https://openapi.zalo.me}), {@code oauthBase} (default: {@code apiBase} when that is set, so one local fake
 * serves both; else {@code https://oauth.zaloapp.com}), {@code requestTimeoutSeconds}.
 */
public final class ZaloChannel implements Channel {
    private static final Logger log = LoggerFactory.getLogger(ZaloChannel.class);
    /** Zalo's limit for an OA text message. */
    static final int MAX_TEXT = 2000;
    /** A token this close to its end is renewed before a send rather than after a refusal (clocks differ). */
    private static final Duration AHEAD = Duration.ofMinutes(5);
    /** What an access token's {@code expires_in} is taken to be at least and at most, whatever the answer said. */
    static final Duration SHORTEST_TOKEN_LIFE = Duration.ofSeconds(60);
    static final Duration LONGEST_TOKEN_LIFE = Duration.ofDays(30);

    private final ChannelConfig config;
    private final HttpClient http;
    private final Clock clock;
    private final Duration timeout;
    private final String apiBase;
    private final String oauthBase;
    /**
     * One lock per channel id, not per object: the mirror makes a new channel object when the settings change, and
     * two objects spending the same single-use refresh token at once would leave one of them with a dead token.
     */
    private static final java.util.concurrent.ConcurrentMap<String, Object> REFRESHING =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Object refreshing;

    public ZaloChannel(ChannelConfig config, HttpClient http, Clock clock) {
        this.config = config;
        this.http = http;
        this.clock = clock;
        this.refreshing = REFRESHING.computeIfAbsent(config.id(), id -> new Object());
        this.timeout = ChannelHttp.requestTimeout(config);
        String api = config.setting("apiBase", "");
        this.apiBase = ChannelHttp.withoutSlash(api.isEmpty() ? "https://openapi.zalo.me" : api);
        this.oauthBase = ChannelHttp.withoutSlash(config.setting("oauthBase",
                api.isEmpty() ? "https://oauth.zaloapp.com" : api));
    }

    @Override
    public ChannelKind kind() {
        return ChannelKind.ZALO;
    }

    @Override
    public Outcome send(MirrorMessage message, MirrorTarget target) {
        Map<String, String> secrets = config.secrets().read();
        String token = secrets.get("accessToken");
        boolean renewed = false;
        if (token == null || token.isBlank() || expiresWithin(secrets, AHEAD)) {
            Outcome refused = refresh(token);
            if (refused != null) {
                return refused;
            }
            token = config.secrets().read().get("accessToken");
            renewed = true;
        }
        String text = MessageText.fit(MessageText.withLink(message, "zalo"), t -> t.length() <= MAX_TEXT, "…");
        Attempt first = post(token, target, text);
        if (!first.tokenRejected()) {
            return first.outcome();
        }
        Attempt second = renewed ? first : null;
        if (second == null) {
            Outcome refused = refresh(token);
            if (refused != null) {
                return refused;
            }
            second = post(config.secrets().read().get("accessToken"), target, text);
        }
        if (second.tokenRejected()) {
            return new Outcome.ChannelDown("Zalo vẫn từ chối mã truy cập vừa cấp lại: kiểm tra ứng dụng và quyền"
                    + " của OA / Zalo refuses even the fresh access token: check the app and the OA's permissions");
        }
        return second.outcome();
    }

    /**
     * Renews the access token when it expires within {@code margin}, for an upkeep that renews hours ahead so that a
     * storm morning never starts with a refresh (a send renews it anyway when 5 minutes are left). Returns null when
     * the token is good, else why not.
     */
    public Outcome refreshIfExpiringWithin(Duration margin) {
        Map<String, String> secrets = config.secrets().read();
        Instant expires = expiresAt(secrets);
        if (secrets.get("accessToken") != null && expires != null && expires.isAfter(clock.instant().plus(margin))) {
            return null;
        }
        return refresh(secrets.get("accessToken"));
    }

    private boolean expiresWithin(Map<String, String> secrets, Duration margin) {
        Instant expires = expiresAt(secrets);
        return expires != null && !expires.isAfter(clock.instant().plus(margin));
    }

    private static Instant expiresAt(Map<String, String> secrets) {
        String s = secrets.get("accessTokenExpiresAt");
        try {
            return s == null ? null : Instant.parse(s);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** One send's answer, and whether it was "this access token is no good" (-216, -220). */
    private record Attempt(Outcome outcome, boolean tokenRejected) {
    }

    private Attempt post(String token, MirrorTarget target, String text) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.putObject("recipient").put("group_id", target.address());
        body.putObject("message").put("text", text);
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiBase + "/v3.0/oa/group/message")).timeout(timeout)
                .header("Content-Type", "application/json").header("access_token", token)
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build();
        ChannelHttp.Exchange exchange = ChannelHttp.call(http, request, timeout, "Zalo", config.allowLocal());
        if (!exchange.answered()) {
            return new Attempt(exchange.failure(), false);
        }
        ChannelHttp.Answer a = exchange.answer();
        JsonNode json = a.json().orElse(null);
        if (a.status() != 200 || json == null || !json.path("error").canConvertToInt()) {
            return new Attempt(new Outcome.Retry(Duration.ZERO, "Zalo trả lời không đọc được (HTTP " + a.status()
                    + ") / Zalo's answer is not the OA API's (HTTP " + a.status() + ")", false), false);
        }
        int error = json.path("error").asInt();
        String said = LogText.of(json.path("message").asText(""), LogText.SENTENCE);
        return switch (error) {
            case 0 -> new Attempt(new Outcome.Sent(json.path("data").path("message_id").asText(null)), false);
            case -216, -220 -> new Attempt(null, true);
            case -32 -> new Attempt(new Outcome.Retry(Duration.ofSeconds(60), "Zalo giới hạn số lần gọi của ứng dụng"
                    + " (-32), chờ 60 giây / Zalo's call limit for the app (-32), waiting 60 s", true), false);
            case -211 -> down("hết hạn mức gửi tin của OA trong tháng (-211): chờ sang tháng hoặc nâng gói / the OA's"
                    + " monthly message quota is used up (-211): wait for next month or buy more");
            case -224 -> down("gói OA hiện tại không cho gửi tin vào nhóm (-224): cần gói OA trả phí có GMF / the OA's"
                    + " tier cannot post to groups (-224): a paid OA package with GMF is needed");
            case -321 -> down("tài khoản Zalo Cloud Account hết tiền (-321): nạp thêm / the Zalo Cloud Account is out"
                    + " of money (-321): top it up");
            case -237 -> gone("nhóm chat đã bị tắt hoặc giải tán (-237): tạo lại nhóm và cập nhật mã nhóm / the group"
                    + " chat is disabled or dissolved (-237): make a new group and update its id");
            case -403 -> gone("OA không còn trong nhóm (-403): thêm lại OA vào nhóm / the OA is not in the group"
                    + " (-403): add it back");
            default -> new Attempt(new Outcome.Refused("Zalo từ chối tin này / Zalo refused this message: " + error
                    + " " + said), false);
        };
    }

    private static Attempt down(String reason) {
        return new Attempt(new Outcome.ChannelDown(reason), false);
    }

    private static Attempt gone(String reason) {
        return new Attempt(new Outcome.TargetGone(reason), false);
    }

    /**
     * Spends the refresh token for a new pair, unless another thread already did since {@code rejected} was read.
     * Returns null when a fresh access token is written, else why not.
     */
    private Outcome refresh(String rejected) {
        synchronized (refreshing) {
            Map<String, String> secrets = config.secrets().read();
            String current = secrets.get("accessToken");
            if (current != null && !current.equals(rejected) && !expiresWithin(secrets, AHEAD)) {
                return null;
            }
            String refreshToken = secrets.get("refreshToken");
            String secretKey = secrets.get("appSecret");
            String appId = config.setting("appId", "");
            if (refreshToken == null || refreshToken.isBlank() || secretKey == null || secretKey.isBlank()
                    || appId.isEmpty()) {
                return new Outcome.ChannelDown("thiếu mã làm mới, khoá bí mật hoặc app_id của Zalo: đặt lại trong"
                        + " trang Kênh / Zalo's refresh token, secret key or app_id is missing: set them on the"
                        + " Channels page");
            }
            String form = "refresh_token=" + URLEncoder.encode(refreshToken, StandardCharsets.UTF_8)
                    + "&app_id=" + URLEncoder.encode(appId, StandardCharsets.UTF_8)
                    + "&grant_type=refresh_token";
            HttpRequest request = HttpRequest.newBuilder(URI.create(oauthBase + "/v4/oa/access_token"))
                    .timeout(timeout).header("Content-Type", "application/x-www-form-urlencoded")
                    .header("secret_key", secretKey).POST(HttpRequest.BodyPublishers.ofString(form)).build();
            ChannelHttp.Exchange exchange = ChannelHttp.call(http, request, timeout, "Zalo OAuth", config.allowLocal());
            if (!exchange.answered()) {
                return exchange.failure();
            }
            JsonNode json = exchange.answer().json().orElse(null);
            if (json == null) {
                return new Outcome.Retry(Duration.ZERO, "máy chủ cấp mã của Zalo trả lời không đọc được / Zalo's"
                        + " OAuth server answered something unreadable", false);
            }
            String access = json.path("access_token").asText("");
            String renewed = json.path("refresh_token").asText("");
            if (access.isEmpty() || renewed.isEmpty()) {
                log.warn("Channel {}: Zalo refused to renew the access token (error {})", config.id(),
                        LogText.of(json.path("error").asText("?")));
                return new Outcome.ChannelDown("Zalo không cấp lại mã truy cập: mã làm mới đã hết hạn hoặc đã dùng"
                        + " (bản sao lưu cũ?) — lấy mã làm mới mới trong API Explorer của Zalo / Zalo would not renew"
                        + " the access token: the refresh token expired or was already used (an old backup?) — get a"
                        + " new one from Zalo's API Explorer (" + LogText.of(json.path("error").asText("?")) + ")");
            }
            // Zalo says 25 hours; an answer outside a minute to 30 days is clamped, so the new pair, whose refresh
            // token is now the only valid one, is always written (an overflowing expiry would throw before the write).
            long seconds = Math.max(SHORTEST_TOKEN_LIFE.toSeconds(),
                    Math.min(json.path("expires_in").asLong(90_000), LONGEST_TOKEN_LIFE.toSeconds()));
            String expiresAt = clock.instant().plusSeconds(Math.max(60, seconds - 60)).toString();
            // Written before use: the old refresh token is spent, this is now the only one. Merged into the secrets
            // as they are now, so a key the settings set during the renewal (a new app secret) is kept.
            config.secrets().update(now -> {
                now.put("accessToken", access);
                now.put("refreshToken", renewed);
                now.put("accessTokenExpiresAt", expiresAt);
                return now;
            });
            log.info("Channel {}: renewed Zalo's access token (valid {} h) and kept the new refresh token",
                    config.id(), seconds / 3600);
            return null;
        }
    }
}
