package vn.loalang.controller.listen;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import vn.loalang.protocol.Json;

/** A village's feed as JSON Feed 1.1 (https://jsonfeed.org/version/1.1): each episode an item with one attachment. */
public final class JsonFeed {
    public static final String VERSION = "https://jsonfeed.org/version/1.1";

    private JsonFeed() {
    }

    public static byte[] write(ListenFeed feed, ListenAddresses at) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("version", VERSION);
        root.put("title", Html.clean(feed.title(), 300));
        root.put("home_page_url", at.village(feed.village().id()));
        root.put("feed_url", at.feedJson(feed.village().id()));
        root.put("description", Html.clean(feed.description(), 400));
        root.put("icon", at.artwork());
        root.put("language", "vi");
        ArrayNode items = root.putArray("items");
        for (ListenFeed.Episode e : feed.episodes()) {
            ObjectNode item = items.addObject();
            item.put("id", e.guid());
            item.put("url", e.page());
            item.put("title", Html.clean(e.title(), 300));
            item.put("content_text", e.text().isEmpty() ? Html.clean(e.title(), 300) : Html.clean(e.text(), 4000));
            item.put("date_published", e.published().toString());
            ObjectNode a = item.putArray("attachments").addObject();
            a.put("url", e.audio());
            a.put("mime_type", "audio/mpeg");
            a.put("size_in_bytes", e.bytes());
            a.put("duration_in_seconds", e.seconds());
        }
        try {
            return Json.mapper().writeValueAsBytes(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the JSON feed of " + feed.village().id() + " cannot be written", e);
        }
    }
}
