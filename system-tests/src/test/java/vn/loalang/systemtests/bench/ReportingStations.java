package vn.loalang.systemtests.bench;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.station.StationState;
import vn.loalang.protocol.station.Telemetry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stations as the controller's health monitor sees them, and nothing else: one MQTT connection
 * each with its Last Will, its birth message, and a telemetry snapshot every {@code everySeconds}
 * (spread over the period, as stations that booted at different times) and at once on a change.
 * What a station does on its own Raspberry Pi — playout, GPIO, reading /proc — is not here.
 */
final class ReportingStations implements AutoCloseable {
    private static final int CONNECTING_THREADS = 16;
    /** Above the commune's default 75 °C: the station is DEGRADED for its temperature. */
    static final double HOT_C = 85.0;
    static final double NORMAL_C = 48.0;

    private record Station(String id, String bootId, MqttClient client, long connectedAtMillis) {
    }

    private final Topics topics = Topics.defaults();
    private final Map<String, Station> stations = new ConcurrentHashMap<>();
    private final Map<String, Double> temperature = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final ScheduledExecutorService reporting = Executors.newScheduledThreadPool(4, r -> {
        Thread t = new Thread(r, "bench-telemetry");
        t.setDaemon(true);
        return t;
    });

    private ReportingStations() {
    }

    /** Connects every station (Last Will, then birth retained), then starts each one's telemetry. */
    static ReportingStations connect(String brokerUrl, List<String> ids, int everySeconds) throws BenchException {
        ReportingStations r = new ReportingStations();
        List<Callable<?>> connecting = new ArrayList<>();
        for (String id : ids) {
            connecting.add(() -> {
                r.add(brokerUrl, id);
                return null;
            });
        }
        try {
            Parallel.all(CONNECTING_THREADS, connecting, "connecting the stations");
        } catch (BenchException e) {
            r.close();
            throw e;
        }
        for (Station s : r.all()) {
            long offset = ThreadLocalRandom.current().nextLong(everySeconds * 1000L);
            r.reporting.scheduleAtFixedRate(() -> r.report(s), offset, everySeconds * 1000L, TimeUnit.MILLISECONDS);
        }
        return r;
    }

    private void add(String brokerUrl, String id) throws BenchException {
        String boot = UUID.randomUUID().toString();
        long connection = System.currentTimeMillis();
        byte[] will = Json.write(new StationState(SchemaVersion.CURRENT, id, Presence.OFFLINE, boot, connection,
                "bench", Instant.now()));
        MqttClient c = RawFanout.plainClient(brokerUrl, "bench-station-" + id, topics.state(id), will);
        Station s = new Station(id, boot, c, connection);
        stations.put(id, s);
        temperature.put(id, NORMAL_C);
        publish(s, topics.state(id), Json.write(new StationState(SchemaVersion.CURRENT, id, Presence.ONLINE, boot,
                connection, "bench", Instant.now())), true);
    }

    private List<Station> all() {
        return List.copyOf(stations.values());
    }

    /** Sets a station's CPU temperature and reports it at once, as an agent does on a change. */
    void temperature(String stationId, double celsius) {
        temperature.put(stationId, celsius);
        Station s = stations.get(stationId);
        if (s != null) {
            report(s);
        }
    }

    private void report(Station s) {
        Instant now = Instant.now();
        Telemetry t = new Telemetry(SchemaVersion.CURRENT, s.id(), s.bootId(), "bench", now,
                (now.toEpochMilli() - s.connectedAtMillis()) / 1000, temperature.get(s.id()), 0.2, 300L, 5000L,
                "ethernet", null, 3L, Map.of("amp", false), Map.of(), "idle", true, List.of(), 0, null, null, null);
        publish(s, topics.telemetry(s.id()), Json.write(t), false);
    }

    private void publish(Station s, String topic, byte[] payload, boolean retained) {
        MqttMessage m = new MqttMessage(payload);
        m.setQos(1);
        m.setRetained(retained);
        try {
            s.client().publish(topic, m);
            sent.incrementAndGet();
        } catch (MqttException e) {
            failed.incrementAndGet();
        }
    }

    long sent() {
        return sent.get();
    }

    long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        reporting.shutdownNow();
        RawFanout.closeAll(all().stream().map(Station::client).toList());
    }
}
