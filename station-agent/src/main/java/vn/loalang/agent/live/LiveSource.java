package vn.loalang.agent.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.PcmFormat;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.schedule.RelaySpec;

import javax.net.ssl.SSLContext;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Opens live items' streams for the player, with the station's account and TLS, and keeps an eye on
 * the one playing for telemetry. A talk's buffer starts small and grows on underruns; a relay's holds
 * what its item asks for (3 s by default).
 */
public final class LiveSource {
    private static final Logger log = LoggerFactory.getLogger(LiveSource.class);

    private final String stationId;
    private final LiveStreamReader.Account account;
    private final SSLContext tls;
    private final LiveStates states;
    private final AtomicReference<LiveFeed> playing = new AtomicReference<>();

    /** @param tls trusting the commune's CA only; null when the station has none (then only loopback http plays) */
    public LiveSource(String stationId, LiveStreamReader.Account account, SSLContext tls, LiveStates states) {
        this.stationId = stationId;
        this.account = account;
        this.tls = tls;
        this.states = states;
    }

    public LiveStates states() {
        return states;
    }

    /** Starts reading {@code item}'s stream; the caller closes the feed when the item is over. */
    public LiveFeed open(Item item, PcmFormat line) {
        RelaySpec spec = item.relay();
        LiveChannelId channel = spec.channel();
        JitterBuffer buffer = talk(spec) ? JitterBuffer.talk() : JitterBuffer.relay(Duration.ofMillis(spec.jitterTargetMillis()));
        LiveStreamReader reader = new LiveStreamReader(stationId, channel.value(), spec.url(), account, tls, buffer,
                () -> states.ended(channel, notBefore(spec)));
        LiveFeed feed = new LiveFeed(channel, reader, new LivePcmStream(buffer, line), f -> playing.compareAndSet(f, null));
        playing.set(feed);
        log.info("Station {} opens live channel {} for {} ({})", stationId, channel, item.contentId(), spec.url());
        reader.start();
        return feed;
    }

    /**
     * From when the channel's signed state concerns this item: a state older than its slot (less a margin for
     * the controller's lead, which connects its upstream before the slot) is an earlier slot's.
     */
    public static Instant notBefore(RelaySpec spec) {
        return spec.start().minus(STATE_LEAD);
    }

    /** The controller starts a source's upstream up to this long before its slot (its leadSeconds is 20). */
    static final Duration STATE_LEAD = Duration.ofMinutes(2);

    /** Whether the item is an operator's live talk rather than a relay. */
    public static boolean talk(RelaySpec spec) {
        return spec.channel().value().startsWith(LiveChannelId.TALK_PREFIX);
    }

    /** The live item playing now, described for telemetry; empty when none. */
    public Optional<String> describe() {
        return Optional.ofNullable(playing.get()).map(LiveFeed::describe);
    }
}
