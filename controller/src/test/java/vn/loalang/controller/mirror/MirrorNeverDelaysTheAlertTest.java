package vn.loalang.controller.mirror;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.alert.AlertService;
import vn.loalang.controller.mirror.channel.WebhookChannel;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.TestFiles;
import vn.loalang.controller.testing.fake.FakeHttpApi;
import vn.loalang.controller.testing.fake.FakeHttpApi.Answer;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.User;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.Topics;

import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The mirror never stands in the loudspeakers' way: a real controller with its embedded broker, one webhook that
 * never answers and one that answers 500. Alerts triggered while they fail go to the broker, retained, as fast as
 * with no mirror at all; once the webhooks are healthy again they get every alert's text.
 */
class MirrorNeverDelaysTheAlertTest {
    private static final int ALERTS = 5;
    /** Far above what an alert takes here (a few ms): only a mirror that blocked the alert path would reach it. */
    private static final long GENEROUS_MS = 2_000;

    @TempDir
    Path dir;
    private Controller controller;
    private MqttClient station;
    private final FakeHttpApi hanging = new FakeHttpApi();
    private final FakeHttpApi failing = new FakeHttpApi();
    /** When each alert's message reached the subscribed "station", by alert id. */
    private final Map<String, Long> arrived = new ConcurrentHashMap<>();

    @AfterEach
    void stop() throws Exception {
        if (station != null && station.isConnected()) {
            station.disconnect(1000);
        }
        if (station != null) {
            station.close(true);
        }
        if (controller != null) {
            controller.close();
        }
        hanging.close();
        failing.close();
    }

    private Path communeFile() throws Exception {
        Path d = dir.resolve("commune");
        Files.createDirectories(d);
        Files.copy(Fixtures.path(Fixtures.ITEM_660HZ_1S), d.resolve("lu.mp3"));
        ObjectNode root = Json.mapper().createObjectNode();
        root.putObject("commune").put("id", "xa-an-binh").put("name", "Xã An Bình").put("timeZone", "Asia/Ho_Chi_Minh");
        root.putArray("villages").addObject().put("id", "thon-dong").put("name", "Thôn Đông");
        root.putArray("stations").addObject().put("id", "thon-dong-1").put("village", "thon-dong");
        ArrayNode library = root.putArray("library");
        library.addObject().put("id", "nuoc-lu").put("title", "Nước lũ lên").put("category", "warning")
                .put("file", "lu.mp3");
        Path file = d.resolve("commune.json");
        Files.write(file, Json.mapper().writeValueAsBytes(root));
        return file;
    }

    private static final User OPERATOR = new User("van.thu", null, Role.OPERATOR, List.of(), "vi", Instant.EPOCH, false);

    /** Triggers {@code n} alerts; each one's milliseconds from the call to its arrival at the subscribed station. */
    private List<Long> trigger(int n, String label) {
        List<Long> ms = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            String id = controller.alerts().trigger(OPERATOR, new AlertService.Request(List.of("thon-dong"), "nuoc-lu",
                    "EMERGENCY", "Lũ " + label + " " + i, "thử nghiệm", null, 1, 0, null, 30)).id();
            await().atMost(Duration.ofSeconds(10)).until(() -> arrived.containsKey(id));
            ms.add((arrived.get(id) - start) / 1_000_000);
        }
        return ms;
    }

    private void insertWebhook(Connection c, String id, URI base) throws Exception {
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO mirror_channel (id, kind, name, settings_json, enabled, status, created_at, created_by)
                VALUES (?, 'WEBHOOK', ?, '{"requestTimeoutSeconds": 5}', 1, 'OK', '2026-12-01T00:00:00Z', 'admin')""")) {
            s.setString(1, id);
            s.setString(2, "Webhook " + id);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO mirror_target (id, channel_id, village, address, label, categories_json, active, created_at,
                                           created_by)
                VALUES (?, ?, 'thon-dong', ?, 'Nhận', '[]', 1, '2026-12-01T00:00:00Z', 'admin')""")) {
            s.setString(1, id + "-dong");
            s.setString(2, id);
            s.setString(3, base.resolve("/hook").toString());
            s.executeUpdate();
        }
    }

    private static String summary(List<Long> ms) {
        long[] sorted = ms.stream().mapToLong(Long::longValue).sorted().toArray();
        return "median " + sorted[sorted.length / 2] + " ms, max " + sorted[sorted.length - 1] + " ms " + Arrays.toString(
                ms.toArray());
    }

    @Test
    void alertsReachTheBrokerAsFastWithHangingAndFailingWebhooksWhichGetEveryAlertOnceHealthy() throws Exception {
        ControllerConfig config = ControllerConfig.of(communeFile(), dir.resolve("data"))
                .withEmbeddedBroker("127.0.0.1", TestFiles.freePort()).withHttp("127.0.0.1", TestFiles.freePort(), null)
                .withMirrorAllowLocal(true);
        controller = Controller.start(config, Clock.systemUTC(), new PasswordHasher(1000), () -> "mat-khau-quan-tri",
                new PrintStream(OutputStream.nullOutputStream()));
        station = new MqttClient(controller.brokerUrl(), "probe-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(true);
        station.connect(options);
        station.subscribe(Topics.defaults().zoneAlerts("thon-dong"), 1, (topic, m) ->
                arrived.putIfAbsent(topic.substring(topic.lastIndexOf('/') + 1), System.nanoTime()));

        trigger(2, "khởi động"); // not counted: the first alerts run every step once (JIT, connections)
        List<Long> without = trigger(ALERTS, "không kênh");

        // Two webhooks for the village, set as the settings set them: one never answers, one answers 500.
        for (String id : List.of("treo", "loi")) {
            new FileChannelSecrets(config.dataDir(), id).write(Map.of(WebhookChannel.SECRET, "s3cret"));
        }
        hanging.otherwise(Answer.hang());
        failing.otherwise(Answer.text(500, "down"));
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + controller.storeFile())) {
            c.createStatement().execute("PRAGMA busy_timeout = 5000");
            insertWebhook(c, "treo", hanging.base());
            insertWebhook(c, "loi", failing.base());
        }
        List<Long> with = trigger(ALERTS, "có kênh hỏng");
        await().atMost(Duration.ofSeconds(10)).until(() -> !hanging.requests().isEmpty() && !failing.requests().isEmpty());

        System.out.println("[MirrorNeverDelaysTheAlertTest] trigger → station, no mirror target: " + summary(without)
                + "; with a hanging and a failing webhook: " + summary(with));
        for (long ms : with) {
            assertTrue(ms < GENEROUS_MS, "an alert reached the station in " + ms + " ms while webhooks failed: "
                    + summary(with));
        }
        // A station that connects now still gets every alert still active (retained on the broker; Moquette does not
        // set the retain flag on what it delivers, so the flag itself is AlertServiceTest's to check).
        Set<String> late = ConcurrentHashMap.newKeySet();
        MqttClient lateStation = new MqttClient(controller.brokerUrl(), "late-" + UUID.randomUUID(), new MemoryPersistence());
        lateStation.connect(options);
        lateStation.subscribe(Topics.defaults().zoneAlerts("thon-dong"), 1, (topic, m) ->
                late.add(topic.substring(topic.lastIndexOf('/') + 1)));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(arrived.keySet(), Set.copyOf(late)));
        lateStation.disconnect(1000);
        lateStation.close(true);

        // The webhooks recover: every alert sent while they failed reaches them, once each, with its text.
        hanging.otherwise(Answer.json(200, "{}"));
        failing.otherwise(Answer.json(200, "{}"));
        List<String> mirrored = arrived.keySet().stream().filter(id -> !controller.mirror().outbox().about(id).isEmpty())
                .toList();
        assertEquals(ALERTS, mirrored.size(), "only the alerts after the targets were set go to them");
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> mirrored.stream()
                .allMatch(id -> controller.mirror().outbox().about(id).stream().allMatch(d -> d.state().equals("SENT"))));
        for (FakeHttpApi fake : List.of(hanging, failing)) {
            for (String id : mirrored) {
                String title = controller.alerts().status(id).orElseThrow().title();
                assertTrue(fake.requests().stream().anyMatch(r -> r.text().contains("CẢNH BÁO KHẨN — " + title)),
                        "the webhook got " + title);
            }
        }
    }
}
