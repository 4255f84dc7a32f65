package vn.loalang.systemtests.bench;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import vn.loalang.controller.cli.Args;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.tls.BrokerTrust;
import vn.loalang.provisioning.broker.BrokerAccount;
import vn.loalang.provisioning.broker.BrokerSetup;
import vn.loalang.provisioning.broker.MosquittoFiles;
import vn.loalang.provisioning.broker.MosquittoPassword;
import vn.loalang.systemtests.support.MosquittoBroker;
import vn.loalang.systemtests.support.Ports;

import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * What the locked-down broker costs when every station connects at once, as after a power cut at
 * the commune office: N stations connect to Mosquitto with the files {@code provision init} and the
 * controller write (TLS, a password each, the access list), and beside it the same N connections
 * to an open broker (plain TCP, anonymous). The difference is the price of TLS and the password
 * check, in broker CPU and in the time until the last station is back.
 */
final class ConnectBench {
    record Options(Path work, int stations, int parallel, int iterations) {
        static final Option<Path> WORK = Option.of("work", OptionType.path("DIR"), "the bench's work folder")
                .help("An empty folder, or one that does not exist yet.");
        static final Option<Integer> STATIONS = Option.of("stations", OptionType.integer(1, 100_000, null),
                "the number of stations").byDefault(1000);
        static final Option<Integer> PARALLEL = Option.of("parallel", OptionType.integer(1, 10_000, null),
                "the connections opened at once").byDefault(64);
        static final Option<Integer> ITERATIONS = Option.of("iterations", OptionType.integer(1, 10_000_000, null),
                "the password hash's iterations").byDefault(MosquittoPassword.ITERATIONS);
        /** In the order {@code --help} and the docs list them. */
        static final List<Option<?>> ALL = List.of(STATIONS, PARALLEL, ITERATIONS, WORK);

        static Options parse(String[] argv) throws IOException {
            Args args = new Args(argv);
            Path work = args.get(WORK);
            int stations = args.get(STATIONS);
            int parallel = args.get(PARALLEL);
            int iterations = args.get(ITERATIONS);
            args.requireAllUsed();
            return new Options(BenchMain.emptyWorkDir(work), stations, parallel, iterations);
        }
    }

    /** One round: how long each connect took, until the last one, and the broker's CPU over it. */
    private record Round(String name, Percentiles connect, double wallS, double brokerCpuS) {
    }

    private ConnectBench() {
    }

    public static void main(String[] argv) {
        BenchMain.run(argv, Benches.CONNECT, Options::parse, ConnectBench::run);
    }

    private static void run(Options o) throws BenchException, IOException {
        Path work = Files.createDirectories(o.work());
        // Mosquitto leaves root for its own user and must reach its files, as it does under /etc.
        for (Path p = work; p != null && p.getParent() != null; p = p.getParent()) {
            if (Files.getOwner(p).getName().equals(System.getProperty("user.name"))) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        int port = Ports.free();
        Path mosquittoDir = work.resolve("mosquitto-loalang");
        BrokerSetup setup = new BrokerSetup(work.resolve("provisioning"), mosquittoDir, work.resolve("conf.d/loalang.conf"),
                List.of("127.0.0.1"), port, "127.0.0.1", null, work.resolve("controller.mqtt-password"), null, "bench", null);
        setup.apply();
        List<String> ids = new ArrayList<>();
        List<String> passwords = new ArrayList<>();
        List<BrokerAccount> accounts = new ArrayList<>(List.of(BrokerAccount.controller("controller",
                MosquittoPassword.hash(Files.readString(setup.controllerPasswordFile()).strip()))));
        long hashing = System.nanoTime();
        for (int i = 1; i <= o.stations(); i++) {
            String id = String.format(Locale.ROOT, "tram-%04d", i);
            String password = MosquittoPassword.newSecret();
            ids.add(id);
            passwords.add(password);
            accounts.add(BrokerAccount.station(id, MosquittoPassword.hash(password, o.iterations()),
                    List.of("thon-" + (i % 20))));
        }
        double hashMs = (System.nanoTime() - hashing) / 1e6 / o.stations();
        new MosquittoFiles(setup.accountsDir(), Topics.defaults()).write(accounts);
        System.out.printf(Locale.ROOT, "Benchmarking %d stations connecting at once (%d in parallel) to Mosquitto: "
                        + "locked down (TLS, passwords with %d PBKDF2 iterations, ACL) and open; files in %s%n",
                o.stations(), o.parallel(), o.iterations(), work);

        SSLSocketFactory tls = BrokerTrust.socketFactory(mosquittoDir.resolve("ca.pem"));
        Round locked;
        try (MosquittoBroker broker = MosquittoBroker.startIncluding(work.resolve("broker-locked"), work.resolve("conf.d"), port)) {
            locked = round("locked", broker.pid(), "ssl://127.0.0.1:" + port, ids, passwords, tls, o.parallel());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
        Round open;
        try (MosquittoBroker broker = MosquittoBroker.start(work.resolve("broker-open"))) {
            open = round("open", broker.pid(), broker.url(), ids, null, null, o.parallel());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
        for (Round r : List.of(locked, open)) {
            System.out.printf(Locale.ROOT, "  %-7s connect %s; all %d connected in %.2f s; broker CPU %.2f s (%.2f ms a station)%n",
                    r.name(), r.connect().describe(), o.stations(), r.wallS(), r.brokerCpuS(),
                    r.brokerCpuS() * 1000 / o.stations());
        }
        System.out.printf(Locale.ROOT, "  hashing  %.2f ms a password in Java (once per enrolment or rotation)%n", hashMs);
        System.out.printf(Locale.ROOT, "stations=%d iterations=%d locked_wall_s=%.2f open_wall_s=%.2f locked_broker_cpu_ms_per_station=%.2f"
                        + " open_broker_cpu_ms_per_station=%.2f locked_connect_p99_ms=%.1f%n", o.stations(), o.iterations(), locked.wallS(),
                open.wallS(), locked.brokerCpuS() * 1000 / o.stations(), open.brokerCpuS() * 1000 / o.stations(),
                locked.connect().p99());
    }

    private static Round round(String name, long brokerPid, String url, List<String> ids, List<String> passwords,
                               SSLSocketFactory tls, int parallel) throws BenchException {
        List<MqttClient> clients = Collections.synchronizedList(new ArrayList<>());
        List<Long> nanos = Collections.synchronizedList(new ArrayList<>());
        List<Callable<?>> connects = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            String password = passwords == null ? null : passwords.get(i);
            connects.add(() -> {
                MqttClient c = new MqttClient(url, "bench-" + name + "-" + id, new MemoryPersistence());
                clients.add(c);
                MqttConnectOptions options = new MqttConnectOptions();
                options.setCleanSession(true);
                options.setConnectionTimeout(60);
                options.setKeepAliveInterval(60);
                options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
                if (tls != null) {
                    options.setSocketFactory(tls);
                    options.setUserName(id);
                    options.setPassword(password.toCharArray());
                }
                long t = System.nanoTime();
                c.connect(options);
                nanos.add(System.nanoTime() - t);
                return null;
            });
        }
        ProcFs.Sample before = ProcFs.sample(brokerPid);
        long t0 = System.nanoTime();
        try {
            Parallel.all(parallel, connects, name + " connects");
            double wall = (System.nanoTime() - t0) / 1e9;
            ProcFs.Sample after = ProcFs.sample(brokerPid);
            double cpu = (after.cpuTicks() - before.cpuTicks()) / (double) ProcFs.ticksPerSecond();
            return new Round(name, Percentiles.ofNanos(nanos), wall, cpu);
        } finally {
            Parallel.allQuietly(parallel, clients.stream().<Runnable>map(c -> () -> {
                try {
                    if (c.isConnected()) {
                        c.disconnectForcibly(100, 1000);
                    }
                    c.close();
                } catch (MqttException e) {
                    // Closing at the end of a round; the broker goes next.
                }
            }).toList(), Duration.ofSeconds(60), "clients closed");
        }
    }
}
