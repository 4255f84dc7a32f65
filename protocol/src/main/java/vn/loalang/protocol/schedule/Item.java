package vn.loalang.protocol.schedule;

import vn.loalang.protocol.Ids;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One audio item of a session's playlist. The station fetches {@code url}, and keeps the file only if
 * its SHA-256 is {@code sha256}: the hash, not the URL, is the identity of the content.
 *
 * @param gainDb software gain the station applies, from the content's measured loudness
 */
public record Item(String contentId, String title, String sha256, URI url, long sizeBytes, long durationMillis,
                   double gainDb) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    public Item {
        Ids.require("content", contentId);
        Objects.requireNonNull(title, "title");
        if (sha256 == null || !SHA256.matcher(sha256).matches()) {
            throw new IllegalArgumentException("item " + contentId + ": sha256 must be 64 lower-case hex digits");
        }
        Objects.requireNonNull(url, "url");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("item " + contentId + ": url must be http or https, not " + url);
        }
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("item " + contentId + ": sizeBytes must be positive");
        }
        if (durationMillis <= 0) {
            throw new IllegalArgumentException("item " + contentId + ": durationMillis must be positive");
        }
        if (!Double.isFinite(gainDb) || gainDb < -60 || gainDb > 20) {
            throw new IllegalArgumentException("item " + contentId + ": gainDb must be between -60 and +20 dB");
        }
    }

    public Duration duration() {
        return Duration.ofMillis(durationMillis);
    }
}
