package vn.loalang.systemtests.live;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.AgentConfig;
import vn.loalang.agent.audio.AudioConfig;
import vn.loalang.agent.link.ReconnectConfig;
import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.RelayConfig;
import vn.loalang.audio.live.Frame;
import vn.loalang.audio.live.Mp3Frames;
import vn.loalang.controller.live.LiveServerSettings;
import vn.loalang.controller.live.RelayPlan;
import vn.loalang.controller.live.UpstreamSupervisor;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.testing.IcecastUnderTest;
import vn.loalang.controller.testing.Upstream;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.live.ChannelState;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.MarkerSignal;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;
import vn.loalang.systemtests.support.TestClock;
import vn.loalang.systemtests.support.TestCommune;
import vn.loalang.systemtests.support.ToneDetector;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One upstream fetch per commune (issue 17 point 2), for real: the province is an ffmpeg playing
 * {@link MarkerSignal} into a real Icecast2; the controller pulls it with its own ffmpeg and serves
 * the commune's channel to four stations at once, through Icecast (production) or from itself
 * (embedded). Icecast's admin stats show one listener on the province's mount all along, and every
 * station hears the same markers in order.
 *
 * <p>The stations here are light: each is one HTTP reader with the station's own broker account,
 * as the agent's stream reader logs in, writing what it receives to a file that is decoded and
 * searched for markers afterwards.
 */
class OneFetchTest {
    static final String ADMIN_PASSWORD = "mat-khau-quan-tri";
    static final String CALLBACK_PASSWORD = "cb-" + Long.toHexString(System.nanoTime());
    static final String PROVINCE = "/province.mp3";
    static final LiveChannelId CHANNEL = LiveChannelId.relay("tinh");
    static final List<String> STATIONS = List.of("thon-dong-1", "thon-dong-2", "thon-dong-3", "thon-tay-1");
    static final Duration LISTEN = Duration.ofSeconds(13);

    @TempDir
    Path dir;
    IcecastUnderTest ice;
    Upstream province;
    Controller controller;
    final List<Reader> readers = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    ApiClient api;
    String token;

    final List<SimulatedStation> agents = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        Closing.inOrder(() -> readers.forEach(Reader::close), () -> agents.forEach(SimulatedStation::close), controller,
                province, ice);
    }

    @Test
    void throughIcecastFourStationsHearTheRelayAndTheProvinceIsFetchedOnce() throws Exception {
        int httpPort = Ports.free();
        ice = IcecastUnderTest.start(List.of(new IcecastUnderTest.AuthMount("/" + CHANNEL.mount(),
                URI.create("http://127.0.0.1:" + httpPort), "icecast", CALLBACK_PASSWORD)));
        LiveServerSettings live = new LiveServerSettings(new LiveServerSettings.IcecastSettings(ice.url(""), ice.url(""),
                IcecastUnderTest.SOURCE_PASSWORD, "admin", IcecastUnderTest.ADMIN_PASSWORD, "icecast", CALLBACK_PASSWORD),
                "ffmpeg");
        Map<String, String> passwords = startCommune(httpPort, live, Clock.systemUTC());
        UpstreamSupervisor fetch = startFetch(Instant.now().plus(Duration.ofMinutes(5)));
        await("the controller feeds Icecast's commune mount").atMost(Duration.ofSeconds(15))
                .until(() -> ice.hasSource("/" + CHANNEL.mount()));

        URI url = controller.liveChannels().stationUrl(CHANNEL);
        assertEquals(ice.url("/" + CHANNEL.mount()), url, "stations are sent to Icecast");
        listenAll(url, passwords);

        await("every station listens through Icecast").atMost(Duration.ofSeconds(10))
                .until(() -> ice.listeners("/" + CHANNEL.mount()) == STATIONS.size());
        assertOneFetchWhileTheyListen(fetch);
        assertEveryStationHeardTheMarkersInOrder();
    }

    @Test
    void fromTheControllerItselfFourStationsHearTheRelayAndTheProvinceIsFetchedOnce() throws Exception {
        ice = IcecastUnderTest.start();
        Map<String, String> passwords = startCommune(Ports.free(), LiveServerSettings.EMBEDDED, Clock.systemUTC());
        UpstreamSupervisor fetch = startFetch(Instant.now().plus(Duration.ofMinutes(5)));

        URI url = controller.liveChannels().stationUrl(CHANNEL);
        assertEquals(URI.create("http://127.0.0.1:" + controller.contentPort() + "/live/" + CHANNEL.mount()), url,
                "stations are sent to the controller");
        listenAll(url, passwords);

        assertOneFetchWhileTheyListen(fetch);
        assertEveryStationHeardTheMarkersInOrder();
    }

    @Test
    void throughIcecastTwoStationsPlayTheRelayInTheirSessionBesideTwoListenersAndTheProvinceIsFetchedOnce()
            throws Exception {
        ZonedDateTime morning = ZonedDateTime.of(2026, 11, 24, 5, 30, 0, 0, ZoneId.of(TestCommune.ZONE));
        String session = "2026-11-24.morning";
        TestClock clock = new TestClock(morning.minusMinutes(30).toInstant());
        int httpPort = Ports.free();
        ice = IcecastUnderTest.start(List.of(new IcecastUnderTest.AuthMount("/" + CHANNEL.mount(),
                URI.create("http://127.0.0.1:" + httpPort), "icecast", CALLBACK_PASSWORD)));
        LiveServerSettings live = new LiveServerSettings(new LiveServerSettings.IcecastSettings(ice.url(""), ice.url(""),
                IcecastUnderTest.SOURCE_PASSWORD, "admin", IcecastUnderTest.ADMIN_PASSWORD, "icecast", CALLBACK_PASSWORD),
                "ffmpeg");
        Map<String, String> passwords = startCommune(httpPort, live, clock);
        province = Upstream.mp3(ice, PROVINCE, MarkerSignal.lavfi(44_100));
        await("the province is on the air").atMost(Duration.ofSeconds(10)).until(() -> ice.hasSource(PROVINCE));

        ApiClient.Answer source = api.call("POST", "/api/live/sources", token, Map.of("id", "tinh", "name", "Đài tỉnh",
                "url", province.url().toString()));
        assertEquals(201, source.status(), String.valueOf(source.json()));
        Map<String, Object> relay = Map.of("relay", "tinh", "start", "05:30:03", "end", "05:30:30");
        Map<String, Object> daily = Map.of("id", "morning", "name", "Buổi sáng", "start", "05:30", "end", "06:30",
                "items", List.of("tone-440", relay, "tone-660"));
        ApiClient.Answer program = api.call("PUT", "/api/program", token, Map.of("daily", List.of(daily), "oneOff", List.of()));
        assertEquals(200, program.status(), String.valueOf(program.json()));

        List<String> playing = List.of("thon-dong-1", "thon-dong-2");
        for (String id : playing) {
            Path stationDir = dir.resolve(id);
            AgentConfig agent = new AgentConfig(id, controller.brokerUrl(), id, passwords.get(id), null, stationDir,
                    Map.of(controller.keyId(), controller.publicKeyPem()),
                    new GpioConfig("mock", List.of(new RelayConfig("amp", 17, true))),
                    AudioConfig.wavFiles(stationDir.resolve("rendered")), 500L, 200L, null,
                    new ReconnectConfig(100L, 1000L), 2000L);
            agents.add(new SimulatedStation(agent, clock).start());
        }
        await("the morning's files cached on both stations").atMost(Duration.ofSeconds(30))
                .until(() -> playing.stream().allMatch(id -> has(id, EventType.CONTENT_READY, session, null)));
        assertEquals(0, ice.listeners("/" + CHANNEL.mount()), "stations connect only inside a live item");

        assertTrue(controller.upstreams().running("tinh").isEmpty(), "nothing is fetched before the slot's lead");
        // Before the relay plan's lead, so that the province is pulled as it will be in the morning.
        clock.jumpTo(morning.toInstant().minus(RelayPlan.LEAD).minusSeconds(5));
        await("both stations play the relay from Icecast").atMost(Duration.ofSeconds(45))
                .until(() -> playing.stream().allMatch(id -> has(id, EventType.ITEM_STARTED, session, "relay-tinh")));
        listen(ice.url("/" + CHANNEL.mount()), passwords, List.of("thon-dong-3", "thon-tay-1"));
        await("two stations and two listeners on the commune's mount").atMost(Duration.ofSeconds(10))
                .until(() -> ice.listeners("/" + CHANNEL.mount()) == 4);
        List<Integer> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        await("one listener on the province's mount while four listen to the commune's").during(Duration.ofSeconds(10))
                .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    int n = ice.listeners(PROVINCE);
                    seen.add(n);
                    return n == 1;
                });
        UpstreamSupervisor fetch = controller.upstreams().running("tinh").orElseThrow();
        assertEquals(1, fetch.starts(), "one ffmpeg pulled the province");

        await("both sessions end").atMost(Duration.ofSeconds(40))
                .until(() -> playing.stream().allMatch(id -> has(id, EventType.SESSION_FINISHED, session, null)));
        for (SimulatedStation agent : agents) {
            StationEvent finished = controller.monitor().eventLog().events(agent.id()).stream()
                    .filter(e -> e.type() == EventType.ITEM_FINISHED && "relay-tinh".equals(e.contentId()))
                    .findFirst().orElseThrow();
            // 27 s slot: the relay is heard whole, give or take the first frame.
            assertTrue(finished.playedMillis() != null && finished.playedMillis() >= 26_000
                    && finished.playedMillis() <= 27_100, agent.id() + " heard " + finished.playedMillis() + " ms");
            List<MarkerSignal.Marker> markers = MarkerSignal.find(ToneDetector.of(agent.wav(session)),
                    MarkerSignal.THRESHOLD_DB);
            assertTrue(markers.size() >= 8 && markers.size() <= 10, agent.id() + " played " + markers);
            assertTrue(MarkerSignal.consecutive(markers), agent.id() + " played " + markers);
        }
        assertEveryStationHeardTheMarkersInOrder();
    }

    private boolean has(String station, EventType type, String session, String contentId) {
        return controller.monitor().eventLog().events(station).stream().anyMatch(e -> e.type() == type
                && session.equals(e.sessionId()) && (contentId == null || contentId.equals(e.contentId())));
    }

    /** The controller with its embedded broker (station accounts in its store), and a password issued for each station. */
    private Map<String, String> startCommune(int httpPort, LiveServerSettings live, Clock clock) throws Exception {
        ControllerConfig config = ControllerConfig.of(TestCommune.write(dir.resolve("commune"), 2), dir.resolve("controller"))
                .withEmbeddedBroker("127.0.0.1", Ports.free()).withHttp("127.0.0.1", httpPort, null).withLive(live);
        controller = Controller.start(config, clock, new PasswordHasher(1000), () -> ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream()));
        assertTrue(controller.ffmpeg().isPresent(), "ffmpeg runs on this machine");
        api = new ApiClient(controller.contentPort());
        token = api.login("admin", ADMIN_PASSWORD);
        Map<String, String> passwords = new java.util.HashMap<>();
        for (String station : STATIONS) {
            ApiClient.Answer issued = api.call("POST", "/api/stations/" + station + "/credentials", token, Map.of());
            assertEquals(201, issued.status(), String.valueOf(issued.json()));
            passwords.put(station, issued.json().get("password").asText());
        }
        return passwords;
    }

    /** The province on the air, and the controller pulling it as the commune's relay channel. */
    private UpstreamSupervisor startFetch(Instant maxEnd) throws Exception {
        province = Upstream.mp3(ice, PROVINCE, MarkerSignal.lavfi(44_100));
        await("the province is on the air").atMost(Duration.ofSeconds(10)).until(() -> ice.hasSource(PROVINCE));
        UpstreamSupervisor fetch = controller.upstreams().start(
                new UpstreamSupervisor.Source("tinh", "Đài tỉnh", province.url(), false),
                new UpstreamSupervisor.Run(maxEnd, UpstreamSupervisor.EndBy.FIXED, 0,
                        null));
        await("the commune's channel is on the air").atMost(Duration.ofSeconds(15))
                .until(() -> fetch.state() == ChannelState.ON_AIR);
        return fetch;
    }

    private void listenAll(URI url, Map<String, String> passwords) throws Exception {
        listen(url, passwords, STATIONS);
    }

    private void listen(URI url, Map<String, String> passwords, List<String> stations) throws Exception {
        for (String station : stations) {
            Reader r = new Reader(station, url, passwords.get(station), dir.resolve(station + ".mp3"));
            readers.add(r);
            assertEquals(200, r.status, station + " is let in");
        }
    }

    /** While every station listens, the province's mount has one listener (the controller's ffmpeg), and it started once. */
    private void assertOneFetchWhileTheyListen(UpstreamSupervisor fetch) throws Exception {
        List<Integer> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        await("one listener on the province's mount while the stations listen").during(LISTEN)
                .atMost(LISTEN.plusSeconds(5)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    int n = ice.listeners(PROVINCE);
                    seen.add(n);
                    return n == 1;
                });
        assertTrue(seen.size() >= 20, "looked " + seen.size() + " times");
        assertEquals(1, fetch.starts(), "one ffmpeg pulled the province");
        assertEquals(1, controller.upstreams().running("tinh").stream().count());
        for (Reader r : readers) {
            assertTrue(r.bytes.get() > 0 && !r.ended, r.station + " still listening, " + r.bytes.get() + " bytes");
        }
    }

    private void assertEveryStationHeardTheMarkersInOrder() throws Exception {
        readers.forEach(Reader::close);
        for (Reader r : readers) {
            r.await();
            // A marker already sounding when the stream's audio begins is found at 0 s, later than it began: it is
            // cut, not late, so only markers that begin inside the audio are timed.
            List<MarkerSignal.Marker> markers = MarkerSignal.find(ToneDetector.of(r.file), MarkerSignal.THRESHOLD_DB)
                    .stream().filter(m -> m.at().compareTo(MarkerSignal.MARKER) >= 0).toList();
            // 13 s of listening after a 3 s burst: at least 4 markers, 3 s apart, in the signal's order.
            assertTrue(markers.size() >= 4, r.station + " heard " + markers);
            assertTrue(MarkerSignal.consecutive(markers), r.station + " heard " + markers);
            for (int i = 1; i < markers.size(); i++) {
                long gap = markers.get(i).at().minus(markers.get(i - 1).at()).toMillis();
                assertEquals(3000, gap, 60, r.station + ": markers 3 s apart " + markers);
            }
        }
    }

    /** Counts what a light station receives. */
    private static final class CountingStream extends java.io.FilterInputStream {
        private final AtomicLong count;

        CountingStream(InputStream in, AtomicLong count) {
            super(in);
            this.count = count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count.incrementAndGet();
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count.addAndGet(n);
            }
            return n;
        }
    }

    /** A light station: its stream, with its own account, into a file, on a thread of its own. */
    private final class Reader implements AutoCloseable {
        final String station;
        final Path file;
        final int status;
        final AtomicLong bytes = new AtomicLong();
        final Thread thread;
        final HttpResponse<InputStream> response;
        volatile boolean ended;

        Reader(String station, URI url, String password, Path file) throws Exception {
            this.station = station;
            this.file = file;
            response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (station + ":" + password).getBytes(StandardCharsets.UTF_8))).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            thread = new Thread(() -> {
                // Whole frames only, as the agent's reader keeps them: Icecast's blocks end anywhere.
                try (InputStream in = new CountingStream(response.body(), bytes);
                     OutputStream out = Files.newOutputStream(file)) {
                    Mp3Frames frames = Mp3Frames.reading(in);
                    for (Optional<Frame> f; (f = frames.next()).isPresent(); ) {
                        out.write(f.get().bytes());
                    }
                } catch (IOException e) {
                    // closed by the test, or cut by the server: the file holds what came
                }
                ended = true;
            }, "light-station-" + station);
            thread.setDaemon(true);
            thread.start();
        }

        void await() throws InterruptedException {
            thread.join(5000);
        }

        @Override
        public void close() {
            try {
                response.body().close();
            } catch (IOException e) {
                // already closed
            }
        }
    }
}
