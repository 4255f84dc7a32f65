package vn.loalang.controller.mirror;

import java.util.Map;

/**
 * What a {@link Channel} is made from: its settings (not secret: API base address, brandname, rate) and its secrets.
 * {@code settings} may name {@code apiBase}, which tests point at a local server answering as the service does.
 */
public record ChannelConfig(String id, ChannelKind kind, String name, Map<String, String> settings,
                            ChannelSecrets secrets) {
    public ChannelConfig {
        settings = Map.copyOf(settings);
    }

    /** The setting, or {@code fallback} when it is not set or blank. */
    public String setting(String key, String fallback) {
        String v = settings.get(key);
        return v == null || v.isBlank() ? fallback : v;
    }
}
