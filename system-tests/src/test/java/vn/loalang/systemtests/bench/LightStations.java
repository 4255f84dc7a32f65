package vn.loalang.systemtests.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import vn.loalang.audio.ContentHash;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rest of the village, as far as the shared parts of the system can tell. Each light station
 * is one MQTT connection subscribed to the village's alert topic like an agent; on the alert it
 * reports {@code ALERT_RECEIVED} to the controller, downloads the alert's audio from the
 * controller's content server, and reports {@code SESSION_STARTED} and {@code ITEM_STARTED} (the
 * siren), as an agent does on its way to the first sample. That is what the broker and the
 * controller get from every station in the field. The rest of a station's work (the signature,
 * the journal, the arbiter, decoding, the sound card) runs on the station's own Raspberry Pi and
 * is left out, so that this machine's two cores are not charged a thousand stations' private work;
 * the full agents of the sample do all of it.
 * <p>
 * Everything a light station does runs on its Paho callback thread, the download a blocking call:
 * no thread of its own, and all of them at the same moment, as in the field.
 */
final class LightStations implements AutoCloseable {
    private static final int CONNECTING_THREADS = 16;
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final int READ_TIMEOUT_MILLIS = 120_000;

    /** What one light station saw of the awaited alert, in {@link System#nanoTime}; -1: not yet. */
    record Seen(long receivedNanos, long fetchedNanos, String failure) {
    }

    /**
     * An alert message as a station reads it once verified (the signature is the agents' work):
     * which alert, whether it withdraws one, and the audio it names.
     */
    record Announced(String alertId, boolean cancelled, String url, String sha256) {
        static Optional<Announced> read(byte[] raw) {
            if (raw.length == 0) {
                return Optional.empty(); // a cleared retained alert
            }
            try {
                JsonNode body = Json.mapper().readTree(Base64.getUrlDecoder().decode(Json.mapper().readTree(raw)
                        .get("body").asText()));
                JsonNode alert = body.get("payload");
                JsonNode item = alert.get("items").get(0);
                return Optional.of(new Announced(alert.get("id").asText(), alert.get("cancelled").asBoolean(),
                        item.get("url").asText(), item.get("sha256").asText()));
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }
    }

    /** One light station: its connection and its event stream. */
    private record Light(String id, MqttClient client, String stream, AtomicLong seq) {
    }

    /** What the stations saw of one alert, by station id. */
    private static final class Round {
        final Map<String, Long> received = new ConcurrentHashMap<>();
        final Map<String, Long> fetched = new ConcurrentHashMap<>();
        final Map<String, String> failures = new ConcurrentHashMap<>();
    }

    private final Topics topics = Topics.defaults();
    private final List<Light> stations = new ArrayList<>();
    /** Alerts of earlier rounds: their cancel and any copy sent again are not the alert awaited. */
    private final Set<String> past = ConcurrentHashMap.newKeySet();
    private volatile Round round = new Round();

    private LightStations() {
    }

    /** Connects one client per station id and subscribes each to {@code topic}; closes them all on failure. */
    static LightStations connect(String brokerUrl, List<String> stationIds, String topic) throws BenchException {
        LightStations light = new LightStations();
        List<Callable<?>> connecting = new ArrayList<>();
        for (String id : stationIds) {
            connecting.add(() -> {
                // The listener needs the station, the station its client: a retained alert that comes before both
                // are known is not the one awaited anyway.
                Light[] self = new Light[1];
                MqttClient c = RawFanout.subscribed(brokerUrl, "bench-light-" + id, topic,
                        (t, m) -> light.onAlert(self[0], m.getPayload()));
                self[0] = new Light(id, c, UUID.randomUUID().toString(), new AtomicLong());
                synchronized (light.stations) {
                    light.stations.add(self[0]);
                }
                return null;
            });
        }
        try {
            Parallel.all(CONNECTING_THREADS, connecting, "connecting the light stations");
            return light;
        } catch (BenchException e) {
            light.close();
            throw e;
        }
    }

    /** Forgets what was seen of earlier alerts: the next one to arrive is awaited. */
    void rearm() {
        round = new Round();
    }

    /** An alert that came and went: what arrives of it from now on is not the next one. */
    void forget(String alertId) {
        past.add(alertId);
    }

    /** On the station's Paho thread: the steps an agent takes up to its first sample that others see. */
    private void onAlert(Light self, byte[] raw) {
        Optional<Announced> heard = Announced.read(raw);
        if (self == null || heard.isEmpty() || heard.get().cancelled() || past.contains(heard.get().alertId())) {
            return;
        }
        Round r = round;
        if (r.received.putIfAbsent(self.id(), System.nanoTime()) != null) {
            return;
        }
        String alertId = heard.get().alertId();
        try {
            report(self, StationEvent.of(EventType.ALERT_RECEIVED).session(alertId).detail("light station"));
            download(heard.get());
            r.fetched.put(self.id(), System.nanoTime());
            report(self, StationEvent.of(EventType.SESSION_STARTED).session(alertId).detail("light station"));
            report(self, StationEvent.of(EventType.ITEM_STARTED).session(alertId).content("builtin-siren")
                    .detail("light station"));
        } catch (IOException | MqttException e) {
            r.failures.put(self.id(), e.toString());
        }
    }

    /**
     * Sends an event at QoS 1 without waiting for the broker's acknowledgement, as the agent's
     * outbox sends from its own thread: a publish that waits inside Paho's callback would hold up
     * the acknowledgement it waits for.
     */
    private void report(Light self, StationEvent.Draft event) throws MqttException {
        StationEvent e = event.numbered(self.id(), self.stream(), self.seq().incrementAndGet(), Instant.now());
        MqttMessage message = new MqttMessage(Json.write(e));
        message.setQos(1);
        self.client().getTopic(topics.event(self.id())).publish(message);
    }

    /** The whole file in one GET, checked against its SHA-256 as the agent's cache checks it. */
    private static void download(Announced alert) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(alert.url()).toURL().openConnection();
        c.setConnectTimeout(CONNECT_TIMEOUT_MILLIS);
        c.setReadTimeout(READ_TIMEOUT_MILLIS);
        byte[] body;
        try (InputStream in = c.getInputStream()) {
            body = in.readAllBytes();
        }
        if (c.getResponseCode() != 200 || !ContentHash.sha256(body).equals(alert.sha256())) {
            throw new IOException("the download answered " + c.getResponseCode() + " with " + body.length
                    + " bytes that are not the alert's audio");
        }
    }

    /** Whether every light station has received the awaited alert and fetched its audio, or failed to. */
    boolean allFetched() {
        int n;
        synchronized (stations) {
            n = stations.size();
        }
        Round r = round;
        Set<String> done = new HashSet<>(r.fetched.keySet());
        done.addAll(r.failures.keySet());
        return done.size() >= n;
    }

    Map<String, Seen> seen() {
        Round r = round;
        Map<String, Seen> out = new HashMap<>();
        r.received.forEach((id, at) -> out.put(id, new Seen(at, r.fetched.getOrDefault(id, -1L), r.failures.get(id))));
        return out;
    }

    @Override
    public void close() {
        List<Light> all;
        synchronized (stations) {
            all = new ArrayList<>(stations);
            stations.clear();
        }
        RawFanout.closeAll(all.stream().map(Light::client).toList());
    }
}
