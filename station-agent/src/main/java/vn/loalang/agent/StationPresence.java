package vn.loalang.agent;

import vn.loalang.agent.link.MqttLink;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.station.StationState;

import java.time.Clock;
import java.util.UUID;

/** Birth, Last Will and goodbye of this boot of the agent, numbered by connection. */
final class StationPresence implements MqttLink.Presence {
    private final String stationId;
    private final String topic;
    private final String version;
    private final Clock clock;
    private final String bootId = UUID.randomUUID().toString();

    StationPresence(String stationId, String topic, String version, Clock clock) {
        this.stationId = stationId;
        this.topic = topic;
        this.version = version;
        this.clock = clock;
    }

    String bootId() {
        return bootId;
    }

    @Override
    public String topic() {
        return topic;
    }

    @Override
    public byte[] birth(long connection) {
        return state(Presence.ONLINE, connection);
    }

    @Override
    public byte[] will(long connection) {
        return state(Presence.OFFLINE, connection);
    }

    @Override
    public byte[] goodbye(long connection) {
        return state(Presence.OFFLINE, connection);
    }

    private byte[] state(Presence presence, long connection) {
        return Json.write(new StationState(SchemaVersion.CURRENT, stationId, presence, bootId, connection, version,
                clock.instant()));
    }
}
