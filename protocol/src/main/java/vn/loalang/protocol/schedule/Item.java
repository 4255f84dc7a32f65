package vn.loalang.protocol.schedule;

import vn.loalang.protocol.Ids;


import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One audio item of a session's playlist. A file item: the station fetches {@code url}, and keeps the file
 * only if its SHA-256 is {@code sha256}: the hash, not the URL, is the identity of the content. A live item
 * ({@code relay} set, added in issue 17): the station plays the commune's live channel instead, and
 * {@code sha256}, {@code url} are null, {@code sizeBytes} 0 and {@code durationMillis} the slot's maximum.
 *
 * <p>An agent before issue 17 refuses a schedule with a live item (no {@code sha256}); the controller sends
 * live items only to agents that play them.
 *
 * @param gainDb software gain the station applies, from the content's measured loudness
 * @param relay  what makes the item live; null for a file
 * @param late   true when the item is played after its time (a missed relay's or talk's recording); null otherwise
 */
public record Item(String contentId, String title, String sha256, URI url, long sizeBytes, long durationMillis,
                   double gainDb, RelaySpec relay, Boolean late) {
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /** A file item, as before issue 17. */
    public Item(String contentId, String title, String sha256, URI url, long sizeBytes, long durationMillis,
                double gainDb) {
        this(contentId, title, sha256, url, sizeBytes, durationMillis, gainDb, null, null);
    }

    public Item {
        Ids.require("content", contentId);
        Objects.requireNonNull(title, "title");
        if (relay == null) {
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
        } else {
            if (sha256 != null || url != null || sizeBytes != 0) {
                throw new IllegalArgumentException("item " + contentId
                        + ": a live item has no sha256, url or size: its stream is the relay's url");
            }
            if (durationMillis != relay.slot().toMillis()) {
                throw new IllegalArgumentException("item " + contentId + ": a live item lasts its slot ("
                        + relay.slot().toMillis() + " ms), not " + durationMillis + " ms");
            }
        }
        if (durationMillis <= 0) {
            throw new IllegalArgumentException("item " + contentId + ": durationMillis must be positive");
        }
        if (!Double.isFinite(gainDb) || gainDb < -60 || gainDb > 20) {
            throw new IllegalArgumentException("item " + contentId + ": gainDb must be between -60 and +20 dB");
        }
        late = Boolean.TRUE.equals(late) ? Boolean.TRUE : null;
    }

    /** A live item: the channel of {@code relay} for its whole slot. */
    public static Item live(String contentId, String title, RelaySpec relay, double gainDb) {
        return new Item(contentId, title, null, null, 0, relay.slot().toMillis(), gainDb, relay, null);
    }

    /** Whether the item is a live stream rather than a cached file. */
    public boolean live() {
        return relay != null;
    }

    /** Whether it is played after its time. */
    public boolean playedLate() {
        return Boolean.TRUE.equals(late);
    }

    /** The same item, marked as played after its time. */
    public Item asLate() {
        return new Item(contentId, title, sha256, url, sizeBytes, durationMillis, gainDb, relay, true);
    }

    public Duration duration() {
        return Duration.ofMillis(durationMillis);
    }
}
