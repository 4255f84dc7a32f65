package vn.loalang.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.testing.ApiClient.Answer;
import vn.loalang.controller.users.Role;
import vn.loalang.controller.users.UserDirectory;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /api/villages/{id}/merge?into=X} shows what the merger will do, changing nothing, and the
 * merger then does exactly that: the stations move, the village heads follow, the own program and the
 * alert areas not covered go.
 */
class MergePreviewTest {
    private static final String ADMIN_PASSWORD = "admin-password-1";
    private static final String PASSWORD = "mat-khau-dai-du";

    @TempDir
    Path dir;

    @Test
    void thePreviewSaysWhatTheMergerThenDoes() throws Exception {
        try (ApiFixture api = new ApiFixture(dir, Clock.systemUTC(), ADMIN_PASSWORD)) {
            api.users.create("admin", new UserDirectory.NewUser("truong.dong", null, Role.VILLAGE_HEAD,
                    List.of("thon-dong"), "vi", PASSWORD));
            api.directory.addStation("admin", new Commune.Station("thon-dong-2", "Cụm loa chợ", "thon-dong"));
            String admin = api.api.login("admin", ADMIN_PASSWORD);
            Commune before = api.directory.current();

            Answer preview = api.api.call("GET", "/api/villages/thon-dong/merge?into=thon-tay", admin, null);
            assertEquals(200, preview.status(), String.valueOf(preview.json()));
            JsonNode p = preview.json();
            assertEquals("Thôn Đông", p.get("fromName").asText());
            assertEquals("Thôn Tây", p.get("intoName").asText());
            assertEquals(List.of("thon-dong-1", "thon-dong-2"), texts(p.get("stations")));
            assertEquals(List.of("truong.dong"), texts(p.get("villageHeads")));
            assertEquals(List.of("99999"), texts(p.get("geocodesDropped")), "Thôn Tây does not cover 99999");
            assertFalse(p.get("ownProgramDropped").asBoolean());
            assertEquals("commune", p.get("intoFollows").asText());
            assertEquals(before, api.directory.current(), "a preview changes nothing");

            Answer merged = api.api.call("POST", "/api/villages/thon-dong/merge", admin, Map.of("into", "thon-tay"));
            assertEquals(200, merged.status(), String.valueOf(merged.json()));
            Commune after = api.directory.current();
            for (String station : texts(p.get("stations"))) {
                assertEquals("thon-tay", after.stations().stream().filter(s -> s.id().equals(station)).findFirst()
                        .orElseThrow().village(), station + " moved as the preview said");
            }
            assertEquals(List.of("thon-tay"), api.users.find("truong.dong").orElseThrow().villages(),
                    "the village head the preview named now serves the village that stays");
            assertTrue(after.village("thon-dong").isEmpty());
            assertEquals(List.of("30316"), after.village("thon-tay").orElseThrow().geocodes(),
                    "the dropped alert area is gone, as the preview said");
        }
    }

    @Test
    void aPreviewOfAMergerThatWouldBeRefusedIsRefused() throws Exception {
        try (ApiFixture api = new ApiFixture(dir, Clock.systemUTC(), ADMIN_PASSWORD)) {
            String admin = api.api.login("admin", ADMIN_PASSWORD);
            assertEquals(400, api.api.call("GET", "/api/villages/thon-dong/merge?into=thon-dong", admin, null).status());
            assertEquals(400, api.api.call("GET", "/api/villages/thon-dong/merge", admin, null).status());
            assertEquals(404, api.api.call("GET", "/api/villages/thon-dong/merge?into=khong-co", admin, null).status());
            assertEquals(404, api.api.call("GET", "/api/villages/khong-co/merge?into=thon-tay", admin, null).status());
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
