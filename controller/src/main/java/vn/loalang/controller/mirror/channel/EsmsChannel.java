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
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;

/**
 * SMS with the commune's brandname through eSMS.vn ({@code SendMultipleMessage_V4_post_json}, customer-care type
 * {@code SmsType "2"}). {@code RequestId} is the outbox row's id: eSMS refuses a second request with the same id for
 * 24 hours ({@code 124}), so a resend after a timeout never sends the SMS twice and counts as sent. {@code 100} means
 * eSMS accepted it, not that the phone got it.
 * <p>Secrets: {@code apiKey}, {@code secretKey}. Settings: {@code brandname} (registered with eSMS), {@code unicode},
 * {@code maxSegments} ({@link SmsSettings}), {@code sandbox} ("true": eSMS checks but neither sends nor charges),
 * {@code apiBase} (default {@code https://rest.esms.vn}), {@code requestTimeoutSeconds}.
 */
public final class EsmsChannel implements Channel {
    private final ChannelConfig config;
    private final HttpClient http;
    private final Duration timeout;
    private final URI endpoint;
    private final SmsSettings sms;

    public EsmsChannel(ChannelConfig config, HttpClient http, Clock clock) {
        this.config = config;
        this.http = http;
        this.timeout = ChannelHttp.requestTimeout(config);
        this.endpoint = URI.create(ChannelHttp.withoutSlash(config.setting("apiBase", "https://rest.esms.vn"))
                + "/MainService.svc/json/SendMultipleMessage_V4_post_json/");
        this.sms = SmsSettings.of(config);
    }

    @Override
    public ChannelKind kind() {
        return ChannelKind.ESMS;
    }

    @Override
    public Outcome send(MirrorMessage message, MirrorTarget target) {
        var secrets = config.secrets().read();
        String apiKey = secrets.get("apiKey");
        String secretKey = secrets.get("secretKey");
        if (apiKey == null || apiKey.isBlank() || secretKey == null || secretKey.isBlank()) {
            return new Outcome.ChannelDown("chưa đặt ApiKey và SecretKey của eSMS / eSMS's ApiKey and SecretKey are"
                    + " not set");
        }
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("ApiKey", apiKey);
        body.put("SecretKey", secretKey);
        body.put("Phone", MaskedPhone.domestic(target.address()));
        body.put("Content", SmsText.fit(MessageText.withLink(message, "sms"), sms.maxSegments(), sms.unicode()));
        body.put("Brandname", config.setting("brandname", ""));
        body.put("SmsType", "2");
        body.put("IsUnicode", sms.unicode() ? "1" : "0");
        body.put("Sandbox", config.setting("sandbox", "false").equals("true") ? "1" : "0");
        body.put("RequestId", Long.toString(message.deliveryId()));
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build();
        ChannelHttp.Exchange exchange = ChannelHttp.call(http, request, timeout, "eSMS", config.allowLocal());
        if (!exchange.answered()) {
            return exchange.failure();
        }
        ChannelHttp.Answer a = exchange.answer();
        JsonNode json = a.json().orElse(null);
        if (a.status() != 200 || json == null || !json.hasNonNull("CodeResult")) {
            return new Outcome.Retry(Duration.ZERO, "eSMS trả lời không đọc được (HTTP " + a.status() + ") / eSMS's"
                    + " answer is not its API's (HTTP " + a.status() + ")", false);
        }
        String code = json.path("CodeResult").asText().trim();
        String said = MaskedPhone.scrub(LogText.of(json.path("ErrorMessage").asText(""), LogText.SENTENCE));
        String phone = MaskedPhone.of(target.address());
        return switch (code) {
            case "100" -> new Outcome.Sent(json.path("SMSID").asText(null));
            // Sent before, under this very RequestId (a resend after a timeout): the first one counts.
            case "124" -> new Outcome.Sent(json.path("SMSID").asText(null));
            case "101" -> new Outcome.ChannelDown("ApiKey hoặc SecretKey của eSMS sai (101): đặt lại khoá / eSMS's"
                    + " ApiKey or SecretKey is wrong (101): set them again");
            case "102" -> new Outcome.ChannelDown("tài khoản eSMS chưa có bảng giá (102): gọi eSMS / the eSMS"
                    + " account has no price list (102): call eSMS");
            case "103" -> new Outcome.ChannelDown("tài khoản eSMS hết tiền (103): nạp thêm / the eSMS account is out"
                    + " of balance (103): top it up");
            case "104" -> new Outcome.ChannelDown("brandname chưa đăng ký hoặc viết sai (104) / the brandname is not"
                    + " registered or misspelt (104)");
            case "140" -> new Outcome.ChannelDown("địa chỉ IP của máy chủ chưa được eSMS cho phép (140): gửi IP cho"
                    + " eSMS / the controller's IP address is not whitelisted at eSMS (140): send it to eSMS");
            case "146" -> new Outcome.ChannelDown("nội dung không khớp mẫu chăm sóc khách hàng đã đăng ký (146): đăng"
                    + " ký các mẫu trong docs/channels.md / the text matches no registered customer-care template"
                    + " (146): register the templates in docs/channels.md");
            case "108" -> new Outcome.TargetGone("số " + phone + " sai định dạng (108) / number " + phone
                    + " is not a valid phone number (108)");
            case "99" -> new Outcome.TargetGone("số " + phone + " bị chặn nhận tin (99) / number " + phone
                    + " is blocked (99)");
            case "177" -> new Outcome.TargetGone("brandname chưa đăng ký với nhà mạng của số " + phone + " (177) /"
                    + " the brandname is not registered with the network of " + phone + " (177)");
            default -> new Outcome.Refused("eSMS từ chối tin này / eSMS refused this message: " + LogText.of(code)
                    + " " + said);
        };
    }
}
