package vn.loalang.controller;

import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.protocol.Json;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code loalang-controller alert …}: an emergency announcement from a terminal, through the
 * controller's HTTP API with the caller's own account — the same rights, checks and audit as the
 * console. The password comes from {@code LOALANG_PASSWORD}, a file, or is asked for; never an argument.
 */
final class AlertCommand {
    static final String USAGE = """
            Usage:
              loalang-controller alert --user NAME --villages ID[,ID…] (--content ID | --text "…") --reason "…"
                                       [--minutes 30] [--repeats 1] [--interval 30] [--priority EMERGENCY|WARNING]
                                       [--preamble SIREN|CHIME|NONE] [--url http://127.0.0.1:8080]
              loalang-controller alert --user NAME --cancel ALERT_ID [--url …]
              loalang-controller alert --user NAME --status ALERT_ID [--url …]

            --villages *   the whole commune (operators and administrators only)
            --text         typed text, spoken by the controller's speech engine (espeak-ng, Vietnamese voice)
            The password is read from LOALANG_PASSWORD, from --password-file FILE, or asked for.
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final PrintStream out;
    private URI base;
    private String token;

    private AlertCommand(PrintStream out) {
        this.out = out;
    }

    /** Returns the exit code: 0 done, 1 refused by the controller, 2 a mistake on the command line. */
    static int run(String[] argv, PrintStream out, PrintStream err) {
        if (Arrays.asList(argv).contains("--help")) {
            out.println(USAGE);
            return 0;
        }
        try {
            Args a = new Args(argv);
            AlertCommand c = new AlertCommand(out);
            c.base = URI.create(a.value("--url", "http://127.0.0.1:8080").replaceAll("/+$", ""));
            String user = a.value("--user", null);
            String cancel = a.value("--cancel", null);
            String status = a.value("--status", null);
            Map<String, Object> body = new LinkedHashMap<>();
            String villages = a.value("--villages", null);
            if (villages != null) {
                body.put("villages", List.of(villages.split(",")));
            }
            put(body, "contentId", a.value("--content", null));
            put(body, "text", a.value("--text", null));
            put(body, "reason", a.value("--reason", null));
            put(body, "priority", a.value("--priority", null));
            put(body, "preamble", a.value("--preamble", null));
            String minutes = a.value("--minutes", null);
            String repeats = a.value("--repeats", null);
            String interval = a.value("--interval", null);
            java.nio.file.Path passwordFile = a.path("--password-file", null);
            a.requireAllUsed();
            if (user == null) {
                throw new IllegalArgumentException("--user is required");
            }
            putNumber(body, "durationMinutes", minutes, "--minutes");
            putNumber(body, "repeats", repeats, "--repeats");
            putNumber(body, "intervalSeconds", interval, "--interval");
            c.login(user, passwordFile != null ? java.nio.file.Files.readString(passwordFile).strip() : password(user));
            JsonNode result;
            if (cancel != null) {
                result = c.call("POST", "/api/alerts/" + cancel + "/cancel", null);
            } else if (status != null) {
                result = c.call("GET", "/api/alerts/" + status, null);
            } else {
                if (villages == null) {
                    throw new IllegalArgumentException("--villages is required");
                }
                result = c.call("POST", "/api/alerts", body);
            }
            c.print(result);
            return 0;
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage() + "\n\n" + USAGE);
            return 2;
        } catch (Refused e) {
            err.println(e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("Không kết nối được máy chủ / cannot reach the controller: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** The controller said no: its message, Vietnamese first. */
    private static final class Refused extends Exception {
        Refused(String message) {
            super(message);
        }
    }

    private static void put(Map<String, Object> body, String key, String value) {
        if (value != null) {
            body.put(key, value);
        }
    }

    private static void putNumber(Map<String, Object> body, String key, String value, String option) {
        if (value == null) {
            return;
        }
        try {
            body.put(key, Integer.parseInt(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, not '" + value + "'");
        }
    }

    private static String password(String user) {
        String env = System.getenv("LOALANG_PASSWORD");
        if (env != null && !env.isEmpty()) {
            return env;
        }
        Console console = System.console();
        if (console == null) {
            throw new IllegalArgumentException("set LOALANG_PASSWORD, or run in a terminal to be asked for it");
        }
        return new String(console.readPassword("Mật khẩu của %s / password of %s: ", user, user));
    }

    private void login(String user, String password) throws IOException, InterruptedException, Refused {
        token = call("POST", "/api/login", Map.of("username", user, "password", password)).get("token").asText();
    }

    private JsonNode call(String method, String path, Object body) throws IOException, InterruptedException, Refused {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(Json.write(body)));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = r.body().isEmpty() ? Json.mapper().createObjectNode() : Json.mapper().readTree(r.body());
        if (r.statusCode() >= 400) {
            String field = json.path("field").isTextual() ? " (" + json.get("field").asText() + ")" : "";
            throw new Refused("Bị từ chối / refused, HTTP " + r.statusCode() + ": " + json.path("message").asText()
                    + field);
        }
        return json;
    }

    private void print(JsonNode alert) {
        out.println("Cảnh báo / alert " + alert.path("id").asText() + ": " + alert.path("state").asText() + ", "
                + alert.path("title").asText() + " — until " + alert.path("expiresAt").asText());
        for (JsonNode d : alert.path("deliveries")) {
            out.println("  " + d.path("stationId").asText() + " (" + d.path("village").asText() + "): "
                    + d.path("status").asText());
        }
    }
}
