package vn.loalang.systemtests.live;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.live.FanOutChannel;
import vn.loalang.controller.live.LiveServerSettings;
import vn.loalang.controller.live.Recorder;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.live.UpstreamSupervisor;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.testing.ChannelFeed;
import vn.loalang.controller.testing.IcecastUnderTest;
import vn.loalang.controller.testing.Upstream;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.live.ChannelState;
import vn.loalang.protocol.schedule.LiveChannelId;
import vn.loalang.systemtests.support.Closing;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.TestCommune;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller's live server as it is wired (decision 0030): embedded, a station enrolled through
 * the API hears an upstream the controller pulls once with its own ffmpeg, at the URL the controller
 * gives for the channel, until its credentials are revoked; with {@code --live-server icecast} the
 * controller feeds a real Icecast2 and answers its listener callbacks.
 */
class LiveServerWiringTest {
    static final String ADMIN_PASSWORD = "mat-khau-quan-tri";
    static final LiveChannelId CHANNEL = LiveChannelId.relay("tinh");

    @TempDir
    Path dir;
    final List<AutoCloseable> open = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @AfterEach
    void stop() throws Exception {
        List<AutoCloseable> reversed = new ArrayList<>(open);
        java.util.Collections.reverse(reversed);
        Closing.inOrder(reversed.toArray(AutoCloseable[]::new));
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    private Controller controller(ControllerConfig config) throws Exception {
        Controller c = keep(Controller.start(config, Clock.systemUTC(), new PasswordHasher(1000), () -> ADMIN_PASSWORD,
                new PrintStream(OutputStream.nullOutputStream())));
        await().atMost(Duration.ofSeconds(20)).until(c::connected);
        return c;
    }

    /** thon-dong-1's new broker password, issued through the API; and the admin's token in {@code token[0]}. */
    private static String enrol(ApiClient api, String[] token) throws Exception {
        token[0] = api.login("admin", ADMIN_PASSWORD);
        ApiClient.Answer issued = api.call("POST", "/api/stations/thon-dong-1/credentials", token[0], Map.of());
        assertEquals(201, issued.status(), String.valueOf(issued.json()));
        return issued.json().get("password").asText();
    }

    /** A station's stream, read until it ends. */
    private record Listening(int status, AtomicLong bytes, AtomicBoolean ended) {
    }

    private Listening listen(URI url, String user, String password) throws Exception {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        Listening l = new Listening(r.statusCode(), new AtomicLong(), new AtomicBoolean());
        Thread t = new Thread(() -> {
            byte[] buf = new byte[4096];
            try (InputStream in = r.body()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    l.bytes().addAndGet(n);
                }
            } catch (IOException e) {
                // cut: ended
            }
            l.ended().set(true);
        }, "test-station");
        t.setDaemon(true);
        t.start();
        open.add(() -> r.body().close());
        return l;
    }

    @Test
    void embeddedTheControllerPullsTheUpstreamOnceAndAnEnrolledStationHearsItUntilRevoked() throws Exception {
        IcecastUnderTest province = keep(IcecastUnderTest.start());
        Upstream signal = keep(Upstream.mp3(province, "/province.mp3", Upstream.signal()));
        await().atMost(Duration.ofSeconds(10)).until(() -> province.hasSource("/province.mp3"));
        Controller controller = controller(ControllerConfig.of(TestCommune.write(dir.resolve("commune")),
                dir.resolve("controller")).withEmbeddedBroker("127.0.0.1", Ports.free()).withHttp("127.0.0.1", Ports.free(), null));
        assertTrue(controller.ffmpeg().isPresent(), "ffmpeg found at start");
        URI url = controller.liveChannels().stationUrl(CHANNEL);
        assertEquals(URI.create("http://127.0.0.1:" + controller.contentPort() + "/live/relay-tinh.mp3"), url);
        ApiClient api = new ApiClient(controller.contentPort());
        String[] token = new String[1];
        String password = enrol(api, token);
        assertEquals(404, listen(url, "thon-dong-1", password).status(), "no channel before the relay");

        UpstreamSupervisor relay = controller.upstreams().start(new UpstreamSupervisor.Source("tinh", "Đài tỉnh",
                signal.url(), false), new UpstreamSupervisor.Run(Instant.now().plusSeconds(300),
                UpstreamSupervisor.EndBy.FIXED, 0, null, Recorder.Entry.relay("tinh", "Đài tỉnh", Instant.now(),
                java.time.ZoneId.of("Asia/Ho_Chi_Minh"), Recorder.KEEP_DAYS)));
        await().atMost(Duration.ofSeconds(15)).until(() -> relay.state() == ChannelState.ON_AIR);
        Listening station = listen(url, "thon-dong-1", password);
        assertEquals(200, station.status());
        await().atMost(Duration.ofSeconds(10)).until(() -> station.bytes().get() > 16_000);
        assertEquals(1, province.listeners("/province.mp3"), "one fetch of the upstream");
        assertEquals(401, listen(url, "thon-dong-1", password + "x").status());

        assertEquals(204, api.call("DELETE", "/api/stations/thon-dong-1/credentials", token[0], null).status());
        await().atMost(Duration.ofSeconds(5)).until(() -> station.ended().get());
        assertEquals(401, listen(url, "thon-dong-1", password).status(), "revoked");

        // The slot ends: its recording goes into the library, as the relay was heard.
        controller.upstreams().stop("tinh", "the slot is over");
        LibraryItem kept = relay.recording().orElseThrow().get(30, java.util.concurrent.TimeUnit.SECONDS).orElseThrow();
        assertEquals(Recorder.RELAY_CATEGORY, kept.category());
        assertTrue(kept.duration().toMillis() > 3000, "recorded while on air: " + kept.duration());
        assertEquals(List.of(kept.id()), controller.library().recordings().stream().map(LibraryItem::id).toList());

        controller.close();
        open.remove(controller);
        await().atMost(Duration.ofSeconds(5)).until(() -> province.listeners("/province.mp3") == 0);
    }

    @Test
    void icecastTheControllerFeedsItAndAnswersItsCallbacks() throws Exception {
        int httpPort = Ports.free();
        IcecastUnderTest ice = keep(IcecastUnderTest.start(List.of(new IcecastUnderTest.AuthMount("/" + CHANNEL.mount(),
                URI.create("http://127.0.0.1:" + httpPort), "icecast", "cb-secret"))));
        Controller controller = controller(ControllerConfig.of(TestCommune.write(dir.resolve("commune")),
                        dir.resolve("controller")).withEmbeddedBroker("127.0.0.1", Ports.free())
                .withHttp("127.0.0.1", httpPort, null)
                .withLive(new LiveServerSettings(new LiveServerSettings.IcecastSettings(ice.url(""), ice.url(""),
                        IcecastUnderTest.SOURCE_PASSWORD, "admin", IcecastUnderTest.ADMIN_PASSWORD, "icecast", "cb-secret"),
                        "ffmpeg")));
        URI url = controller.liveChannels().stationUrl(CHANNEL);
        assertEquals(ice.url("/relay-tinh.mp3"), url);
        ApiClient api = new ApiClient(controller.contentPort());
        String[] token = new String[1];
        String password = enrol(api, token);

        FanOutChannel channel = controller.liveChannels().open(CHANNEL);
        keep(ChannelFeed.start(channel, dir.resolve("audio"), 440, 10));
        await().atMost(Duration.ofSeconds(10)).until(() -> ice.hasSource("/" + CHANNEL.mount()));
        Listening station = listen(url, "thon-dong-1", password);
        assertEquals(200, station.status());
        await().atMost(Duration.ofSeconds(10)).until(() -> station.bytes().get() > 8_000);
        assertEquals(401, listen(url, "thon-dong-1", "guess").status());

        assertEquals(204, api.call("DELETE", "/api/stations/thon-dong-1/credentials", token[0], null).status());
        await().atMost(Duration.ofSeconds(5)).until(() -> station.ended().get());
        assertEquals(401, listen(url, "thon-dong-1", password).status(), "revoked");
    }
}
