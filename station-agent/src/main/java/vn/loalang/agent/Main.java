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

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/** {@code java -jar loalang-station-agent.jar --config station.json [--simulate] [--relays-off] [--exit-with-parent]} */
public final class Main {
    private static final Logger log = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) throws Exception {
        Path configFile = null;
        boolean simulate = false;
        boolean relaysOff = false;
        boolean exitWithParent = false;
        boolean warmTls = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> configFile = Path.of(requireValue(args, ++i, "--config"));
                case "--simulate" -> simulate = true;
                case "--relays-off" -> relaysOff = true;
                case "--exit-with-parent" -> exitWithParent = true;
                case "--warm-tls" -> warmTls = true;
                case "--version" -> {
                    System.out.println("loalang-station-agent " + StationAgent.version());
                    return;
                }
                case "--help", "-h" -> {
                    usage();
                    return;
                }
                default -> {
                    System.err.println("Unknown option: " + args[i]);
                    usage();
                    System.exit(2);
                }
            }
        }
        if (configFile == null) {
            usage();
            System.exit(2);
        }
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

    private static String requireValue(String[] args, int i, String option) {
        if (i >= args.length) {
            System.err.println(option + " needs a value");
            System.exit(2);
        }
        return args[i];
    }

    private static void usage() {
        System.out.println("""
                Loa Làng station agent — plays the commune's sessions on this loudspeaker station.

                Usage: loalang-station-agent --config station.json [--simulate] [--relays-off [--warm-tls]] [--exit-with-parent]

                  --config FILE   the station config (station id, broker, trusted keys, relays, audio);
                                  every key, its default and bounds: docs/configuration.md
                  --simulate      mock GPIO and WAV files instead of real pins and sound card
                                  (without it the config must name gpio.provider gpiod and audio.device)
                  --relays-off    switch every amplifier relay OFF and exit, starting nothing else
                                  (what systemd runs after the agent stops: ExecStopPost)
                  --warm-tls      with --relays-off: also a TLS connect's client side, offline, so that
                                  the run building the class-data archive puts its classes in
                  --exit-with-parent
                                  stop (relays OFF, goodbye sent) when standard input closes: the
                                  process that started the agent (./loalang demo) ended, even by SIGKILL
                  --version       print the version
                """);
    }
}
