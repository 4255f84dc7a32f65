package vn.loalang.controller.testing.fake;

import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.protocol.Json;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Telegram Bot API as core.telegram.org/bots/api documents it, for one bot: {@code /bot{token}/{method}},
 * {@code {"ok":true,"result":…}} or {@code {"ok":false,"error_code","description","parameters"}}. Knows
 * sendMessage, sendAudio (a multipart upload gets a new {@code file_id}; a known {@code file_id} is sent again
 * without upload) and getChatMemberCount. A wrong token is 401, a chat in {@link #forgetChat} is "chat not found".
 * The documented errors are also scriptable one at a time ({@link #tooManyRequests} and the others).
 */
public final class TelegramFake extends FakeHttpApi {
    /** One message the bot posted. */
    public record Posted(String method, String chatId, String text, String audio) {
    }

    private final String token;
    private final AtomicInteger ids = new AtomicInteger(100);
    private final List<Posted> posted = new CopyOnWriteArrayList<>();
    private final Set<String> fileIds = ConcurrentHashMap.newKeySet();
    private final Set<String> forgotten = ConcurrentHashMap.newKeySet();
    private final AtomicInteger uploads = new AtomicInteger();
    private volatile int members = 42;

    public TelegramFake(String token) {
        this.token = token;
        otherwise(this::answer);
    }

    public List<Posted> posted() {
        return List.copyOf(posted);
    }

    /** How many audio files were uploaded (not sent again by file_id). */
    public int uploads() {
        return uploads.get();
    }

    public TelegramFake members(int count) {
        this.members = count;
        return this;
    }

    /** From now on, {@code chatId} is "chat not found" (the group was deleted). */
    public TelegramFake forgetChat(String chatId) {
        forgotten.add(chatId);
        return this;
    }

    public static Answer tooManyRequests(long retryAfter) {
        return Answer.json(429, "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after "
                + retryAfter + "\",\"parameters\":{\"retry_after\":" + retryAfter + "}}");
    }

    public static Answer kicked() {
        return Answer.json(403, "{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot was kicked from the"
                + " group chat\"}");
    }

    public static Answer chatNotFound() {
        return Answer.json(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}");
    }

    public static Answer migrated(long newChatId) {
        return Answer.json(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: group chat was"
                + " upgraded to a supergroup chat\",\"parameters\":{\"migrate_to_chat_id\":" + newChatId + "}}");
    }

    public static Answer unauthorized() {
        return Answer.json(401, "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}");
    }

    public static Answer tooLong() {
        return Answer.json(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: message is too"
                + " long\"}");
    }

    private Answer answer(Request r) {
        String prefix = "/bot" + token + "/";
        if (!r.path().startsWith(prefix)) {
            return r.path().startsWith("/bot") ? unauthorized()
                    : Answer.json(404, "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}");
        }
        String method = r.path().substring(prefix.length());
        try {
            return switch (method) {
                case "sendMessage" -> sendMessage(r);
                case "sendAudio" -> sendAudio(r);
                case "getChatMemberCount" -> memberCount(r);
                default -> Answer.json(404, "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}");
            };
        } catch (IOException | RuntimeException e) {
            return Answer.json(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: "
                    + e.getClass().getSimpleName() + "\"}");
        }
    }

    private Answer sendMessage(Request r) throws IOException {
        JsonNode body = Json.mapper().readTree(r.body());
        String chat = body.path("chat_id").asText();
        String text = body.path("text").asText();
        if (forgotten.contains(chat)) {
            return chatNotFound();
        }
        if (text.isEmpty()) {
            return Answer.json(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: message text is"
                    + " empty\"}");
        }
        if (text.length() > 4096) {
            return tooLong();
        }
        posted.add(new Posted("sendMessage", chat, text, null));
        return Answer.json(200, "{\"ok\":true,\"result\":{\"message_id\":" + ids.incrementAndGet() + ",\"chat\":{\"id\":"
                + Json.mapper().writeValueAsString(chat) + ",\"type\":\"supergroup\"},\"date\":1765000000,\"text\":"
                + Json.mapper().writeValueAsString(text) + "}}");
    }

    private Answer sendAudio(Request r) throws IOException {
        String type = r.header("Content-Type") == null ? "" : r.header("Content-Type");
        String chat;
        String caption;
        String fileId;
        if (type.startsWith("multipart/form-data")) {
            Map<String, String> fields = Multipart.fields(r.body(), type);
            if (!fields.containsKey("audio")) {
                return Answer.json(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: there is no"
                        + " audio in the request\"}");
            }
            chat = fields.get("chat_id");
            caption = fields.getOrDefault("caption", "");
            fileId = "CQACAgIAAxkBAAI" + ids.incrementAndGet();
            fileIds.add(fileId);
            uploads.incrementAndGet();
        } else {
            JsonNode body = Json.mapper().readTree(r.body());
            chat = body.path("chat_id").asText();
            caption = body.path("caption").asText("");
            fileId = body.path("audio").asText();
            if (!fileIds.contains(fileId)) {
                return Answer.json(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: wrong file"
                        + " identifier/HTTP URL specified\"}");
            }
        }
        if (forgotten.contains(chat)) {
            return chatNotFound();
        }
        if (caption.length() > 1024) {
            return Answer.json(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: message caption"
                    + " is too long\"}");
        }
        posted.add(new Posted("sendAudio", chat, caption, fileId));
        return Answer.json(200, "{\"ok\":true,\"result\":{\"message_id\":" + ids.incrementAndGet()
                + ",\"audio\":{\"file_id\":\"" + fileId + "\",\"file_unique_id\":\"u" + fileId.hashCode()
                + "\",\"duration\":30,\"mime_type\":\"audio/mpeg\"}}}");
    }

    private Answer memberCount(Request r) {
        String query = r.query() == null ? "" : r.query();
        String chat = "";
        for (String pair : query.split("&")) {
            if (pair.startsWith("chat_id=")) {
                chat = URLDecoder.decode(pair.substring(8), StandardCharsets.UTF_8);
            }
        }
        if (forgotten.contains(chat) || chat.isEmpty()) {
            return chatNotFound();
        }
        return Answer.json(200, "{\"ok\":true,\"result\":" + members + "}");
    }
}
