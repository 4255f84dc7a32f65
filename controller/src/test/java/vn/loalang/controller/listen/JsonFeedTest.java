package vn.loalang.controller.listen;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vn.loalang.controller.listen.ListenFixture.DAY;
import static vn.loalang.controller.listen.ListenFixture.MORNING;

/** JSON Feed 1.1: the fields its specification requires, and one attachment per item with the file's size. */
class JsonFeedTest {
    @TempDir
    Path dir;
    ListenFixture f;

    @BeforeEach
    void open() throws Exception {
        f = new ListenFixture(dir);
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void eachPlayedItemIsAnItemWithItsAudioAttached() throws Exception {
        f.plan("thon-dong", "morning", MORNING, "gia-lua");
        f.played("thon-dong-2", DAY + ".morning", MORNING, "gia-lua");
        ListenAddresses at = ListenAddresses.of(java.net.URI.create("http://192.168.1.10:8080"));

        JsonNode feed = Json.mapper().readTree(JsonFeed.write(ListenFeed.of(f.catalog,
                ListenFixture.COMMUNE.villages().get(0), at), at));

        assertEquals("https://jsonfeed.org/version/1.1", feed.get("version").asText());
        assertEquals("Loa Làng — Thôn Đông (Xã An Bình)", feed.get("title").asText());
        assertEquals("http://192.168.1.10:8080/nghe-lai/thon-dong/feed.json", feed.get("feed_url").asText());
        assertEquals("vi", feed.get("language").asText());
        assertEquals(1, feed.get("items").size());
        JsonNode item = feed.get("items").get(0);
        assertEquals("thon-dong/" + DAY + "/" + DAY + ".morning/gia-lua", item.get("id").asText());
        assertTrue(item.get("content_text").asText().startsWith("Giá lúa hôm nay"));
        assertEquals(MORNING.plusSeconds(60), Instant.parse(item.get("date_published").asText()));
        JsonNode audio = item.get("attachments").get(0);
        assertEquals("http://192.168.1.10:8080/nghe-lai/a/thon-dong/" + DAY + "/" + DAY + ".morning/gia-lua.mp3?n=feed",
                audio.get("url").asText());
        assertEquals("audio/mpeg", audio.get("mime_type").asText());
        assertEquals(Files.size(f.library.byId("gia-lua").orElseThrow().file()), audio.get("size_in_bytes").asLong());
        assertEquals(3, audio.get("duration_in_seconds").asLong());
    }
}
