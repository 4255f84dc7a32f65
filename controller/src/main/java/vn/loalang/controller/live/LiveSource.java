package vn.loalang.controller.live;

import vn.loalang.protocol.Ids;
import vn.loalang.protocol.schedule.EndRule;
import vn.loalang.protocol.schedule.RelaySpec;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * A named source the commune relays: VOV1, the province's station. Its slots in the program take its end
 * rule and silence limit unless they give their own.
 *
 * @param url               where the controller's ffmpeg fetches it; http or https only (no file:, no rtmp:)
 * @param kind              {@code AUTO} (whatever ffmpeg reads: MP3, AAC over Icecast) or {@code HLS} (a playlist)
 * @param endRule           the default end rule of its slots
 * @param maxSilenceSeconds the default silence after which a station falls back
 * @param enabled           a disabled source stays named but cannot be relayed (the program reports it)
 */
public record LiveSource(String id, String name, String url, Kind kind, EndRule endRule, Integer maxSilenceSeconds,
                         Boolean enabled) {
    public enum Kind { AUTO, HLS }

    public LiveSource {
        Ids.require("live source", id);
        name = name == null ? null : name.strip();
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("Nguồn " + id + " cần có tên / source " + id + " needs a name");
        }
        uri(url);
        url = url.strip();
        kind = kind == null ? Kind.AUTO : kind;
        endRule = endRule == null ? EndRule.FIXED : endRule;
        maxSilenceSeconds = maxSilenceSeconds == null ? RelaySpec.DEFAULT_SILENCE_SECONDS : maxSilenceSeconds;
        if (maxSilenceSeconds < RelaySpec.MIN_SILENCE_SECONDS || maxSilenceSeconds > RelaySpec.MAX_SILENCE_SECONDS) {
            throw new IllegalArgumentException("Thời gian im lặng tối đa phải từ " + RelaySpec.MIN_SILENCE_SECONDS + " đến "
                    + RelaySpec.MAX_SILENCE_SECONDS + " giây / maxSilenceSeconds must be from "
                    + RelaySpec.MIN_SILENCE_SECONDS + " to " + RelaySpec.MAX_SILENCE_SECONDS);
        }
        enabled = enabled == null || enabled;
    }

    public URI uri() {
        return uri(url);
    }

    /**
     * The source's address, if it is one the controller may fetch: an absolute http or https URL with a host.
     * Anything else (a file, rtmp:, a typo) is refused here rather than handed to ffmpeg.
     */
    private static URI uri(String url) {
        String refused = "Địa chỉ nguồn phải là một URL http:// hoặc https:// đầy đủ / the source's url must be a full"
                + " http:// or https:// URL";
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException(refused + ", not empty");
        }
        URI u;
        try {
            u = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(refused + ", not '" + url.strip() + "'");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null || u.getHost().isBlank()) {
            throw new IllegalArgumentException(refused + ", not '" + url.strip() + "'");
        }
        return u;
    }

    public boolean isEnabled() {
        return Boolean.TRUE.equals(enabled);
    }

    public LiveSource withId(String newId) {
        return new LiveSource(Objects.requireNonNull(newId), name, url, kind, endRule, maxSilenceSeconds, enabled);
    }
}
