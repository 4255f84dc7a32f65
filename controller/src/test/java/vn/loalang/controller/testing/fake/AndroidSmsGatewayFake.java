package vn.loalang.controller.testing.fake;

import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.protocol.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * "SMS Gateway for Android" in local server mode, as its docs describe it: Basic auth, {@code POST /message}
 * ({@code {id?, textMessage:{text}, phoneNumbers, ttl, withDeliveryReport, priority}}) answered {@code 202} with the
 * message's {@code id} and {@code state "Pending"}, {@code GET /message/{id}} with its state (Pending, Processed,
 * Sent, Delivered, Failed), which a test moves with {@link #state}.
 */
public final class AndroidSmsGatewayFake extends FakeHttpApi {
    /** One message the phone took. */
    public record Message(String id, String text, List<String> phoneNumbers, int ttl, boolean withDeliveryReport,
                          int priority) {
    }

    private final String authorization;
    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final Map<String, String> states = new ConcurrentHashMap<>();

    public AndroidSmsGatewayFake(String username, String password) {
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        otherwise(this::answer);
    }

    public List<Message> messages() {
        return List.copyOf(messages);
    }

    /** Moves a message to {@code state}, as the phone does when the network reports. */
    public void state(String id, String state) {
        states.put(id, state);
    }

    private Answer answer(Request r) {
        if (!authorization.equals(r.header("Authorization"))) {
            return Answer.json(401, "{\"message\":\"Unauthorized\"}");
        }
        if (r.method().equals("POST") && r.path().equals("/message")) {
            return send(r);
        }
        if (r.method().equals("GET") && r.path().startsWith("/message/")) {
            String id = r.path().substring("/message/".length());
            String state = states.get(id);
            if (state == null) {
                return Answer.json(404, "{\"message\":\"message not found\"}");
            }
            return Answer.json(200, "{\"id\":\"" + id + "\",\"state\":\"" + state + "\",\"isHashed\":false,"
                    + "\"isEncrypted\":false,\"recipients\":[{\"phoneNumber\":\"+84912xxx678\",\"state\":\"" + state
                    + "\"}]}");
        }
        return Answer.json(404, "{\"message\":\"not found\"}");
    }

    private Answer send(Request r) {
        JsonNode b;
        try {
            b = Json.mapper().readTree(r.body());
        } catch (IOException e) {
            return Answer.json(400, "{\"message\":\"invalid request body\"}");
        }
        String text = b.path("textMessage").path("text").asText("");
        JsonNode numbers = b.path("phoneNumbers");
        if (text.isEmpty() || !numbers.isArray() || numbers.isEmpty()) {
            return Answer.json(400, "{\"message\":\"textMessage and phoneNumbers are required\"}");
        }
        String id = b.path("id").asText("");
        if (id.isEmpty()) {
            id = UUID.randomUUID().toString().replace("-", "").substring(0, 21);
        }
        List<String> phones = new java.util.ArrayList<>();
        numbers.forEach(n -> phones.add(n.asText()));
        messages.add(new Message(id, text, phones, b.path("ttl").asInt(0), b.path("withDeliveryReport").asBoolean(),
                b.path("priority").asInt(0)));
        states.put(id, "Pending");
        return Answer.json(202, "{\"id\":\"" + id + "\",\"state\":\"Pending\",\"isHashed\":false,"
                + "\"isEncrypted\":false,\"recipients\":[{\"phoneNumber\":\"" + phones.get(0)
                + "\",\"state\":\"Pending\"}]}");
    }
}
