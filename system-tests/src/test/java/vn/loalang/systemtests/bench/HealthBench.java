package vn.loalang.systemtests.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.paho.client.mqttv3.MqttClient;
import vn.loalang.controller.cli.Args;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.Topics;
import vn.loalang.systemtests.support.Ports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 6's scale: {@code --stations} simulated stations reporting every {@code --every} seconds
 * into one controller, run as {@code ./loalang controller} runs it (its own JVM, embedded broker
 * and store). While they report, stations change at random — a CPU temperature past the commune's
 * threshold, then back — and the time from the station's telemetry publish to the controller's
 * health message for it ({@code ROOT/health/{station}}, what a console or a bot sees) is measured.
 * The controller's CPU and heap are read from its process. See docs/benchmarks.md.
 */
public final class HealthBench {
    private static final int STATIONS_PER_VILLAGE = 100;
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    private static final double GOAL_MS = 1000;

    record Options(Path controllerJar, Path work, int stations, int everySeconds, int seconds, int perSecond) {
        static final Option<Path> CONTROLLER_JAR = Option.of("controller-jar", OptionType.path("JAR"),
                "the controller's jar").required();
        static final Option<Path> WORK = Option.of("work", OptionType.path("DIR"), "the bench's work folder")
                .help("An empty folder, or one that does not exist yet.");
        static final Option<Integer> STATIONS = Option.of("stations", OptionType.integer(10, 100_000, null),
                "the number of stations").byDefault(2000);
        static final Option<Integer> EVERY = Option.of("every", OptionType.integer(1, 3600, "seconds"),
                "each station's reporting interval").byDefault(10);
        static final Option<Integer> SECONDS = Option.of("seconds", OptionType.integer(10, 86_400, "seconds"),
                "the measured time").byDefault(60);
        static final Option<Integer> PER_SECOND = Option.of("changes-per-second", OptionType.integer(1, 10_000, null),
                "the stations changing state each second").byDefault(5);
        /** In the order {@code --help} and the docs list them. */
        static final List<Option<?>> ALL = List.of(STATIONS, EVERY, SECONDS, PER_SECOND, CONTROLLER_JAR, WORK);

        static Options parse(String[] argv) throws IOException {
            Args args = new Args(argv);
            Path jar = args.get(CONTROLLER_JAR);
            Path work = args.get(WORK);
            int stations = args.get(STATIONS);
            int every = args.get(EVERY);
            int seconds = args.get(SECONDS);
            int perSecond = args.get(PER_SECOND);
            args.requireAllUsed();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalArgumentException("--controller-jar must name the controller jar: " + jar);
            }
            if (perSecond > stations / 10) {
                throw new IllegalArgumentException("--changes-per-second from 1 to a tenth of the stations");
            }
            return new Options(jar, BenchMain.emptyWorkDir(work), stations, every, seconds, perSecond);
        }
    }

    /** A change made and not yet seen: the state the controller must now show for the station. */
    private record Awaited(String state, long sentNanos, boolean counted) {
    }

    private HealthBench() {
    }

    public static void main(String[] argv) {
        BenchMain.run(argv, Benches.HEALTH, Options::parse, HealthBench::run);
    }

    private static void run(Options o) throws BenchException, IOException {
        Path work = Files.createDirectories(o.work());
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= o.stations(); i++) {
            ids.add(String.format(Locale.ROOT, "tram-%04d", i));
        }
        Path commune = writeCommune(work, ids);
        int mqttPort = Ports.free();
        int httpPort = Ports.free();
        String broker = "tcp://127.0.0.1:" + mqttPort;
        System.out.printf(Locale.ROOT, "Benchmarking station health: %d stations reporting every %d s into one"
                + " controller (its own JVM); files in %s%n", o.stations(), o.everySeconds(), work);
        Map<String, String> shown = new ConcurrentHashMap<>();
        Map<String, Awaited> awaited = new ConcurrentHashMap<>();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicLong healthMessages = new AtomicLong();
        try (ControllerProcess controller = ControllerProcess.launch(o.controllerJar(), commune, work.resolve("controller"),
                mqttPort, httpPort, "512m", "bench-admin-password")) {
            controller.awaitRunning(Duration.ofSeconds(90));
            long pid = controller.pid();
            MqttClient watcher = RawFanout.subscribed(broker, "bench-health-watcher", Topics.defaults().allHealth(),
                    (topic, m) -> {
                        long now = System.nanoTime();
                        healthMessages.incrementAndGet();
                        JsonNode h = Json.mapper().readTree(m.getPayload());
                        String station = h.path("stationId").asText();
                        String state = h.path("state").asText();
                        shown.put(station, state);
                        Awaited a = awaited.get(station);
                        if (a != null && a.state().equals(state) && awaited.remove(station, a) && a.counted()) {
                            latencies.add(now - a.sentNanos());
                        }
                    });
            try (ReportingStations stations = ReportingStations.connect(broker, ids, o.everySeconds())) {
                long t0 = System.nanoTime();
                Wait.until("every station to be shown OK", Duration.ofSeconds(60L + o.everySeconds() * 3L + o.stations() / 20), () -> {
                    controller.requireAlive();
                    long ok = ids.stream().filter(id -> "OK".equals(shown.get(id))).count();
                    return ok == ids.size() ? Optional.of(ok) : Optional.empty();
                });
                System.out.printf(Locale.ROOT, "  ready      all %d stations connected and shown OK after %.1f s%n",
                        o.stations(), (System.nanoTime() - t0) / 1e9);
                Map<String, Boolean> hot = new ConcurrentHashMap<>();
                change(stations, ids, awaited, hot, WARM_UP, o.perSecond(), false);
                cool(stations, hot, awaited);
                awaitSeen(awaited, controller);
                try (HeapSampler heap = HeapSampler.start(pid)) {
                    ProcFs.Sample before = ProcFs.sample(pid);
                    long sentBefore = stations.sent();
                    long messagesBefore = healthMessages.get();
                    long from = System.nanoTime();
                    int made = change(stations, ids, awaited, hot, Duration.ofSeconds(o.seconds()), o.perSecond(),
                            true);
                    ProcFs.Sample after = ProcFs.sample(pid);
                    double windowS = (System.nanoTime() - from) / 1e9;
                    long sent = stations.sent() - sentBefore;
                    long messages = healthMessages.get() - messagesBefore;
                    int lost = awaitSeen(awaited, controller);
                    cool(stations, hot, awaited);
                    double cpuPct = Footprint.cpuPercent(List.of(before, after), ProcFs.ticksPerSecond());
                    double maxUsed = heap.samples().stream().mapToDouble(HeapSampler.Sample::usedMb).max().orElse(0);
                    HeapSampler.Sample live = heap.afterFullCollection(Duration.ofSeconds(60));
                    Percentiles p = Percentiles.ofNanos(latencies);
                    report(o, windowS, sent, messages, made, lost, p, cpuPct, after.rssKb() / 1024.0, live.usedMb(),
                            maxUsed, stations.failed());
                }
            } finally {
                RawFanout.closeQuietly(watcher);
            }
        }
    }

    /**
     * Changes stations at {@code perSecond} for {@code length}: each picked station that is waiting
     * for nothing flips between hot (DEGRADED) and normal (OK). Returns how many changes were made.
     */
    private static int change(ReportingStations stations, List<String> ids, Map<String, Awaited> awaited,
                              Map<String, Boolean> hot, Duration length, int perSecond, boolean counted)
            throws BenchException {
        long end = System.nanoTime() + length.toNanos();
        long step = TimeUnit.SECONDS.toNanos(1) / perSecond;
        int made = 0;
        for (long next = System.nanoTime(); next < end; next += step) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                Wait.pause(Duration.ofNanos(wait));
            }
            String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
            if (awaited.containsKey(id)) {
                continue;
            }
            boolean makeHot = !hot.getOrDefault(id, false);
            hot.put(id, makeHot);
            awaited.put(id, new Awaited(makeHot ? "DEGRADED" : "OK", System.nanoTime(), counted));
            stations.temperature(id, makeHot ? ReportingStations.HOT_C : ReportingStations.NORMAL_C);
            made++;
        }
        return made;
    }

    /** Every station made hot back to normal, after the window: the next round starts from OK. */
    private static void cool(ReportingStations stations, Map<String, Boolean> hot, Map<String, Awaited> awaited)
            throws BenchException {
        for (Map.Entry<String, Boolean> e : hot.entrySet()) {
            if (e.getValue()) {
                awaitOne(awaited, e.getKey());
                awaited.put(e.getKey(), new Awaited("OK", System.nanoTime(), false));
                stations.temperature(e.getKey(), ReportingStations.NORMAL_C);
            }
        }
        hot.clear();
    }

    private static void awaitOne(Map<String, Awaited> awaited, String id) throws BenchException {
        Wait.until("the controller to show station " + id + "'s change", Duration.ofSeconds(30),
                () -> awaited.containsKey(id) ? Optional.empty() : Optional.of(true));
    }

    /** Waits up to 10 s for every change to be shown; returns how many were not (they count as lost). */
    private static int awaitSeen(Map<String, Awaited> awaited, ControllerProcess controller) throws BenchException {
        try {
            Wait.until("every change to be shown", Duration.ofSeconds(10), () -> {
                controller.requireAlive();
                return awaited.isEmpty() ? Optional.of(true) : Optional.empty();
            });
            return 0;
        } catch (BenchException e) {
            int lost = awaited.size();
            awaited.clear();
            return lost;
        }
    }

    /** One commune, a village per hundred stations, no library and no sessions: only health is measured. */
    private static Path writeCommune(Path work, List<String> ids) throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        root.putObject("commune").put("id", "xa-do-suc-khoe").put("name", "Xã Đo Sức Khỏe")
                .put("timeZone", "Asia/Ho_Chi_Minh").put("horizonDays", 2);
        ArrayNode villages = root.putArray("villages");
        ArrayNode stations = root.putArray("stations");
        for (int i = 0; i < ids.size(); i++) {
            String village = String.format(Locale.ROOT, "thon-%02d", i / STATIONS_PER_VILLAGE + 1);
            if (i % STATIONS_PER_VILLAGE == 0) {
                villages.addObject().put("id", village).put("name", "Thôn " + (i / STATIONS_PER_VILLAGE + 1));
            }
            stations.addObject().put("id", ids.get(i)).put("village", village);
        }
        root.putArray("library");
        root.putObject("program").putArray("daily");
        Path file = work.resolve("commune.json");
        Files.write(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        return file;
    }

    private static void report(Options o, double windowS, long sent, long messages, int made, int lost, Percentiles p,
                               double cpuPct, double rssMb, double liveHeapMb, double maxUsedMb, long failed) {
        System.out.printf(Locale.ROOT, "  load       %d stations, telemetry %.0f messages/s for %.0f s (%d publishes"
                + " failed); %d changes made, %.0f health messages/s out%n", o.stations(), sent / windowS, windowS, failed,
                made, messages / windowS);
        System.out.printf(Locale.ROOT, "  change     telemetry publish → health message: p50 %.1f ms, p99 %.1f ms,"
                + " max %.1f ms (%d changes seen, %d not seen within 10 s)%n", p.p50(), p.p99(), p.max(), p.count(), lost);
        System.out.printf(Locale.ROOT, "  controller CPU %.1f %% of one core (broker included: it is embedded); RSS"
                + " %.0f MB; heap %.1f MB live after a full collection, %.1f MB used at most%n", cpuPct, rssMb,
                liveHeapMb, maxUsedMb);
        boolean met = lost == 0 && p.p99() < GOAL_MS;
        System.out.printf(Locale.ROOT, "  goal       a state change visible in under %.0f ms at p99: %s%n", GOAL_MS,
                met ? "met" : "NOT met");
        System.out.printf(Locale.ROOT, "stations=%d controller_cpu_pct=%.1f heap_mb=%.1f state_change_p99_ms=%.1f%n",
                o.stations(), cpuPct, liveHeapMb, p.p99());
    }
}
