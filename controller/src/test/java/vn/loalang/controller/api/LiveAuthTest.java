package vn.loalang.controller.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.broker.BrokerAccounts;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.http.HttpServer;
import vn.loalang.controller.live.ChannelRegistry;
import vn.loalang.controller.live.FanOutChannel;
import vn.loalang.controller.live.IcecastAdmin;
import vn.loalang.controller.live.LiveAccess;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.ChannelFeed;
import vn.loalang.controller.testing.IcecastUnderTest;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.schedule.LiveChannelId;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Who hears a live channel (decision 0030), for real: stations log in with their broker account
 * (checked against the {@code $7$} hash in a real SQLite store), to the controller's embedded
 * server and to a real Icecast2 asking the controller through its URL authentication. No or wrong
 * credentials: 401. One connection per station and mount, the newest wins. A revoked station is
 * cut off at once.
 */
class LiveAuthTest {
    static final Clock CLOCK = Clock.systemUTC();
    static final Commune SEED = new Commune(
            new Commune.Settings("xa-an-binh", "Xã An Bình", null, 7, -18.0, null, null),
            List.of(new Commune.Village("thon-dong", "Thôn Đông", null)),
            List.of(new Commune.Station("thon-dong-1", null, "thon-dong"),
                    new Commune.Station("thon-dong-2", null, "thon-dong")),
            List.of(), new Commune.Program(List.of(), List.of()));
    static final LiveChannelId CHANNEL = LiveChannelId.relay("tinh");

    @TempDir
    Path dir;
    Store store;
    BrokerAccounts accounts;
    String password1;
    String password2;
    final List<AutoCloseable> open = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @BeforeEach
    void accounts() throws Exception {
        store = Store.open(dir.resolve("loalang.db"));
        Directory directory = Directory.open(store, new AuditLog(CLOCK), CLOCK, dir.resolve("commune.json"), SEED, "abc");
        accounts = new BrokerAccounts(store, new AuditLog(CLOCK), CLOCK, directory::current, Topics.defaults(), null,
                "controller", "controller-secret");
        accounts.directoryChanged(directory.current());
        password1 = accounts.issue("ky-thuat", "thon-dong-1").password();
        password2 = accounts.issue("ky-thuat", "thon-dong-2").password();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        store.close();
    }

    private <T extends AutoCloseable> T keep(T c) {
        open.add(c);
        return c;
    }

    /** The controller's embedded server with one channel fed in real time; returns the stream's URL. */
    private URI embedded() throws Exception {
        ChannelRegistry channels = keep(ChannelRegistry.embedded(() -> URI.create("http://127.0.0.1:1")));
        LiveAccess access = new LiveAccess(accounts::verify, null);
        accounts.onChange(access::accountsChanged);
        LiveStreamServer server = keep(new LiveStreamServer(channels, access));
        HttpServer httpServer = keep(HttpServer.start("127.0.0.1", 0, List.of(server::mount)));
        FanOutChannel channel = channels.open(CHANNEL);
        keep(ChannelFeed.start(channel, dir.resolve("audio"), 440, 10));
        return URI.create("http://127.0.0.1:" + httpServer.port() + "/live/" + CHANNEL.mount());
    }

    /** A real Icecast2 fed by the controller, asking the controller about each listener; returns the stream's URL. */
    private URI icecast() throws Exception {
        LiveAccess access = new LiveAccess(accounts::verify, null);
        accounts.onChange(access::accountsChanged);
        HttpServer callbacks = keep(HttpServer.start("127.0.0.1", 0,
                List.of(app -> new IcecastCallbacks(access, "icecast", "cb-secret").mount(app))));
        IcecastUnderTest ice = keep(IcecastUnderTest.start(List.of(new IcecastUnderTest.AuthMount("/" + CHANNEL.mount(),
                URI.create("http://127.0.0.1:" + callbacks.port()), "icecast", "cb-secret"))));
        access.kickWith(new IcecastAdmin(ice.url(""), "admin", IcecastUnderTest.ADMIN_PASSWORD));
        ChannelRegistry channels = keep(ChannelRegistry.icecast(new ChannelRegistry.Icecast(ice.url(""), ice.url(""),
                IcecastUnderTest.SOURCE_PASSWORD)));
        FanOutChannel channel = channels.open(CHANNEL);
        keep(ChannelFeed.start(channel, dir.resolve("audio"), 440, 10));
        await().atMost(Duration.ofSeconds(10)).until(() -> ice.hasSource("/" + CHANNEL.mount()));
        assertEquals(URI.create(ice.url("") + "/" + CHANNEL.mount()), channels.stationUrl(CHANNEL));
        return channels.stationUrl(CHANNEL);
    }

    /** A station's stream, read on a thread of its own until it ends. */
    private final class Listening implements AutoCloseable {
        final int status;
        final HttpResponse<InputStream> response;
        final AtomicLong bytes = new AtomicLong();
        final AtomicBoolean ended = new AtomicBoolean();
        final Thread reader;

        Listening(URI url, String user, String password) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10));
            if (user != null) {
                b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
            }
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            reader = new Thread(() -> {
                byte[] buf = new byte[4096];
                try (InputStream in = response.body()) {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        bytes.addAndGet(n);
                    }
                } catch (IOException e) {
                    // cut: counts as ended
                }
                ended.set(true);
            }, "test-listener");
            reader.setDaemon(true);
            reader.start();
            open.add(this);
        }

        @Override
        public void close() throws IOException {
            response.body().close();
        }
    }

    private void refusesWithoutTheStationsOwnPassword(URI url) throws Exception {
        assertEquals(401, new Listening(url, null, null).status, "no credentials");
        assertEquals(401, new Listening(url, "thon-dong-1", password1 + "x").status, "a wrong password");
        assertEquals(401, new Listening(url, "thon-dong-1", password2).status, "another station's password");
        assertEquals(401, new Listening(url, "controller", "controller-secret").status, "not a station's account");
    }

    private void newestWinsAndRevokedIsCut(URI url) throws Exception {
        Listening first = new Listening(url, "thon-dong-1", password1);
        assertEquals(200, first.status);
        assertEquals("audio/mpeg", first.response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        // The burst at once (about 3 s, 12 kB), then the live edge.
        await().atMost(Duration.ofSeconds(5)).until(() -> first.bytes.get() >= 8000);

        Listening second = new Listening(url, "thon-dong-1", password1);
        assertEquals(200, second.status, "the newest connection of a station is let in");
        await().atMost(Duration.ofSeconds(5)).until(first.ended::get);
        long had = second.bytes.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> second.bytes.get() > had + 4000);
        assertFalse(second.ended.get());

        Listening other = new Listening(url, "thon-dong-2", password2);
        assertEquals(200, other.status, "another station on the same mount");

        accounts.revoke("ky-thuat", "thon-dong-1");
        await().atMost(Duration.ofSeconds(5)).until(second.ended::get);
        assertEquals(401, new Listening(url, "thon-dong-1", password1).status, "revoked");
        long otherHad = other.bytes.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> other.bytes.get() > otherHad + 4000);
        assertFalse(other.ended.get(), "the other station listens on");
    }

    @Test
    void embeddedServerAdmitsOnlyAStationsOwnAccountNewestWinsRevokedIsCut() throws Exception {
        URI url = embedded();
        refusesWithoutTheStationsOwnPassword(url);
        Listening l = new Listening(url, "thon-dong-2", password2);
        assertEquals("no-store", l.response.headers().firstValue("Cache-Control").orElse(""));
        l.close();
        newestWinsAndRevokedIsCut(url);
        assertEquals(404, new Listening(URI.create(url.toString().replace(CHANNEL.mount(), "relay-none.mp3")),
                "thon-dong-2", password2).status, "no such channel now");
    }

    @Test
    void icecastAsksTheControllerNewestWinsRevokedIsCut() throws Exception {
        URI url = icecast();
        refusesWithoutTheStationsOwnPassword(url);
        newestWinsAndRevokedIsCut(url);
    }

    @Test
    void icecastCallbacksAnswerOnlyIcecastsOwnCredentials() throws Exception {
        LiveAccess access = new LiveAccess(accounts::verify, null);
        HttpServer callbacks = keep(HttpServer.start("127.0.0.1", 0,
                List.of(app -> new IcecastCallbacks(access, "icecast", "cb-secret").mount(app))));
        String form = "action=listener_add&mount=%2F" + CHANNEL.mount() + "&user=thon-dong-1&pass=" + password1
                + "&client=7&ip=10.0.0.9";
        URI add = URI.create("http://127.0.0.1:" + callbacks.port() + IcecastCallbacks.ADD);
        HttpResponse<String> wrong = http.send(HttpRequest.newBuilder(add).header("Content-Type",
                        "application/x-www-form-urlencoded").header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("icecast:guess".getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.headers().firstValue("icecast-auth-user").isEmpty());
        HttpResponse<String> right = http.send(HttpRequest.newBuilder(add).header("Content-Type",
                        "application/x-www-form-urlencoded").header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString("icecast:cb-secret".getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, right.statusCode());
        assertEquals("1", right.headers().firstValue("icecast-auth-user").orElse(""));
        assertEquals(List.of("thon-dong-1"), access.listeners(CHANNEL.mount()));
    }
}
