package vn.loalang.agent;

import vn.loalang.agent.audio.AudioConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.alert.AlertKeeper;
import vn.loalang.agent.live.LiveSource;
import vn.loalang.agent.live.LiveStates;
import vn.loalang.agent.live.LiveStreamReader;
import vn.loalang.agent.talk.TalkKeeper;
import vn.loalang.agent.command.CommandHandler;
import vn.loalang.agent.telemetry.HostReadings;
import vn.loalang.agent.telemetry.TelemetryReporter;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.station.Telemetry;
import vn.loalang.agent.alert.BuiltinClips;
import vn.loalang.agent.audio.AudioSink;
import vn.loalang.agent.audio.JavaSoundSink;
import vn.loalang.agent.audio.WavFileSink;
import vn.loalang.agent.clock.ClockOffsetMonitor;
import vn.loalang.agent.clock.SimulatedTimeSync;
import vn.loalang.agent.clock.StationClock;
import vn.loalang.agent.clock.TimeSync;
import vn.loalang.agent.clock.TimedatectlSync;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.agent.content.ContentPrefetcher;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.link.MqttLink;
import vn.loalang.agent.playout.Level;
import vn.loalang.agent.playout.PlayoutScheduler;
import vn.loalang.agent.playout.Program;
import vn.loalang.agent.playout.SessionPlayer;
import vn.loalang.agent.playout.SinkWatchdog;
import vn.loalang.agent.relay.Amplifiers;
import vn.loalang.agent.relay.Pi4jRelayBank;
import vn.loalang.agent.relay.RelayBank;
import vn.loalang.agent.schedule.ScheduleKeeper;
import vn.loalang.agent.systemd.Liveness;
import vn.loalang.agent.trust.SignedInbox;
import vn.loalang.agent.trust.TrustGate;
import vn.loalang.audio.PcmFormat;
import vn.loalang.audio.Tones;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.station.ClockTrust;
import vn.loalang.protocol.station.ControllerPresence;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.signing.EnvelopeVerifier;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * One station: the parts wired together and started in the order that keeps the amplifiers safe
 * (relays OFF first, the link last) and stopped in the reverse order (relays OFF last).
 */
public final class StationAgent implements AutoCloseable, Liveness {
    private static final Logger log = LoggerFactory.getLogger(StationAgent.class);

    private final AgentConfig config;
    /** The one owner of the relays: the bank given to the constructor goes to it and nowhere else. */
    private final Amplifiers amplifiers;
    private final EventOutbox events;
    private final ScheduleKeeper schedules;
    private final ContentPrefetcher prefetcher;
    private final PlayoutScheduler playout;
    private final MqttLink link;
    private final StationPresence presence;
    private final TrustGate gate;
    private final Level level;
    private final SinkWatchdog watchdog;
    private final AlertKeeper alerts;
    /** Issue 17: live relays and talks (the live player's streams, and the village's talks). */
    private final LiveSource live;
    private final TalkKeeper talks;
    private final TelemetryReporter telemetry;
    private final HostReadings host = HostReadings.system();
    private volatile String lastItem;
    private volatile Runnable restartHook;
    private volatile String controllerBoot = "";
    private volatile java.time.Instant lastItemAt;
    private final ClockOffsetMonitor clockOffset;
    private final AudioSink sink;
    private volatile boolean reported;
    private volatile java.util.function.Consumer<vn.loalang.protocol.station.Command> updateHook;
    /** What time it is and whether it can be trusted: every part reads the time from it. */
    private final StationClock clock;

    private StationAgent(AgentConfig config, Clock hostClock, TimeSync ntp, RelayBank relays, AudioSink sink)
            throws IOException {
        this.config = config;
        this.sink = sink;
        String id = config.stationId();
        StationClock clock = new StationClock(id, hostClock, ntp, config.clock().rtc(), this::recordEvent);
        this.clock = clock;
        Topics topics = config.topics();
        Path data = config.dataDir();
        this.events = new EventOutbox(data.resolve("events"), id, clock, config.ackTimeout());
        this.amplifiers = new Amplifiers(id, relays, config.relaySequence(), events::record);
        EnvelopeVerifier verifier = new EnvelopeVerifier(config.publicKeys(), clock,
                Duration.ofSeconds(config.maxClockSkewSeconds()));
        this.gate = new TrustGate(id, verifier, data.resolve("state"), events, clock);
        // The Pi's own clock against the controller's, for the technician: not the corrected one.
        this.clockOffset = new ClockOffsetMonitor(id, hostClock, config.clock().maxOffset(), events);
        gate.onControllerTime(clockOffset::observe);
        // A receipt or command is signed as it is sent: a recent lower bound that sets right a clock taken from
        // the controller's retained time, which may be one renewal old (decision 0021, "Closing the gaps").
        gate.onTimeSignedWhenSent(clock::lowerBound);
        // Every signed topic comes in through the one inbox: admitted, for this station, then handed on.
        SignedInbox inbox = new SignedInbox(id, topics, gate, events);
        this.schedules = new ScheduleKeeper(id, topics.schedule(id), verifier, data.resolve("state"), events);
        // The commune's CA vouches for the controller's HTTPS as for the broker: content may come over https://.
        ContentCache cache = new ContentCache(id, data.resolve("cache"), config.cache().maxBytes(), clock,
                config.caFile() == null ? null : vn.loalang.protocol.tls.BrokerTrust.context(config.caFile()));
        AudioConfig audio = config.audio();
        this.watchdog = new SinkWatchdog(id, amplifiers, events, clock,
                Duration.ofMillis(config.playout().stallTimeoutMillis()), System::nanoTime);
        // The installer's trim, the technician's station volume from the signed schedule, each session's own.
        this.level = new Level(id, audio.volumeDb(), () -> schedules.current().map(Schedule::stationVolume).orElse(0.0),
                audio.outputLevel(id));
        SessionPlayer player = new SessionPlayer(id, amplifiers, sink, cache, events, clock, config.tail(), new PcmFormat(audio.sampleRate(), audio.channels()), level, watchdog);
        // Issue 17: live items stream with the station's broker account, over TLS trusting the commune's CA only.
        LiveStates liveStates = new LiveStates(id);
        this.live = new LiveSource(id, new LiveStreamReader.Account(config.username(), config.password()),
                config.caFile() == null ? null : vn.loalang.protocol.tls.BrokerTrust.context(config.caFile()), liveStates);
        player.playingLive(live);
        this.playout = new PlayoutScheduler(id, schedules, player, events, clock, data.resolve("state"),
                config.playout().resume());
        PcmFormat output = new PcmFormat(audio.sampleRate(), audio.channels());
        BuiltinClips builtins = BuiltinClips.prepare(id, cache, Tones.siren(output), Tones.alertChime(output));
        // Scheduled content on air is pinned by the prefetcher itself; what else the playout holds (a
        // warning's or an emergency's clip, a pre-empted program) and the built-in clips stay too.
        this.prefetcher = new ContentPrefetcher(id, cache, events, clock,
                sha256 -> builtins.holds(sha256) || playout.holds(sha256));
        this.presence = new StationPresence(id, topics.state(id), version(), clock);
        this.link = new MqttLink("station-" + id, config.brokerUrl(), config.username(), config.password(),
                config.caFile() == null || !config.brokerUrl().startsWith("ssl://") ? null
                        : vn.loalang.protocol.tls.BrokerTrust.socketFactory(config.caFile()),
                config.reconnect(), presence);
        this.alerts = new AlertKeeper(id, topics, inbox, cache, builtins, new AlertKeeper.Line() {
            @Override
            public void submit(Program program) {
                playout.submit(program);
            }

            @Override
            public boolean cancel(String programId) {
                return playout.cancel(programId);
            }
        }, new AlertKeeper.Subscriptions() {
            @Override
            public void subscribe(String topic, java.util.function.BiConsumer<String, byte[]> handler) {
                link.subscribe(topic, handler);
            }

            @Override
            public void unsubscribe(String topic) {
                link.unsubscribe(topic);
            }
        }, events, clock, data.resolve("state").resolve("alert-village"));
        // Issue 17: the village's live talks go on the line at LIVE priority, as alerts do at theirs.
        this.talks = new TalkKeeper(id, topics, inbox, liveStates, cache,
                () -> builtins.preamble(vn.loalang.protocol.alert.AlertPreamble.CHIME), new TalkKeeper.Line() {
            @Override
            public void submit(Program program) {
                playout.submit(program);
            }

            @Override
            public boolean cancel(String programId) {
                return playout.cancel(programId);
            }
        }, new TalkKeeper.Subscriptions() {
            @Override
            public void subscribe(String topic, java.util.function.BiConsumer<String, byte[]> handler) {
                link.subscribe(topic, handler);
            }

            @Override
            public void unsubscribe(String topic) {
                link.unsubscribe(topic);
            }
        }, events, clock);
        java.util.function.BiConsumer<String, byte[]> liveStateInbound = inbox.liveStates(liveStates);
        link.subscribe(topics.allLiveStates(), (topic, raw) -> {
            if (raw.length == 0) {
                liveStates.cleared(topics, topic); // the channel is no longer in use
            } else {
                liveStateInbound.accept(topic, raw);
            }
        });
        this.telemetry = new TelemetryReporter(id, () -> snapshot(cache, clock), this::sendTelemetry,
                config.telemetry().interval(), config.telemetry().look());
        events.onRecord(e -> {
            switch (e.type()) {
                case ITEM_FINISHED -> {
                    lastItem = e.contentId();
                    lastItemAt = e.at();
                }
                case SESSION_STARTED, SESSION_FINISHED, SESSION_PREEMPTED, OUTPUT_STALLED, RELAY_SENSE_MISMATCH ->
                        telemetry.changed();
                default -> {
                }
            }
        });
        CommandHandler commands = new CommandHandler(id, events, clock,
                builtins.testTones(cache, output), builtins.silences(cache, output),
                new CommandHandler.Station() {
                    @Override
                    public void submit(Program program) {
                        playout.submit(program);
                    }

                    @Override
                    public void resync() {
                        schedules.current().ifPresent(prefetcher::scheduleChanged);
                    }

                    @Override
                    public boolean supervised() {
                        return restartHook != null;
                    }

                    @Override
                    public void restart() {
                        Runnable hook = restartHook;
                        // Not on the MQTT thread that delivered the command: closing the link from it would deadlock.
                        Thread t = new Thread(hook, "restart-" + id);
                        t.start();
                    }

                    @Override
                    public boolean update(vn.loalang.protocol.station.Command command) {
                        var hook = updateHook;
                        if (hook != null) {
                            hook.accept(command);
                        }
                        return hook != null;
                    }
                });
        link.subscribe(topics.command(id), inbox.commands(commands));
        // A controller that (re)starts hears from every station at once, not an interval later.
        link.subscribeNotingRetained(topics.controllerState(), (topic, payload, retained) -> {
            try {
                ControllerPresence state = Json.read(payload, ControllerPresence.class);
                if (state.presence() == Presence.ONLINE && state.clock() != null) {
                    gate.controllerTime(topic, state.clock()).ifPresent(signedAt -> {
                        clock.controllerTime(signedAt);
                        // A renewal heard as it is published is as recent as a receipt: a sample for the
                        // technician's offset too. The retained copy may have waited a renewal: not one.
                        if (!retained) {
                            clockOffset.observe(signedAt);
                        }
                    });
                }
                if (state.presence() == Presence.ONLINE && !state.bootId().equals(controllerBoot)) {
                    controllerBoot = state.bootId();
                    telemetry.changed();
                }
            } catch (MalformedMessageException | RuntimeException e) {
                log.debug("Station {} ignores an unreadable controller state: {}", id, e.toString());
            }
        });
        link.subscribe(topics.schedule(id), inbox.schedules(schedules));
        // A receipt lets the outbox forget the events it covers.
        link.subscribe(topics.ack(id), inbox.receipts(receipt -> events.acknowledge(receipt.body())));
        link.onConnected(events::linkRestored);
        // The controller hears how the station is as soon as it can, not an interval later.
        link.onConnected(telemetry::changed);
        schedules.onChange(prefetcher::scheduleChanged);
        // The village comes with the schedule: a station moved to another village follows its alerts.
        schedules.onChange(s -> alerts.zone(s.zone()));
        schedules.current().ifPresent(s -> alerts.zone(s.zone()));
        schedules.onChange(s -> talks.zone(s.zone()));
        schedules.current().ifPresent(s -> talks.zone(s.zone()));
        // Until the clock is trusted only emergencies sound; once it is, what was refused by the wrong clock
        // is asked for again (the stored schedule, the retained schedule, alerts and commands).
        playout.sessionsOnlyWhen(clock::trusted);
        clock.onTrusted(playout::wake);
        clock.onTrusted(schedules::reloadIfNone);
        clock.onTrusted(link::resubscribeAll);
        // The technician sees at once that the station trusts its clock again (and by what).
        clock.onTrusted(telemetry::changed);
    }

    /** Starts a station from its config, with the relays and sound output the config names. */
    public static StationAgent start(AgentConfig config, Clock clock) throws IOException {
        return start(config, clock, new TimedatectlSync(config.stationId()),
                Pi4jRelayBank.fromConfig(config.stationId(), config.gpio()), sinkFor(config, clock));
    }

    /**
     * Starts a station on the given hardware edge (tests watch the relays and the rendered sound), its
     * clock taken as set by NTP: the clock a test gives is the time it means.
     */
    public static StationAgent start(AgentConfig config, Clock clock, RelayBank relays, AudioSink sink) throws IOException {
        return start(config, clock, new SimulatedTimeSync(true), relays, sink);
    }

    /** Starts a station on the given hardware edge, with {@code ntp} telling whether the host clock has been set. */
    public static StationAgent start(AgentConfig config, Clock clock, TimeSync ntp, RelayBank relays, AudioSink sink)
            throws IOException {
        try {
            StationAgent agent = new StationAgent(config, clock, ntp, relays, sink);
            agent.startParts();
            return agent;
        } catch (IOException | RuntimeException e) {
            relays.close();
            throw e;
        }
    }

    private void startParts() {
        amplifiers.off(null);
        events.start(new EventOutbox.Sender() {
            @Override
            public boolean ready() {
                return link.isReady();
            }

            @Override
            public void send(vn.loalang.protocol.station.StationEvent event) throws Exception {
                link.publish(config.topics().event(config.stationId()), Json.write(event), false);
            }
        });
        clock.start();
        schedules.current().ifPresent(prefetcher::scheduleChanged);
        prefetcher.start();
        watchdog.start();
        playout.start();
        telemetry.start();
        link.start();
        log.info("Station {} started (agent {}, boot {}), broker {}", config.stationId(), version(),
                presence.bootId(), config.brokerUrl());
    }

    public static AudioSink sinkFor(AgentConfig config, Clock clock) throws IOException {
        AudioConfig audio = config.audio();
        return audio.sink().equals("wav") ? new WavFileSink(audio.wavDir(), clock) : new JavaSoundSink(audio.device(), clock);
    }

    public String stationId() {
        return config.stationId();
    }

    public Optional<Schedule> schedule() {
        return schedules.current();
    }

    public boolean connected() {
        return link.isConnected();
    }

    /** Connected, with every subscription made: a message published from now on arrives live, not as a retained copy. */
    public boolean linkReady() {
        return link.isReady();
    }

    public long connects() {
        return link.connects();
    }

    public int pendingEvents() {
        return events.pendingCount();
    }

    /** Puts a warning or an emergency on the line (pre-empting a session); see {@link PlayoutScheduler#submit}. */
    public void submit(Program program) {
        playout.submit(program);
    }

    public boolean cancel(String programId) {
        return playout.cancel(programId);
    }

    /** For the clock, made before the outbox that stamps events with its time. */
    private void recordEvent(vn.loalang.protocol.station.StationEvent.Draft draft) {
        events.record(draft);
    }

    /** Whether the station's time can be trusted (RTC, NTP or the controller's signed time), and from which. */
    public StationClock.Source clockSource() {
        return clock.source();
    }

    /** What the station adds to the Pi's clock: the controller's time minus the Pi's while it runs on it, else zero. */
    public Duration clockCorrection() {
        return clock.correction();
    }

    /** The controller's clock minus the station's, once enough messages have come to tell. */
    public Optional<Duration> clockOffset() {
        return clockOffset.offset();
    }

    /**
     * True while every part that keeps the station working runs; the link counts even while it is
     * disconnected, since playing without a link is normal. A thread ending by an exception already
     * stops the agent (see Main); this catches the ones that end quietly.
     */
    @Override
    public boolean alive() {
        return prefetcher.alive() && events.alive() && link.alive() && playout.alive();
    }

    /** What a technician's RESTART runs (Main: close and exit, for systemd to start a fresh agent). */
    public void onRestart(Runnable hook) {
        this.restartHook = hook;
    }

    /** Who carries out an UPDATE (Main: the updater, {@code vn.loalang.agent.update.Updates}). */
    public void onUpdate(java.util.function.Consumer<vn.loalang.protocol.station.Command> hook) {
        this.updateHook = hook;
    }

    /** Records an event in the station's journal, to be sent to the controller. */
    public void record(vn.loalang.protocol.station.StationEvent.Draft event) {
        events.record(event);
    }

    /** Whether a health report reached the broker since this agent started. */
    public boolean reported() {
        return reported;
    }

    /**
     * What a newly installed version checks before it is kept: every relay reads and is OFF (nothing
     * plays during the check), and the sound output opens. Empty when all is well.
     */
    public java.util.List<String> selfTest() {
        java.util.List<String> problems = new java.util.ArrayList<>();
        java.util.Map<String, Boolean> relays = amplifiers.channels();
        if (relays.size() != config.gpio().relays().size()) {
            problems.add("relays read " + relays.keySet() + ", the config names " + config.gpio().relays().size());
        }
        amplifiers.sensed(); // readable: throws if the sense inputs cannot be read
        if (amplifiers.isOn()) {
            return problems; // a session is on: the relays are not expected OFF and the output is in use
        }
        relays.forEach((name, on) -> {
            if (on) {
                problems.add("relay " + name + " is ON while nothing plays");
            }
        });
        try (AudioSink.Output out = sink.open(new PcmFormat(config.audio().sampleRate(), config.audio().channels()),
                "self-test")) {
            log.debug("Station {} self-test: sound output opened at {}", config.stationId(), out.openedAt());
        } catch (IOException | RuntimeException e) {
            problems.add("the sound output does not open: " + e.getMessage());
        }
        return problems;
    }

    /** The health snapshot: the host's readings, and what the station's parts know of themselves. */
    private Telemetry snapshot(ContentCache cache, Clock clock) {
        java.time.Instant now = clock.instant();
        java.util.Map<String, Boolean> relayStates = amplifiers.channels();
        java.util.List<String> notReady = new java.util.ArrayList<>();
        schedules.current().ifPresent(s -> s.upcoming(now).stream().limit(2).forEach(session -> session.items().stream()
                .flatMap(ContentPrefetcher::files).filter(item -> !cache.has(item.sha256())).forEach(item -> notReady.add(session.id() + "/"
                        + item.contentId()))));
        return new Telemetry(SchemaVersion.CURRENT, config.stationId(), presence.bootId(), version(), now,
                host.uptimeSeconds().orElse(0L), host.cpuTemperatureC().orElse(null), host.load1().orElse(null),
                host.memoryAvailableMb().orElse(null), HostReadings.diskFreeMb(config.dataDir()).orElse(null),
                host.link(), host.wifiSignalDbm().orElse(null),
                clockOffset.offset().map(Duration::toMillis).orElse(null), relayStates, amplifiers.sensed(),
                watchdog.tripped() ? "stalled" : amplifiers.isOn() ? "playing" : "idle", notReady.isEmpty(), notReady,
                Math.max(0, link.connects() - 1), lastItem, lastItemAt, schedules.current().map(Schedule::version)
                .orElse(null), (int) (config.telemetry().intervalSeconds() + config.telemetry().lookSeconds()),
                new ClockTrust(this.clock.trusted(), this.clock.source().name(), this.clock.correction().toMillis()),
                level.stationDb(), level.onAirDb(), live.describe().orElse(null));
    }

    private void sendTelemetry(Telemetry t) {
        if (link.isConnected()) {
            try {
                link.publish(config.topics().telemetry(config.stationId()), Json.write(t), false);
                reported = true;
            } catch (Exception e) {
                log.debug("Station {} telemetry not sent: {}", config.stationId(), e.getMessage());
            }
        }
    }

    /** Switches every relay OFF at once, whatever is playing ({@link Amplifiers#failSafe}): for errors nothing else handled. */
    public void failSafe() {
        amplifiers.failSafe();
    }

    public static String version() {
        String v = StationAgent.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public void close() {
        log.info("Station {} stopping", config.stationId());
        try {
            telemetry.close();
            alerts.close();
            talks.close();
            playout.close();
            watchdog.close();
            prefetcher.close();
            link.close();
            clock.close();
            gate.close();
            events.close();
        } finally {
            amplifiers.close();
            log.info("Station {} stopped; relays OFF", config.stationId());
        }
    }
}
