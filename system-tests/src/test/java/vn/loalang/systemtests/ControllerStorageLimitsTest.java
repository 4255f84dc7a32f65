package vn.loalang.systemtests;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.content.LineFormat;
import vn.loalang.controller.content.StorageLimits;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.testing.ApiClient.Answer;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.testing.Tmpfs;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller's disk and size limits on a real controller, HTTP port, broker and station: each
 * role's upload limit (cut off while the file streams in), the library's quota, the total size of any
 * request, and a full disk (a real tmpfs as the library's folder) that refuses uploads with 507 and
 * leaves nothing behind, while the controller goes on publishing and says what is wrong.
 */
class ControllerStorageLimitsTest {
    private static final String ADMIN_PASSWORD = "mat-khau-quan-tri";
    /** The three files of the test commune's library. */
    private static final long SEEDED = 16_684 + 3_018 + 12_672;

    @TempDir
    Path dir;
    private Tmpfs disk;
    private Controller controller;
    private SimulatedStation dong;
    /** HTTP/1.1 only: the JDK's offer to upgrade to HTTP/2 would buffer a body and announce its length. */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stop() throws Exception {
        try {
            Closing.inOrder(dong, controller);
        } finally {
            if (disk != null) {
                disk.close();
            }
        }
    }

    private ControllerConfig config(TestClock clock) throws Exception {
        return ControllerConfig.of(TestCommune.write(dir.resolve("commune")), dir.resolve("controller"))
                .withEmbeddedBroker("127.0.0.1", Ports.free()).withHttp("127.0.0.1", Ports.free(), null);
    }

    private Controller start(ControllerConfig config, TestClock clock) throws Exception {
        return Controller.start(config, clock, new PasswordHasher(1000), () -> ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream()));
    }

    private String user(ApiClient api, String admin, String name, String role, List<String> villages) throws Exception {
        Answer a = api.call("POST", "/api/users", admin, Map.of("username", name, "role", role,
                "password", "mat-khau-" + name, "villages", villages));
        assertEquals(201, a.status(), String.valueOf(a.json()));
        return api.login(name, "mat-khau-" + name);
    }

    private Answer upload(ApiClient api, String token, String fixture, String title) throws Exception {
        return api.upload(token, Fixtures.path(fixture), fixture, Map.of("title", title));
    }

    /** The same form sent without a length (chunked), so that only reading it can tell its size. */
    private Answer chunkedUpload(ApiClient api, String token, String fixture) throws Exception {
        return chunkedUpload(api, token, fixture, Files.readAllBytes(Fixtures.path(fixture)));
    }

    private Answer chunkedUpload(ApiClient api, String token, String fixture, byte[] content) throws Exception {
        String boundary = "----loalang" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nKhông độ dài\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fixture
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(content);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        byte[] bytes = body.toByteArray();
        HttpRequest request = HttpRequest.newBuilder(api.uri("/api/library"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes))).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body().isEmpty() ? null : Json.mapper().readTree(r.body()));
    }

    private List<Path> incoming() throws Exception {
        try (Stream<Path> walk = Files.walk(dir.resolve("controller/content/incoming"))) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    @Test
    void eachRoleUploadsWithinItsLimitTheLibraryWithinItsQuotaAndNoRequestIsUnbounded() throws Exception {
        TestClock clock = new TestClock(Instant.parse("2026-11-24T01:00:00Z"));
        // The quota counts the files as kept; kept as uploaded here, so that the fixtures' sizes are the ones counted
        // (files brought to the stations' line format are LineRenditionTest's).
        controller = start(config(clock).withStorage(new StorageLimits(20_000, 10_000, SEEDED + 8_150 + 12_548 + 5_000))
                .withLine(LineFormat.AS_UPLOADED), clock);
        ApiClient api = new ApiClient(controller.contentPort());
        String admin = api.login("admin", ADMIN_PASSWORD);
        String head = user(api, admin, "truong.dong", "VILLAGE_HEAD", List.of("thon-dong"));
        String operator = user(api, admin, "van.thu", "OPERATOR", List.of());

        Answer clipTooLong = upload(api, head, "tone-1khz-3s-22k-mono-cbr32-id3v1.mp3", "Cháy");
        assertEquals(413, clipTooLong.status(), String.valueOf(clipTooLong.json()));
        assertTrue(clipTooLong.json().get("message").asText().contains("village head's clip may be at most 9 KB"),
                clipTooLong.json().toString());
        Answer clip = upload(api, head, "tone-1khz-2s-44k-mono-cbr-notag.mp3", "Cháy ở xóm 3");
        assertEquals(201, clip.status(), String.valueOf(clip.json()));

        Answer tooLarge = upload(api, operator, "tone-1khz-3s-44k-mono-cbr.mp3", "Bản tin dài");
        assertEquals(413, tooLarge.status(), String.valueOf(tooLarge.json()));
        assertTrue(tooLarge.json().get("message").asText().startsWith("Tệp quá lớn / the file is larger than 19 KB"),
                tooLarge.json().toString());
        Answer streamedTooLarge = chunkedUpload(api, operator, "tone-1khz-3s-44k-mono-cbr.mp3");
        assertEquals(413, streamedTooLarge.status(), "no length announced: " + streamedTooLarge.json());
        Answer endlessForm = chunkedUpload(api, operator, "endless.mp3", new byte[4 * 1024 * 1024]);
        assertEquals(413, endlessForm.status(), "cut off while it streams in: " + endlessForm.json());

        assertEquals(201, upload(api, operator, "tone-1khz-3s-22k-mono-cbr32-id3v1.mp3", "Giá heo").status());
        Answer overQuota = upload(api, operator, "tone-1khz-2s-11k-mono-mpeg25.mp3", "Giá gà");
        assertEquals(507, overQuota.status(), String.valueOf(overQuota.json()));
        assertTrue(overQuota.json().get("message").asText().startsWith("Thư viện đã đầy / the library would pass its quota"),
                overQuota.json().toString());
        JsonNode storage = api.call("GET", "/api/library", operator, null).json().get("storage");
        assertEquals(SEEDED + 8_150 + 12_548, storage.get("usedBytes").asLong(), storage.toString());
        assertEquals(SEEDED + 8_150 + 12_548 + 5_000, storage.get("quotaBytes").asLong());
        await("nothing of the refused uploads is left").atMost(Duration.ofSeconds(10)).until(() -> incoming().isEmpty());

        // Any route: a body that announces too much is refused unread, one without a length is cut off.
        try (Socket s = new Socket("127.0.0.1", controller.contentPort())) {
            s.getOutputStream().write(("POST /api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 50000000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            String answer = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 413", answer);
        }
        byte[] endless = ("{\"username\":\"" + "a".repeat(3 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> cut = http.send(HttpRequest.newBuilder(api.uri("/api/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(endless))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, cut.statusCode(), cut.body());
        assertTrue(cut.body().contains("the request is larger than the 1 MB"), cut.body());
        // Called a form, it is still no upload: only the library's upload route takes a recording's size.
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(api.uri("/api/login"))
                .header("Content-Type", "multipart/form-data; boundary=x")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(endless))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(413, form.statusCode(), form.body());
        assertTrue(form.body().contains("the request is larger than the 1 MB"), form.body());
        assertEquals(200, api.call("GET", "/api/me", operator, null).status(), "the server goes on");
    }

    @Test
    void aFullDiskRefusesUploadsCleanlyWhileTheControllerGoesOnPublishingAndSaysWhatIsWrong() throws Exception {
        disk = Tmpfs.mount(dir.resolve("controller/content"), 1024);
        TestClock clock = new TestClock(Instant.parse("2026-11-24T01:00:00Z"));
        controller = start(config(clock), clock);
        dong = new SimulatedStation("thon-dong-1", controller.brokerUrl(), controller.keyId(), controller.publicKeyPem(),
                dir.resolve("thon-dong-1"), clock, false, 500, 200).start();
        awaitHolding(dong, controller);
        long before = dong.agent().schedule().orElseThrow().version();
        ApiClient api = new ApiClient(controller.contentPort());
        String admin = api.login("admin", ADMIN_PASSWORD);
        String operator = user(api, admin, "van.thu", "OPERATOR", List.of());
        List<Path> stored;
        try (Stream<Path> files = Files.list(disk.dir())) {
            stored = files.filter(Files::isRegularFile).sorted().toList();
        }
        Path filler = disk.fill();

        Answer refused = upload(api, operator, "tone-1khz-3s-44k-mono-cbr.mp3", "Giá heo");
        assertEquals(507, refused.status(), String.valueOf(refused.json()));
        assertTrue(refused.json().get("message").asText().startsWith("Ổ đĩa đầy / the disk of the library"),
                refused.json().toString());
        assertTrue(refused.json().get("message").asText().contains("is full"), refused.json().toString());
        Answer streamed = chunkedUpload(api, operator, "tone-1khz-3s-44k-mono-cbr.mp3");
        assertEquals(507, streamed.status(), "a body of unknown length meets the full disk: " + streamed.json());

        await("no partial file is left").atMost(Duration.ofSeconds(10)).until(() -> incoming().isEmpty());
        try (Stream<Path> files = Files.list(disk.dir())) {
            List<Path> now = files.filter(Files::isRegularFile).filter(p -> !p.equals(filler)).sorted().toList();
            assertEquals(stored, now, "the library's files are as they were");
        }
        JsonNode storage = api.call("GET", "/api/library", operator, null).json().get("storage");
        assertTrue(storage.get("problem").asText().contains("is full"), storage.toString());

        // Still publishing: a program change reaches the station while the disk is full.
        Map<String, Object> morning = Map.of("id", "morning", "name", "Buổi sáng", "start", "05:30", "end", "06:30",
                "items", List.of("tone-660", "tone-440"));
        Answer changed = api.call("PUT", "/api/villages/thon-dong/program", operator, Map.of("daily", List.of(morning)));
        assertEquals(200, changed.status(), String.valueOf(changed.json()));
        await("the station gets the new schedule").atMost(Duration.ofSeconds(20))
                .until(() -> dong.agent().schedule().orElseThrow().version() > before);
        awaitHolding(dong, controller);

        Files.delete(filler);
        Answer kept = upload(api, operator, "tone-1khz-3s-44k-mono-cbr.mp3", "Giá heo");
        assertEquals(201, kept.status(), "room again: " + kept.json());
        JsonNode after = api.call("GET", "/api/library", operator, null).json().get("storage");
        assertTrue(after.get("problem").isNull() || !after.get("problem").asText().contains("is full"), after.toString());
    }

    private static void awaitHolding(SimulatedStation station, Controller controller) {
        await(station.id() + " holds its latest schedule").atMost(Duration.ofSeconds(20)).until(() ->
                station.agent().schedule().map(Schedule::version).orElse(-1L)
                        .equals(controller.schedules().get(station.id()).version()));
    }
}
