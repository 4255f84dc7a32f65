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

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * A Telegram bot posting into a village's group (Bot API, core.telegram.org/bots/api). The text goes by
 * {@code sendMessage} (at most 4,096 characters, cut after a sentence, the link kept); when the message has an audio
 * file, {@code sendAudio} follows: uploaded once as multipart, then sent again by the {@code file_id} Telegram
 * returned, kept in memory by the file's SHA-256 (the commune's uplink may be metered 4G).
 * <p>Secrets: {@code botToken}. Settings: {@code apiBase} (default {@code https://api.telegram.org}),
 * {@code requestTimeoutSeconds}. The token is part of every URL, so no URL is ever logged or put in a reason.
 */
public final class TelegramChannel implements Channel {
    private static final Logger log = LoggerFactory.getLogger(TelegramChannel.class);
    static final int MAX_TEXT = 4096;
    static final int MAX_CAPTION = 1024;
    private static final int KEPT_FILE_IDS = 256;
    private static final long MAX_UPLOAD_BYTES = 50L * 1024 * 1024;

    private final ChannelConfig config;
    private final HttpClient http;
    private final Duration timeout;
    private final String apiBase;
    /** file_id by the audio file's SHA-256, newest kept: an upload costs the uplink, a resend by id does not. */
    private final Map<String, String> fileIds = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > KEPT_FILE_IDS;
        }
    };

    public TelegramChannel(ChannelConfig config, HttpClient http, Clock clock) {
        this.config = config;
        this.http = http;
        this.timeout = ChannelHttp.requestTimeout(config);
        this.apiBase = ChannelHttp.withoutSlash(config.setting("apiBase", "https://api.telegram.org"));
    }

    @Override
    public ChannelKind kind() {
        return ChannelKind.TELEGRAM;
    }

    @Override
    public Outcome send(MirrorMessage message, MirrorTarget target) {
        String token = config.secrets().read().get("botToken");
        if (token == null || token.isBlank()) {
            return new Outcome.ChannelDown("chưa đặt mã bot (bot token) / the bot token is not set");
        }
        String text = MessageText.fit(MessageText.withLink(message, "telegram"), t -> t.length() <= MAX_TEXT, "…");
        ObjectNode body = Json.mapper().createObjectNode();
        body.put("chat_id", target.address());
        body.put("text", text);
        // Telegram would fetch the page for a preview at every message; the link is enough.
        body.putObject("link_preview_options").put("is_disabled", true);
        Reply reply = post(token, "sendMessage", body);
        if (!(reply.outcome() instanceof Outcome.Sent sent)) {
            return reply.outcome();
        }
        if (message.audioFile() != null && Files.isRegularFile(message.audioFile())) {
            Outcome audio = sendAudio(token, message, target);
            if (!(audio instanceof Outcome.Sent)) {
                // The text (with its link) is in the group; sending it again to attach the audio would repeat it.
                log.warn("Channel {}: the text of delivery {} is in chat {}, its audio is not: {}", config.id(),
                        message.deliveryId(), LogText.of(target.label()), reasonOf(audio));
            }
        }
        return sent;
    }

    private Outcome sendAudio(String token, MirrorMessage message, MirrorTarget target) {
        String caption = MessageText.fit(message.title() == null ? "" : message.title(),
                t -> t.length() <= MAX_CAPTION, "…");
        String hash;
        try {
            hash = sha256(message.audioFile());
        } catch (UncheckedIOException e) {
            return new Outcome.Refused("không đọc được tệp âm thanh / cannot read the audio file");
        }
        String fileId;
        synchronized (fileIds) {
            fileId = fileIds.get(hash);
        }
        if (fileId != null) {
            ObjectNode body = Json.mapper().createObjectNode();
            body.put("chat_id", target.address());
            body.put("audio", fileId);
            body.put("caption", caption);
            Reply reply = post(token, "sendAudio", body);
            if (!(reply.outcome() instanceof Outcome.Refused)) {
                return reply.outcome();
            }
            // Telegram no longer knows the file (another bot token, a file forgotten): upload it again below.
            synchronized (fileIds) {
                fileIds.remove(hash);
            }
        }
        Reply reply = upload(token, message, target, caption);
        if (reply.outcome() instanceof Outcome.Sent && reply.result() != null) {
            String id = reply.result().path("audio").path("file_id").asText("");
            if (!id.isEmpty()) {
                synchronized (fileIds) {
                    fileIds.put(hash, id);
                }
            }
        }
        return reply.outcome();
    }

    private Reply upload(String token, MirrorMessage message, MirrorTarget target, String caption) {
        Path file = message.audioFile();
        try {
            if (Files.size(file) > MAX_UPLOAD_BYTES) {
                return new Reply(new Outcome.Refused("tệp âm thanh lớn hơn 50 MB / the audio is over 50 MB"), null);
            }
        } catch (IOException e) {
            return new Reply(new Outcome.Refused("không đọc được tệp âm thanh / cannot read the audio file"), null);
        }
        String boundary = "loalang-" + UUID.randomUUID();
        StringBuilder head = new StringBuilder();
        field(head, boundary, "chat_id", target.address());
        field(head, boundary, "caption", caption);
        if (message.title() != null) {
            field(head, boundary, "title", message.title());
        }
        if (message.audioSeconds() > 0) {
            field(head, boundary, "duration", Integer.toString(message.audioSeconds()));
        }
        head.append("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"audio\"; filename=\"loa-lang.mp3\"\r\n")
                .append("Content-Type: audio/mpeg\r\n\r\n");
        String tail = "\r\n--" + boundary + "--\r\n";
        HttpRequest.BodyPublisher publisher;
        try {
            publisher = HttpRequest.BodyPublishers.concat(
                    HttpRequest.BodyPublishers.ofByteArray(head.toString().getBytes(StandardCharsets.UTF_8)),
                    HttpRequest.BodyPublishers.ofFile(file),
                    HttpRequest.BodyPublishers.ofByteArray(tail.getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            return new Reply(new Outcome.Refused("không đọc được tệp âm thanh / cannot read the audio file"), null);
        }
        HttpRequest request = HttpRequest.newBuilder(method(token, "sendAudio")).timeout(timeout)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary).POST(publisher).build();
        log.info("Channel {}: uploading the audio of delivery {} to Telegram once, then resending it by id",
                config.id(), message.deliveryId());
        return answer(ChannelHttp.call(http, request, timeout, "Telegram", config.allowLocal()));
    }

    private static void field(StringBuilder sb, String boundary, String name, String value) {
        sb.append("--").append(boundary).append("\r\n")
                .append("Content-Disposition: form-data; name=\"").append(name).append("\"\r\n")
                .append("Content-Type: text/plain; charset=utf-8\r\n\r\n")
                .append(value).append("\r\n");
    }

    /** How many members the group has ({@code getChatMemberCount}), bot included; empty when Telegram does not say. */
    @Override
    public OptionalInt members(MirrorTarget target) {
        String token = config.secrets().read().get("botToken");
        if (token == null || token.isBlank()) {
            return OptionalInt.empty();
        }
        URI uri = URI.create(method(token, "getChatMemberCount") + "?chat_id="
                + URLEncoder.encode(target.address(), StandardCharsets.UTF_8));
        Reply reply = answer(ChannelHttp.call(http, HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                timeout, "Telegram", config.allowLocal()));
        if (reply.outcome() instanceof Outcome.Sent && reply.result() != null && reply.result().canConvertToInt()) {
            return OptionalInt.of(reply.result().intValue());
        }
        return OptionalInt.empty();
    }

    private Reply post(String token, String method, JsonNode body) {
        HttpRequest request = HttpRequest.newBuilder(method(token, method)).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.write(body))).build();
        return answer(ChannelHttp.call(http, request, timeout, "Telegram", config.allowLocal()));
    }

    private URI method(String token, String method) {
        return URI.create(apiBase + "/bot" + token + "/" + method);
    }

    /** One Bot API answer and its {@code result}, when it had one. */
    private record Reply(Outcome outcome, JsonNode result) {
    }

    /**
     * Every answer the Bot API documents: {@code {"ok":true,"result":…}}, or {@code {"ok":false,"error_code",
     * "description","parameters":{"retry_after"|"migrate_to_chat_id"}}}.
     */
    private static Reply answer(ChannelHttp.Exchange exchange) {
        if (!exchange.answered()) {
            return new Reply(exchange.failure(), null);
        }
        ChannelHttp.Answer a = exchange.answer();
        JsonNode json = a.json().orElse(null);
        if (json == null || !json.path("ok").isBoolean()) {
            if (a.status() >= 500 || a.status() == 429) {
                return retry("Telegram lỗi máy chủ HTTP " + a.status() + " / Telegram server error " + a.status());
            }
            if (a.status() == 401 || a.status() == 404) {
                return down(a.status());
            }
            return retry("Telegram trả lời không đọc được (HTTP " + a.status() + ") / Telegram's answer is not the"
                    + " Bot API's (HTTP " + a.status() + ")");
        }
        if (json.path("ok").asBoolean()) {
            JsonNode result = json.path("result");
            String id = result.path("message_id").isMissingNode() ? null : result.path("message_id").asText();
            return new Reply(new Outcome.Sent(id), result);
        }
        int code = json.path("error_code").asInt(a.status());
        String description = LogText.of(json.path("description").asText(""), LogText.SENTENCE);
        JsonNode parameters = json.path("parameters");
        if (parameters.has("migrate_to_chat_id")) {
            return new Reply(new Outcome.Moved(parameters.path("migrate_to_chat_id").asText()), null);
        }
        if (code == 429) {
            long seconds = Math.max(1, parameters.path("retry_after").asLong(30));
            return new Reply(new Outcome.Retry(Duration.ofSeconds(seconds), "Telegram giới hạn tốc độ, chờ " + seconds
                    + " giây / Telegram rate limit, waiting " + seconds + " s", true), null);
        }
        if (code == 401 || code == 404) {
            return down(code);
        }
        if (code == 403) {
            return new Reply(new Outcome.TargetGone("bot không còn trong nhóm (bị xoá hoặc chặn): thêm lại bot vào"
                    + " nhóm / the bot is no longer in the group (removed or blocked): add it again — "
                    + description), null);
        }
        String lower = description.toLowerCase(java.util.Locale.ROOT);
        if (code == 400 && (lower.contains("not enough rights") || lower.contains("chat_write_forbidden")
                || lower.contains("have no rights"))) {
            return new Reply(new Outcome.TargetGone("bot không có quyền đăng tin trong nhóm: đặt bot làm quản trị"
                    + " viên với quyền gửi tin / the bot may not post in this group: make it an admin allowed to post"
                    + " — " + description), null);
        }
        if (code == 400 && lower.contains("chat not found")) {
            return new Reply(new Outcome.TargetGone("không tìm thấy nhóm: kiểm tra mã nhóm (chat id) / chat not"
                    + " found: check the chat id — " + description), null);
        }
        if (code >= 500) {
            return retry("Telegram lỗi máy chủ " + code + " / Telegram server error " + code);
        }
        return new Reply(new Outcome.Refused("Telegram từ chối tin này / Telegram refused this message: " + code + " "
                + description), null);
    }

    private static Reply retry(String reason) {
        return new Reply(new Outcome.Retry(Duration.ZERO, reason, false), null);
    }

    private static Reply down(int code) {
        return new Reply(new Outcome.ChannelDown("mã bot sai hoặc đã bị thu hồi (HTTP " + code + "): đặt mã mới từ"
                + " @BotFather / the bot token is wrong or revoked (HTTP " + code + "): set a new one from"
                + " @BotFather"), null);
    }

    private static String reasonOf(Outcome o) {
        if (o instanceof Outcome.Retry r) {
            return r.reason();
        }
        if (o instanceof Outcome.TargetGone g) {
            return g.reason();
        }
        if (o instanceof Outcome.ChannelDown d) {
            return d.reason();
        }
        if (o instanceof Outcome.Refused r) {
            return r.reason();
        }
        return o.toString();
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java has no SHA-256", e);
        }
    }
}
