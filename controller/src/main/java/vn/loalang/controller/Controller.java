package vn.loalang.controller;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.api.ApiRoutes;
import vn.loalang.controller.api.StationStatus;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.broker.BrokerAccounts;
import vn.loalang.controller.broker.EmbeddedBroker;
import vn.loalang.audio.ContentHash;
import vn.loalang.audio.speech.EspeakSpeechEngine;
import vn.loalang.controller.alert.AlertService;
import vn.loalang.controller.alert.CapIntake;
import vn.loalang.controller.alert.SpokenClipSweep;
import vn.loalang.controller.alert.SpokenText;
import vn.loalang.controller.alert.cap.CapMapping;
import vn.loalang.controller.alert.cap.CapPolicy;
import vn.loalang.controller.health.Health;
import vn.loalang.controller.health.HealthMonitor;
import vn.loalang.controller.health.Incidents;
import vn.loalang.controller.health.StationCommands;
import vn.loalang.controller.health.TelemetryHistory;
import vn.loalang.controller.health.WebhookNotifier;
import vn.loalang.protocol.Json;
import vn.loalang.controller.api.ScheduleView;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.content.ContentServer;
import vn.loalang.controller.directory.CommuneFile;
import vn.loalang.controller.link.ControllerLink;
import vn.loalang.controller.report.PlayReports;
import vn.loalang.controller.schedule.ProgramException;
import vn.loalang.controller.schedule.ScheduleCompiler;
import vn.loalang.controller.schedule.SchedulePublisher;
import vn.loalang.controller.signing.StoredSequenceFloor;
import vn.loalang.controller.station.EventAcknowledger;
import vn.loalang.controller.station.SqliteEventLog;
import vn.loalang.controller.station.RefusalLog;
import vn.loalang.controller.station.StationIntake;
import vn.loalang.controller.station.StationMonitor;
import vn.loalang.controller.http.HttpServer;
import vn.loalang.controller.store.Store;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.controller.users.Sessions;
import vn.loalang.controller.users.UserDirectory;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.station.ControllerPresence;
import vn.loalang.protocol.station.StationState;
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
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The commune server: opens the store (importing the commune file into an empty one), the
 * library, the broker (when embedded) and the HTTP port, and keeps every station's schedule
 * published — compiled again after every change to the directory, the programs or the library,
 * and each night, so the stations always hold the coming days.
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
    private final EmbeddedBroker broker;
    /** The controller's own account on its embedded broker. */
    public static final String EMBEDDED_CONTROLLER_USER = "controller";
    private final String embeddedControllerPassword = vn.loalang.provisioning.broker.MosquittoPassword.newSecret();
    private final HttpServer http;
    private final ControllerLink link;
    private final SchedulePublisher publisher;
    private final StationMonitor monitor;
    private final EventAcknowledger acknowledger;
    private final ScheduleCompiler compiler;
    private final Topics topics;
    private final AlertService alerts;
    private final HealthMonitor health;
    private final StationCommands commands;
    private final TelemetryHistory history;
    private final SpokenClipSweep spokenClips;
    /** The stations' broker accounts: always with the embedded broker; on an external Mosquitto if asked to keep them. */
    private final BrokerAccounts accounts;
    /** Made once the link exists (its notifier publishes on it); read by the API and the upkeep. */
    private final java.util.concurrent.atomic.AtomicReference<Incidents> incidents =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final ScheduledExecutorService nightly = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "nightly-compile");
        t.setDaemon(true);
        return t;
    });
    /** Judges stations after news from them and publishes their health: never on Paho's callback thread. */
    private final java.util.concurrent.ExecutorService healthOut = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "health");
        t.setDaemon(true);
        return t;
    });
    /** Alerts' re-sends and expiry, on a thread of their own: never behind the nightly compile. */
    private final ScheduledExecutorService alertUpkeep = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "alert-upkeep");
        t.setDaemon(true);
        return t;
    });
    private volatile List<String> programProblems = List.of();
    private static final Duration SWEEP_EVERY = Duration.ofHours(1);
    /** Touched by the upkeep thread only. */
    private Instant lastSweep;
    private long lastVersion;

    private Controller(ControllerConfig config, Clock clock, PasswordHasher hasher, Supplier<String> adminPassword,
                       PrintStream console) throws IOException {
        config.requireConsistent();
        this.config = config;
        this.clock = clock;
        this.keys = Ed25519Keys.loadOrCreate(signingKeyFile(config.dataDir()));
        // Whatever is open when start-up fails is closed again, last opened first.
        Deque<AutoCloseable> opened = new ArrayDeque<>();
        SqliteEventLog eventLog;
        try {
            this.store = Store.open(config.store());
            opened.push(store);
            AuditLog audit = new AuditLog(clock);
            Path seedFile = config.communeFile();
            if (seedFile != null && !java.nio.file.Files.exists(seedFile)) {
                // A unit file that still names the first start's file must not stop a later start: the store is the record.
                log.warn("The commune file {} does not exist; the controller starts from its store", seedFile);
                seedFile = null;
            }
            CommuneFile seed = seedFile == null ? null : CommuneFile.read(seedFile);
            this.directory = Directory.open(store, audit, clock, seedFile, seed,
                    seedFile == null ? null : ContentHash.sha256(seedFile));
            CommuneFile commune = directory.current();
            this.keyId = commune.commune().id() + "-" + fingerprint(keys);
            this.library = LibraryCatalog.open(store, config.contentDir(), commune.commune().targetLufs(), audit, clock,
                    config.storage());
            if (seed != null && directory.librarySeedPending()) {
                Path base = seedFile.toAbsolutePath().getParent();
                seed.library().forEach(e -> library.importEntry("system", e, base.resolve(e.file()).normalize()));
                directory.librarySeeded();
            }
            this.broker = config.embeddedBroker()
                    ? EmbeddedBroker.start(config.mqttHost(), config.mqttPort(), new Topics(config.topicRoot())) : null;
            if (broker != null) {
                opened.push(broker);
            }
            eventLog = new SqliteEventLog(store, clock);
            UserDirectory users = new UserDirectory(store, hasher, audit, clock, directory::villageIds);
            // Before the port opens: nobody could log in to a controller without users.
            users.ensureFirstAdmin(adminPassword, console);
            // Read lazily: the monitor and the publisher are made below, once the port is known.
            StationStatus stations = new StationStatus(directory::current, this::stationState, this::publishedVersions,
                    eventLog::acceptedVersions);
            ScheduleView schedules = new ScheduleView() {
                @Override
                public Map<String, Schedule> published() {
                    return schedules();
                }

                @Override
                public List<String> problems() {
                    return programProblems;
                }
            };
            this.topics = new Topics(config.topicRoot());
            // One signer for every topic, its sequence kept in the store: see EnvelopeSigner.
            this.signer = new EnvelopeSigner(keyId, keys.getPrivate(), clock, new StoredSequenceFloor(store, clock));
            this.commands = new StationCommands(store, audit, clock, directory::current, topics, signer,
                    this::publishAlert);
            this.history = new TelemetryHistory(store, clock);
            if (broker != null) {
                // The embedded broker's accounts live in the store and in memory, no file; the controller's own
                // password is new at each start, as nobody but this process ever uses it.
                this.accounts = new BrokerAccounts(store, audit, clock, directory::current, topics, null,
                        EMBEDDED_CONTROLLER_USER, embeddedControllerPassword);
                accounts.onChange(broker::accountsChanged);
            } else {
                this.accounts = config.brokerAccounts() == null ? null : new BrokerAccounts(store, audit, clock,
                        directory::current, topics, config.brokerAccounts(), config.username(), config.password());
            }
            this.health = new HealthMonitor(topics, clock, directory::current, this::stationState, this::scheduleOf,
                    eventLog::sessionsHeard, refusals);
            health.keepIn(history);
            // The link and the content address are known only once the HTTP port is open: reached through methods.
            this.alerts = new AlertService(store, audit, clock, directory::current, library.index()::byId,
                    this::contentBase, topics, signer, this::publishAlert);
            alerts.speakWith(new SpokenText(new EspeakSpeechEngine(), library, config.dataDir().resolve("speech")));
            this.spokenClips = new SpokenClipSweep(library, directory::current, alerts, clock);
            ApiRoutes.Sources api = new ApiRoutes.Sources(new Sessions(store, users, clock), users, directory, library,
                    stations, eventLog, new PlayReports(store, commune.commune().zone()), schedules, alerts,
                    new CapIntake(store, audit, clock, new CapMapping(CapPolicy.DEFAULT, clock), alerts, directory::current),
                    health, () -> incidents.get() == null ? List.of() : incidents.get().recent(200), commands, history,
                    store, clock, new ApiRoutes.Enrolment(accounts, topics.root(), keyId,
                    Ed25519Keys.publicPem(keys.getPublic())));
            try {
                // Stations told to fetch in clear (the default on one machine) are served in clear.
                boolean contentInClear = config.publicUrl() == null || "http".equalsIgnoreCase(config.publicUrl().getScheme());
                this.http = HttpServer.start(config.httpHost(), config.httpPort(), config.https(), contentInClear,
                        config.storage().uploadBytes(),
                        List.of(app -> ContentServer.mount(app, library.index()), app -> ApiRoutes.mount(app, api)));
            } catch (RuntimeException e) {
                throw new IOException("HTTP server cannot listen on " + config.httpHost() + ":" + config.httpPort()
                        + ": " + e.getMessage(), e);
            }
            opened.push(http);
        } catch (IOException | RuntimeException e) {
            opened.forEach(Controller::closeQuietly);
            throw e;
        }
        this.compiler = new ScheduleCompiler(directory::current, library.index(), contentBase());
        directory.checkProgramsWith((before, after) -> compiler.newProblems(before, after, clock.instant()));
        StationIntake intake = new StationIntake(topics, directory::stationIds, refusals);
        this.monitor = new StationMonitor(topics, directory::stationIds, eventLog, refusals);
        if (broker != null) {
            // Its client id is its user name's (BrokerGate.ownerOf): no station can take it over.
            this.link = new ControllerLink(broker.url(), "loalang-" + EMBEDDED_CONTROLLER_USER, EMBEDDED_CONTROLLER_USER,
                    embeddedControllerPassword, null);
        } else {
            this.link = new ControllerLink(config.brokerUrl(), "loalang-controller-" + directory.current().commune().id(),
                    config.username(), config.password(),
                    config.mqttCa() == null ? null : vn.loalang.protocol.tls.BrokerTrust.socketFactory(config.mqttCa()));
        }
        this.publisher = new SchedulePublisher(link, signer, topics, store, clock);
        // Versions keep increasing across restarts even if the server clock was set back.
        this.lastVersion = publisher.current().values().stream().mapToLong(Schedule::version).max().orElse(0);
        this.acknowledger = new EventAcknowledger(link, signer, topics, clock);
        monitor.onAcknowledge(acknowledger);
        // Every station message passes the intake first: its topic, its size and its station's rate.
        link.subscribe(topics.allStations(Topics.StationLeaf.STATE), intake.guard(StationIntake.Kind.STATE, (topic, raw) -> {
            monitor.handleState(topic, raw);
            topics.stationOf(topic).ifPresent(health::refresh);
        }));
        link.subscribe(topics.allStations(Topics.StationLeaf.EVENT), intake.guard(StationIntake.Kind.EVENT, monitor::handleEvent));
        link.subscribe(topics.allStations(Topics.StationLeaf.TELEMETRY), intake.guard(StationIntake.Kind.TELEMETRY, health::handleTelemetry));
        // Retained: a console or a bot that subscribes later sees each station's state at once. From a
        // thread of its own: a change is often found on Paho's callback thread, and a blocking publish
        // there waits for an acknowledgement that this same thread would have to deliver.
        health.judgeOn(healthOut);
        health.onChange(h -> healthOut.execute(() -> publishHealth(h)));
        link.onConnected(() -> healthOut.execute(() -> health.lastTold().forEach(this::publishHealth)));
        List<java.util.function.Consumer<Incidents.Incident>> notifiers = new ArrayList<>();
        // On the broker too, so that a chat bot or an SMS gateway can subscribe instead of being called.
        notifiers.add(i -> {
            try {
                link.publish(topics.incidents(), Json.write(i), false);
            } catch (Exception e) {
                log.warn("Incident {} not published on the broker: {}", i.id(), e.getMessage());
            }
        });
        if (config.webhook() != null) {
            notifiers.add(new WebhookNotifier(config.webhook()));
        }
        this.incidents.set(new Incidents(store, clock, notifiers));
        String controllerBoot = java.util.UUID.randomUUID().toString();
        link.presence(topics.controllerState(),
                Json.write(ControllerPresence.online(controllerBoot, directory.current().commune().id())),
                Json.write(ControllerPresence.offline(controllerBoot)));
        link.onConnected(publisher::republishAll);
        link.onConnected(alerts::republishActive);
        monitor.onEvent(alerts::onEvent);
        monitor.onEvent(commands::onEvent);
        monitor.onEvent(e -> health.refresh(e.stationId()));
        directory.onChange(changed -> {
            library.retarget(changed.commune().targetLufs());
            recompile();
        });
        if (accounts != null) {
            // Before the first connect: the broker's files match the store whatever happened while it was down.
            accounts.directoryChanged(directory.current());
            directory.onChange(accounts::directoryChanged);
        }
        library.onChange(this::recompile);
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
            c.link.connect();
            c.recompile();
            c.scheduleNightly();
            c.alertUpkeep.scheduleWithFixedDelay(c::alertTick, 2, 2, TimeUnit.SECONDS);
            c.alertUpkeep.scheduleWithFixedDelay(c::healthTick, 5, 5, TimeUnit.SECONDS);
            c.alertUpkeep.scheduleWithFixedDelay(c::downsample, 1, 60, TimeUnit.MINUTES);
            c.alertUpkeep.scheduleWithFixedDelay(c::libraryUpkeep, 1, 60, TimeUnit.SECONDS);
        } catch (InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
        CommuneFile commune = c.directory.current();
        log.info("Controller for {} ({}) running: {} village(s), {} station(s), {} library item(s), signing key {}",
                commune.commune().name(), commune.commune().id(), commune.villages().size(),
                commune.stations().size(), c.library.index().items().size(), c.keyId);
        return c;
    }

    /** Compiles and publishes what changed. Problems are logged and kept; stations keep their last good schedule. */
    public synchronized List<String> recompile() {
        Instant now = clock.instant();
        lastVersion = Math.max(lastVersion + 1, now.toEpochMilli());
        CommuneFile commune = directory.current();
        // Before compiling: a decommissioned station must fall silent even while the program has a problem.
        publisher.retire(directory.stationIds(), lastVersion, Duration.ofDays(commune.commune().horizonDays()));
        try {
            Map<String, Schedule> schedules = compiler.compile(commune, now, lastVersion);
            int sent = publisher.publish(schedules);
            programProblems = List.of();
            log.info("Program compiled: {} schedule(s), {} published", schedules.size(), sent);
        } catch (ProgramException e) {
            programProblems = e.problems();
            log.error("Program not published; stations keep their last schedule. {}", e.getMessage());
        }
        return programProblems;
    }

    /** How stations reach the content server: the public URL, or this machine's HTTP port. */
    private URI contentBase() {
        return config.publicUrl() != null ? config.publicUrl() : URI.create("http://127.0.0.1:" + http.port());
    }

    private void publishAlert(String topic, byte[] payload, boolean retained) throws Exception {
        link.publish(topic, payload, retained);
    }

    private void alertTick() {
        try {
            alerts.tick();
        } catch (RuntimeException e) {
            log.error("Alert upkeep failed ({}); trying again in 2 s", e.toString(), e);
        }
    }

    private void healthTick() {
        try {
            incidents.get().update(health.rows());
        } catch (RuntimeException e) {
            log.error("Health upkeep failed ({}); trying again in 5 s", e.toString(), e);
        }
    }

    private void downsample() {
        try {
            history.downsample();
        } catch (RuntimeException e) {
            log.error("Telemetry history upkeep failed ({}); trying again in an hour", e.toString(), e);
        }
    }

    /** Each minute: the library's disk checked; each hour: expired spoken alert clips swept. */
    private void libraryUpkeep() {
        try {
            library.checkDisk();
            Instant now = clock.instant();
            if (lastSweep == null || !now.isBefore(lastSweep.plus(SWEEP_EVERY))) {
                lastSweep = now;
                sweepSpokenClips();
            }
        } catch (RuntimeException e) {
            log.error("Library upkeep failed ({}); trying again in a minute", e.toString(), e);
        }
    }

    /** Removes the expired spoken alert clips that no program and no live alert uses; returns their ids. */
    public List<String> sweepSpokenClips() {
        return spokenClips.sweep();
    }

    public Incidents incidents() {
        return incidents.get();
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

    private void scheduleNightly() {
        ZoneId zone = directory.current().commune().zone();
        Instant now = clock.instant();
        Instant next = LocalDate.ofInstant(now, zone).plusDays(1).atTime(0, 1).atZone(zone).toInstant();
        nightly.schedule(() -> {
            recompile();
            scheduleNightly();
        }, Duration.between(now, next).toMillis(), TimeUnit.MILLISECONDS);
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

    private Optional<StationState> stationState(String stationId) {
        StationMonitor m = this.monitor;
        return m == null ? Optional.empty() : m.state(stationId);
    }

    private Map<String, Long> publishedVersions() {
        SchedulePublisher p = this.publisher;
        Map<String, Long> out = new java.util.HashMap<>();
        if (p != null) {
            p.current().forEach((station, schedule) -> out.put(station, schedule.version()));
        }
        return out;
    }

    public StationMonitor monitor() {
        return monitor;
    }

    public Map<String, Schedule> schedules() {
        SchedulePublisher p = this.publisher;
        return p == null ? Map.of() : p.current();
    }

    /** A station's health, retained; one not published now (no broker) goes out again after the next connect. */
    private void publishHealth(Health h) {
        try {
            link.publish(topics.health(h.stationId()), Json.write(h), true);
        } catch (Exception e) {
            log.warn("Health of station {} ({}) not published on the broker now ({}); it is sent after reconnecting",
                    h.stationId(), h.state(), e.getMessage());
        }
    }

    private Schedule scheduleOf(String stationId) {
        SchedulePublisher p = this.publisher;
        return p == null ? null : p.current(stationId);
    }

    public List<String> programProblems() {
        return programProblems;
    }

    /** The commune as it is now. */
    public CommuneFile commune() {
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
        alertUpkeep.shutdownNow();
        healthOut.shutdownNow();
        nightly.shutdownNow();
        acknowledger.close();
        link.close();
        http.close();
        if (broker != null) {
            broker.close();
        }
        // Last: nothing above can still write to it.
        store.close();
        log.info("Controller for {} stopped", directory.current().commune().id());
    }
}
