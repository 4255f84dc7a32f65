package vn.loalang.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import vn.loalang.protocol.config.OptionText;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static vn.loalang.controller.cli.StationCommandOptions.*;

/**
 * {@code loalang-controller station …}: a technician's command to one station from a terminal —
 * a test tone, a relay test, a resync, a restart — through the API ({@link ApiSession}), signed
 * and audited there; the tool waits for the station's answer and prints it.
 */
public final class StationCommand {
    static final String USAGE = """
            Usage:
              loalang-controller station --user NAME --station ID --action TEST_TONE|RELAY_TEST|RESYNC|RESTART
                                         [--seconds 5] [--wait 30] [--url http://127.0.0.1:8080]
              loalang-controller station --user NAME --station ID --action LIST [--url …]

            Options:
            """ + OptionText.commandLine(StationCommandOptions.ALL) + """

            Login:
            """ + OptionText.commandLine(SessionOptions.ALL) + """

            Exit code: 0 the station did it, 1 refused, failed or no answer, 2 a mistake on the command line.
            """;
    private static final Duration POLL = Duration.ofMillis(500);

    private StationCommand() {
    }

    public static int run(String[] argv, PrintStream out, PrintStream err) {
        return ApiSession.exitCode("station", argv, USAGE, out, err, () -> {
            Args a = new Args(argv);
            ApiSession.Target target = ApiSession.Target.from(a);
            String station = a.get(STATION);
            String action = a.get(ACTION).toUpperCase(Locale.ROOT);
            int seconds = a.get(SECONDS);
            int wait = a.get(WAIT);
            a.requireAllUsed();
            boolean history = "LIST".equals(action);
            ApiSession api = target.login();
            String path = "/api/stations/" + station + "/commands";
            if (history) {
                for (JsonNode c : api.call("GET", path, null)) {
                    out.println(line(c));
                }
                return 0;
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("action", action);
            body.put("seconds", seconds);
            JsonNode sent = api.call("POST", path, body);
            String id = sent.path("id").asText();
            out.println("Đã gửi / sent: " + line(sent));
            JsonNode last = sent;
            Instant until = Instant.now().plusSeconds(wait);
            while ("SENT".equals(last.path("status").asText()) && Instant.now().isBefore(until)) {
                Thread.sleep(POLL.toMillis()); // a terminal's poll of the API; nothing to wait on instead
                last = find(api.call("GET", path, null), id, last);
            }
            out.println("Trạm trả lời / the station answered: " + line(last));
            return "DONE".equals(last.path("status").asText()) ? 0 : 1;
        });
    }

    private static JsonNode find(JsonNode recent, String id, JsonNode fallback) {
        for (JsonNode c : recent) {
            if (id.equals(c.path("id").asText())) {
                return c;
            }
        }
        return fallback;
    }

    private static String line(JsonNode c) {
        String detail = c.path("detail").asText("");
        return c.path("id").asText() + " " + c.path("action").asText() + " " + c.path("seconds").asInt() + " s by "
                + c.path("actor").asText() + " at " + c.path("sentAt").asText() + ": " + c.path("status").asText()
                + (detail.isEmpty() ? "" : " — " + detail);
    }
}
