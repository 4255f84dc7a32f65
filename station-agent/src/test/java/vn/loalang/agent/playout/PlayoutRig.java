package vn.loalang.agent.playout;

import vn.loalang.agent.relay.RelayConfig;
import java.util.function.BiConsumer;
import vn.loalang.agent.trust.SignedInbox;
import vn.loalang.agent.relay.Amplifiers;
import vn.loalang.agent.relay.RelaySequence;

import com.pi4j.context.Context;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import vn.loalang.agent.AgentConfig;
import vn.loalang.agent.audio.WavFileSink;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.relay.Pi4jRelayBank;
import vn.loalang.agent.schedule.ScheduleKeeper;
import vn.loalang.agent.testing.RecordingSender;
import vn.loalang.agent.trust.TrustGate;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.ContentHash;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.QuietHours;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A station's playout on the real clock, from a signed schedule through the keeper to the WAV sink
 * and an amplifier relay on Pi4J's mock GPIO, watched at the pin. Each test makes one and closes it.
 */
final class PlayoutRig implements AutoCloseable {
    static final String STATION = "st-01";
    static final String TOPIC = Topics.defaults().schedule(STATION);
    static final Duration WARMUP = Duration.ofMillis(200);
    static final Duration TAIL = Duration.ofMillis(100);
    static final RelayConfig AMP = new RelayConfig("amp", 17, false);
    static final PcmFormat OUTPUT = new PcmFormat(22_050, 1);

    final Path dir;
    final Path wavDir;
    final Clock clock = Clock.systemUTC();
    final Context pi4j = Pi4jRelayBank.contextFor("mock");
    /** Every level change of the amplifier relay: true when it powered the amplifier. */
    final List<Edge> edges = new CopyOnWriteArrayList<>();
    final Pi4jRelayBank relays;
    final EventOutbox events;
    final RecordingSender link = new RecordingSender(true);
    final ScheduleKeeper keeper;
    /** Its replay guard is written behind each message: closed before the temporary folder goes. */
    private final TrustGate gate;
    /** The schedule topic as the station's link delivers it: through the signed inbox to the keeper. */
    final BiConsumer<String, byte[]> deliver;
    final ContentCache cache;
    private final KeyPair commune = Ed25519Keys.generate();
    private final List<PlayoutScheduler> schedulers = new ArrayList<>();
    private long version;

    record Edge(Instant at, boolean on) {
    }

    PlayoutRig(Path dir) throws IOException {
        this(dir, dir.resolve("wav"));
    }

    /** With what the loudspeaker played written to {@code wavDir}, apart from the station's own data in {@code dir}. */
    PlayoutRig(Path dir, Path wavDir) throws IOException {
        this.dir = dir;
        this.wavDir = wavDir;
        relays = Pi4jRelayBank.on(STATION, pi4j, List.of(AMP));
        pi4j.registry().get(Pi4jRelayBank.outputId(AMP), DigitalOutput.class)
                .addListener(e -> edges.add(new Edge(clock.instant(), e.state() == DigitalState.HIGH)));
        events = new EventOutbox(dir.resolve("events"), STATION, clock, Duration.ofHours(1));
        events.start(link);
        EnvelopeVerifier verifier = new EnvelopeVerifier(Map.of("k1", commune.getPublic()), clock, Duration.ofMinutes(5));
        gate = new TrustGate(STATION, verifier, dir.resolve("state"), events);
        keeper = new ScheduleKeeper(STATION, TOPIC, verifier, dir.resolve("state"), events);
        deliver = new SignedInbox(STATION, Topics.defaults(), gate, events).schedules(keeper);
        cache = new ContentCache(STATION, dir.resolve("cache"));
    }

    PlayoutScheduler startScheduler(boolean resume) throws IOException {
        return startScheduler(resume, null);
    }

    /** With {@code live} for the live items (relays, talks); null: a station without live items. */
    PlayoutScheduler startScheduler(boolean resume, vn.loalang.agent.live.LiveSource live) throws IOException {
        SessionPlayer player = new SessionPlayer(STATION, new Amplifiers(STATION, relays,
                RelaySequence.together(relays.channelCount(), WARMUP), events::record), new WavFileSink(wavDir, clock),
                cache, events, clock, TAIL, OUTPUT, 0.0);
        if (live != null) {
            player = player.playingLive(live);
        }
        PlayoutScheduler scheduler = new PlayoutScheduler(STATION, keeper, player, events, clock, dir.resolve("state"),
                resume);
        schedulers.add(scheduler);
        scheduler.start();
        return scheduler;
    }

    /** A fixture in the cache under its SHA-256, as the prefetcher would have put it. */
    Item cached(String fixture, String contentId, long durationMillis) throws IOException {
        Path source = Fixtures.path(fixture);
        String sha = ContentHash.sha256(source);
        Path target = dir.resolve("cache").resolve(sha);
        if (!Files.exists(target)) {
            Files.copy(source, target);
        }
        return new Item(contentId, "Bản tin " + contentId, sha, URI.create("http://127.0.0.1:9/content/" + contentId),
                Files.size(source), durationMillis, 0.0);
    }

    /** The station receives a signed schedule, as from the controller. */
    void receive(QuietHours quiet, Session... sessions) {
        Instant now = clock.instant();
        Schedule schedule = new Schedule(1, STATION, "xom-1", ++version, "Asia/Ho_Chi_Minh", now.minusSeconds(60),
                now.plus(Duration.ofHours(1)), List.of(sessions), quiet);
        byte[] signed = new EnvelopeSigner("k1", commune.getPrivate(), clock)
                .sign(MessageType.SCHEDULE, TOPIC, schedule, now.plus(Duration.ofHours(1)));
        deliver.accept(TOPIC, signed);
        assertTrue(keeper.current().map(s -> s.version() == version).orElse(false), "schedule accepted");
    }

    void receive(Session... sessions) {
        receive(null, sessions);
    }

    /** Events as the controller received them, in order. */
    List<StationEvent> sent() {
        return link.sent();
    }

    List<String> sessionsOf(EventType type) {
        return sent().stream().filter(e -> e.type() == type).map(StationEvent::sessionId).toList();
    }

    List<StationEvent> of(EventType type, String program) {
        return sent().stream().filter(e -> e.type() == type && program.equals(e.sessionId())).toList();
    }

    Pcm rendered(String label) throws Exception {
        return AudioDecoder.decodeAll(wavDir.resolve(STATION + "_" + label + ".wav"));
    }

    boolean relayOn() {
        return pi4j.registry().get(Pi4jRelayBank.outputId(AMP), DigitalOutput.class).state() == DigitalState.HIGH;
    }

    @Override
    public void close() {
        schedulers.forEach(PlayoutScheduler::close);
        gate.close();
        events.close();
        relays.close();
        pi4j.shutdown();
    }
}
