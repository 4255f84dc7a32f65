package vn.loalang.controller.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.ContentHash;
import vn.loalang.audio.speech.EspeakSpeechEngine;
import vn.loalang.controller.alert.AlertService;
import vn.loalang.controller.alert.AlertUpkeep;
import vn.loalang.controller.alert.CapIntake;
import vn.loalang.controller.alert.SpokenClipSweep;
import vn.loalang.controller.alert.SpokenText;
import vn.loalang.controller.alert.cap.CapMapping;
import vn.loalang.controller.alert.cap.CapPolicy;
import vn.loalang.controller.api.ApiRoutes;
import vn.loalang.controller.api.ScheduleView;
import vn.loalang.controller.api.StationStatus;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.broker.BrokerAccounts;
import vn.loalang.controller.broker.EmbeddedBroker;
import vn.loalang.controller.content.ContentAddress;
import vn.loalang.controller.content.ContentServer;
import vn.loalang.controller.update.AgentReleases;
import vn.loalang.controller.update.ReleaseKeys;
import vn.loalang.controller.update.Rollouts;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.content.LineRendition;
import vn.loalang.controller.content.LibraryUpkeep;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.CommuneFile;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.health.HealthMonitor;
import vn.loalang.controller.health.HealthPublisher;
import vn.loalang.controller.health.HealthUpkeep;
import vn.loalang.controller.health.Incidents;
import vn.loalang.controller.health.StationCommands;
import vn.loalang.controller.health.TelemetryHistory;
import vn.loalang.controller.health.WebhookNotifier;
import vn.loalang.controller.http.HttpServer;
import vn.loalang.controller.link.ControllerLink;
import vn.loalang.controller.api.IcecastCallbacks;
import vn.loalang.controller.api.LiveStreamServer;
import vn.loalang.controller.live.ChannelRegistry;
import vn.loalang.controller.live.Ffmpeg;
import vn.loalang.controller.live.FfmpegConverter;
import vn.loalang.controller.live.IcecastAdmin;
import vn.loalang.controller.live.LiveAccess;
import vn.loalang.controller.live.RecordingSweep;
import vn.loalang.controller.live.RelayPlan;
import vn.loalang.controller.live.SignedLiveStates;
import vn.loalang.controller.live.TalkService;
import vn.loalang.controller.live.TalkUpkeep;
import vn.loalang.controller.live.Upstreams;
import vn.loalang.controller.live.CatchUp;
import vn.loalang.controller.live.LiveSources;
import vn.loalang.controller.report.PlayReports;
import vn.loalang.controller.schedule.LiveAgents;
import vn.loalang.controller.schedule.LiveInputs;
import vn.loalang.protocol.station.StationState;
import vn.loalang.controller.schedule.ScheduleCompiler;
import vn.loalang.controller.priority.AlertWindow;
import vn.loalang.controller.schedule.SchedulePublisher;
import vn.loalang.controller.schedule.ScheduleService;
import vn.loalang.controller.signing.StoredSequenceFloor;
import vn.loalang.controller.station.EventAcknowledger;
import vn.loalang.controller.station.RefusalLog;
import vn.loalang.controller.station.SqliteEventLog;
import vn.loalang.controller.station.StationIntake;
import vn.loalang.controller.station.StationMonitor;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.controller.users.Sessions;
import vn.loalang.controller.users.UserDirectory;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.controller.station.PresenceBeacon;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.protocol.signing.EnvelopeSigner;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The commune server. It is put together in three phases, so that no part is ever seen half-built:
 * first the whole object graph (the store, importing the commune file into an empty one; the
 * library; the broker and the link, not yet listening nor connected; the schedules, the stations,
 * health and alerts; every listener wired); then the ports (the embedded broker, HTTP, then the
 * link's connection); then the timers (the first compile and the nightly one, the upkeeps). The
 * stations' schedules are the {@link ScheduleService}'s, health publishing is the health
 * package's; what is left here is the wiring and the accessors the entry points and tests use.
 */
public final class Controller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Controller.class);

    private final ControllerConfig config;
    private final Clock clock;
    private final KeyPair keys;
    private final String keyId;
    private final Store store;
    private final EnvelopeSigner signer;
    /** What stations sent that was refused: counted, and told once a minute per station and reason. */
    private final RefusalLog refusals = new RefusalLog();
    private final Directory directory;
    private final LibraryCatalog library;
    /** Made in the first phase, listening from the second; null with an external broker. */
    private final EmbeddedBroker broker;
    /** The controller's own account on its embedded broker. */
    public static final String EMBEDDED_CONTROLLER_USER = "controller";
    private final String embeddedControllerPassword = vn.loalang.provisioning.broker.MosquittoPassword.newSecret();
    private final HttpServer http;
    /** Where stations fetch the files: known once the HTTP port is open, read from the first compile on. */
    private final ContentAddress contentAddress;
    private final ControllerLink link;
    private final ScheduleService schedules;
    private final StationMonitor monitor;
    private final EventAcknowledger acknowledger;
    private final Topics topics;
    private final AlertService alerts;
    private final HealthMonitor health;
    private final HealthPublisher healthPublisher;
    private final HealthUpkeep healthUpkeep;
    private final Incidents incidents;
    private final StationCommands commands;
    private final TelemetryHistory history;
    private final SpokenClipSweep spokenClips;
    private final LibraryUpkeep libraryUpkeep;
    /** The stations' broker accounts: always with the embedded broker; on an external Mosquitto if asked to keep them. */
    private final BrokerAccounts accounts;
    /** Stations' bundles made for the console (issue 18); null without broker accounts kept here. */
    private final vn.loalang.controller.enrol.StationBundles bundles;
    /** Alerts' re-sends and expiry, on a thread of their own: never behind a compile or the health upkeep. */
    private final AlertUpkeep alertUpkeep;
    // issue 19: the morning market-prices bulletin
    private final vn.loalang.controller.bulletin.PriceBulletins priceBulletins;
    /** The controller's retained birth with its signed time, renewed on a timer. */
    private final PresenceBeacon presence;
    /** The commune's release keys, the agent builds uploaded here and their staged rollouts. */
    private final ReleaseKeys releaseKeys;
    private final Rollouts rollouts;
    // --- Live channels (issue 17, WP2): one fetch per source, fanned out, heard with the station's broker account. ---
    private final ChannelRegistry liveChannels;
    private final LiveAccess liveAccess;
    private final SignedLiveStates liveStates;
    private final Upstreams upstreams;
    private final RelayPlan relayPlan;
    private final Optional<Ffmpeg> ffmpeg;
    /** The embedded live server; null with --live-server icecast. */
    private final LiveStreamServer liveServer;
    private final RecordingSweep recordingSweep;
    // --- end of live channels ---
    // --- Live talks (issue 17, WP4): the operator's or village head's voice, from the browser to the stations. ---
    private final TalkService talks;
    private final TalkUpkeep talkUpkeep;
    // --- end of live talks ---
    // --- Relays in the program (issue 17, WP3) ---
    private final LiveSources liveSources;
    private final ScheduleCompiler compiler;
    private final CatchUp catchUp;
    // --- end of relays in the program ---
    // issue 19: the mirror (alerts, summaries and bulletins to chat groups and phones)
    private final vn.loalang.controller.mirror.Mirror mirror;
    /** Issue 19, "Nghe lại": listens and feed downloads, counted without knowing who (decision 0041). */
    private final vn.loalang.controller.listen.ListenCounts listenCounts;
    /** Issue 19: the 32 kbps copies of the items heard again, for phones on 2G/3G. */
    private final vn.loalang.controller.listen.ListenRenditions listenRenditions;

    /** Where stations fetch a live channel: the controller itself (embedded) or Icecast's public address. */
    private java.net.URI liveStationUrl(vn.loalang.protocol.schedule.LiveChannelId channel) {
        return liveChannels.stationUrl(channel);
    }

    /** The commune's named live sources. */
    public LiveSources liveSources() {
        return liveSources;
    }

    /** Missed relays, made up for in the stations' next sessions. */
    // issue 19: the market-prices bulletin (its listener is the mirror)
    public vn.loalang.controller.bulletin.PriceBulletins priceBulletins() {
        return priceBulletins;
    }

    public CatchUp catchUp() {
        return catchUp;
    }

    /** The commune file a first start imports, when it names one that exists. */
    private record Seed(Path file, Commune commune) {
    }

    private Controller(ControllerConfig config, Clock clock, PasswordHasher hasher, Supplier<String> adminPassword,
                       PrintStream console) throws IOException {
        config.requireConsistent();
        this.config = config;
        this.clock = clock;
        this.keys = Ed25519Keys.loadOrCreate(signingKeyFile(config.dataDir()));
        // Whatever is open when start-up fails is closed again, last opened first.
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        try {
            // --- Phase 1: the object graph. Nothing listens, connects or ticks yet. ---
            this.store = Store.open(config.store());
            opened.push(store);
            AuditLog audit = new AuditLog(clock);
            Seed seed = readSeed(config.communeFile());
            this.directory = Directory.open(store, audit, clock, seed == null ? null : seed.file(),
                    seed == null ? null : seed.commune(), seed == null ? null : ContentHash.sha256(seed.file()));
            Commune commune = directory.current();
            this.keyId = commune.commune().id() + "-" + fingerprint(keys);
            // Before the library: it converts what it cannot play with the same ffmpeg as the live path (decision 0036).
            this.ffmpeg = Ffmpeg.probe(config.live().ffmpeg());
            this.library = LibraryCatalog.open(store, config.contentDir(), commune.commune().targetLufs(), audit, clock,
                    config.storage(), config.line().asUploaded() ? null : LineRendition.to(config.line()));
            library.convertWith(ffmpeg.map(FfmpegConverter::new).orElse(null));
            if (seed != null && directory.librarySeedPending()) {
                Path base = seed.file().toAbsolutePath().getParent();
                seed.commune().library().forEach(e -> library.importEntry("system", e, base.resolve(e.file()).normalize()));
                directory.librarySeeded();
            }
            this.topics = new Topics(config.topicRoot());
            // One signer for every topic, its sequence kept in the store: see EnvelopeSigner.
            this.signer = new EnvelopeSigner(keyId, keys.getPrivate(), clock, new StoredSequenceFloor(store, clock));
            SqliteEventLog eventLog = new SqliteEventLog(store, clock);
            UserDirectory users = new UserDirectory(store, hasher, audit, clock, directory::villageIds);
            // Before the port opens: nobody could log in to a controller without users.
            users.ensureFirstAdmin(adminPassword, console);

            // The broker side: the embedded broker made but not listening, the link made but not connected.
            this.broker = config.embeddedBroker()
                    ? EmbeddedBroker.prepare(config.mqttHost(), config.mqttPort(), topics) : null;
            if (broker != null) {
                opened.push(broker);
            }
            this.accounts = brokerAccounts(audit);
            this.link = newLink();
            this.contentAddress = new ContentAddress(config.publicUrl());

            // The schedules: one owner, compiling on its own thread once the timers start, giving way to alerts.
            AlertWindow alertWindow = new AlertWindow();
            SchedulePublisher publisher = new SchedulePublisher(link, signer, topics, store, clock);
            ScheduleCompiler compiler = new ScheduleCompiler(directory::current, library.index(), contentAddress::base);
            this.schedules = new ScheduleService(directory::current, compiler, publisher, clock, alertWindow);
            opened.push(schedules);
            directory.checkProgramsWith((before, after) -> compiler.newProblems(before, after, clock.instant()));

            // What stations send: admitted by the intake, read by the monitor, acknowledged.
            StationIntake intake = new StationIntake(topics, directory::stationIds, refusals);
            this.monitor = new StationMonitor(topics, directory::stationIds, eventLog, refusals);
            this.acknowledger = new EventAcknowledger(link, signer, topics, clock);
            monitor.onAcknowledge(acknowledger);
            // --- Relays in the program (issue 17, WP3): named sources, their live items, old agents' fallbacks. ---
            this.liveSources = new LiveSources(store, audit, clock);
            LiveAgents liveAgents = new LiveAgents(id -> monitor.state(id).map(StationState::agentVersion));
            // Stations fetch a channel from the controller (embedded) or Icecast; WP2's LiveChannels.stationUrl says which.
            // Missed relays come back late in the station's next session; a kept recording calls catchUp.slotEnded.
            this.catchUp = new CatchUp(store, clock, directory::current, schedules::publishedTo,
                    schedules::requestRecompile);
            compiler.relayWith(new LiveInputs(liveSources::all, this::liveStationUrl, liveAgents, catchUp::lateItems));
            liveSources.checkProgramsWith((before, after) -> compiler.newProblems(before, after, clock.instant()));
            liveSources.onChange(sources -> schedules.directoryChanged());
            // A station's first report, or an upgrade, may let it have its relays: compile again (requests coalesce).
            monitor.onState(state -> {
                if (liveAgents.changedBy(state.stationId(), state.agentVersion())) {
                    schedules.requestRecompile();
                }
            });
            this.compiler = compiler;
            // --- end of relays in the program ---
            // Its birth carries its signed time, renewed while it runs: stations without a trusted clock set theirs by it.
            this.presence = new PresenceBeacon(link, signer, topics.controllerState(), java.util.UUID.randomUUID().toString(),
                    () -> directory.current().commune().id(), clock);
            opened.push(presence);

            // Health: judged, published, turned into incidents; and the technicians' commands.
            this.history = new TelemetryHistory(store, clock);
            this.health = new HealthMonitor(topics, clock, directory::current, monitor::state, schedules::publishedTo,
                    eventLog::sessionsHeard, refusals);
            health.keepIn(history);
            this.healthPublisher = new HealthPublisher(health, topics, link::publish);
            opened.push(healthPublisher);
            this.incidents = new Incidents(store, clock, incidentNotifiers());
            this.healthUpkeep = new HealthUpkeep(health, incidents, history);
            opened.push(healthUpkeep);
            this.commands = new StationCommands(store, audit, clock, directory::current, topics, signer, link::publish);
            this.releaseKeys = ReleaseKeys.in(config.dataDir());
            this.rollouts = new Rollouts(store, audit, clock, directory::current,
                    new AgentReleases(store, audit, clock, releaseKeys, config.dataDir().resolve("releases")),
                    contentAddress::base, monitor::state,
                    (actor, station, release) -> commands.send(actor, station, "UPDATE", 0, release).id());
            opened.push(rollouts);

            // Alerts, and the library's upkeep (it sweeps the alerts' spoken clips).
            this.alerts = new AlertService(store, audit, clock, directory::current, library.index()::byId,
                    contentAddress::base, topics, signer, link::publish);
            alerts.speakWith(new SpokenText(new EspeakSpeechEngine(), library, config.dataDir().resolve("speech")));
            alerts.openOnTrigger(alertWindow);
            // issue 19: the mirror. The alert path only hands its record to the mirror's own thread; the links point at
            // "Nghe lại" at --listen-url (by default where stations fetch content), as its pages and feeds say.
            this.mirror = new vn.loalang.controller.mirror.Mirror(store, clock, directory::current,
                    library.index()::byId, config.dataDir(), this::listenBase, config.mirrorAllowLocal());
            opened.push(mirror);
            // issue 19: the outside services, one HTTP client for all (the webhook is the mirror's own)
            java.net.http.HttpClient channelHttp = vn.loalang.controller.mirror.channel.ChannelHttp.client();
            mirror.channels()
                    .register(vn.loalang.controller.mirror.ChannelKind.TELEGRAM,
                            c -> new vn.loalang.controller.mirror.channel.TelegramChannel(c, channelHttp, clock))
                    .register(vn.loalang.controller.mirror.ChannelKind.ZALO,
                            c -> new vn.loalang.controller.mirror.channel.ZaloChannel(c, channelHttp, clock))
                    .register(vn.loalang.controller.mirror.ChannelKind.ESMS,
                            c -> new vn.loalang.controller.mirror.channel.EsmsChannel(c, channelHttp, clock))
                    .register(vn.loalang.controller.mirror.ChannelKind.ANDROID_SMS,
                            c -> new vn.loalang.controller.mirror.channel.AndroidSmsChannel(c, channelHttp, clock));
            alerts.onPublished(mirror::alertPublished);
            alerts.onCancelled(mirror::alertCancelled);
            this.alertUpkeep = new AlertUpkeep(alerts);
            opened.push(alertUpkeep);
            // issue 19: the morning market-prices bulletin, spoken at its prepare time; a compile when a program plays it.
            // The feed's URL is checked against loopback/link-local, unless --mirror-allow-local.
            this.priceBulletins = new vn.loalang.controller.bulletin.PriceBulletins(store, audit, clock,
                    directory::current, library, new EspeakSpeechEngine(), config.dataDir().resolve("speech"),
                    new vn.loalang.controller.bulletin.PriceFeed(vn.loalang.controller.bulletin.PriceFeed.DEFAULT_TIMEOUT,
                            config.mirrorAllowLocal()), schedules::requestRecompile);
            opened.push(priceBulletins);
            // Each bulletin published goes, as written (digits), to every village's targets that take market prices.
            priceBulletins.onPublished(p -> mirror.bulletin(Long.toString(p.bulletinId()),
                    List.copyOf(directory.villageIds()), p.title(), p.text(), p.libraryId()));
            this.spokenClips = new SpokenClipSweep(library, directory::current, alerts, clock);
            // --- Live channels (issue 17, WP2). Its recordings are swept with the spoken clips. ---
            this.liveStates = new SignedLiveStates(link::publish, signer, topics, clock);
            this.liveChannels = config.live().embedded() ? ChannelRegistry.embedded(contentAddress::base)
                    : ChannelRegistry.icecast(new ChannelRegistry.Icecast(config.live().icecast().url(),
                    config.live().icecast().publicUrl(), config.live().icecast().sourcePassword()));
            opened.push(liveChannels);
            this.liveAccess = new LiveAccess(liveVerifier(), config.live().embedded() ? null
                    : new IcecastAdmin(config.live().icecast().url(), config.live().icecast().adminUser(),
                    config.live().icecast().adminPassword()));
            this.liveServer = config.live().embedded() ? new LiveStreamServer(liveChannels, liveAccess) : null;
            if (liveServer != null) {
                opened.push(liveServer);
            }
            this.upstreams = new Upstreams(ffmpeg, liveChannels, liveStates, clock,
                    new vn.loalang.controller.live.UpstreamSupervisor.Recordings(library, config.dataDir()));
            opened.push(upstreams);
            this.recordingSweep = new RecordingSweep(library, directory::current, clock);
            RecordingSweep.removeUnfinished(config.dataDir());
            // Each relay slot of the published schedules: pulled from 20 s before it, recorded, then, once the
            // stations' reports are in (a minute after its end), made up for the stations that missed it.
            this.relayPlan = new RelayPlan(() -> schedules.published().values(), liveSources::get, upstreams,
                    new RelayPlan.Recording(library, config.dataDir(), () -> directory.current().commune().zone(),
                            () -> directory.current().commune().live().keepRecordingDays()),
                    catchUp::slotEnded, clock, RelayPlan.LEAD, RelayPlan.REPORT_GRACE);
            opened.push(relayPlan);
            // --- end of live channels ---
            // --- Live talks (issue 17, WP4): each talk its own channel, fed by its own ffmpeg from the speaker's socket. ---
            this.talks = new TalkService(store, audit, clock, directory::current, liveChannels, topics, signer,
                    link::publish, ffmpeg);
            talks.admitThrough(liveAccess);
            this.talkUpkeep = new TalkUpkeep(talks);
            opened.push(talkUpkeep);
            // --- end of live talks ---
            // issue 19: "Nghe lại" counts listens once a minute into the store, never who listened; its 32 kbps
            // copies for phones are made on listen-work and swept with the library.
            this.listenCounts = new vn.loalang.controller.listen.ListenCounts(store, clock,
                    () -> directory.current().commune().zone(), new java.security.SecureRandom());
            opened.push(listenCounts);
            this.listenRenditions = new vn.loalang.controller.listen.ListenRenditions(config.dataDir().resolve("listen"),
                    "lame");
            opened.push(listenRenditions);
            this.libraryUpkeep = new LibraryUpkeep(library, () -> {
                spokenClips.sweep();
                recordingSweep.sweep();
                listenRenditions.sweep(library.index().items()); // issue 19
            });
            opened.push(libraryUpkeep);

            listen(intake);
            // The API: every source exists by now.
            StationStatus stations = new StationStatus(directory::current, monitor::state, schedules::publishedVersions,
                    eventLog::acceptedVersions);
            this.bundles = accounts == null ? null : new vn.loalang.controller.enrol.StationBundles(store, audit, clock,
                    directory::current, accounts, new vn.loalang.controller.enrol.StationBundles.Trust(topics.root(), keyId,
                    Ed25519Keys.publicPem(keys.getPublic()), releaseKeys::pems), broker != null
                    ? vn.loalang.controller.enrol.StationBundles.BrokerReach.embedded(config.mqttHost(), config.mqttPort(),
                            config.publicUrl())
                    : vn.loalang.controller.enrol.StationBundles.BrokerReach.external(config.brokerUrl(), config.mqttCa(),
                            config.publicUrl()),
                    vn.loalang.controller.enrol.StationBundles.defaultAgentJar(), config.dataDir().resolve("bundles"));
            ApiRoutes.Sources api = new ApiRoutes.Sources(new Sessions(store, users, clock), users, directory, library,
                    stations, eventLog, new PlayReports(store, commune.commune().zone()), scheduleView(), alerts,
                    new CapIntake(store, audit, clock, new CapMapping(CapPolicy.DEFAULT, clock), alerts, directory::current),
                    health, () -> incidents.recent(200), commands, history,
                    store, clock, new ApiRoutes.Enrolment(accounts, topics.root(), keyId,
                    Ed25519Keys.publicPem(keys.getPublic()), releaseKeys::pems), rollouts, liveSources,
                    // issue 19: the mirror's settings and delivery log (WP7). Addresses on this machine are refused
                    // unless --mirror-allow-local.
                    new vn.loalang.controller.mirror.MirrorSettings(store, audit, clock, config.dataDir(),
                            directory::villageIds, config.mirrorAllowLocal()),
                    new vn.loalang.controller.mirror.MirrorDeliveries(store, audit, clock));

            // --- Phase 2: the listening ports (the link connects in start(), once this returns). ---
            if (broker != null) {
                broker.start();
            }
            this.http = openHttp(api);
            opened.push(http);
            contentAddress.httpOpenOn(http.port());
        } catch (IOException | RuntimeException e) {
            opened.forEach(Controller::closeQuietly);
            throw e;
        }
    }

    /** The commune file to import, or null: none given, or one given that no longer exists. */
    private static Seed readSeed(Path file) throws IOException {
        if (file == null) {
            return null;
        }
        if (!java.nio.file.Files.exists(file)) {
            // A unit file that still names the first start's file must not stop a later start: the store is the record.
            log.warn("The commune file {} does not exist; the controller starts from its store", file);
            return null;
        }
        return new Seed(file, CommuneFile.read(file));
    }

    private BrokerAccounts brokerAccounts(AuditLog audit) {
        if (broker != null) {
            // The embedded broker's accounts live in the store and in memory, no file; the controller's own
            // password is new at each start, as nobody but this process ever uses it.
            BrokerAccounts embedded = new BrokerAccounts(store, audit, clock, directory::current, topics, null,
                    EMBEDDED_CONTROLLER_USER, embeddedControllerPassword);
            embedded.onChange(broker::accountsChanged);
            return embedded;
        }
        return config.brokerAccounts() == null ? null : new BrokerAccounts(store, audit, clock, directory::current, topics,
                config.brokerAccounts(), config.username(), config.password());
    }

    private ControllerLink newLink() throws IOException {
        if (broker != null) {
            // Its client id is its user name's (BrokerGate.ownerOf): no station can take it over.
            return new ControllerLink(broker.url(), "loalang-" + EMBEDDED_CONTROLLER_USER, EMBEDDED_CONTROLLER_USER,
                    embeddedControllerPassword, null);
        }
        return new ControllerLink(config.brokerUrl(), "loalang-controller-" + directory.current().commune().id(),
                config.username(), config.password(),
                config.mqttCa() == null ? null : vn.loalang.protocol.tls.BrokerTrust.socketFactory(config.mqttCa()));
    }

    private List<Consumer<Incidents.Incident>> incidentNotifiers() {
        List<Consumer<Incidents.Incident>> notifiers = new ArrayList<>();
        notifiers.add(healthPublisher.incidentNotifier());
        if (config.webhook() != null) {
            notifiers.add(new WebhookNotifier(config.webhook()));
        }
        return notifiers;
    }

    /** Every listener between the parts, once all of them exist; nothing arrives before the ports open. */
    private void listen(StationIntake intake) {
        // Every station message passes the intake first: its topic, its size and its station's rate.
        link.subscribe(topics.allStations(Topics.StationLeaf.STATE), intake.guard(StationIntake.Kind.STATE, (topic, raw) -> {
            monitor.handleState(topic, raw);
            topics.stationOf(topic).ifPresent(health::refresh);
        }));
        link.subscribe(topics.allStations(Topics.StationLeaf.EVENT), intake.guard(StationIntake.Kind.EVENT, monitor::handleEvent));
        link.subscribe(topics.allStations(Topics.StationLeaf.TELEMETRY), intake.guard(StationIntake.Kind.TELEMETRY, health::handleTelemetry));
        // Retained messages again after each connect: a broker that restarted has forgotten them.
        link.onConnected(healthPublisher::republishAll);
        link.onConnected(schedules::republishAll);
        link.onConnected(alerts::republishActive);
        link.onConnected(liveStates::republishAll);
        link.onConnected(talks::republishActive); // live talks (issue 17, WP4)
        monitor.onEvent(alerts::onEvent);
        monitor.onEvent(talks::onEvent); // live talks (issue 17, WP4)
        monitor.onEvent(commands::onEvent);
        monitor.onEvent(rollouts::onEvent);
        monitor.onEvent(e -> health.refresh(e.stationId()));
        directory.onChange(changed -> {
            library.retarget(changed.commune().targetLufs());
            schedules.directoryChanged();
        });
        if (accounts != null) {
            // Before the first connect: the broker's files match the store whatever happened while it was down.
            accounts.directoryChanged(directory.current());
            directory.onChange(accounts::directoryChanged);
            // A revoked or rotated station loses its live streams with its MQTT connection.
            accounts.onChange(liveAccess::accountsChanged);
        }
        // Only items a program names compile again: a spoken alert clip does not hold up its alert.
        library.onItemsChanged(schedules::libraryChanged);
    }

    private ScheduleView scheduleView() {
        return new ScheduleView() {
            @Override
            public Map<String, Schedule> published() {
                return schedules.published();
            }

            @Override
            public List<String> notices() {
                return compiler.notices();
            }

            @Override
            public List<String> problems() {
                return schedules.problems();
            }

            @Override
            public List<String> problemsIf(Commune candidate) {
                return compiler.problems(candidate, clock.instant());
            }

            @Override
            public List<String> problemsIf(Commune candidate, List<String> notices) {
                return compiler.problems(candidate, clock.instant(), notices);
            }
        };
    }

    private HttpServer openHttp(ApiRoutes.Sources api) throws IOException {
        try {
            // Stations told to fetch in clear (the default on one machine) are served in clear.
            boolean contentInClear = config.publicUrl() == null || "http".equalsIgnoreCase(config.publicUrl().getScheme());
            // issue 19: residents told to listen in clear (--listen-url http://…) are served /nghe-lai/ in clear.
            URI listenUrl = config.listenUrl() != null ? config.listenUrl() : config.publicUrl();
            boolean listenInClear = listenUrl == null || "http".equalsIgnoreCase(listenUrl.getScheme());
            return HttpServer.start(config.httpHost(), config.httpPort(), config.https(), contentInClear, listenInClear,
                    config.storage().uploadBytes(),
                    List.of(app -> ContentServer.mount(app, library.index(), rollouts.releases()::file),
                            app -> ApiRoutes.mount(app, api, talks, bundles, priceBulletins, // issue 19: bulletins, listen
                                    new vn.loalang.controller.api.ListenRoutes.Settings(this::listenAddresses, listenCounts)),
                            // issue 19: "Nghe lại", the public pages, feeds and audio under /nghe-lai/
                            app -> vn.loalang.controller.api.ListenRoutes.mount(app, new vn.loalang.controller.api.ListenRoutes.Listen(
                                    new vn.loalang.controller.listen.ListenCatalog(store, directory::current, library.index(),
                                            new vn.loalang.controller.listen.PublicCategories(store,
                                                    new vn.loalang.controller.audit.AuditLog(clock), clock)::publicNow, clock,
                                            listenRenditions),
                                    listenCounts, this::listenAddresses, vn.loalang.controller.api.ListenRoutes.DEFAULT_STREAMS), alerts),
                            // Live channels: the embedded server's /live/{mount}, or Icecast's callbacks (loopback only).
                            app -> {
                                if (liveServer != null) {
                                    liveServer.mount(app);
                                } else {
                                    new IcecastCallbacks(liveAccess, config.live().icecast().callbackUser(),
                                            config.live().icecast().callbackPassword()).mount(app);
                                }
                            }));
        } catch (RuntimeException e) {
            throw new IOException("HTTP server cannot listen on " + config.httpHost() + ":" + config.httpPort()
                    + ": " + e.getMessage(), e);
        }
    }

    /** Issue 19: where residents reach "Nghe lại": --listen-url, else where stations fetch content. */
    private URI listenBase() {
        return config.listenUrl() != null ? config.listenUrl() : contentAddress.base();
    }

    private vn.loalang.controller.listen.ListenAddresses listenAddresses() {
        return vn.loalang.controller.listen.ListenAddresses.of(listenBase());
    }

    /** issue 19: the listens counted on "Nghe lại" (flushed to the store each minute, and at the stop). */
    public vn.loalang.controller.listen.ListenCounts listenCounts() {
        return listenCounts;
    }

    /** The public address of "Nghe lại" (issue 19), e.g. {@code http://127.0.0.1:8080/nghe-lai/}. */
    public String listenUrl() {
        return listenAddresses().commune();
    }

    /** Stations' live logins are checked against their broker accounts; without accounts kept here, nobody is let in. */
    private java.util.function.BiFunction<String, String, Optional<vn.loalang.provisioning.broker.BrokerAccount>> liveVerifier() {
        if (accounts == null) {
            log.warn("The controller does not keep the stations' broker accounts (no --broker-accounts): live streams "
                    + "refuse every station");
            return (user, password) -> Optional.empty();
        }
        return accounts::verify;
    }

    public static Controller start(ControllerConfig config, Clock clock) throws IOException, InterruptedException {
        return start(config, clock, new PasswordHasher(), () -> System.getenv(UserDirectory.ADMIN_PASSWORD_ENV),
                System.out);
    }

    /**
     * As {@link #start(ControllerConfig, Clock)}, with the password hasher, the first
     * administrator's password (null: random, printed once on {@code console}) and the console given.
     */
    public static Controller start(ControllerConfig config, Clock clock, PasswordHasher hasher,
                                   Supplier<String> adminPassword, PrintStream console)
            throws IOException, InterruptedException {
        Controller c = new Controller(config, clock, hasher, adminPassword, console);
        try {
            // --- Phase 2, last port: the link. Its connect listeners republish what the broker may have lost. ---
            c.link.connect();
            // --- Phase 3: the timers. The first compile is waited for: the stations hold schedules once this returns. ---
            c.schedules.start();
            c.alertUpkeep.start();
            c.priceBulletins.start(); // issue 19: the morning market-prices bulletin
            c.talkUpkeep.start(); // live talks (issue 17, WP4)
            c.relayPlan.start();
            c.presence.start();
            c.healthUpkeep.start();
            c.libraryUpkeep.start();
            c.rollouts.start();
            c.mirror.start(); // issue 19: the mirror
            c.listenCounts.start(); // issue 19
        } catch (InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
        Commune commune = c.directory.current();
        log.info("Controller for {} ({}) running: {} village(s), {} station(s), {} library item(s), signing key {}",
                commune.commune().name(), commune.commune().id(), commune.villages().size(),
                commune.stations().size(), c.library.index().items().size(), c.keyId);
        return c;
    }

    /**
     * Compiles and publishes now, and returns the problems (empty: the program went out); stations
     * keep their last good schedule. The compile runs on the schedule service's thread, after any
     * running one: see {@link ScheduleService#recompileNow()}.
     */
    public List<String> recompile() throws InterruptedException {
        return schedules.recompileNow();
    }

    /** The one owner of the stations' schedules: versions, compiles, the nightly compile. */
    public ScheduleService scheduleService() {
        return schedules;
    }

    /** Removes the expired spoken alert clips that no program and no live alert uses; returns their ids. */
    public List<String> sweepSpokenClips() {
        return spokenClips.sweep();
    }

    public Incidents incidents() {
        return incidents;
    }

    /** The controller's broker connection: what it publishes, it publishes here. */
    public ControllerLink link() {
        return link;
    }

    public HealthMonitor health() {
        return health;
    }

    public AlertService alerts() {
        return alerts;
    }

    /** issue 19: the chat and SMS mirror (its channels' registry, its outbox). */
    public vn.loalang.controller.mirror.Mirror mirror() {
        return mirror;
    }

    /** Live talks (issue 17, WP4). */
    public TalkService talks() {
        return talks;
    }

    public Path storeFile() {
        return store.file();
    }

    public static Path signingKeyFile(Path dataDir) {
        return dataDir.resolve("keys").resolve("controller-signing.pem");
    }

    public String keyId() {
        return keyId;
    }

    public String publicKeyPem() {
        return Ed25519Keys.publicPem(keys.getPublic());
    }

    public String brokerUrl() {
        return broker != null ? broker.url() : config.brokerUrl();
    }

    public Optional<EmbeddedBroker> embeddedBroker() {
        return Optional.ofNullable(broker);
    }

    public int contentPort() {
        return http.port();
    }

    /** The console's and the API's HTTPS port; -1 when the controller serves plain HTTP on loopback only. */
    public int httpsPort() {
        return http.httpsPort();
    }

    public StationMonitor monitor() {
        return monitor;
    }

    /** The schedule last published to each station. */
    public Map<String, Schedule> schedules() {
        return schedules.published();
    }

    /** The problems of the last compile; empty when the program went out. */
    public List<String> programProblems() {
        return schedules.problems();
    }

    /** The commune as it is now. */
    public Commune commune() {
        return directory.current();
    }

    public Directory directory() {
        return directory;
    }

    public LibraryCatalog library() {
        return library;
    }

    public boolean connected() {
        return link.isConnected();
    }

    /** The live channels and where stations fetch them ({@code stationUrl}): for the schedule compiler and talks. */
    public ChannelRegistry liveChannels() {
        return liveChannels;
    }

    /** Who may hear which live mount. */
    public LiveAccess liveAccess() {
        return liveAccess;
    }

    /** The upstream fetches running now, at most one per source. */
    public Upstreams upstreams() {
        return upstreams;
    }

    /** The signed, retained states of the live channels. */
    public SignedLiveStates liveStates() {
        return liveStates;
    }

    /** The ffmpeg checked at start; empty when it does not run here. */
    public Optional<Ffmpeg> ffmpeg() {
        return ffmpeg;
    }

    /** Removes expired recordings that no program uses; returns their ids. */
    public List<String> sweepRecordings() {
        return recordingSweep.sweep();
    }

    private static String fingerprint(KeyPair keys) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(keys.getPublic().getEncoded());
            return HexFormat.of().formatHex(d, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("Closing {} after a failed start failed too: {}", c.getClass().getSimpleName(), e.getMessage());
        }
    }

    @Override
    public void close() {
        // The timers first, then the ports, last opened first: nothing ticks against a closed link or store.
        alertUpkeep.close();
        priceBulletins.close(); // issue 19
        rollouts.close();
        presence.close();
        libraryUpkeep.close();
        healthUpkeep.close();
        healthPublisher.close();
        schedules.close();
        acknowledger.close();
        // Every ffmpeg and live stream ends before the ports close; talks first (issue 17, WP4).
        talkUpkeep.close();
        relayPlan.close();
        upstreams.close();
        if (liveServer != null) {
            liveServer.close();
        }
        liveChannels.close();
        link.close();
        http.close();
        // issue 19: after the port, so that no request hands them work they would drop; before the store.
        mirror.close();
        listenCounts.close(); // the last minute's counts written
        listenRenditions.close();
        if (broker != null) {
            broker.close();
        }
        // Last: nothing above can still write to it.
        store.close();
        log.info("Controller for {} stopped", directory.current().commune().id());
    }
}
