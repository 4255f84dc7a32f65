package vn.loalang.controller.mirror;

import java.util.Map;

/**
 * What a {@link Channel} is made from: its settings (not secret: API base address, brandname, rate) and its secrets.
 * {@code settings} may name {@code apiBase}, which tests point at a local server answering as the service does.
 * {@code allowLocal} is the controller's {@code --mirror-allow-local}, never a channel's setting: whether its requests
 * may go to an address on this machine or a link-local one (each request's resolved address is checked).
 */
public record ChannelConfig(String id, ChannelKind kind, String name, Map<String, String> settings,
                            ChannelSecrets secrets, boolean allowLocal) {
    public ChannelConfig {
        settings = Map.copyOf(settings);
    }

    /** A channel that may not call this machine nor a link-local address. */
    public ChannelConfig(String id, ChannelKind kind, String name, Map<String, String> settings,
                         ChannelSecrets secrets) {
        this(id, kind, name, settings, secrets, false);
    }

    /** The setting, or {@code fallback} when it is not set or blank. */
    public String setting(String key, String fallback) {
        String v = settings.get(key);
        return v == null || v.isBlank() ? fallback : v;
    }
}
