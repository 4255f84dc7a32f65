package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.live.LiveState;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.MessageType;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The channels' states on the broker, as {@code alert.AlertDispatcher} puts alerts there: signed
 * by the commune key, retained; published again after every connect (a broker that restarted has
 * forgotten them), and cleared with an empty retained message when the channel is no longer in
 * use. A publish that fails is left to the next change or reconnect: the state is kept here.
 */
public final class SignedLiveStates implements LiveStatePublisher {
    private static final Logger log = LoggerFactory.getLogger(SignedLiveStates.class);
    /** A state is valid this long after it is signed; it is signed again on every change and reconnect. */
    static final Duration VALID_FOR = Duration.ofHours(12);

    /** The broker link's publish ({@code ControllerLink::publish}). */
    public interface Transport {
        void publish(String topic, byte[] payload, boolean retained) throws Exception;
    }

    private final Transport transport;
    private final EnvelopeSigner signer;
    private final Topics topics;
    private final Clock clock;
    private final Map<LiveChannelId, LiveState> current = new ConcurrentHashMap<>();

    public SignedLiveStates(Transport transport, EnvelopeSigner signer, Topics topics, Clock clock) {
        this.transport = transport;
        this.signer = signer;
        this.topics = topics;
        this.clock = clock;
    }

    @Override
    public synchronized void publish(LiveState state) {
        current.put(state.channel(), state);
        send(state);
    }

    @Override
    public synchronized void clear(LiveChannelId channel) {
        current.remove(channel);
        try {
            transport.publish(topics.liveState(channel), new byte[0], true);
        } catch (Exception e) {
            log.warn("Channel {}: its retained state could not be cleared now ({})", channel, e.getMessage());
        }
    }

    /** After a connect: every state in use again. */
    public synchronized void republishAll() {
        current.values().forEach(this::send);
    }

    private void send(LiveState state) {
        String topic = topics.liveState(state.channel());
        try {
            transport.publish(topic, signer.sign(MessageType.LIVE_STATE, topic, state, clock.instant().plus(VALID_FOR)), true);
            log.debug("Channel {}: state {} published, signed and retained", state.channel(), state.state());
        } catch (Exception e) {
            log.warn("Channel {}: state {} not published now ({}); it is sent again after the next connect",
                    state.channel(), state.state(), e.getMessage());
        }
    }
}
