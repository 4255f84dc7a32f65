package vn.loalang.controller.mirror;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which code speaks to each kind of outside service: a registry filled once at start (the webhook by the mirror, the
 * chat and SMS services by the composition, one line each), then read by the sender to make a {@link Channel} from a
 * channel's settings and secrets. The mirror never names a service's class, so a service is added without touching it.
 */
public final class Channels {
    private final Map<ChannelKind, Function<ChannelConfig, Channel>> makers = new EnumMap<>(ChannelKind.class);

    /** {@code maker} makes the channels of {@code kind}; a second registration of a kind replaces the first. */
    public synchronized Channels register(ChannelKind kind, Function<ChannelConfig, Channel> maker) {
        makers.put(kind, maker);
        return this;
    }

    /** The channel {@code config} describes; empty when no code for its kind is registered on this controller. */
    public synchronized Optional<Channel> make(ChannelConfig config) {
        Function<ChannelConfig, Channel> maker = makers.get(config.kind());
        return maker == null ? Optional.empty() : Optional.of(maker.apply(config));
    }

    public synchronized boolean knows(ChannelKind kind) {
        return makers.containsKey(kind);
    }
}
