package vn.loalang.protocol.golden;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.alert.AlertPriority;
import vn.loalang.protocol.alert.AlertPreamble;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.QuietHours;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.signing.SignedEnvelope;
import vn.loalang.protocol.station.Command;
import vn.loalang.protocol.station.Release;
import vn.loalang.protocol.signing.ReleaseSignature;
import vn.loalang.protocol.station.EventAck;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.protocol.station.StationState;
import vn.loalang.protocol.station.Telemetry;
import vn.loalang.protocol.testing.ManualClock;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes the golden wire files of the current schema version (see {@code golden/README.md}). NOT a
 * test and never run by the build: the files are checked in and {@link GoldenWireTest} reads them as
 * they are. Run it by hand only when a new schema version is introduced; it refuses to touch a
 * version whose folder already exists.
 *
 * <pre>
 * cd protocol &amp;&amp; mvn -B -o test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp "target/test-classes:target/classes:$(cat /tmp/cp.txt)" \
 *     vn.loalang.protocol.golden.GoldenWireFiles src/test/resources/golden
 * </pre>
 */
public final class GoldenWireFiles {
    /** The key id the golden envelopes name; the key pair is {@code golden/test-signing-key.pem} (+ .pub.pem). */
    public static final String KEY_ID = "golden-test-key";
    static final String STATION = "thon-dong-01";
    static final String ZONE = "thon-dong";
    /** 06:00 on 8 December 2026 in Hà Nội: when the controller signs every golden message. */
    static final Instant SIGNED_AT = Instant.parse("2026-12-07T23:00:00Z");
    static final String STREAM = "5b0f3c1e-8a2d-4f6b-9c1d-2e7a4b8f0d13";
    static final String BOOT = "c4a1d2e3-7f60-4b9a-8e21-93d5f7a0b6c8";

    private GoldenWireFiles() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "protocol/src/test/resources/golden");
        Path dir = root.resolve("schema-" + SchemaVersion.CURRENT);
        if (Files.exists(dir)) {
            throw new IllegalStateException(dir + " exists: golden files of a released schema are never rewritten "
                    + "(see golden/README.md)");
        }
        // The test key is reused across schema versions once it exists.
        KeyPair keys = Ed25519Keys.loadOrCreate(root.resolve("test-signing-key.pem"));
        Map<String, byte[]> files = files(keys.getPrivate());
        Map<String, String> sums = new TreeMap<>();
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path file = dir.resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, f.getValue());
            sums.put(f.getKey(), sha256(f.getValue()));
        }
        StringBuilder manifest = new StringBuilder();
        sums.forEach((name, sum) -> manifest.append(sum).append("  ").append(name).append('\n'));
        Files.writeString(dir.resolve("SHA256SUMS"), manifest, StandardCharsets.US_ASCII);
        System.out.println("wrote " + files.size() + " golden files to " + dir);
    }

    /** File name (relative to the schema folder) → exact bytes. */
    static Map<String, byte[]> files(PrivateKey key) {
        Topics topics = Topics.defaults();
        EnvelopeSigner signer = new EnvelopeSigner(KEY_ID, key, new ManualClock(SIGNED_AT));
        Map<String, byte[]> out = new LinkedHashMap<>();

        Schedule schedule = schedule();
        Alert alert = alert();
        Command command = command();
        out.put("schedule.json", signer.sign(MessageType.SCHEDULE, topics.schedule(STATION), schedule,
                schedule.validUntil()));
        out.put("alert.json", signer.sign(MessageType.ALERT, topics.zoneAlert(ZONE, alert.id()), alert,
                alert.expiresAt()));
        out.put("command.json", signer.sign(MessageType.COMMAND, topics.command(STATION), command,
                command.expiresAt()));
        out.put("event-ack.json", signer.sign(MessageType.EVENT_ACK, topics.ack(STATION),
                new EventAck(SchemaVersion.CURRENT, STATION, STREAM, 42), SIGNED_AT.plus(Duration.ofHours(1))));
        // Added in issue 16, signed after the others so that their sequence numbers, and bytes, stay as checked in.
        Command update = updateCommand(key);
        out.put("command-update.json", signer.sign(MessageType.COMMAND, topics.command(STATION), update,
                update.expiresAt()));
        out.put("station-event.json", Json.write(itemFinished()));
        out.put("station-event-rejected.json", Json.write(messageRejected()));
        out.put("station-state.json", Json.write(state()));
        out.put("telemetry.json", Json.write(telemetry()));

        // The same messages as a newer controller (or agent) of the same schema might send them:
        // unknown fields on every level, signed again with the same key.
        for (String name : List.of("schedule.json", "alert.json", "command.json", "command-update.json",
                "event-ack.json")) {
            out.put("newer/" + name, resignedWithUnknownFields(out.get(name), key));
        }
        for (String name : List.of("station-event.json", "station-event-rejected.json", "station-state.json",
                "telemetry.json")) {
            ObjectNode tree = (ObjectNode) tree(out.get(name));
            addUnknownFields(tree);
            out.put("newer/" + name, Json.write(tree));
        }
        return out;
    }

    static Item item(String contentId, String title, String text, long millis, double gainDb) {
        String sha = sha256(text.getBytes(StandardCharsets.UTF_8));
        return new Item(contentId, title, sha, URI.create("https://dieu-khien.xa-an-binh.vn:8443/content/" + sha),
                millis * 4, millis, gainDb);
    }

    static Schedule schedule() {
        Instant morning = Instant.parse("2026-12-07T23:30:00Z");   // 06:30 in Hà Nội
        Instant afternoon = Instant.parse("2026-12-08T10:00:00Z"); // 17:00
        return new Schedule(SchemaVersion.CURRENT, STATION, ZONE, 7, "Asia/Ho_Chi_Minh",
                Instant.parse("2026-12-07T17:00:00Z"), Instant.parse("2026-12-09T17:00:00Z"), List.of(
                new Session("2026-12-08.sang", "Buổi sáng", morning, morning.plus(Duration.ofMinutes(30)), List.of(
                        item("gia-lua", "Giá lúa hôm nay", "gia-lua.opus", 95_000, -1.5),
                        item("tiem-chung", "Lịch tiêm chủng tháng 12", "tiem-chung.opus", 120_000, 0.0))),
                new Session("2026-12-08.chieu", "Buổi chiều", afternoon, afternoon.plus(Duration.ofMinutes(30)),
                        List.of(item("tin-xa", "Tin của xã An Bình", "tin-xa.opus", 240_000, 2.25)))),
                new QuietHours(LocalTime.of(22, 0), LocalTime.of(5, 0)));
    }

    static Alert alert() {
        return new Alert(SchemaVersion.CURRENT, "lu-2026-12-08", ZONE, AlertPriority.EMERGENCY, "Cảnh báo lũ",
                "Nước sông lên nhanh, bà con thôn Đông di chuyển lên chỗ cao", SIGNED_AT,
                SIGNED_AT.plus(Duration.ofHours(2)), AlertPreamble.SIREN,
                List.of(item("canh-bao-lu", "Cảnh báo lũ khẩn cấp", "canh-bao-lu.opus", 30_000, 3.0)), 3, 60, false);
    }

    static Command command() {
        return new Command(SchemaVersion.CURRENT, "cmd-test-tone-1", STATION, "TEST_TONE", 5, SIGNED_AT,
                SIGNED_AT.plus(Duration.ofMinutes(5)));
    }

    /**
     * An UPDATE offering agent 0.2.0 (added in issue 16). The release is signed by the golden test key
     * standing in for the release key: what matters on the wire is that the signature travels as sent.
     */
    static Command updateCommand(PrivateKey releaseKey) {
        String sha = sha256("loalang-station-agent-0.2.0.jar".getBytes(StandardCharsets.UTF_8));
        long size = 4_321_987;
        Release release = new Release("0.2.0", "https://dieu-khien.xa-an-binh.vn:8443/releases/loalang-station-agent-0.2.0.jar",
                size, sha, "release-2026", ReleaseSignature.sign(releaseKey, "0.2.0", sha, size));
        return new Command(SchemaVersion.CURRENT, "cmd-update-1", STATION, "UPDATE", 0, SIGNED_AT,
                SIGNED_AT.plus(Duration.ofHours(1)), release);
    }

    static StationEvent itemFinished() {
        return new StationEvent(SchemaVersion.CURRENT, STATION, STREAM, 41, Instant.parse("2026-12-07T23:31:35.250Z"),
                EventType.ITEM_FINISHED, "2026-12-08.sang", "gia-lua", 7L, null, "Giá lúa hôm nay: 95 s", 40L);
    }

    static StationEvent messageRejected() {
        return new StationEvent(SchemaVersion.CURRENT, STATION, STREAM, 43, Instant.parse("2026-12-07T23:40:00Z"),
                EventType.MESSAGE_REJECTED, null, null, null, "BAD_SIGNATURE",
                "schedule on loalang/v1/station/thon-dong-01/schedule refused: signature does not match", null);
    }

    static StationState state() {
        return new StationState(SchemaVersion.CURRENT, STATION, Presence.ONLINE, BOOT, 3, "0.1.0",
                Instant.parse("2026-12-07T22:58:12.125Z"));
    }

    static Telemetry telemetry() {
        return new Telemetry(SchemaVersion.CURRENT, STATION, BOOT, "0.1.0", Instant.parse("2026-12-07T23:32:00Z"),
                86_400, 54.5, 0.25, 312L, 20_480L, "wifi", -61, 12L, Map.of("amp1", true), Map.of("amp1", true),
                "playing", false, List.of("tin-xa"), 2, "gia-lua", Instant.parse("2026-12-07T23:31:35.250Z"), 7L);
    }

    /** An envelope around the same payload with unknown fields added to the envelope, the body and the payload. */
    static byte[] resignedWithUnknownFields(byte[] envelope, PrivateKey key) {
        ObjectNode outer = (ObjectNode) tree(envelope);
        ObjectNode body = (ObjectNode) tree(Base64.getUrlDecoder().decode(outer.get("body").asText()));
        addUnknownFields(body);
        byte[] bodyBytes = Json.write(body);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        ObjectNode resigned = Json.mapper().valueToTree(new SignedEnvelope(SchemaVersion.CURRENT, KEY_ID,
                b64.encodeToString(bodyBytes), b64.encodeToString(ed25519(key, bodyBytes))));
        resigned.put("compression", "none");
        resigned.put("keyHint", "xa-an-binh-2027a");
        return Json.write(resigned);
    }

    /** Maps of names (a telemetry's relays) are data, not structure: a new key there is not an unknown field. */
    private static final Set<String> MAPS = Set.of("relays", "senses");

    /** Adds fields no schema-1 record has to this object and to every object nested in it, in arrays too. */
    static void addUnknownFields(ObjectNode node) {
        List<Map.Entry<String, JsonNode>> fields = new java.util.ArrayList<>();
        node.fields().forEachRemaining(fields::add);
        for (Map.Entry<String, JsonNode> f : fields) {
            if (MAPS.contains(f.getKey())) {
                continue;
            }
            if (f.getValue() instanceof ObjectNode child) {
                addUnknownFields(child);
            } else if (f.getValue() instanceof ArrayNode array) {
                array.forEach(e -> {
                    if (e instanceof ObjectNode child) {
                        addUnknownFields(child);
                    }
                });
            }
        }
        node.put("addedLater", "Trường mới của phiên bản sau");
        ObjectNode nested = node.putObject("futureOptions");
        nested.put("loudnessLufs", -16.0);
        nested.putArray("languages").add("vi").add("en");
        nested.putNull("nothing");
        node.put("futureFlag", true);
    }

    static JsonNode tree(byte[] json) {
        try {
            return Json.mapper().readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] ed25519(PrivateKey key, byte[] body) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(body);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
