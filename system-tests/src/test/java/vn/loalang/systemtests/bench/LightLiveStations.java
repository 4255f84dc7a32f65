package vn.loalang.systemtests.bench;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.live.JitterBuffer;
import vn.loalang.agent.live.LivePcmStream;
import vn.loalang.agent.live.LiveStreamReader;
import vn.loalang.audio.PcmFormat;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.live.LiveTalk;
import vn.loalang.protocol.live.TalkState;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The rest of the village for the live bench: each light station is one MQTT connection with its own broker
 * account, subscribed to its village's talks as an agent is, and for each talk the agent's own live chain
 * ({@link LiveStreamReader} with the station's account, {@link JitterBuffer#talk()}, {@link LivePcmStream}
 * at the channel's own format, see {@link #LINE}) played into a {@link MarkerSink} on a thread of its own, as the
 * agent's playout thread does. Their JLayer decodes are shared ({@link SharedDecodes}): each station gets the
 * sound its own decoder would make, decoded once for all. The signature, the journal, the arbiter, the relays and the chime are the
 * full agents' work and are left out, as {@link LightStations} leaves them out of the alert bench: they
 * do not change when the stream's audio leaves the speaker.
 */
final class LightLiveStations implements AutoCloseable {
    /**
     * The channel's own format, 22.05 kHz mono, so {@code LivePcmStream}'s converter passes the decoded frames
     * through. The agent's default line is 44.1 kHz and upsamples by 2 (under 2 ms of look-ahead): that costs
     * 197 stations on two shared cores more than nice 19 leaves them, and it runs on each Pi in the field.
     * The full agents run the default line, upsampler included.
     */
    static final PcmFormat LINE = new PcmFormat(22_050, 1);
    /** One read of the line: 100 ms (the sink takes 200 ms ahead), so 197 lines wake 10 times a second, not 50. */
    private static final int READ_BYTES = LINE.frameBytes() * 2205;
    private static final int CONNECTING_THREADS = 16;
    private static final Logger log = LoggerFactory.getLogger(LightLiveStations.class);

    /** A station as the controller issued its account. */
    record Account(String stationId, String village, String username, String password) {
        /** For the light process's standard input: one line, space-separated (ids and generated passwords have no spaces). */
        String line() {
            return String.join(" ", "station", stationId, village, username, password);
        }

        static Account parse(String line) {
            String[] f = line.split(" ");
            if (f.length != 5 || !f[0].equals("station")) {
                throw new IllegalArgumentException("not a station line: " + line);
            }
            return new Account(f[1], f[2], f[3], f[4]);
        }
    }

    /** What one station got: body bytes over every talk, sink underruns, talks opened, the markers heard. */
    record Report(String stationId, long bytes, int underruns, int talks, List<MarkerSink.Heard> heard) {
        /** {@code ID BYTES UNDERRUNS TALKS INDEX@MICROS,…} ({@code -} when nothing was heard). */
        String line() {
            StringBuilder b = new StringBuilder();
            for (MarkerSink.Heard h : heard) {
                b.append(b.length() == 0 ? "" : ",").append(h.index()).append('@').append(h.wallMicros());
            }
            return stationId + " " + bytes + " " + underruns + " " + talks + " " + (b.length() == 0 ? "-" : b);
        }

        static Report parse(String line) {
            String[] f = line.split(" ");
            if (f.length != 5) {
                throw new IllegalArgumentException("not a station report: " + line);
            }
            List<MarkerSink.Heard> heard = new ArrayList<>();
            if (!f[4].equals("-")) {
                for (String h : f[4].split(",")) {
                    int at = h.indexOf('@');
                    heard.add(new MarkerSink.Heard(Long.parseLong(h.substring(at + 1)), Integer.parseInt(h.substring(0, at))));
                }
            }
            return new Report(f[0], Long.parseLong(f[1]), Integer.parseInt(f[2]), Integer.parseInt(f[3]), heard);
        }
    }

    /** One talk on one station: the reader, the line's thread, whether the signed state said it ended. */
    private record Listening(LiveStreamReader reader, LivePcmStream pcm, Thread line, AtomicBoolean ended) {
    }

    /** One light station. */
    private static final class Light {
        final Account account;
        final MarkerSink sink = new MarkerSink(Clock.systemUTC());
        final Map<String, Listening> talks = new ConcurrentHashMap<>();
        MqttClient client;

        Light(Account account) {
            this.account = account;
        }

        /** Body bytes over every talk (readers are kept until the end, so none is forgotten). */
        long bytes() {
            return talks.values().stream().mapToLong(l -> l.reader().bytesRead()).sum();
        }
    }

    private final Topics topics;
    private final List<Light> stations = new ArrayList<>();
    /** One decode of each frame for all of them (see SharedDecodes): 197 JLayer decoders took a core. */
    private final SharedDecodes decodes = new SharedDecodes();

    private LightLiveStations(Topics topics) {
        this.topics = topics;
    }

    /** Connects every station with its account and subscribes it to its village's talks; closes all on failure. */
    static LightLiveStations connect(String brokerUrl, Topics topics, List<Account> accounts) throws BenchException {
        LightLiveStations light = new LightLiveStations(topics);
        List<Callable<?>> connecting = new ArrayList<>();
        for (Account a : accounts) {
            Light station = new Light(a);
            synchronized (light.stations) {
                light.stations.add(station);
            }
            connecting.add(() -> {
                light.subscribe(brokerUrl, station);
                return null;
            });
        }
        try {
            Parallel.all(CONNECTING_THREADS, connecting, "connecting the light live stations");
            return light;
        } catch (BenchException e) {
            light.close();
            throw e;
        }
    }

    private void subscribe(String brokerUrl, Light station) throws MqttException {
        Account a = station.account;
        MqttClient c = new MqttClient(brokerUrl, "loalang-station-" + a.username(), new MemoryPersistence());
        MqttConnectOptions o = new MqttConnectOptions();
        o.setCleanSession(true);
        o.setAutomaticReconnect(false);
        o.setKeepAliveInterval(30);
        o.setConnectionTimeout(10);
        o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        o.setUserName(a.username());
        o.setPassword(a.password().toCharArray());
        c.connect(o);
        station.client = c;
        c.subscribe(topics.zoneTalks(a.village()), 1, (topic, m) -> onTalk(station, m.getPayload()));
    }

    /**
     * A talk's signed state, read without its signature (the full agents check it): a new talk opens the
     * station's stream, ENDED or CANCELLED lets its reader stop once the channel is gone.
     */
    private void onTalk(Light station, byte[] raw) {
        Optional<LiveTalk> read = read(raw);
        if (read.isEmpty()) {
            if (raw.length > 0) {
                log.warn("Light station {} could not read a talk message: {}", station.account.stationId(),
                        new String(raw, java.nio.charset.StandardCharsets.UTF_8));
            }
            return;
        }
        LiveTalk talk = read.get();
        if (talk.state() == TalkState.ENDED || talk.state() == TalkState.CANCELLED) {
            Listening l = station.talks.get(talk.talkId());
            if (l != null) {
                l.ended().set(true);
            }
            return;
        }
        station.talks.computeIfAbsent(talk.talkId(), id -> listen(station, talk));
    }

    /**
     * Reads a signed talk message of its own a few hundred times, so that its classes are loaded and compiled
     * before the first talk: a fresh JVM took about 2 s for the first one, and a station, which runs for
     * months, never pays that when a talk starts.
     */
    static void warmUp() {
        java.time.Instant now = java.time.Instant.now();
        LiveTalk talk = new LiveTalk(vn.loalang.protocol.SchemaVersion.CURRENT, "t-20260101-000000-abcd", "thon-01",
                "warm-up", "bench", java.net.URI.create("http://127.0.0.1:1/live/talk.mp3"),
                vn.loalang.protocol.schedule.LiveChannelId.talk("t-20260101-000000-abcd"), "mp3", TalkState.STARTING, now,
                now.plusSeconds(60), null, null, null, now.plusSeconds(120), null);
        byte[] signed = new vn.loalang.protocol.signing.EnvelopeSigner("warm-up",
                vn.loalang.protocol.signing.Ed25519Keys.generate().getPrivate(), Clock.systemUTC())
                .sign(vn.loalang.protocol.signing.MessageType.LIVE_TALK, "warm-up", talk, now.plusSeconds(120));
        for (int i = 0; i < 300; i++) {
            if (read(signed).isEmpty()) {
                throw new IllegalStateException("the light stations cannot read a signed talk message");
            }
        }
    }

    static Optional<LiveTalk> read(byte[] raw) {
        if (raw.length == 0) {
            return Optional.empty(); // a retained talk cleared
        }
        try {
            JsonNode body = Json.mapper().readTree(Base64.getUrlDecoder().decode(Json.mapper().readTree(raw)
                    .get("body").asText()));
            return Optional.of(Json.mapper().treeToValue(body.get("payload"), LiveTalk.class));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private Listening listen(Light station, LiveTalk talk) {
        Account a = station.account;
        AtomicBoolean ended = new AtomicBoolean();
        JitterBuffer buffer = JitterBuffer.talk();
        LiveStreamReader reader = new LiveStreamReader(a.stationId(), talk.channel().value(), talk.url(),
                new LiveStreamReader.Account(a.username(), a.password()), null, buffer, ended::get);
        LivePcmStream pcm = new LivePcmStream(buffer, LINE, decodes.forStation());
        Thread line = new Thread(() -> play(station, talk, pcm), "light-line-" + a.stationId());
        line.setDaemon(true);
        reader.start();
        line.start();
        log.info("Light station {} opens talk {} ({})", a.stationId(), talk.talkId(), talk.url());
        return new Listening(reader, pcm, line, ended);
    }

    /** The playout thread: the line pulls the talk until it has ended and drained, paced by the sink. */
    private static void play(Light station, LiveTalk talk, LivePcmStream pcm) {
        byte[] buf = new byte[READ_BYTES];
        try (var out = station.sink.open(LINE, talk.talkId())) {
            for (int n; (n = fill(pcm, buf)) > 0; ) {
                out.write(buf, 0, n);
            }
            out.drain();
        } catch (IOException e) {
            log.warn("Light station {} stopped playing talk {}: {}", station.account.stationId(), talk.talkId(),
                    e.getMessage());
        }
    }

    /**
     * 100 ms of the line in one write: the stream hands out a frame (26 ms) a read and never waits, so
     * without this each line would wake 38 times a second. Returns what was read, 0 at the end.
     */
    private static int fill(LivePcmStream pcm, byte[] buf) throws IOException {
        int filled = 0;
        while (filled < buf.length) {
            int n = pcm.read(buf, filled, buf.length - filled);
            if (n < 0) {
                break;
            }
            filled += n;
        }
        return filled;
    }

    /** What every station got so far. */
    List<Report> reports() {
        List<Report> out = new ArrayList<>();
        synchronized (stations) {
            for (Light s : stations) {
                out.add(new Report(s.account.stationId(), s.bytes(), s.sink.underruns(), s.talks.size(), s.sink.heard()));
            }
        }
        return out;
    }

    /** Whether every station's talks have all played out (their lines have ended). */
    boolean allDone() {
        synchronized (stations) {
            return stations.stream().allMatch(s -> s.talks.values().stream().noneMatch(l -> l.line().isAlive()));
        }
    }

    @Override
    public void close() {
        List<Light> all;
        synchronized (stations) {
            all = new ArrayList<>(stations);
        }
        for (Light s : all) {
            s.talks.values().forEach(l -> {
                l.pcm().close();
                l.reader().close();
            });
        }
        RawFanout.closeAll(all.stream().map(s -> s.client).filter(java.util.Objects::nonNull).toList());
    }
}
