package vn.loalang.agent.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.trust.SignedInbox;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.live.ChannelState;
import vn.loalang.protocol.live.LiveState;
import vn.loalang.protocol.schedule.LiveChannelId;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the controller last signed about each live channel ({@code live/+/state}, through the signed
 * inbox): the stream carries only audio, and only this says that the upstream is interrupted (the
 * player then gives up on a silent stream after 3 s rather than its maxSilence) or that the programme
 * ended (the item ends once what was received has played). A talk's end comes from its own signed
 * message: the talk keeper puts it here too, so the player asks one place.
 */
public final class LiveStates implements SignedInbox.Handler<LiveState> {
    private static final Logger log = LoggerFactory.getLogger(LiveStates.class);

    private final String stationId;
    private final Map<LiveChannelId, LiveState> latest = new ConcurrentHashMap<>();

    public LiveStates(String stationId) {
        this.stationId = stationId;
    }

    @Override
    public void accept(SignedInbox.Accepted<LiveState> message) {
        put(message.body());
    }

    /** A newer state of its channel (an older one, by {@code since}, is ignored). */
    public void put(LiveState state) {
        LiveState before = latest.merge(state.channel(), state,
                (old, now) -> now.since().isBefore(old.since()) ? old : now);
        if (before == state) {
            log.info("Station {} learns that live channel {} is {}{}", stationId, state.channel(), state.state(),
                    state.detail() == null ? "" : " (" + state.detail() + ")");
        }
    }

    public Optional<ChannelState> state(LiveChannelId channel) {
        return Optional.ofNullable(latest.get(channel)).map(LiveState::state);
    }

    /**
     * Whether the controller said the channel's programme ended, at {@code notBefore} or later: the same
     * channel carries the next slot of its source, and an ENDED of an earlier slot must not end this one.
     */
    public boolean ended(LiveChannelId channel, Instant notBefore) {
        return is(channel, ChannelState.ENDED, notBefore);
    }

    /** Whether the controller said the channel's upstream is interrupted, since {@code notBefore} or later. */
    public boolean interrupted(LiveChannelId channel, Instant notBefore) {
        return is(channel, ChannelState.INTERRUPTED, notBefore);
    }

    private boolean is(LiveChannelId channel, ChannelState wanted, Instant notBefore) {
        LiveState s = latest.get(channel);
        return s != null && s.state() == wanted && !s.since().isBefore(notBefore);
    }

    /**
     * The retained state on {@code topic} was cleared (an empty message): the channel is no longer in use.
     * Anything but a state topic is ignored.
     */
    public void cleared(Topics topics, String topic) {
        String prefix = topics.allLiveStates().substring(0, topics.allLiveStates().indexOf('+'));
        String suffix = "/state";
        if (topic.startsWith(prefix) && topic.endsWith(suffix) && topic.length() > prefix.length() + suffix.length()) {
            String channel = topic.substring(prefix.length(), topic.length() - suffix.length());
            if (latest.keySet().removeIf(c -> c.value().equals(channel))) {
                log.info("Station {}: live channel {} is no longer in use", stationId, channel);
            }
        }
    }
}
