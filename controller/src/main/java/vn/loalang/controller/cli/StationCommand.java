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
              loalang-controller station --user NAME --action UPDATE --release release.json
                                         (--station ID | --village ID | --all true) [--wait 600]
                    (the release, uploaded to the controller first, is rolled out and followed until it is done,
                    halts, or --wait passes)

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
            String village = a.has(VILLAGE) ? a.get(VILLAGE) : null;
            boolean all = a.has(EVERY_STATION) && a.get(EVERY_STATION);
            boolean rollout = village != null || all;
            // --station is required unless the command goes to a village or to all.
            String station = rollout && !a.has(STATION) ? null : a.get(STATION);
            String action = a.get(ACTION).toUpperCase(Locale.ROOT);
            int seconds = a.get(SECONDS);
            int wait = a.get(WAIT);
            java.nio.file.Path releaseFile = a.has(RELEASE) ? a.get(RELEASE) : null;
            a.requireAllUsed();
            boolean update = "UPDATE".equals(action);
            if (update != (releaseFile != null)) {
                throw new IllegalArgumentException(update ? "--action UPDATE needs --release FILE"
                        : "--release goes with --action UPDATE");
            }
            if ((station != null) == rollout || (rollout && (!update || (village != null && all)))) {
                throw new IllegalArgumentException("name one target: --station ID, or for an UPDATE --village ID or --all true");
            }
            JsonNode release = update ? readRelease(releaseFile) : null;
            ApiSession api = target.login();
            if (update) {
                // A rollout of the uploaded release, even to one station: the controller sends it a few at a time
                // and halts it at the first station that rolls back.
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("version", release.path("version").asText());
                if (all) {
                    body.put("all", Boolean.TRUE);
                } else if (village != null) {
                    body.put("village", village);
                } else {
                    body.put("station", station);
                }
                JsonNode rollout0 = api.call("POST", "/api/updates", body);
                String path = "/api/updates/" + rollout0.path("id").asText();
                out.println("Đã bắt đầu / started: rollout " + rollout0.path("id").asText() + " of "
                        + rollout0.path("version").asText() + " to " + rollout0.path("stations").size() + " station(s)");
                JsonNode last = rollout0;
                Instant until = Instant.now().plusSeconds(wait);
                while ("RUNNING".equals(last.path("status").asText()) && Instant.now().isBefore(until)) {
                    Thread.sleep(POLL.toMillis()); // a terminal's poll of the API; nothing to wait on instead
                    last = api.call("GET", path, null);
                }
                for (JsonNode s : last.path("stations")) {
                    out.println("  " + s.path("stationId").asText() + " " + s.path("state").asText()
                            + (s.path("phase").isTextual() ? " (" + s.path("phase").asText() + ")" : "")
                            + (s.path("detail").isTextual() ? " " + s.path("detail").asText() : ""));
                }
                out.println("Trạng thái / status: " + last.path("status").asText()
                        + (last.path("reason").isTextual() ? ": " + last.path("reason").asText() : ""));
                return "DONE".equals(last.path("status").asText()) ? 0 : 1;
            }
            boolean history = "LIST".equals(action);
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
            out.println("Đã gửi / sent: " + line(sent));
            JsonNode last = await(api, path, sent, Instant.now().plusSeconds(wait));
            out.println("Trạm trả lời / the station answered: " + line(last));
            return "DONE".equals(last.path("status").asText()) ? 0 : 1;
        });
    }

    /** The command as the API lists it, once answered or when {@code until} comes. */
    private static JsonNode await(ApiSession api, String path, JsonNode sent, Instant until)
            throws java.io.IOException, InterruptedException, ApiSession.Refused {
        String id = sent.path("id").asText();
        JsonNode last = sent;
        while ("SENT".equals(last.path("status").asText()) && Instant.now().isBefore(until)) {
            Thread.sleep(POLL.toMillis()); // a terminal's poll of the API; nothing to wait on instead
            last = find(api.call("GET", path, null), id, last);
        }
        return last;
    }

    /** The release file as written by {@code loalang-controller release}; the API checks its fields. */
    private static JsonNode readRelease(java.nio.file.Path file) throws java.io.IOException {
        try {
            return vn.loalang.protocol.Json.mapper().readTree(java.nio.file.Files.readAllBytes(file));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IllegalArgumentException("--release " + file + " is not JSON: " + e.getOriginalMessage());
        }
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
