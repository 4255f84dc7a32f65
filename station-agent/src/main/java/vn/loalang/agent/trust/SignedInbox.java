package vn.loalang.agent.trust;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.protocol.LogText;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.live.LiveState;
import vn.loalang.protocol.live.LiveTalk;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.Command;
import vn.loalang.protocol.station.EventAck;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.util.function.BiConsumer;

/**
 * The one way in for everything the controller signs, whatever its topic: admitted by the
 * {@link TrustGate} (envelope, key, signature, validity, replay), then checked for its target (made
 * for this station, or for the village it follows, and delivered on the topic it names), then
 * recorded as accepted and handed, typed, to the topic's handler. The handlers (schedule, alerts,
 * commands, event receipts) see only accepted messages; the rules for who a message is for are all
 * here, side by side.
 */
public final class SignedInbox {
    private static final Logger log = LoggerFactory.getLogger(SignedInbox.class);

    /** A message admitted, for this station, and recorded as accepted: the same or an older one never comes again. */
    public record Accepted<T>(String topic, T body, long seq, byte[] raw) {
    }

    /** What a topic does with its accepted messages. */
    @FunctionalInterface
    public interface Handler<T> {
        /**
         * Before the message is recorded as accepted: what must outlive a crash in between (the
         * schedule on disk; else a restart would refuse its retained copy as a replay and keep the old one).
         * False when it could not be kept (a full card): the message is still acted on, but not recorded in
         * the replay guard, so that its retained copy is taken again after a reconnect or a reboot, and kept
         * then if it can be (decision 0023).
         */
        default boolean keep(Accepted<T> message) {
            return true;
        }

        void accept(Accepted<T> message);
    }

    /** Who a message is for. */
    @FunctionalInterface
    private interface Target<T> {
        /** Null when {@code body}, delivered on {@code topic}, is for this station; else what is wrong, for the journal. */
        String misdirected(String topic, T body);
    }

    private final String stationId;
    private final Topics topics;
    private final TrustGate gate;
    private final EventOutbox events;

    public SignedInbox(String stationId, Topics topics, TrustGate gate, EventOutbox events) {
        this.stationId = stationId;
        this.topics = topics;
        this.gate = gate;
        this.events = events;
    }

    /** The station's schedule: made for this station. */
    public BiConsumer<String, byte[]> schedules(Handler<Schedule> handler) {
        return (topic, raw) -> deliver(topic, raw, MessageType.SCHEDULE, Schedule.class, handler,
                (t, s) -> s.stationId().equals(stationId) ? null
                        : "schedule for station " + s.stationId() + " arrived at " + stationId);
    }

    /** A technician's command: made for this station and delivered on its command topic. */
    public BiConsumer<String, byte[]> commands(Handler<Command> handler) {
        return (topic, raw) -> deliver(topic, raw, MessageType.COMMAND, Command.class, handler,
                (t, c) -> c.stationId().equals(stationId) && t.equals(topics.command(stationId)) ? null
                        : "command " + c.id() + " for station " + c.stationId() + " arrived on " + t);
    }

    /** An alert: delivered on the topic of the village and alert it names (the station subscribes its own village's). */
    public BiConsumer<String, byte[]> alerts(Handler<Alert> handler) {
        return (topic, raw) -> deliver(topic, raw, MessageType.ALERT, Alert.class, handler,
                (t, a) -> t.equals(topics.zoneAlert(a.zone(), a.id())) ? null
                        : "alert " + a.id() + " for village " + a.zone() + " arrived on " + t);
    }

    /** A live channel's state: any station of the commune may hear any channel's, on the channel's own topic. */
    public BiConsumer<String, byte[]> liveStates(Handler<LiveState> handler) {
        return (topic, raw) -> deliver(topic, raw, MessageType.LIVE_STATE, LiveState.class, handler,
                (t, s) -> t.equals(topics.liveState(s.channel())) ? null
                        : "state of live channel " + s.channel() + " arrived on " + t);
    }

    /** A live talk: delivered on the topic of the village and talk it names (the station subscribes its own village's). */
    public BiConsumer<String, byte[]> talks(Handler<LiveTalk> handler) {
        return (topic, raw) -> deliver(topic, raw, MessageType.LIVE_TALK, LiveTalk.class, handler,
                (t, talk) -> t.equals(topics.zoneTalk(talk.zone(), talk.talkId())) ? null
                        : "talk " + talk.talkId() + " for village " + talk.zone() + " arrived on " + t);
    }

    /** The controller's receipt for this station's events: made for this station. */
    public BiConsumer<String, byte[]> receipts(Handler<EventAck> handler) {
        return (topic, raw) -> deliver(topic, raw, MessageType.EVENT_ACK, EventAck.class, handler,
                (t, ack) -> ack.stationId().equals(stationId) ? null
                        : "acknowledgement for station " + ack.stationId() + " arrived on " + t);
    }

    private <T> void deliver(String topic, byte[] raw, MessageType type, Class<T> bodyType, Handler<T> handler,
                             Target<T> target) {
        gate.admit(topic, type, raw, bodyType).ifPresent(verified -> {
            String wrong = target.misdirected(topic, verified.payload());
            if (wrong != null) {
                log.warn("Station {} refused a {} not meant for it: {} (WRONG_TARGET)", stationId, type.wire(),
                        LogText.of(wrong, LogText.SENTENCE));
                events.record(StationEvent.of(EventType.MESSAGE_REJECTED).reason(EventReason.WRONG_TARGET).detail(wrong));
                return;
            }
            Accepted<T> accepted = new Accepted<>(topic, verified.payload(), verified.seq(), raw);
            if (handler.keep(accepted)) {
                gate.accepted(topic, verified.seq());
            } else {
                log.warn("Station {} acts on {} seq {} without recording it as accepted: it could not be kept, and its "
                        + "retained copy must be taken again", stationId, LogText.of(topic, 200), verified.seq());
            }
            handler.accept(accepted);
        });
    }
}
