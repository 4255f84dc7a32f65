package vn.loalang.controller;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code loalang-controller alert …}: an emergency announcement from a terminal, through the
 * controller's HTTP API with the caller's own account ({@link ApiSession}).
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
            --url, --ca    an HTTPS controller, e.g. --url https://192.168.1.10:8443, is trusted by the commune CA
                           (default /etc/loalang/tls/ca.pem when it exists, else the JDK's public authorities)
            The password is read from LOALANG_PASSWORD, from --password-file FILE, or asked for.
            """;

    private final PrintStream out;

    private AlertCommand(PrintStream out) {
        this.out = out;
    }

    /** Returns the exit code: 0 done, 1 refused by the controller, 2 a mistake on the command line. */
    static int run(String[] argv, PrintStream out, PrintStream err) {
        return ApiSession.exitCode(argv, USAGE, out, err, () -> {
            Args a = new Args(argv);
            AlertCommand c = new AlertCommand(out);
            ApiSession.Target target = ApiSession.Target.from(a);
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
            a.requireAllUsed();
            if (target.user() == null) {
                throw new IllegalArgumentException("--user is required");
            }
            putNumber(body, "durationMinutes", minutes, "--minutes");
            putNumber(body, "repeats", repeats, "--repeats");
            putNumber(body, "intervalSeconds", interval, "--interval");
            ApiSession api = target.login();
            JsonNode result;
            if (cancel != null) {
                result = api.call("POST", "/api/alerts/" + cancel + "/cancel", null);
            } else if (status != null) {
                result = api.call("GET", "/api/alerts/" + status, null);
            } else {
                if (villages == null) {
                    throw new IllegalArgumentException("--villages is required");
                }
                result = api.call("POST", "/api/alerts", body);
            }
            c.print(result);
            return 0;
        });
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

    private void print(JsonNode alert) {
        out.println("Cảnh báo / alert " + alert.path("id").asText() + ": " + alert.path("state").asText() + ", "
                + alert.path("title").asText() + " — until " + alert.path("expiresAt").asText());
        if (alert.has("stations")) {
            out.println("  " + alert.path("stations").asInt() + " loa / loudspeaker(s); tiến độ / progress: ./loalang alert"
                    + " --status " + alert.path("id").asText());
        }
        for (JsonNode d : alert.path("deliveries")) {
            out.println("  " + d.path("stationId").asText() + " (" + d.path("village").asText() + "): "
                    + d.path("status").asText());
        }
    }
}
