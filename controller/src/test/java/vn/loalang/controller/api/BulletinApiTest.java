package vn.loalang.controller.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.audio.speech.VietnameseReading;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.testing.ApiClient.Answer;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.UserDirectory;
import vn.loalang.protocol.Json;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /api/bulletins/prices on a real SQLite store, a real Javalin and the real espeak-ng. */
class BulletinApiTest {
    private static final String ADMIN_PASSWORD = "admin-password-1";
    private static final String PASSWORD = "mat-khau-dai-du";
    private static final String CSV = "\uFEFFMặt hàng;Đơn vị;Giá;Giá trước;Ghi chú\nLúa IR50404;kg;7.200;7.000;\n"
            + "Heo hơi;kg;62.000;62.000;\n";

    @TempDir
    Path dir;
    private ApiFixture api;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        api = new ApiFixture(dir, Clock.systemUTC(), ADMIN_PASSWORD);
        api.users.create("admin", new UserDirectory.NewUser("can.bo.nn", null, Role.OPERATOR, List.of(), "vi", PASSWORD));
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private HttpResponse<byte[]> raw(String method, String path, String token, String type, byte[] body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(api.api.uri(path)).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (type != null) {
            b.header("Content-Type", type);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void anOperatorUploadsTheTableSetsTheBulletinPreviewsHearsAndPublishesIt() throws Exception {
        String officer = api.api.login("can.bo.nn", PASSWORD);

        HttpResponse<byte[]> uploaded = raw("PUT", "/api/bulletins/prices/table", officer, "text/csv; charset=utf-8",
                CSV.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, uploaded.statusCode(), new String(uploaded.body(), StandardCharsets.UTF_8));
        assertEquals(7200, Json.mapper().readTree(uploaded.body()).at("/table/rows/0/price").asLong());

        Answer set = api.api.call("PUT", "/api/bulletins/prices", officer, Map.of("source", "csv", "prepareAt", "04:15",
                "market", "Chợ An Bình", "dialect", "south"));
        assertEquals(200, set.status(), String.valueOf(set.json()));
        assertEquals("04:15:00", set.json().at("/settings/prepareAt").asText());
        assertEquals("CSV", set.json().at("/table/source").asText());
        assertEquals("prepareAt", api.api.call("PUT", "/api/bulletins/prices", officer, Map.of("prepareAt", "4 giờ"))
                .field());
        assertEquals(400, api.api.call("PUT", "/api/bulletins/prices", officer, Map.of("dialect", "central")).status());

        Answer preview = api.api.call("POST", "/api/bulletins/prices/preview", officer, null);
        assertEquals(200, preview.status(), String.valueOf(preview.json()));
        String text = preview.json().get("text").asText();
        assertTrue(text.contains("Lúa IR50404: 7.200 đồng một ký, tăng 200 đồng so với hôm trước."), text);
        assertEquals(VietnameseReading.of(VietnameseReading.Dialect.SOUTH).read(text),
                preview.json().get("reading").asText(), "the southern reading, as set");
        assertEquals(0, preview.json().get("problems").size());

        HttpResponse<byte[]> wav = raw("GET", "/api/bulletins/prices/preview.wav", officer, null, null);
        assertEquals(200, wav.statusCode());
        assertEquals("audio/wav", wav.headers().firstValue("Content-Type").orElse(""));
        assertEquals("RIFF", new String(wav.body(), 0, 4, StandardCharsets.US_ASCII));

        Answer published = api.api.call("POST", "/api/bulletins/prices/publish", officer, null);
        assertEquals(200, published.status(), String.valueOf(published.json()));
        String today = LocalDate.now(ZoneId.of("Asia/Ho_Chi_Minh")).format(DateTimeFormatter.BASIC_ISO_DATE);
        assertEquals("gia-ca-" + today, published.json().get("libraryId").asText());
        assertEquals(text, published.json().get("text").asText());
        assertTrue(api.library.index().byId("gia-ca-" + today).isPresent());

        List<String> audited = api.store.query(c -> new AuditLog(Clock.systemUTC()).latest(c, 20)).stream()
                .filter(e -> e.actor().equals("can.bo.nn")).map(AuditLog.Entry::action).toList();
        assertTrue(audited.containsAll(List.of("bulletin.table", "bulletin.settings", "bulletin.publish")),
                audited.toString());
    }

    @Test
    void aBadTableIsRefusedWithEveryLinesProblemAndAJsonTableIsTaken() throws Exception {
        String officer = api.api.login("can.bo.nn", PASSWORD);

        HttpResponse<byte[]> bad = raw("PUT", "/api/bulletins/prices/table", officer, "text/csv",
                "mat_hang,don_vi,gia\nLúa,kg,7200\nBắp,kg,năm nghìn\n,kg,100\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(422, bad.statusCode());
        var problems = Json.mapper().readTree(bad.body()).get("problems");
        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).asText().startsWith("Dòng 3 / line 3: "), problems.toString());
        assertTrue(problems.get(1).asText().startsWith("Dòng 4 / line 4: "), problems.toString());

        HttpResponse<byte[]> huge = raw("PUT", "/api/bulletins/prices/table", officer, "text/csv", new byte[300 * 1024]);
        assertEquals(413, huge.statusCode());

        Answer json = api.api.call("PUT", "/api/bulletins/prices/table", officer, Map.of("date",
                LocalDate.now(ZoneId.of("Asia/Ho_Chi_Minh")).toString(), "market", "Chợ Long Xuyên", "items",
                List.of(Map.of("name", "Cá tra", "unit", "kg", "price", "28,5 nghìn"))),
                Map.of("Content-Type", "application/json"));
        assertEquals(200, json.status(), String.valueOf(json.json()));
        assertEquals(28500, json.json().at("/table/rows/0/price").asLong());
        assertEquals("JSON", api.api.call("GET", "/api/bulletins/prices", officer, null).json().at("/table/source").asText());
    }
}
