package vn.loalang.controller.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import vn.loalang.controller.api.ApiFixture;
import vn.loalang.controller.api.ApiRoutes;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.fuzz.FuzzProperties;
import vn.loalang.protocol.fuzz.FuzzTarget;
import vn.loalang.protocol.fuzz.Mutations;
import vn.loalang.protocol.fuzz.Mutator;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Every route of the API that takes a body (as listed in {@code api/openapi.json}, which a test keeps
 * equal to the mounted routes), called over real HTTP on a real controller API, logged in as admin,
 * with bodies made from a valid example of the route's schema and then mutated. Whatever the body,
 * the answer is never a 500 and comes within the call limit: 4xx with a reason is the right answer
 * to a bad body. An input is {@code METHOD /path\n} followed by the body, so a saved one replays alone.
 */
@Tag("fuzz")
@net.jqwik.api.lifecycle.AddLifecycleHook(vn.loalang.protocol.fuzz.FuzzBudget.class)
class ApiRoutesFuzzTest extends FuzzProperties {
    static final String ADMIN_PASSWORD = "admin-password-1";
    static final Map<String, Callable<FuzzTarget>> TARGETS = Map.of("api", ApiTarget::new);

    /** The API as ApiTest starts it ({@link ApiFixture}), with a library item the library routes can name. */
    static final class ApiTarget implements FuzzTarget {
        final TempDir dir = new TempDir("api");
        final ApiFixture fixture;
        final ApiClient api;
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String token;

        ApiTarget() throws Exception {
            fixture = new ApiFixture(dir.path, Clock.systemUTC(), ADMIN_PASSWORD);
            api = fixture.api;
            try (InputStream in = Files.newInputStream(vn.loalang.audio.testing.Fixtures.path(
                    vn.loalang.audio.testing.Fixtures.ITEM_1000HZ_1500MS))) {
                fixture.library.upload("system", new Commune.LibraryEntry("mat-tich", "Mất tích", "warning", "x",
                        null), "mat-tich.mp3", in);
            }
            token = api.login("admin", ADMIN_PASSWORD);
            // The user whose password the password route changes (not the admin, whose token the cases use).
            int created = api.call("POST", "/api/users", token, Map.of("username", "van-thu", "role", "OPERATOR",
                    "password", "mat-khau-dai-1")).status();
            if (created / 100 != 2) {
                // Otherwise every case would be refused before its body is read, and the property prove nothing.
                throw new IllegalStateException("the API fuzz needs an admin who may change things; creating a user"
                        + " answered " + created);
            }
        }

        @Override
        public void accept(byte[] input) throws Exception {
            int newline = indexOf(input, (byte) '\n');
            String[] route = new String(input, 0, Math.max(newline, 0), StandardCharsets.UTF_8).split(" ", 2);
            if (newline < 0 || route.length != 2) {
                throw new IllegalArgumentException("an API fuzz input starts with a line METHOD /path");
            }
            byte[] body = java.util.Arrays.copyOfRange(input, newline + 1, input.length);
            HttpRequest request = HttpRequest.newBuilder(api.uri(route[1]))
                    .timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", route[1].equals("/api/cap") ? "application/xml" : "application/json")
                    .method(route[0], HttpRequest.BodyPublishers.ofByteArray(body)).build();
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 500) {
                throw new AssertionError(route[0] + " " + route[1] + " answered 500: " + answer.body());
            }
            if (answer.statusCode() == 401 && !route[1].equals("/api/login")) {
                token = api.login("admin", ADMIN_PASSWORD);
            }
        }

        private static int indexOf(byte[] bytes, byte b) {
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == b) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public void close() throws IOException {
            fixture.close();
            dir.close();
        }
    }

    // ---- bodies: a valid example of each route's schema, then mutated ------------------------------

    /** Each route with a request body, with its path parameters set to things the API holds. */
    static List<byte[]> goldens() throws IOException {
        JsonNode spec;
        try (InputStream in = ApiRoutes.class.getResourceAsStream("/api/openapi.json")) {
            spec = Json.mapper().readTree(in);
        }
        List<byte[]> goldens = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = spec.get("paths").fields(); paths.hasNext(); ) {
            var path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                var op = ops.next();
                JsonNode content = op.getValue().path("requestBody").path("content");
                String concrete = path.getKey().replace("{username}", "van-thu").replace("{id}",
                        path.getKey().startsWith("/api/stations") ? "thon-dong-1"
                                : path.getKey().startsWith("/api/library") ? "mat-tich" : "thon-dong");
                String head = op.getKey().toUpperCase(java.util.Locale.ROOT) + " " + concrete + "\n";
                if (content.has("application/json")) {
                    JsonNode example = example(spec, content.get("application/json").get("schema"), "", 0);
                    goldens.add(withHead(head, Json.write(example)));
                } else if (content.has("application/xml")) {
                    goldens.add(withHead(head, Files.readAllBytes(Path.of("src/test/resources/cap/flood-mekong-vi.xml"))));
                } else if (content.has("multipart/form-data")) {
                    // The upload route given JSON: a client error, not a crash.
                    goldens.add(withHead(head, "{\"file\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
        return goldens;
    }

    private static byte[] withHead(String head, byte[] body) {
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] out = java.util.Arrays.copyOf(h, h.length + body.length);
        System.arraycopy(body, 0, out, h.length, body.length);
        return out;
    }

    /** A value a careful client would send for {@code schema}: its example, its first enum value, or one of its kind. */
    static JsonNode example(JsonNode spec, JsonNode schema, String name, int depth) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (schema.has("$ref")) {
            String[] ref = schema.get("$ref").asText().split("/");
            return example(spec, spec.get("components").get("schemas").get(ref[ref.length - 1]), name, depth);
        }
        if (schema.has("allOf")) {
            return example(spec, schema.get("allOf").get(0), name, depth);
        }
        if (schema.has("example")) {
            return schema.get("example");
        }
        if (schema.has("enum")) {
            return schema.get("enum").get(0);
        }
        String type = schema.path("type").asText("object");
        switch (type) {
            case "object" -> {
                ObjectNode o = nodes.objectNode();
                if (depth < 6) {
                    schema.path("properties").fields().forEachRemaining(p ->
                            o.set(p.getKey(), example(spec, p.getValue(), p.getKey(), depth + 1)));
                }
                return o;
            }
            case "array" -> {
                ArrayNode a = nodes.arrayNode();
                a.add(example(spec, schema.path("items"), name.endsWith("s") ? name.substring(0, name.length() - 1) : name,
                        depth + 1));
                return a;
            }
            case "integer" -> {
                return nodes.numberNode(schema.has("minimum") ? schema.get("minimum").asLong() : 5);
            }
            case "number" -> {
                return nodes.numberNode(schema.has("minimum") ? schema.get("minimum").asDouble() : 10.5);
            }
            case "boolean" -> {
                return nodes.booleanNode(true);
            }
            default -> {
                String format = schema.path("format").asText("");
                return nodes.textNode(switch (format) {
                    case "date" -> LocalDate.now().plusDays(3).toString();
                    case "date-time" -> java.time.Instant.now().plusSeconds(3600).toString();
                    case "password" -> "mat-khau-dai-2";
                    default -> switch (name) {
                        case "id" -> "thon-moi";
                        case "username" -> "truong-thon";
                        case "village", "into" -> "thon-tay";
                        case "contentId", "item" -> "mat-tich";
                        case "session" -> "morning";
                        case "language" -> "vi";
                        default -> "Thôn Mới";
                    };
                });
            }
        }
    }

    @Provide
    Arbitrary<byte[]> requests() throws IOException {
        return Mutations.of(goldens(), (golden, random) -> {
            int newline = 0;
            while (golden[newline] != '\n') {
                newline++;
            }
            byte[] head = java.util.Arrays.copyOf(golden, newline + 1);
            byte[] body = Mutator.mutate(java.util.Arrays.copyOfRange(golden, newline + 1, golden.length), random);
            byte[] out = java.util.Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, out, head.length, body.length);
            return out;
        }).filter(input -> input.length > 0 && input[0] != '\n' && new String(input, 0, Math.min(input.length, 80),
                StandardCharsets.ISO_8859_1).matches("(?s)(GET|POST|PUT|PATCH|DELETE) /api/\\S* ?\n.*"));
    }

    @Property(tries = 300, seed = "1409", shrinking = ShrinkingMode.OFF)
    void everyJsonRouteAnswersWithoutA500(@ForAll("requests") byte[] input) {
        fuzz("api", TARGETS.get("api"), input);
    }
}
