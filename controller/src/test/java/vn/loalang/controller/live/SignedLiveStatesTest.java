package vn.loalang.controller.live;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;
import vn.loalang.controller.link.ControllerLink;
import vn.loalang.controller.testing.MqttProbe;
import vn.loalang.controller.testing.SharedBroker;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.live.ChannelState;
import vn.loalang.protocol.live.LiveState;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A channel's state through a real broker, read as a station reads it: signed, retained, cleared after. */
@ExtendWith(SharedBroker.class)
class SignedLiveStatesTest {
    private static final KeyPair KEYS = Ed25519Keys.generate();
    private static final Clock CLOCK = Clock.systemUTC();
    private static final LiveChannelId CHANNEL = LiveChannelId.relay("vov1");
    private Topics topics;
    private ControllerLink link;
    private SignedLiveStates states;
    private MqttProbe station;

    @BeforeEach
    void connect(TestInfo test) throws Exception {
        String name = test.getTestMethod().orElseThrow().getName();
        topics = new Topics("test/" + name);
        link = new ControllerLink(SharedBroker.broker().url(), "controller-" + name, null, null);
        states = new SignedLiveStates(link::publish, new EnvelopeSigner("xa-an-binh", KEYS.getPrivate(), CLOCK), topics,
                CLOCK);
        link.connect();
    }

    @AfterEach
    void close() {
        link.close();
        if (station != null) {
            station.close();
        }
    }

    private LiveState verified(byte[] raw) throws Exception {
        return new EnvelopeVerifier(Map.of("xa-an-binh", KEYS.getPublic()), CLOCK, Duration.ofMinutes(5))
                .verify(topics.liveState(CHANNEL), MessageType.LIVE_STATE, raw, LiveState.class).payload();
    }

    @Test
    void aStationConnectingLateReadsTheSignedStateThenItsClearing() throws Exception {
        Instant now = CLOCK.instant();
        states.publish(new LiveState(SchemaVersion.CURRENT, CHANNEL, ChannelState.ON_AIR, now, null, "VOV1 is on air"));
        states.publish(new LiveState(SchemaVersion.CURRENT, CHANNEL, ChannelState.ENDED, now, now, "silent for 8 s"));
        station = MqttProbe.connect(SharedBroker.broker().url(), topics.allLiveStates());
        await().until(() -> !station.received(topics.liveState(CHANNEL)).isEmpty());
        List<MqttProbe.Message> got = station.received(topics.liveState(CHANNEL));
        // Connected after both publishes: what it got was retained.
        LiveState state = verified(got.get(0).payload());
        assertEquals(ChannelState.ENDED, state.state(), "only the latest is retained");
        assertEquals("silent for 8 s", state.detail());

        states.clear(CHANNEL);
        await().until(() -> station.received(topics.liveState(CHANNEL)).size() == 2);
        assertEquals(0, station.received(topics.liveState(CHANNEL)).get(1).payload().length);
        states.republishAll();
        try (MqttProbe late = MqttProbe.connect(SharedBroker.broker().url(), topics.allLiveStates())) {
            // A marker on another topic of the same root, retained, shows the probe has read what is retained.
            link.publish(topics.liveState(LiveChannelId.relay("marker")), new byte[]{1}, true);
            await().until(() -> !late.received(topics.liveState(LiveChannelId.relay("marker"))).isEmpty());
            assertEquals(List.of(), late.received(topics.liveState(CHANNEL)), "nothing retained once cleared");
            link.publish(topics.liveState(LiveChannelId.relay("marker")), new byte[0], true);
        }
    }
}
