package vn.loalang.controller.listen;

import java.net.URI;

/**
 * The public addresses of "Nghe lại", the same in pages, feeds and the mirror's messages (issue 19's contract):
 * {@code {base}/nghe-lai/}, {@code {base}/nghe-lai/{village}/}, its {@code feed.xml} and {@code feed.json},
 * {@code {base}/nghe-lai/canh-bao/{alertId}} and the audio under {@code {base}/nghe-lai/a/}. Every part is a
 * village, session, library or alert id ({@code [a-z0-9.-]}): never a SHA-256, never a hidden item's id.
 *
 * @param base {@code --listen-url} without a trailing slash; empty for paths relative to the host (in pages)
 */
public record ListenAddresses(String base) {
    public static final String ROOT = "/nghe-lai/";

    public static ListenAddresses of(URI base) {
        return new ListenAddresses(base == null ? "" : base.toString().replaceAll("/+$", ""));
    }

    /** Paths only, for the pages themselves: they work behind any proxy that keeps {@code /nghe-lai/}. */
    public static ListenAddresses relative() {
        return new ListenAddresses("");
    }

    public String commune() {
        return base + ROOT;
    }

    public String village(String village) {
        return base + ROOT + village + "/";
    }

    public String villageDay(String village, java.time.LocalDate date) {
        return village(village) + "?ngay=" + date;
    }

    public String feedXml(String village) {
        return base + ROOT + village + "/feed.xml";
    }

    public String feedJson(String village) {
        return base + ROOT + village + "/feed.json";
    }

    public String alertPage(String alertId) {
        return base + ROOT + "canh-bao/" + alertId;
    }

    public String alertAudio(String alertId) {
        return base + ROOT + "a/canh-bao/" + alertId + ".mp3";
    }

    /** An alert's audio as listed: its phone copy ({@code ?q=32}) once made, so the size shown is the size served. */
    public String alertAudio(ListenCatalog.Alert alert) {
        return alertAudio(alert.id()) + (alert.phone() ? PHONE : "");
    }

    /** An item's audio as listed: its phone copy ({@code ?q=32}) once made, so the size shown is the size served. */
    public String itemAudio(ListenCatalog.Item item) {
        return base + ROOT + "a/" + item.village() + "/" + item.date() + "/" + item.sessionId() + "/" + item.libraryId()
                + ".mp3" + (item.phone() ? PHONE : "");
    }

    /** Asks for the 32 kbps copy; without it the line MP3 is served (a link made before the copy stays right). */
    public static final String PHONE = "?q=32";

    public String artwork() {
        return base + ROOT + "artwork.png";
    }

    public String style() {
        return base + ROOT + "style.css";
    }

    /** {@code url} marked with where the link is shown ({@code ?n=page}, {@code feed}…), for the counts. */
    public static String from(String url, ListenCounts.Source source) {
        return url + (url.contains("?") ? "&" : "?") + "n=" + source.name().toLowerCase(java.util.Locale.ROOT);
    }
}
