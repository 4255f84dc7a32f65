package vn.loalang.controller.listen;

import com.rometools.modules.itunes.EntryInformation;
import com.rometools.modules.itunes.FeedInformation;
import com.rometools.modules.itunes.ITunes;
import com.rometools.rome.feed.synd.SyndEnclosure;
import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndFeed;
import com.rometools.rome.io.SyndFeedInput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xml.sax.InputSource;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static vn.loalang.controller.listen.ListenFixture.DAY;
import static vn.loalang.controller.listen.ListenFixture.MORNING;
import static vn.loalang.controller.listen.ListenFixture.NOON;

/** The podcast feed as a well-kept parser (ROME and its iTunes module) reads it. */
class PodcastFeedTest {
    static final ListenAddresses AT = ListenAddresses.of(java.net.URI.create("https://loa.xa-an-binh.vn/"));

    @TempDir
    Path dir;
    ListenFixture f;

    @BeforeEach
    void open() throws Exception {
        f = new ListenFixture(dir);
        f.plan("thon-dong", "morning", MORNING, "gia-lua", "ho-ngheo", "bao-lu");
        f.played("thon-dong-1", DAY + ".morning", MORNING, "gia-lua", "ho-ngheo", "bao-lu");
        f.alert("a-lu", NOON.minusSeconds(600), NOON.plusSeconds(3600), "ACTIVE", List.of("thon-dong"), "Lũ",
                "lũ về", "Nước sông dâng cao.", "Cảnh báo lũ", "Lên chỗ cao.", "bao-lu");
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void podcastAppsReadEveryPlayedPublicItemAndTheAlertAsEpisodes() throws Exception {
        ListenFeed feed = ListenFeed.of(f.catalog, ListenFixture.COMMUNE.villages().get(0), AT);
        byte[] xml = PodcastFeed.write(feed, AT);

        SyndFeed parsed = new SyndFeedInput().build(new InputSource(new ByteArrayInputStream(xml)));
        assertEquals("rss_2.0", parsed.getFeedType());
        assertEquals("vi", parsed.getLanguage());
        assertEquals("https://loa.xa-an-binh.vn/nghe-lai/thon-dong/", parsed.getLink());
        FeedInformation itunes = (FeedInformation) parsed.getModule(ITunes.URI);
        assertEquals("https://loa.xa-an-binh.vn/nghe-lai/artwork.png", itunes.getImageUri());
        assertEquals("Government", itunes.getCategories().get(0).getName());
        assertEquals(Boolean.FALSE, itunes.getExplicitNullable());

        List<String> guids = parsed.getEntries().stream().map(SyndEntry::getUri).toList();
        assertEquals(List.of("canh-bao/a-lu", "thon-dong/" + DAY + "/" + DAY + ".morning/bao-lu",
                "thon-dong/" + DAY + "/" + DAY + ".morning/gia-lua"), guids, "newest first; ho-ngheo is not public");
        String text = new String(xml, StandardCharsets.UTF_8);
        assertEquals(3, text.split("isPermaLink=\"false\"", -1).length - 1);
        for (SyndEntry e : parsed.getEntries()) {
            SyndEnclosure enclosure = e.getEnclosures().get(0);
            assertEquals("audio/mpeg", enclosure.getType());
            String id = e.getUri().substring(e.getUri().lastIndexOf('/') + 1);
            Path file = f.library.byId(id.equals("a-lu") ? "bao-lu" : id).orElseThrow().file();
            assertEquals(Files.size(file), enclosure.getLength(), "the exact byte length of " + id);
            assertTrue(enclosure.getUrl().startsWith("https://loa.xa-an-binh.vn/nghe-lai/a/"), enclosure.getUrl());
            assertTrue(enclosure.getUrl().endsWith(".mp3?n=feed"), enclosure.getUrl());
            assertFalse(enclosure.getUrl().contains(f.library.byId("gia-lua").orElseThrow().sha256()), "no SHA-256");
            EntryInformation episode = (EntryInformation) e.getModule(ITunes.URI);
            assertTrue(episode.getDuration().getMilliseconds() >= 1000, e.getUri());
        }
        SyndEntry rice = parsed.getEntries().get(2);
        assertEquals(Instant.parse("2026-11-23T22:31:00Z"), rice.getPublishedDate().toInstant(),
                "the first finish, to the second (RFC 822)");
        assertEquals(3000, ((EntryInformation) rice.getModule(ITunes.URI)).getDuration().getMilliseconds());
        SyndEntry alert = parsed.getEntries().get(0);
        assertEquals("CẢNH BÁO: Cảnh báo lũ", alert.getTitle());
        assertTrue(alert.getDescription().getValue().contains("Lên chỗ cao."));
        assertTrue(text.contains("<pubDate>Mon, 23 Nov 2026 22:31:00 GMT</pubDate>"), text);
    }

    @Test
    void hostileTitlesStayTextAndLoseTheirDirectionOverrides() throws Exception {
        String hostile = "<script>alert(1)</script> Giá \u202Eđảo ngược\u202C & \u0007lúa";
        ListenFeed feed = new ListenFeed(ListenFixture.COMMUNE.villages().get(0), "Xã An Bình",
                List.of(new ListenFeed.Episode("thon-dong/x", hostile, hostile, "https://x/a.mp3", 10, 1, NOON,
                        "https://x/")));
        byte[] xml = PodcastFeed.write(feed, AT);
        String text = new String(xml, StandardCharsets.UTF_8);
        assertFalse(text.contains("<script>"), text);
        assertFalse(text.contains("\u202E") || text.contains("\u0007"), text);

        SyndEntry e = new SyndFeedInput().build(new InputSource(new ByteArrayInputStream(xml))).getEntries().get(0);
        assertEquals("<script>alert(1)</script> Giá đảo ngược & lúa", e.getTitle().replace("  ", " "));
    }
}
