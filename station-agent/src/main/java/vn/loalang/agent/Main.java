package vn.loalang.agent;

import vn.loalang.agent.audio.AudioConfig;
import vn.loalang.agent.clock.ClockConfig;
import vn.loalang.agent.relay.GpioConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.relay.Pi4jRelayBank;
import vn.loalang.agent.systemd.FailSafeExit;
import vn.loalang.agent.systemd.RelaysOff;
import vn.loalang.agent.systemd.SystemdNotify;
import vn.loalang.agent.systemd.SystemdWatchdog;
import vn.loalang.agent.update.UpdateConfig;
import vn.loalang.agent.update.UpdateFiles;
import vn.loalang.agent.update.Updates;
import vn.loalang.protocol.config.CommandLine;
import vn.loalang.protocol.config.OptionException;
import vn.loalang.protocol.config.OptionText;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar loalang-station-agent.jar --config station.json [--simulate] [--relays-off] [--exit-with-parent]};
 * the options are {@link AgentCommandLine}'s.
 */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (AgentCommandLine.asksForHelp(args)) {
            System.out.print(AgentCommandLine.USAGE);
            return;
        }
        CommandLine line;
        Path configFile;
        try {
            line = CommandLine.read(args, AgentCommandLine.ALL);
            if (line.get(AgentCommandLine.VERSION)) {
                System.out.println(AgentCommandLine.PROGRAM + " " + StationAgent.version());
                return;
            }
            configFile = line.get(AgentCommandLine.CONFIG);
        } catch (OptionException e) {
            // A value that breaks its option's rule, or no --config: the rule and an example say all.
            System.err.println(OptionText.refusal(AgentCommandLine.PROGRAM, e));
            System.exit(2);
            return;
        } catch (IllegalArgumentException e) {
            // An unknown option or a word out of place: one line, then the usage.
            System.err.println(e.getMessage() + "\n\n" + AgentCommandLine.USAGE);
            System.exit(2);
            return;
        }
        boolean simulate = line.get(AgentCommandLine.SIMULATE);
        boolean relaysOff = line.get(AgentCommandLine.RELAYS_OFF);
        boolean exitWithParent = line.get(AgentCommandLine.EXIT_WITH_PARENT);
        boolean warmTls = line.get(AgentCommandLine.WARM_TLS);
        AgentConfig config;
        UpdateConfig updateConfig;
        try {
            config = AgentConfig.read(configFile);
            updateConfig = UpdateConfig.read(configFile);
        } catch (java.io.IOException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (simulate) {
            config = simulated(config);
        } else if (!relaysOff && !StationHardware.problems(config).isEmpty()) {
            // No silent fallback to simulation on a pole: the technician fixes the config or says --simulate.
            System.err.println("station config " + configFile + " is not usable without --simulate: "
                    + String.join("; ", StationHardware.problems(config)));
            System.exit(2);
            return;
        } else if (!relaysOff) {
            for (String warning : StationHardware.warnings(config)) {
                log.warn("Station {} config {}: {}", config.stationId(), configFile, warning);
            }
        }
        if (relaysOff) {
            String station = config.stationId();
            if (warmTls) {
                // Only in the run that builds the class-data archive: its classes then load from the archive.
                vn.loalang.agent.update.TlsWarmUp.run(config.caFile(), config.brokerUrl());
            }
            System.exit(RelaysOff.run(config.stationId(), config.gpio(), gpio -> Pi4jRelayBank.fromConfig(station, gpio)));
        }
        String id = config.stationId();
        // Before anything starts a thread: an error on any of them, or on this one, switches the relays
        // OFF through the agent (their one owner) and ends the agent for systemd to start a clean one.
        java.util.concurrent.atomic.AtomicReference<StationAgent> running = new java.util.concurrent.atomic.AtomicReference<>();
        FailSafeExit.install(id, () -> {
            StationAgent a = running.get();
            if (a != null) {
                a.failSafe();
            }
        });
        StationAgent agent = StationAgent.start(config, Clock.systemDefaultZone());
        running.set(agent);
        boolean supervised = System.getenv("NOTIFY_SOCKET") != null || System.getenv("INVOCATION_ID") != null;
        if (supervised) {
            // Under systemd (Restart=always): a technician's RESTART ends this agent and systemd starts a fresh one.
            String station = config.stationId();
            agent.onRestart(() -> {
                log.info("Station {} restarts on a technician's command", station);
                System.exit(0); // the shutdown hook closes the agent: relays OFF, goodbye sent
            });
        }
        Updates updates = startUpdates(config, configFile, updateConfig, agent, supervised);
        SystemdWatchdog watchdog = SystemdWatchdog.start(id, System.getenv(), new SystemdNotify(), agent);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            updates.close();
            watchdog.close();
            agent.close();
            stopped.countDown();
        }, "shutdown"));
        if (exitWithParent) {
            ParentWatch.start(id, System.in, () -> System.exit(0)); // the shutdown hook closes the agent: relays OFF
        }
        stopped.await();
    }

    /**
     * The updater: UPDATE commands go to it, and a version on trial checks itself (the agent's
     * self-test and the config read again). It restarts the agent as a technician's RESTART does.
     */
    private static Updates startUpdates(AgentConfig config, Path configFile, UpdateConfig updateConfig,
                                        StationAgent agent, boolean supervised) throws java.io.IOException {
        String id = config.stationId();
        Updates updates = new Updates(id, StationAgent.version(), new UpdateFiles(config.dataDir().resolve("update")),
                updateConfig, config.caFile() == null ? null : vn.loalang.protocol.tls.BrokerTrust.context(config.caFile()),
                new Updates.Station() {
                    @Override
                    public void record(vn.loalang.protocol.station.StationEvent.Draft event) {
                        agent.record(event);
                    }

                    @Override
                    public boolean connected() {
                        return agent.connected();
                    }

                    @Override
                    public boolean reported() {
                        return agent.reported();
                    }

                    @Override
                    public java.util.List<String> selfTest() {
                        java.util.List<String> problems = new java.util.ArrayList<>(agent.selfTest());
                        try {
                            AgentConfig.read(configFile);
                        } catch (java.io.IOException e) {
                            problems.add("the config does not read: " + e.getMessage());
                        }
                        return problems;
                    }

                    @Override
                    public boolean supervised() {
                        return supervised;
                    }

                    @Override
                    public void restart() {
                        // Not on the thread that asks: System.exit waits for the shutdown hook, which closes the updater.
                        new Thread(() -> System.exit(0), "update-restart-" + id).start();
                    }
                });
        agent.onUpdate(updates::offer);
        updates.start();
        return updates;
    }

    /**
     * Mock GPIO and WAV files instead of the Pi's pins and sound card, whatever the config says; and the
     * host's clock trusted as an RTC would be (a simulated station runs on a machine whose clock is set).
     */
    static AgentConfig simulated(AgentConfig c) {
        log.info("Station {} runs simulated: mock GPIO, sound rendered to WAV files, the host clock trusted", c.stationId());
        AudioConfig audio = c.audio().sink().equals("wav") ? c.audio()
                : new AudioConfig("wav", null, c.dataDir().resolve("rendered"), c.audio().sampleRate(),
                c.audio().channels(), c.audio().volumeDb());
        return new AgentConfig(c.stationId(), c.brokerUrl(), c.username(), c.password(), c.topicRoot(), c.dataDir(),
                c.trustedKeys(), new GpioConfig("mock", c.gpio().relays(), c.gpio().staggerMillis(), c.gpio().senses()),
                audio, c.warmupMillis(), c.tailMillis(), c.maxClockSkewSeconds(), c.reconnect(), c.ackTimeoutMillis(),
                c.playout(), c.cache(), new ClockConfig(c.clock().maxOffsetMillis(), true), c.telemetry(), c.caFile());
    }
}
