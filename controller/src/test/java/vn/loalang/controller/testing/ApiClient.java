package vn.loalang.controller.testing;

import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.protocol.Json;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The controller's HTTP API called as a client does: JSON bodies, bearer tokens, a browser's multipart upload. */
public final class ApiClient {
    /** A response: its status and its JSON body (null when empty). */
    public record Answer(int status, JsonNode json) {
        public String field() {
            return json.get("field").isNull() ? null : json.get("field").asText();
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final int port;

    public ApiClient(int port) {
        this.port = port;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public Answer call(String method, String path, String token, Object body) throws IOException, InterruptedException {
        return call(method, path, token, body, Map.of());
    }

    /** With request headers, e.g. {@code If-Match}. */
    public Answer call(String method, String path, String token, Object body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(Json.write(body)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        headers.forEach(b::header);
        return answer(http.send(b.build(), HttpResponse.BodyHandlers.ofString()));
    }

    public String login(String username, String password) throws IOException, InterruptedException {
        Answer a = call("POST", "/api/login", null, Map.of("username", username, "password", password));
        assertEquals(200, a.status(), String.valueOf(a.json()));
        return a.json().get("token").asText();
    }

    /** Uploads {@code file} to the library as {@code filename}, as a browser's form would. */
    public Answer upload(String token, Path file, String filename, Map<String, String> fields)
            throws IOException, InterruptedException {
        String boundary = "----loalang" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
                    + f.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(file));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri("/api/library"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return answer(http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    /** Uploads an agent release: the jar and the release file {@code loalang-controller release} wrote, as a form. */
    public Answer uploadRelease(String token, Path jar, byte[] releaseFile) throws IOException, InterruptedException {
        String boundary = "----loalang" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"release\"; filename=\"release.json\""
                + "\r\nContent-Type: application/json\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(releaseFile);
        body.write(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"jar\"; filename=\""
                + jar.getFileName() + "\"\r\nContent-Type: application/java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(uri("/api/releases"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return answer(http.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    public HttpResponse<byte[]> getBytes(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static Answer answer(HttpResponse<String> r) throws IOException {
        return new Answer(r.statusCode(), r.body().isEmpty() ? null : Json.mapper().readTree(r.body()));
    }
}
