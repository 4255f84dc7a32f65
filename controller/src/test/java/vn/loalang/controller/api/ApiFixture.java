package vn.loalang.controller.api;

import io.javalin.Javalin;
import vn.loalang.controller.alert.AlertService;
import vn.loalang.controller.alert.CapIntake;
import vn.loalang.controller.alert.cap.CapMapping;
import vn.loalang.controller.alert.cap.CapPolicy;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.content.ContentServer;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.health.HealthMonitor;
import vn.loalang.controller.health.StationCommands;
import vn.loalang.controller.health.TelemetryHistory;
import vn.loalang.controller.http.HttpServer;
import vn.loalang.controller.report.PlayReports;
import vn.loalang.controller.station.SqliteEventLog;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.testing.ApiClient;
import vn.loalang.controller.update.AgentReleases;
import vn.loalang.controller.update.ReleaseKeys;
import vn.loalang.controller.update.Rollouts;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.controller.users.Sessions;
import vn.loalang.controller.users.UserDirectory;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The whole API on a real SQLite file and a real Javalin on a free port, for the API's tests and its
 * fuzz target: two villages with one station each, the first administrator made as at a first start.
 */
public final class ApiFixture implements AutoCloseable {
    final Store store;
    final Directory directory;
    public final LibraryCatalog library;
    final UserDirectory users;
    final SqliteEventLog events;
    final HealthMonitor health;
    /** The schedule version published per station, which the station list compares with the one a station runs. */
    final Map<String, Long> published = new ConcurrentHashMap<>();
    /** The controller's signing key in this fixture, and every command it published: topic → signed bytes. */
    final java.security.KeyPair signingKey = Ed25519Keys.generate();
    final List<Map.Entry<String, byte[]>> commandsPublished = new java.util.concurrent.CopyOnWriteArrayList<>();
    final HttpServer server;
    /** The commune's release keys ({@code dir/keys/releases}), the releases uploaded and their rollouts. */
    final ReleaseKeys releaseKeys;
    final Rollouts rollouts;
    /** Live talks (issue 17) on embedded channels, with the real ffmpeg; what they publish is kept in {@link #talksPublished}. */
    public final vn.loalang.controller.live.ChannelRegistry liveChannels;
    public final vn.loalang.controller.live.TalkService talks;
    final List<Map.Entry<String, byte[]>> talksPublished = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The commune's named live sources (issue 17). */
    final vn.loalang.controller.live.LiveSources liveSources;
    /** What each station last said of itself (its agent version, online or not); none by default. */
    final Map<String, vn.loalang.protocol.station.StationState> stationStates = new ConcurrentHashMap<>();
    /** What the compiler would say of a candidate commune (the program check); none until a test sets a compiler. */
    volatile java.util.function.BiFunction<Commune, List<String>, List<String>> problemsIf = (candidate, notices) -> List.of();
    public final ApiClient api;
    final List<ApiRoutes.Route> routes;
    /** What the first start printed on the console (the first administrator's password, when random). */
    final String console;
    /** The stations' broker accounts, as the embedded broker keeps them; null unless {@link #withBundles}. */
    final vn.loalang.controller.broker.BrokerAccounts accounts;
    /** Where station bundles are packed while sent; null unless {@link #withBundles}. */
    final Path bundleDir;
    // issue 19: the market-prices bulletin, spoken by the real espeak-ng; its feed may be on 127.0.0.1 here
    public final vn.loalang.controller.bulletin.PriceBulletins bulletins;
    /** How many compiles the bulletin asked for. */
    final java.util.concurrent.atomic.AtomicInteger bulletinCompiles = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param adminPassword the first administrator's password as from the environment; null prints a random one
     * @param extra         more mounts after the API's (a test of what the start refuses)
     */
    ApiFixture(Path dir, Clock clock, PasswordHasher hasher, Supplier<String> adminPassword,
               List<Consumer<Javalin>> extra) throws IOException {
        this(dir, clock, hasher, adminPassword, extra, null);
    }

    /**
     * With the stations' broker accounts kept as the embedded broker keeps them and station bundles made
     * for stations reaching it at {@code reach} (issue 18).
     */
    static ApiFixture withBundles(Path dir, Clock clock, String adminPassword,
                                  vn.loalang.controller.enrol.StationBundles.BrokerReach reach) throws IOException {
        return new ApiFixture(dir, clock, new PasswordHasher(1000), () -> adminPassword, List.of(), reach);
    }

    private ApiFixture(Path dir, Clock clock, PasswordHasher hasher, Supplier<String> adminPassword,
                       List<Consumer<Javalin>> extra, vn.loalang.controller.enrol.StationBundles.BrokerReach reach)
            throws IOException {
        store = Store.open(dir.resolve("loalang.db"));
        try {
            AuditLog audit = new AuditLog(clock);
            Commune commune = new Commune(new Commune.Settings("xa-an-binh", "Xã An Bình", null, null, null),
                    List.of(new Commune.Village("thon-dong", "Thôn Đông", null, null, List.of("99999")),
                            new Commune.Village("thon-tay", "Thôn Tây", null, null, List.of("30316"))),
                    List.of(new Commune.Station("thon-dong-1", "Cụm loa Thôn Đông", "thon-dong"),
                            new Commune.Station("thon-tay-1", "Cụm loa Thôn Tây", "thon-tay")),
                    List.of(), new Commune.Program(List.of(), List.of()));
            directory = Directory.open(store, audit, clock, null, commune, null);
            library = LibraryCatalog.open(store, dir.resolve("content"), -16, audit, clock);
            users = new UserDirectory(store, hasher, audit, clock, directory::villageIds);
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            users.ensureFirstAdmin(adminPassword, new PrintStream(printed, true, StandardCharsets.UTF_8));
            console = printed.toString(StandardCharsets.UTF_8);
            events = new SqliteEventLog(store, clock);
            StationStatus stations = new StationStatus(directory::current, id -> Optional.empty(),
                    () -> Map.copyOf(published), events::acceptedVersions);
            ScheduleView schedules = new ScheduleView() {
                @Override
                public Map<String, Schedule> published() {
                    return Map.of();
                }

                @Override
                public List<String> problems() {
                    return List.of();
                }

                @Override
                public List<String> problemsIf(Commune candidate) {
                    return problemsIf.apply(candidate, new java.util.ArrayList<>());
                }

                @Override
                public List<String> problemsIf(Commune candidate, List<String> notices) {
                    return problemsIf.apply(candidate, notices);
                }
            };
            EnvelopeSigner signer = new EnvelopeSigner("k1", signingKey.getPrivate(), clock);
            AlertService alerts = new AlertService(store, audit, clock, directory::current, library.index()::byId,
                    () -> URI.create("http://127.0.0.1"), Topics.defaults(), signer, (topic, payload, retained) -> { });
            health = new HealthMonitor(Topics.defaults(), clock, directory::current, id -> Optional.empty(),
                    id -> null, (station, ids) -> Set.of());
            StationCommands commands = new StationCommands(store, audit, clock, directory::current, Topics.defaults(),
                    signer, (topic, payload, retained) -> commandsPublished.add(Map.entry(topic, payload)));
            releaseKeys = ReleaseKeys.in(dir);
            java.util.concurrent.atomic.AtomicInteger port = new java.util.concurrent.atomic.AtomicInteger();
            rollouts = new Rollouts(store, audit, clock, directory::current,
                    new AgentReleases(store, audit, clock, releaseKeys, dir.resolve("releases")),
                    () -> URI.create("http://127.0.0.1:" + port.get()), id -> Optional.ofNullable(stationStates.get(id)),
                    (actor, station, release) -> commands.send(actor, station, "UPDATE", 0, release).id());
            liveSources = new vn.loalang.controller.live.LiveSources(store, audit, clock);
            accounts = reach == null ? null : new vn.loalang.controller.broker.BrokerAccounts(store, audit, clock,
                    directory::current, Topics.defaults(), null, "loalang-controller", "controller-password");
            bundleDir = reach == null ? null : dir.resolve("bundles");
            vn.loalang.controller.enrol.StationBundles bundles = reach == null ? null
                    : new vn.loalang.controller.enrol.StationBundles(store, audit, clock, directory::current, accounts,
                    new vn.loalang.controller.enrol.StationBundles.Trust(Topics.DEFAULT_ROOT, "k1",
                            Ed25519Keys.publicPem(signingKey.getPublic()), releaseKeys::pems), reach, null, bundleDir);
            ApiRoutes.Sources sources = new ApiRoutes.Sources(new Sessions(store, users, clock), users, directory,
                    library, stations, events, new PlayReports(store, ZoneId.of("Asia/Ho_Chi_Minh")), schedules, alerts,
                    new CapIntake(store, audit, clock, new CapMapping(CapPolicy.DEFAULT, clock), alerts,
                            directory::current),
                    health, List::of, commands, new TelemetryHistory(store, clock), store, clock,
                    new ApiRoutes.Enrolment(accounts, reach == null ? null : Topics.DEFAULT_ROOT, reach == null ? null : "k1",
                            reach == null ? null : Ed25519Keys.publicPem(signingKey.getPublic()), releaseKeys::pems),
                    rollouts, liveSources,
                    // issue 19: the mirror's settings (addresses on 127.0.0.1 allowed: tests point channels at fakes)
                    new vn.loalang.controller.mirror.MirrorSettings(store, audit, clock, dir, directory::villageIds, true),
                    new vn.loalang.controller.mirror.MirrorDeliveries(store, audit, clock));
            liveChannels = vn.loalang.controller.live.ChannelRegistry.embedded(
                    () -> URI.create("http://127.0.0.1:" + port.get()));
            talks = new vn.loalang.controller.live.TalkService(store, audit, clock, directory::current, liveChannels,
                    Topics.defaults(), signer, (topic, payload, retained) -> talksPublished.add(Map.entry(topic, payload)),
                    vn.loalang.controller.live.Ffmpeg.probe("ffmpeg"));
            bulletins = new vn.loalang.controller.bulletin.PriceBulletins(store, audit, clock, directory::current, library,
                    new vn.loalang.audio.speech.EspeakSpeechEngine(), dir.resolve("speech"),
                    new vn.loalang.controller.bulletin.PriceFeed(java.time.Duration.ofSeconds(2), true),
                    bulletinCompiles::incrementAndGet);
            List<ApiRoutes.Route> mounted = new ArrayList<>();
            List<Consumer<Javalin>> mounts = new ArrayList<>();
            mounts.add(app -> ContentServer.mount(app, library.index(), rollouts.releases()::file));
            mounts.add(app -> mounted.addAll(ApiRoutes.mount(app, sources, talks, bundles, bulletins, null)));
            mounts.addAll(extra);
            server = HttpServer.start("127.0.0.1", 0, mounts);
            port.set(server.port());
            routes = List.copyOf(mounted);
            api = new ApiClient(server.port());
        } catch (RuntimeException | IOException e) {
            store.close();
            throw e;
        }
    }

    public ApiFixture(Path dir, Clock clock, String adminPassword) throws IOException {
        this(dir, clock, new PasswordHasher(1000), () -> adminPassword, List.of());
    }

    @Override
    public void close() {
        bulletins.close();
        talks.close();
        liveChannels.close();
        rollouts.close();
        server.close();
        store.close();
    }
}
