package vn.loalang.systemtests.bench;

import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.protocol.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

/**
 * The controller's HTTP API as the benchmark uses it: log in, make a village head, trigger and read
 * an alert. The tests' {@code ApiClient} (controller test-jar) checks its answers with JUnit, which
 * the benchmark's class path (the packaged jars) does not hold; this one fails with the answer.
 */
final class AlertApi {
    /** What one trigger call came to, and when it was sent and answered ({@link System#nanoTime}). */
    record Trigger(String alertId, long sentNanos, long returnedNanos) {
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;

    AlertApi(int port) {
        this.port = port;
    }

    String login(String username, String password) throws BenchException {
        return call("POST", "/api/login", null, Map.of("username", username, "password", password), 200)
                .get("token").asText();
    }

    void createVillageHead(String adminToken, String username, String password, String village) throws BenchException {
        call("POST", "/api/users", adminToken, Map.of("username", username, "role", "VILLAGE_HEAD",
                "villages", List.of(village), "password", password), 201);
    }

    /** A user of {@code role} ({@code OPERATOR}, …) for the whole commune. */
    void createUser(String adminToken, String username, String password, String role) throws BenchException {
        call("POST", "/api/users", adminToken, Map.of("username", username, "role", role, "password", password), 201);
    }

    /** {@code POST /api/stations/{id}/credentials}: the station's broker account (its password shown this once). */
    JsonNode issueCredentials(String token, String stationId) throws BenchException {
        return call("POST", "/api/stations/" + stationId + "/credentials", token, null, 201);
    }

    /** {@code POST /api/alerts}; the times bracket the whole call, answer read. */
    Trigger trigger(String token, Map<String, Object> body) throws BenchException {
        long sent = System.nanoTime();
        JsonNode answer = call("POST", "/api/alerts", token, body, 201);
        long returned = System.nanoTime();
        return new Trigger(answer.get("id").asText(), sent, returned);
    }

    /** {@code PUT /api/villages/{village}/program}: the village's own program, answered once the change is saved. */
    void setVillageProgram(String token, String village, Object program) throws BenchException {
        call("PUT", "/api/villages/" + village + "/program", token, program, 200);
    }

    /** Withdraws the alert, so that the controller stops sending it again to stations that never answer. */
    void cancel(String token, String alertId) throws BenchException {
        call("POST", "/api/alerts/" + alertId + "/cancel", token, null, 200);
    }

    private JsonNode call(String method, String path, String token, Object body, int... expected) throws BenchException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(Json.write(body)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (java.util.Arrays.stream(expected).noneMatch(code -> code == r.statusCode())) {
                throw new BenchException(method + " " + path + " answered " + r.statusCode() + ", not "
                        + java.util.Arrays.toString(expected) + ": " + r.body());
            }
            return Json.mapper().readTree(r.body());
        } catch (IOException e) {
            throw new BenchException(method + " " + path + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted during " + method + " " + path);
        }
    }
}
