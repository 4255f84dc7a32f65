package vn.loalang.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.protocol.config.OptionText;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;

import static vn.loalang.controller.cli.AlertOptions.*;

/**
 * {@code loalang-controller alert …}: an emergency announcement from a terminal, through the
 * controller's HTTP API with the caller's own account ({@link ApiSession}).
 */
public final class AlertCommand {
    static final String USAGE = """
            Usage:
              loalang-controller alert --user NAME --villages ID[,ID…] (--content ID | --text "…") --reason "…"
                                       [--minutes 30] [--repeats 1] [--interval 30] [--priority EMERGENCY|WARNING]
                                       [--preamble SIREN|CHIME|NONE] [--url http://127.0.0.1:8080]
              loalang-controller alert --user NAME --cancel ALERT_ID [--url …]
              loalang-controller alert --user NAME --status ALERT_ID [--url …]

            Options:
            """ + OptionText.commandLine(AlertOptions.ALL) + """

            Login:
            """ + OptionText.commandLine(SessionOptions.ALL) + """

            Exit code: 0 done, 1 refused by the controller or unreachable, 2 a mistake on the command line.
            """;

    private final PrintStream out;

    private AlertCommand(PrintStream out) {
        this.out = out;
    }

    /** Returns the exit code: 0 done, 1 refused by the controller, 2 a mistake on the command line. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        return ApiSession.exitCode("alert", argv, USAGE, out, err, () -> {
            Args a = new Args(argv);
            AlertCommand c = new AlertCommand(out);
            ApiSession.Target target = ApiSession.Target.from(a);
            String cancel = a.get(CANCEL);
            String status = a.get(STATUS);
            Map<String, Object> body = new LinkedHashMap<>();
            String villages = a.get(VILLAGES);
            if (villages != null) {
                body.put("villages", AlertOptions.villages(villages));
            }
            // Only what was given: the controller's defaults apply to the rest.
            put(body, "contentId", a.get(CONTENT));
            put(body, "text", a.get(TEXT));
            put(body, "reason", a.get(REASON));
            put(body, "priority", a.get(PRIORITY));
            put(body, "preamble", a.get(PREAMBLE));
            put(body, "durationMinutes", a.get(MINUTES));
            put(body, "repeats", a.get(REPEATS));
            put(body, "intervalSeconds", a.get(INTERVAL));
            a.requireAllUsed();
            if (cancel == null && status == null && villages == null) {
                VILLAGES.required().check(null, "--villages"); // to trigger one, refused before the password is asked
            }
            ApiSession api = target.login();
            JsonNode result;
            if (cancel != null) {
                result = api.call("POST", "/api/alerts/" + cancel + "/cancel", null);
            } else if (status != null) {
                result = api.call("GET", "/api/alerts/" + status, null);
            } else {
                result = api.call("POST", "/api/alerts", body);
            }
            c.print(result);
            return 0;
        });
    }

    private static void put(Map<String, Object> body, String key, Object value) {
        if (value != null) {
            body.put(key, value);
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
