package vn.loalang.controller.mirror.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * SMS from an Android phone with a SIM at the commune office, running "SMS Gateway for Android" in local server mode
 * (docs.sms-gate.app: {@code POST /message}, Basic auth, answer {@code 202 {"id","state":"Pending"}}; {@code GET
 * /message/{id}} for its state). No brandname, no template to register; the SIM's plan pays. The message id is
 * {@code loalang-{outbox id}}, so the phone's log and ours name the same message.
 * <p>Secrets: {@code username}, {@code password} (shown by the app). Settings: {@code address} (the phone's LAN
 * address, e.g. {@code http://192.168.1.20:8080}; no default; {@code apiBase}, when set, wins, as for every
 * channel), {@code unicode}, {@code maxSegments}
 * ({@link SmsSettings}), {@code ttlSeconds} (default 3600: an alert SMS that waits an hour for a signal is no longer
 * news), {@code requestTimeoutSeconds}.
 */
public final class AndroidSmsChannel implements Channel {
    /** The app's own pacing is skipped from this priority up: alerts only, so sessions keep the SIM's gentle pace. */
    static final int URGENT_PRIORITY = 100;
    private static final Pattern REMOTE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final ChannelConfig config;
    private final HttpClient http;
    private final Duration timeout;
    private final String apiBase;
    private final SmsSettings sms;
    private final int ttlSeconds;

    public AndroidSmsChannel(ChannelConfig config, HttpClient http, Clock clock) {
        this.config = config;
        this.http = http;
        this.timeout = ChannelHttp.requestTimeout(config);
        String base = config.setting("apiBase", config.setting("address", ""));
        if (base.isEmpty()) {
            throw new IllegalArgumentException("channel " + config.id() + " needs address: the phone's address on the"
                    + " office network, e.g. http://192.168.1.20:8080");
        }
        this.apiBase = ChannelHttp.withoutSlash(base);
        this.sms = SmsSettings.of(config);
        String ttl = config.setting("ttlSeconds", "3600").trim();
        try {
            this.ttlSeconds = Integer.parseInt(ttl);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("ttlSeconds of channel " + config.id() + " is a number, not " + ttl);
        }
        if (ttlSeconds < 60 || ttlSeconds > 86_400) {
            throw new IllegalArgumentException("ttlSeconds of channel " + config.id() + " is 60 to 86400, not " + ttl);
        }
    }

    @Override
    public ChannelKind kind() {
        return ChannelKind.ANDROID_SMS;
    }

    @Override
    public Outcome send(MirrorMessage message, MirrorTarget target) {
        String auth = basicAuth();
        if (auth == null) {
            return new Outcome.ChannelDown("chưa đặt tên đăng nhập và mật khẩu của điện thoại gửi SMS / the SMS"
                    + " phone's username and password are not set");
        }
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("id", "loalang-" + message.deliveryId());
        body.putObject("textMessage").put("text",
                SmsText.fit(MessageText.withLink(message, "sms"), sms.maxSegments(), sms.unicode()));
        body.putArray("phoneNumbers").add(target.address());
        body.put("ttl", ttlSeconds);
        body.put("withDeliveryReport", true);
        body.put("priority", message.kind().urgent() ? URGENT_PRIORITY : 0);
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiBase + "/message")).timeout(timeout)
                .header("Content-Type", "application/json").header("Authorization", auth)
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build();
        ChannelHttp.Exchange exchange = ChannelHttp.call(http, request, timeout, "Android SMS gateway", config.allowLocal());
        if (!exchange.answered()) {
            return exchange.failure();
        }
        ChannelHttp.Answer a = exchange.answer();
        JsonNode json = a.json().orElse(null);
        int status = a.status();
        if (status == 202 || status == 200) {
            String id = json == null ? "" : json.path("id").asText("");
            if (!REMOTE_ID.matcher(id).matches()) {
                return new Outcome.Retry(Duration.ZERO, "điện thoại gửi SMS trả lời không đọc được / the SMS phone's"
                        + " answer is unreadable", false);
            }
            return new Outcome.Sent(id);
        }
        if (status == 401 || status == 403) {
            return new Outcome.ChannelDown("điện thoại gửi SMS từ chối tên đăng nhập hoặc mật khẩu (HTTP " + status
                    + "): đặt lại theo màn hình của ứng dụng / the SMS phone refuses the username or password (HTTP "
                    + status + "): set them as its app shows");
        }
        if (status == 400) {
            String said = json == null ? "" : MaskedPhone.scrub(LogText.of(json.path("message").asText(""),
                    LogText.SENTENCE));
            return new Outcome.Refused("điện thoại gửi SMS từ chối tin này (400) / the SMS phone refused this message"
                    + " (400): " + said);
        }
        return new Outcome.Retry(Duration.ZERO, "điện thoại gửi SMS lỗi HTTP " + status + " / the SMS phone answered"
                + " HTTP " + status, false);
    }

    /**
     * Where the SMS is, as the phone knows it: Pending, Processed (handed to the radio) and Sent are still waiting;
     * Delivered is what the network reported back; Failed is final. A Sent that never turns Delivered is counted as
     * sent only: many networks send no delivery reports.
     */
    @Override
    public Receipt receipt(String remoteId) {
        String auth = basicAuth();
        // NOT_TRACKED would make the mirror stop asking this channel at all: this one does track, so a message it
        // cannot ask about now (no password yet, an id not ours) stays WAITING until the mirror's window closes.
        if (auth == null || remoteId == null || !REMOTE_ID.matcher(remoteId).matches()) {
            return Receipt.WAITING;
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiBase + "/message/"
                        + URLEncoder.encode(remoteId, StandardCharsets.UTF_8)))
                .timeout(timeout).header("Authorization", auth).GET().build();
        ChannelHttp.Exchange exchange = ChannelHttp.call(http, request, timeout, "Android SMS gateway", config.allowLocal());
        if (!exchange.answered()) {
            return Receipt.WAITING;
        }
        // A 404 (the app reinstalled, its log cleared) is waiting too: nothing more will be known, and the mirror
        // stops asking when its window closes; the message stays counted as sent.
        ChannelHttp.Answer a = exchange.answer();
        JsonNode json = a.json().orElse(null);
        if (a.status() != 200 || json == null) {
            return Receipt.WAITING;
        }
        return switch (json.path("state").asText("")) {
            case "Delivered" -> Receipt.DELIVERED;
            case "Failed" -> Receipt.FAILED;
            default -> Receipt.WAITING;
        };
    }

    private String basicAuth() {
        var secrets = config.secrets().read();
        String user = secrets.get("username");
        String password = secrets.get("password");
        if (user == null || user.isBlank() || password == null || password.isBlank()) {
            return null;
        }
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}
