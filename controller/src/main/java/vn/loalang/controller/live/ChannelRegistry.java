package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.live.ChannelState;
import vn.loalang.protocol.schedule.LiveChannelId;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The commune's live channels, and where stations fetch them (decision 0030). Embedded (the demo,
 * tests, a small commune): the controller serves {@code /live/{mount}} itself, next to the library's
 * files. Icecast (production): each channel is fed to Icecast by an {@link IcecastSource} and
 * stations fetch it there, at {@code --icecast-public-url}. Either way a channel is opened once
 * and every listener hangs off it: one upstream fetch per commune.
 */
public final class ChannelRegistry implements LiveChannels, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChannelRegistry.class);

    /** Icecast as the controller reaches it (to feed it) and as stations reach it (to listen). */
    public record Icecast(URI url, URI publicUrl, String sourcePassword) {
    }

    private final Supplier<URI> contentBase;
    private final Icecast icecast;
    private final Map<LiveChannelId, FanOutChannel> channels = new HashMap<>();
    private final Map<LiveChannelId, IcecastSource> sources = new HashMap<>();

    private ChannelRegistry(Supplier<URI> contentBase, Icecast icecast) {
        this.contentBase = contentBase;
        this.icecast = icecast;
    }

    /** Served by the controller at {@code contentBase()/live/{mount}}. */
    public static ChannelRegistry embedded(Supplier<URI> contentBase) {
        return new ChannelRegistry(contentBase, null);
    }

    /** Fed to Icecast; stations fetch {@code icecast.publicUrl()/{mount}}. */
    public static ChannelRegistry icecast(Icecast icecast) {
        return new ChannelRegistry(null, icecast);
    }

    public boolean embedded() {
        return icecast == null;
    }

    /** The channel, opened now if it is not open or has ended (a new slot of the same source). */
    @Override
    public synchronized FanOutChannel open(LiveChannelId id) {
        FanOutChannel c = channels.get(id);
        if (c != null && c.state() != ChannelState.ENDED) {
            return c;
        }
        forgetEnded();
        c = new FanOutChannel(id);
        channels.put(id, c);
        if (icecast != null) {
            IcecastSource old = sources.remove(id);
            if (old != null) {
                old.close();
            }
            IcecastSource source = new IcecastSource(icecast.url(), "/" + id.mount(), icecast.sourcePassword(), id.value());
            sources.put(id, source);
            // No burst: Icecast keeps its own for the stations.
            c.subscribe(source, Duration.ZERO);
        }
        log.info("Channel {} opened; stations fetch it at {}", id, stationUrl(id));
        return c;
    }

    /** Ended channels go (every talk has a channel of its own), with their Icecast source clients. */
    private void forgetEnded() {
        channels.values().removeIf(c -> {
            if (c.state() != ChannelState.ENDED) {
                return false;
            }
            IcecastSource source = sources.remove(c.id());
            if (source != null) {
                source.close();
            }
            return true;
        });
    }

    @Override
    public synchronized Optional<LiveChannel> get(LiveChannelId id) {
        return Optional.ofNullable(channels.get(id));
    }

    /** The open (not ended) channel whose mount is {@code mount} ({@code relay-vov1.mp3}). */
    public synchronized Optional<FanOutChannel> byMount(String mount) {
        return channels.values().stream().filter(c -> c.id().mount().equals(mount) && c.state() != ChannelState.ENDED)
                .findFirst();
    }

    @Override
    public URI stationUrl(LiveChannelId id) {
        String base = (icecast != null ? icecast.publicUrl() : URI.create(contentBase.get().toString().replaceAll("/+$", "") + "/live"))
                .toString().replaceAll("/+$", "");
        return URI.create(base + "/" + id.mount());
    }

    /** The channels open now. */
    public synchronized List<FanOutChannel> channels() {
        return new ArrayList<>(channels.values());
    }

    /** Whether Icecast takes the channel's frames now (always false when embedded). */
    public synchronized boolean feedingIcecast(LiveChannelId id) {
        IcecastSource s = sources.get(id);
        return s != null && s.connected();
    }

    /** Every channel ends and every Icecast source closes. */
    @Override
    public void close() {
        List<FanOutChannel> open;
        List<IcecastSource> fed;
        synchronized (this) {
            open = new ArrayList<>(channels.values());
            fed = new ArrayList<>(sources.values());
            channels.clear();
            sources.clear();
        }
        open.forEach(FanOutChannel::end);
        fed.forEach(IcecastSource::close);
    }
}
