package vn.loalang.controller.testing.fake;

import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.protocol.Json;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Zalo for one Official Account, both servers on one port (a channel's {@code apiBase} and {@code oauthBase} both
 * point here): the OA API's group messages ({@code POST /v3.0/oa/group/message}, header {@code access_token}, errors
 * in the body with HTTP 200) and the OAuth server's token refresh ({@code POST /v4/oa/access_token}, header
 * {@code secret_key}, form {@code refresh_token, app_id, grant_type=refresh_token}). As Zalo documents, a refresh
 * answers a new access token and a new refresh token, and the refresh token it was given is spent: using it again
 * is refused. {@link #expireAccessToken()} makes the current access token expire, as 25 hours would.
 */
public final class ZaloFake extends FakeHttpApi {
    /** One message posted to a group. */
    public record GroupMessage(String groupId, String text, String accessToken) {
    }

    private final String appId;
    private final String secretKey;
    private final AtomicInteger serial = new AtomicInteger();
    private final List<GroupMessage> messages = new CopyOnWriteArrayList<>();
    private final Set<String> spentRefreshTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> expiredAccessTokens = ConcurrentHashMap.newKeySet();
    private final Set<String> groups = ConcurrentHashMap.newKeySet();
    private volatile String accessToken;
    private volatile java.util.concurrent.CountDownLatch refreshPeers;
    private volatile long refreshHoldMillis;
    private volatile String refreshToken;
    private volatile String expiresIn = "\"90000\"";

    public ZaloFake(String appId, String secretKey, String accessToken, String refreshToken) {
        this.appId = appId;
        this.secretKey = secretKey;
        this.accessToken = accessToken;
        this.refreshToken = refreshToken;
        otherwise(this::answer);
    }

    /** The OA is a member of {@code groupId} (a group it is not in answers -403). */
    public ZaloFake group(String groupId) {
        groups.add(groupId);
        return this;
    }

    public List<GroupMessage> messages() {
        return List.copyOf(messages);
    }

    public String accessToken() {
        return accessToken;
    }

    public String refreshToken() {
        return refreshToken;
    }

    /** What the next refreshes answer as {@code expires_in}, as JSON (Zalo sends {@code "90000"}, a string). */
    public ZaloFake expiresIn(String json) {
        this.expiresIn = json;
        return this;
    }

    public void expireAccessToken() {
        expiredAccessTokens.add(accessToken);
    }

    /**
     * The next refresh waits up to {@code hold} for a second one to arrive before it is answered: the window in
     * which two refreshes with the same single-use token would both reach Zalo, held open so a test sees it.
     */
    public ZaloFake holdRefreshFor(java.time.Duration hold) {
        this.refreshPeers = new java.util.concurrent.CountDownLatch(2);
        this.refreshHoldMillis = hold.toMillis();
        return this;
    }

    /** An OA API error, as Zalo sends it: HTTP 200, the code in the body. */
    public static Answer error(int code, String message) {
        return Answer.json(200, "{\"error\":" + code + ",\"message\":\"" + message + "\"}");
    }

    private Answer answer(Request r) {
        try {
            if (r.method().equals("POST") && r.path().equals("/v3.0/oa/group/message")) {
                return groupMessage(r);
            }
            if (r.method().equals("POST") && r.path().equals("/v4/oa/access_token")) {
                java.util.concurrent.CountDownLatch peers = refreshPeers;
                if (peers != null) {
                    peers.countDown();
                    try {
                        peers.await(refreshHoldMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return refresh(r);
            }
            return Answer.text(404, "Not Found");
        } catch (IOException | RuntimeException e) {
            return error(-201, "Parameters are invalid");
        }
    }

    private Answer groupMessage(Request r) throws IOException {
        String token = r.header("access_token");
        if (token == null || expiredAccessTokens.contains(token)) {
            return error(-220, "Access token has expired");
        }
        if (!token.equals(accessToken)) {
            return error(-216, "Access token is invalid");
        }
        JsonNode body = Json.mapper().readTree(r.body());
        String group = body.path("recipient").path("group_id").asText("");
        String text = body.path("message").path("text").asText("");
        if (group.isEmpty() || text.isEmpty() || text.length() > 2000) {
            return error(-201, "Parameters are invalid");
        }
        if (!groups.contains(group)) {
            return error(-403, "OA is not a member of this group");
        }
        messages.add(new GroupMessage(group, text, token));
        return Answer.json(200, "{\"error\":0,\"message\":\"Success\",\"data\":{\"message_id\":\"gmsg"
                + serial.incrementAndGet() + "\"}}");
    }

    private synchronized Answer refresh(Request r) {
        Map<String, String> form = new HashMap<>();
        for (String pair : r.text().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        if (!secretKey.equals(r.header("secret_key")) || !appId.equals(form.get("app_id"))) {
            return Answer.json(200, "{\"error\":-14002,\"error_name\":\"Invalid app\",\"error_reason\":\"app_id or"
                    + " secret_key is invalid\"}");
        }
        if (!"refresh_token".equals(form.get("grant_type"))) {
            return Answer.json(200, "{\"error\":-14001,\"error_name\":\"Invalid parameter\",\"error_reason\":"
                    + "\"grant_type is invalid\"}");
        }
        String given = form.get("refresh_token");
        if (given == null || spentRefreshTokens.contains(given) || !given.equals(refreshToken)) {
            return Answer.json(200, "{\"error\":-14014,\"error_name\":\"Invalid refresh token\",\"error_reason\":"
                    + "\"refresh token is invalid or already used\"}");
        }
        spentRefreshTokens.add(given);
        expiredAccessTokens.add(accessToken);
        int n = serial.incrementAndGet();
        accessToken = "zat-" + n + "-fresh";
        refreshToken = "zrt-" + n + "-fresh";
        return Answer.json(200, "{\"access_token\":\"" + accessToken + "\",\"refresh_token\":\"" + refreshToken
                + "\",\"expires_in\":" + expiresIn + "}");
    }
}
