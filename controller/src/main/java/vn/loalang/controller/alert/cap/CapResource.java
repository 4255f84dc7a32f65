package vn.loalang.controller.alert.cap;

import java.net.URI;
import java.util.Objects;

/**
 * A file that goes with an info block, e.g. a recorded announcement ({@code audio/mpeg}) or a map.
 *
 * @param size   in bytes, null when the sender did not say
 * @param uri    where to fetch it, null when not given (an embedded {@code derefUri} is not read)
 * @param digest the sender's SHA-1 of the file in hex, null when not given
 */
public record CapResource(String description, String mimeType, Long size, URI uri, String digest) {
    public CapResource {
        Objects.requireNonNull(description, "resourceDesc");
        Objects.requireNonNull(mimeType, "mimeType");
    }

    /** Whether it is sound a loudspeaker can play ({@code audio/*}) and says where to fetch it. */
    public boolean isPlayableAudio() {
        return uri != null && mimeType.regionMatches(true, 0, "audio/", 0, 6);
    }
}
