package vn.loalang.systemtests.bench;

import vn.loalang.agent.audio.AudioConfig;
import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.RelayConfig;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.paho.client.mqttv3.MqttClient;
import vn.loalang.agent.AgentConfig;
import vn.loalang.audio.AudioContentException;
import vn.loalang.audio.AudioProbe;
import vn.loalang.audio.testing.Fixtures;
import vn.loalang.controller.cli.Args;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.alert.Alert;
import vn.loalang.protocol.signing.EnvelopeVerifier;
import vn.loalang.protocol.signing.MessageType;
import vn.loalang.protocol.signing.RejectedMessageException;
import vn.loalang.protocol.station.Presence;
import vn.loalang.systemtests.support.MosquittoBroker;
import vn.loalang.systemtests.support.Ports;
import vn.loalang.systemtests.support.SimulatedStation;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToLongFunction;

/**
 * {@code ./loalang bench alert}: how long a village head's emergency takes from the API call to
 * the first sample on the loudspeakers of a large village, next to how long the broker alone
 * takes to fan a message of the same size out to as many subscribers.
 * <p>
 * In this one JVM: a controller with its embedded broker (Moquette; with {@code --broker mosquitto},
 * a Mosquitto process beside it) and HTTP server on 127.0.0.1,
 * and a commune of one village with {@code --stations} stations, every one connected to the broker
 * and subscribed to the village's alert topic. {@code --agents} of them are real
 * {@code StationAgent}s (mock GPIO, amplifier warm-up 0 ms, a {@link FirstSampleSink} as sound
 * card), which go the whole way from the MQTT message to the first sample: trust gate, journal,
 * arbiter, relay, siren, the alert's audio fetched meanwhile. The others are {@link LightStations}, in a JVM
 * of their own at a low priority ({@link LightStationsProcess}): they
 * put on the broker and the controller what a station puts there (a subscription, a download,
 * reports) and no more, because this machine's two cores cannot also do a thousand stations'
 * private work, which in the field runs on a thousand Raspberry Pis (docs/benchmarks.md has the
 * numbers). Alerts are triggered through {@code POST /api/alerts} as the village head: a first
 * one, not counted, while the code is not compiled yet, then {@code --alerts} measured ones quiet and
 * as many while a second village's schedules are recompiled. Right before each measured alert, on
 * the same broker, as many plain Paho subscribers as stations receive publishes of a signed alert's
 * bytes (the raw fan-out); each condition's first sounds and raw receipts are pooled over its alerts
 * ({@link Pooled}). The last line sums up for scripts.
 */
public final class AlertLatencyBench {
    private static final String VILLAGE = "thon-bao-dong";
    private static final String HEAD = "truong.thon";
    /** The second village, only in the directory: its program is changed in a loop so that the controller recompiles. */
    private static final String LOAD_VILLAGE = "thon-bien-soan";
    /**
     * The measured alerts: the siren, then this clip, each alert a copy of its own ({@link #clip(Path,
     * String, int)}): a clip in the cache would not be downloaded again, and every station downloads
     * the clip of every alert anew, as in the field.
     */
    private static final String ITEM = "canh-bao-lu";
    private static final String ITEM_FILE = Fixtures.ITEM_440HZ_2S;
    /**
     * The alert before them, not counted, with a clip of its own: it runs every step once, so that
     * the JIT has compiled them and the measured alerts meet a controller, broker and agents that
     * have been running, as in the field.
     */
    private static final String FIRST_ITEM = "canh-bao-thu";
    private static final String FIRST_ITEM_FILE = Fixtures.ITEM_660HZ_1S;
    /** The amplifier warm-up of every agent: zero, so that none of it is in the time measured. */
    private static final long AMPLIFIER_WARMUP_MILLIS = 0;
    /** The counted publishes of each raw fan-out round, after one not counted. */
    private static final int RAW_PUBLISHES = 5;
    private static final int STARTING_THREADS = 4;
    private static final int STOPPING_THREADS = 16;
    private static final Duration ALERT_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration IDLE_SAMPLE = Duration.ofSeconds(5);
    /** The log is written by tinylog's own thread: what was logged a moment ago may not be in the file yet. */
    private static final Duration LOG_CATCH_UP = Duration.ofMillis(500);

    /** {@code recompileStations}: the second village's stations; 0 measures no alert under a recompile. */
    record Options(int stations, int agents, Path work, boolean mosquitto, int recompileStations, int lightNice,
                           int agentNice, int alerts) {
        static final Option<Integer> STATIONS = Option.of("stations", OptionType.integer(1, 5000, null),
                "the number of stations").byDefault(1000);
        static final Option<Integer> AGENTS = Option.of("agents", OptionType.integer(1, 5000, null),
                "the number of full agents among them").defaultInWords("the smaller of --stations and 50");
        static final Option<Integer> RECOMPILE_STATIONS = Option.of("recompile-stations", OptionType.integer(0, 5000, null),
                "the stations of a second village whose schedules are recompiled in a loop during a second alert")
                .byDefault(2000).help("The stations of a second village whose schedules are recompiled in a loop during a "
                        + "second alert; 0: no alert is measured under a recompile.");
        static final Option<Integer> LIGHT_NICE = Option.of("light-nice", OptionType.integer(0, 19, null),
                "the nice level of the light stations' own JVM").byDefault(19)
                .help("The nice level of the light stations' own JVM. Their receiving, reporting and downloading would run on a thousand Raspberry Pis, not on the "
                        + "server: at 19 it takes this machine's cores only when what is measured leaves them idle. 0: "
                        + "as the other threads (the runs before issue 15's last ones).");
        static final Option<Integer> AGENT_NICE = Option.of("agent-nice", OptionType.integer(-20, 0, null),
                "the nice level of the full agents' own threads").byDefault(-5)
                .help("The nice level of the full agents' own threads. Each agent's threads (its MQTT callback, alert keeper, playout) would have a Raspberry Pi to "
                        + "themselves: below 0 the controller's work for the other stations (their downloads, receipts) "
                        + "does not make them wait for this machine's cores. Below 0 needs root. 0: as the controller "
                        + "and the broker (the runs before issue 16).");
        static final Option<Integer> ALERTS = Option.of("alerts", OptionType.integer(1, 20, null),
                "the measured alerts of each condition (quiet, and under recompiles)").byDefault(3)
                .help("The measured alerts of each condition (quiet, and under recompiles). Each comes right after a "
                        + "raw fan-out round of its own; a condition's p99 and ratio are over all "
                        + "its alerts' first sounds and all its rounds' raw receipts (3 alerts of 50 agents: p99 of 150 "
                        + "values, where one alert's p99 of 50 is its largest). Not counting the first alert, which "
                        + "warms up the JIT.");
        static final Option<Path> WORK = Option.of("work", OptionType.path("DIR"), "the bench's work folder")
                .help("An empty folder, or one that does not exist yet.");
        static final Option<String> BROKER = Option.of("broker", OptionType.oneOf("embedded", "mosquitto"),
                "the broker: embedded (Moquette, in the controller) or mosquitto").byDefault("embedded");
        /** In the order {@code --help} and the docs list them. */
        static final List<Option<?>> ALL = List.of(STATIONS, AGENTS, RECOMPILE_STATIONS, ALERTS, BROKER, LIGHT_NICE,
                AGENT_NICE, WORK);

        static Options parse(String[] argv) throws IOException {
            Args args = new Args(argv);
            int stations = args.get(STATIONS);
            Integer given = args.get(AGENTS);
            int agents = given != null ? given : Math.min(stations, 50);
            int recompile = args.get(RECOMPILE_STATIONS);
            int lightNice = args.get(LIGHT_NICE);
            int agentNice = args.get(AGENT_NICE);
            int alerts = args.get(ALERTS);
            Path work = args.get(WORK);
            String broker = args.get(BROKER);
            args.requireAllUsed();
            if (agents > stations) {
                throw new IllegalArgumentException("--agents must be from 1 to --stations (" + stations + "), not "
                        + agents);
            }
            return new Options(stations, agents, BenchMain.emptyWorkDir(work), broker.equals("mosquitto"), recompile,
                    lightNice, agentNice, alerts);
        }

        String brokerName() {
            return mosquitto ? "Mosquitto, its own process" : "Moquette, in the controller";
        }
    }

    /** One full agent and its sound card. */
    private record Station(SimulatedStation sim, FirstSampleSink sink) {
        String id() {
            return sim.id();
        }
    }

    /** What runs during the benchmark and must be stopped after it, light stations before agents. */
    private static final class Running {
        final List<Station> agents = new ArrayList<>();
        LightStationsProcess light;
        /** Alerts sent so far: their cancel, retained, is what a monitor subscribing now gets first. */
        final Set<String> pastAlerts = ConcurrentHashMap.newKeySet();
    }

    /** A library item an alert says after the siren. */
    private record Clip(String id, Path file, Duration length) {
    }

    private AlertLatencyBench() {
    }

    public static void main(String[] argv) {
        BenchMain.run(argv, Benches.ALERT, Options::parse, AlertLatencyBench::run);
    }

    private static void run(Options o) throws BenchException, IOException {
        // Both ends of every station's connection are in this process, plus the raw subscribers': about four
        // sockets per station at the peak (3,800 for 1,000 stations), and the JVM's own files.
        long files = ProcFs.maxOpenFiles();
        long needed = 4L * o.stations() + 1024;
        if (files >= 0 && files < needed) {
            throw new BenchException("this process may open " + files + " files; " + o.stations() + " stations need"
                    + " about " + needed + ". Raise the limit (ulimit -n " + needed + ") or ask for fewer stations");
        }
        Path work = Files.createDirectories(o.work());
        Path log = work.resolve("bench.log");
        // One log for the controller and every station, in a file so that the report stays readable;
        // written by tinylog's own thread, so that a thousand stations do not queue on one file lock.
        System.setProperty("tinylog.writer", "file");
        System.setProperty("tinylog.writer.file", log.toString());
        System.setProperty("tinylog.writer.format", StationLog.FORMAT);
        System.setProperty("tinylog.writingthread", "true");

        Path communeDir = work.resolve("commune");
        Clip firstClip = clip(communeDir, FIRST_ITEM, FIRST_ITEM_FILE);
        List<Clip> clips = new ArrayList<>();
        for (int n = 1; n <= o.alerts() * (o.recompileStations() > 0 ? 2 : 1); n++) {
            clips.add(clip(communeDir, n));
        }
        List<Clip> library = new ArrayList<>(clips);
        library.add(0, firstClip);
        Path commune = writeCommune(communeDir, o.stations(), library, o.recompileStations());
        String adminPassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        String headPassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));

        System.out.printf(Locale.ROOT, "Benchmarking an alert to a village of %d stations (%d full agents), all in this"
                + " JVM; files in %s%n", o.stations(), o.agents(), work);
        // Production runs Mosquitto beside the controller; the one-command default embeds Moquette.
        MosquittoBroker mosquitto = o.mosquitto() ? mosquitto(work.resolve("mosquitto")) : null;
        ControllerConfig config = ControllerConfig.of(commune, work.resolve("controller"))
                .withHttp("127.0.0.1", Ports.free(), null);
        config = mosquitto != null ? config.withExternalBroker(mosquitto.url(), null, null)
                : config.withEmbeddedBroker("127.0.0.1", Ports.free());
        Running running = new Running();
        Result result;
        try (mosquitto; Controller controller = Controller.start(config, Clock.systemUTC(), new PasswordHasher(),
                () -> adminPassword, new PrintStream(OutputStream.nullOutputStream()))) {
            if (!controller.programProblems().isEmpty()) {
                throw new BenchException("the benchmark's commune has problems: " + controller.programProblems());
            }
            AlertApi api = new AlertApi(controller.contentPort());
            String admin = api.login("admin", adminPassword);
            api.createVillageHead(admin, HEAD, headPassword, VILLAGE);
            String head = api.login(HEAD, headPassword);
            try {
                result = measure(new Setup(controller, api, head, admin, o, work, log,
                        mosquitto == null ? OptionalLong.empty() : OptionalLong.of(mosquitto.pid())), running, firstClip,
                        clips);
            } finally {
                // Before the controller: a station whose broker vanished would only try to reconnect.
                if (running.light != null) {
                    running.light.close();
                }
                stopAgents(running.agents);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while the controller started");
        }
        report(System.out, o, result);
        System.out.println("  files      " + work + " (bench.log: the controller's and every agent's log)");
        Pooled quiet = result.quiet().pooled();
        Percentiles first = quiet.fromCall();
        System.out.printf(Locale.ROOT, "stations=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f raw_p99_ms=%.1f ratio=%.2f"
                        + " answer_p99_ms=%.1f answer_ratio=%.2f%s%n", o.stations(), first.p50(), first.p99(), first.max(),
                quiet.raw().p99(), quiet.ratio(), quiet.fromAnswer().p99(), quiet.ratioFromAnswer(),
                (result.underLoad() == null ? "" : String.format(Locale.ROOT, " recompile_stations=%d recompile_p99_ms=%.1f"
                        + " recompile_ratio=%.2f", o.recompileStations(), result.underLoad().pooled().fromCall().p99(),
                        result.underLoad().pooled().ratio())) + " light_nice=" + o.lightNice() + " agent_nice="
                        + o.agentNice() + " alerts=" + o.alerts());
    }

    /** What every step of the benchmark needs. */
    /** {@code brokerPid}: the broker's own process, when it is not embedded in this JVM. */
    private record Setup(Controller controller, AlertApi api, String head, String admin, Options options, Path work,
                         Path log, OptionalLong brokerPid) {
    }

    /**
     * Everything measured, for the report: the first alert (not counted), the quiet alerts, and the
     * alerts measured while the controller recompiled the second village's schedules ({@code underLoad},
     * null with {@code --recompile-stations 0}).
     */
    private record Result(Ready ready, Measured first, Condition quiet, Condition underLoad, UnitCosts units) {
    }

    /**
     * One measured alert with the raw fan-out round taken right before it; {@code recompiles}: under
     * recompiles, how long each recompile that overlapped the alert took (null when none did, or quiet).
     */
    private record Sample(Clip clip, Measured alert, Raw raw, Percentiles recompiles) {
        Pooled.Round round() {
            return new Pooled.Round(alert.fromCallSentNanos(), alert.firstSoundNanos(), raw.counted());
        }
    }

    /** The alerts of one condition, in the order measured, and their figures pooled. */
    private record Condition(boolean underRecompiles, List<Sample> samples) {
        Pooled pooled() {
            return new Pooled(samples.stream().map(Sample::round).toList(), AMPLIFIER_WARMUP_MILLIS);
        }
    }

    private static Result measure(Setup s, Running running, Clip firstClip, List<Clip> clips) throws BenchException {
        Ready ready = startStations(s, running);
        int alerts = s.options().alerts();
        System.out.printf(Locale.ROOT, "%d stations follow the village's alerts (%.1f s); a first alert, not counted,"
                + " warms up the JIT.%n", s.options().stations(), ready.readyMillis() / 1000.0);
        Measured first = alert(s, running, firstClip);
        byte[] signed = first.signed();
        List<Sample> quiet = new ArrayList<>();
        for (int i = 0; i < alerts; i++) {
            System.out.printf(Locale.ROOT, "Quiet alert %d of %d: the broker's raw fan-out first, then the alert.%n", i + 1,
                    alerts);
            Raw raw = rawFanout(s, signed);
            awaitNoConnections(s.controller().contentPort());
            Measured alert = alert(s, running, clips.get(i));
            quiet.add(new Sample(clips.get(i), alert, raw, null));
            signed = alert.signed();
        }
        List<Sample> underLoad = new ArrayList<>();
        int load = s.options().recompileStations();
        int programMinute = 0; // as writeCommune wrote the second village's program
        for (int i = 0; load > 0 && i < alerts; i++) {
            System.out.printf(Locale.ROOT, "Alert %d of %d under recompiles: the broker's raw fan-out first (no recompile"
                    + " yet), then the alert while the controller recompiles the %d schedules of village %s in a loop.%n",
                    i + 1, alerts, load, LOAD_VILLAGE);
            Raw raw = rawFanout(s, signed);
            awaitNoConnections(s.controller().contentPort());
            // The raw round is taken without the load: the alert under recompiles is compared with the broker's
            // fan-out as it is, not with a fan-out slowed by the same load.
            RecompileLoad recompiling = RecompileLoad.start(s.controller(), s.api(), s.admin(), LOAD_VILLAGE,
                    FIRST_ITEM, loadStationId(load), programMinute);
            Clip clip = clips.get(alerts + i);
            long from = System.nanoTime();
            long to = from;
            Measured alert;
            try (recompiling) {
                alert = alert(s, running, clip);
                to = System.nanoTime();
            }
            programMinute = recompiling.minute();
            // Once stopped: the recompile under way during the alert has finished and counts too.
            underLoad.add(new Sample(clip, alert, raw, recompiling.within(from, to)));
            System.out.printf(Locale.ROOT, "  %d recompile(s) in all, %s each%n", recompiling.done(),
                    recompiling.all().describe());
            signed = alert.signed();
        }
        Measured last = quiet.get(quiet.size() - 1).alert();
        return new Result(ready, first, new Condition(false, quiet),
                underLoad.isEmpty() ? null : new Condition(true, underLoad),
                unitCosts(s, last.alertId(), last.signed()));
    }

    /**
     * One alert from the call to its end on every agent, then withdrawn and the agents' reports of
     * it acknowledged, so that the next one meets quiet stations and no alert still active.
     */
    private static Measured alert(Setup s, Running running, Clip clip) throws BenchException {
        running.agents.forEach(a -> a.sink().rearm());
        if (running.light != null) {
            running.light.rearm();
        }
        collectHeapBefore();
        Measured m = triggerAndMeasure(s, running, clip);
        System.out.printf(Locale.ROOT, "  first sound on every agent %s after the call's answer; waiting for the end of"
                + " the alert.%n", m.firstSound().describe());
        requirePlayed(s, running.agents, m.alertId(), clip);
        s.api().cancel(s.head(), m.alertId());
        running.pastAlerts.add(m.alertId());
        if (running.light != null) {
            running.light.forget(m.alertId());
        }
        Wait.until("every agent's reports of the alert to be acknowledged", ALERT_TIMEOUT, () ->
                running.agents.stream().allMatch(a -> a.sim().agent().pendingEvents() == 0) ? Optional.of(true)
                        : Optional.empty());
        return m;
    }

    /**
     * Collects this JVM's heap before the call, outside the time measured, so that no collection of
     * garbage made earlier lands in the alert's first seconds: the JVM holds a thousand simulated
     * stations besides the controller, and a pause stops them all, the controller with them
     * (docs/benchmarks.md, "Results of issue 15, point 2, again"). Collections that the alert's own
     * work causes still land where they fall, and are counted in the report.
     */
    private static void collectHeapBefore() throws BenchException {
        System.gc();
        Wait.pause(Duration.ofSeconds(1)); // G1's concurrent work after a full collection, and the threads back on CPU
    }

    /**
     * Waits until no station holds a connection to the content server: the server closes idle ones
     * after its idle timeout (Jetty's 30 s). In the field an alert rarely comes within seconds of a
     * download, so every station opens a new connection for it; so they must here, rather than
     * reuse the one of the first alert.
     */
    private static void awaitNoConnections(int port) throws BenchException {
        System.out.printf(Locale.ROOT, "Waiting for the content server to close the stations' %d idle connections.%n",
                ProcFs.established(port));
        long t0 = System.nanoTime();
        Wait.until("the content server to close the idle connections of the first alert", Duration.ofSeconds(120),
                () -> ProcFs.established(port) == 0 ? Optional.of(true) : Optional.empty());
        System.out.printf(Locale.ROOT, "  closed after %.1f s.%n", millisSince(t0) / 1000.0);
    }

    /** The audio fixture {@code file}, copied into the commune's library as item {@code id}. */
    private static Clip clip(Path communeDir, String id, String file) throws BenchException, IOException {
        Path copy = Files.createDirectories(communeDir.resolve("library")).resolve(file);
        Files.copy(Fixtures.path(file), copy);
        return probed(id, copy);
    }

    /**
     * The measured alerts' clip, copy {@code n}: the fixture with an ID3v1 tag of its own at the end
     * (128 bytes, its title "Loa Lang bench alert n"), so that each copy has a SHA-256 of its own and
     * every station downloads it anew, while the sound, its length and the way to it are the same for
     * every measured alert. The fixture is at the stations' line format (44.1 kHz mono), so the library
     * delivers the file as it is, tag included.
     */
    private static Clip clip(Path communeDir, int n) throws BenchException, IOException {
        String id = String.format(Locale.ROOT, "%s-%02d", ITEM, n);
        Path copy = Files.createDirectories(communeDir.resolve("library")).resolve(id + ".mp3");
        byte[] audio = Files.readAllBytes(Fixtures.path(ITEM_FILE));
        byte[] tag = new byte[128];
        byte[] title = ("TAG" + "Loa Lang bench alert " + n).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(title, 0, tag, 0, title.length);
        tag[127] = (byte) 0xFF; // no genre
        byte[] tagged = Arrays.copyOf(audio, audio.length + tag.length);
        System.arraycopy(tag, 0, tagged, audio.length, tag.length);
        Files.write(copy, tagged);
        return probed(id, copy);
    }

    private static Clip probed(String id, Path file) throws BenchException {
        try {
            return new Clip(id, file, AudioProbe.probe(file).duration());
        } catch (AudioContentException e) {
            throw new BenchException("the alert's clip " + file + " does not decode: " + e.getMessage());
        }
    }

    /**
     * One village with every station in it, the alerts' clips in the library, no sessions to get in
     * the way; and, with {@code loadStations}, a second village of that many stations with a program of
     * its own, which the recompile load changes.
     */
    private static Path writeCommune(Path dir, int stations, List<Clip> clips, int loadStations) throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        root.putObject("commune").put("id", "xa-do-dac").put("name", "Xã Đo Đạc (benchmark)")
                .put("timeZone", "Asia/Ho_Chi_Minh");
        ArrayNode villages = root.putArray("villages");
        villages.addObject().put("id", VILLAGE).put("name", "Thôn Báo Động");
        ArrayNode list = root.putArray("stations");
        for (int i = 1; i <= stations; i++) {
            list.addObject().put("id", stationId(i)).put("village", VILLAGE);
        }
        if (loadStations > 0) {
            villages.addObject().put("id", LOAD_VILLAGE).put("name", "Thôn Biên Soạn (benchmark: recompiled)")
                    .set("program", Json.mapper().valueToTree(RecompileLoad.program(FIRST_ITEM, 0)));
            for (int i = 1; i <= loadStations; i++) {
                list.addObject().put("id", loadStationId(i)).put("village", LOAD_VILLAGE);
            }
        }
        ArrayNode library = root.putArray("library");
        for (Clip c : clips) {
            library.addObject().put("id", c.id()).put("title", "Cảnh báo " + c.id() + " (benchmark)")
                    .put("file", "library/" + c.file().getFileName());
        }
        root.putObject("program").putArray("daily");
        Path file = dir.resolve("commune.json");
        Files.write(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        return file;
    }

    private static String stationId(int i) {
        return String.format(Locale.ROOT, "loa-%04d", i);
    }

    private static String loadStationId(int i) {
        return String.format(Locale.ROOT, "tai-%04d", i);
    }

    /** The village as it stood ready for the alert: how long it took, and what it cost idle. */
    private record Ready(long startMillis, long readyMillis, int threads, double heapMb, double rssMb,
                         double idleCpuPercent) {
    }

    /**
     * Starts the agents (a few at a time) and waits until each is ONLINE at the controller,
     * subscribed to the village's alert topic and has nothing left to report, so that the alert
     * meets quiet stations; then connects the light stations. What started is in {@code running}
     * at once, for the caller to stop.
     */
    private static Ready startStations(Setup s, Running running) throws BenchException {
        Controller controller = s.controller();
        int agents = s.options().agents();
        long t0 = System.nanoTime();
        List<Callable<?>> starting = new ArrayList<>();
        for (int i = 1; i <= agents; i++) {
            String id = stationId(i);
            starting.add(() -> {
                Station st = new Station(new SimulatedStation(agentConfig(controller, id,
                        s.work().resolve("stations").resolve(id)), Clock.systemUTC()), new FirstSampleSink(Clock.systemUTC()));
                synchronized (running.agents) {
                    running.agents.add(st);
                }
                st.sim().start(st.sink());
                return null;
            });
        }
        Parallel.all(STARTING_THREADS, starting, "starting the station agents");
        long startMillis = millisSince(t0);
        List<Station> stations = List.copyOf(running.agents);
        Duration timeout = Duration.ofSeconds(60 + agents / 10);
        Wait.until("every agent to be ONLINE, hold its schedule and follow the village's alerts", timeout, () -> {
            for (Station st : stations) {
                boolean online = controller.monitor().state(st.id()).filter(x -> x.presence() == Presence.ONLINE)
                        .isPresent();
                if (!online || !st.sim().agent().connected() || st.sim().agent().schedule().isEmpty()) {
                    return Optional.empty();
                }
            }
            Set<String> following = StationLog.read(s.log()).following(VILLAGE);
            return following.size() >= stations.size() ? Optional.of(true) : Optional.empty();
        });
        Wait.until("every agent's start-up events to be acknowledged", timeout, () ->
                stations.stream().allMatch(st -> st.sim().agent().pendingEvents() == 0) ? Optional.of(true)
                        : Optional.empty());
        if (s.options().agentNice() < 0) {
            Set<String> ids = stations.stream().map(Station::id).collect(java.util.stream.Collectors.toSet());
            int raised = ThreadPriority.set(s.options().agentNice(), name -> ids.stream().anyMatch(name::endsWith),
                    "the agents'");
            System.out.printf(Locale.ROOT, "The agents' %d threads run at nice %d: each would have a Raspberry Pi of its"
                    + " own.%n", raised, s.options().agentNice());
        }
        List<String> lightIds = new ArrayList<>();
        for (int i = agents + 1; i <= s.options().stations(); i++) {
            lightIds.add(stationId(i));
        }
        if (!lightIds.isEmpty()) {
            running.light = LightStationsProcess.start(controller.brokerUrl(), lightIds,
                    Topics.defaults().zoneAlerts(VILLAGE), s.options().lightNice(), s.work().resolve("light-stations.log"));
            System.out.printf(Locale.ROOT, "The %d light stations run in a JVM of their own (pid %d) at nice %d: their own"
                    + " work is their Raspberry Pis', not the server's.%n", lightIds.size(), running.light.pid(),
                    s.options().lightNice());
        }
        long readyMillis = millisSince(t0);
        long pid = ProcessHandle.current().pid();
        ProcFs.Sample a = ProcFs.sample(pid);
        Wait.pause(IDLE_SAMPLE);
        ProcFs.Sample b = ProcFs.sample(pid);
        return new Ready(startMillis, readyMillis, ManagementFactory.getThreadMXBean().getThreadCount(),
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0, b.rssKb() / 1024.0,
                Footprint.cpuPercent(List.of(a, b), ProcFs.ticksPerSecond()));
    }

    /** A station as {@code ./loalang agent} would run it, with mock GPIO and no amplifier warm-up. */
    private static AgentConfig agentConfig(Controller controller, String id, Path dir) {
        return new AgentConfig(id, controller.brokerUrl(), null, null, null, dir,
                Map.of(controller.keyId(), controller.publicKeyPem()),
                new GpioConfig("mock", List.of(new RelayConfig("amp", 17, true))),
                AudioConfig.wavFiles(dir.resolve("rendered")), AMPLIFIER_WARMUP_MILLIS, null, null, null, null);
    }

    /** Stops the agents, several at a time: each says goodbye to the broker and switches its relays off. */
    private static void stopAgents(List<Station> agents) {
        List<Station> all;
        synchronized (agents) {
            all = List.copyOf(agents);
        }
        if (all.isEmpty()) {
            return;
        }
        System.out.println("Stopping " + all.size() + " agents.");
        Parallel.allQuietly(STOPPING_THREADS, all.stream().<Runnable>map(st -> st.sim()::close).toList(),
                Duration.ofMinutes(5), "agents stopped");
    }

    /**
     * What the alert came to: the call and its message; each agent's way to its first sound; each
     * light station's receipt and download; the machine's CPU and TCP while it went out.
     */
    private record Measured(String alertId, long callMillis, byte[] signed, double monitorMillis,
                            double monitorFromStartMillis, Optional<StationLog.Triggered> controllerSaid,
                            List<Long> firstSoundNanos, List<Long> fromCallSentNanos, Map<String, Percentiles> steps,
                            Optional<Percentiles> lightReceived, Optional<Percentiles> lightFetched, long windowMillis,
                            Map<String, Double> cpuMillis, double processCpuMillis, ThreadCpu.Gc gc, long jitMillis,
                            ProcFs.Tcp tcp, OptionalDouble brokerProcessCpuMillis, OptionalDouble lightProcessCpuMillis,
                            ToSound toSound) {
        /** Each agent's first sound from the call's answer (issue 5's measure). */
        Percentiles firstSound() {
            return Percentiles.ofNanos(firstSoundNanos);
        }

        /** Each agent's first sound from the call's start: what the village head waits. */
        Percentiles fromCallSent() {
            return Percentiles.ofNanos(fromCallSentNanos);
        }
    }

    /**
     * The CPU from the call's start until every agent had sounded (the stretch the first sounds were
     * measured in), looked at every 20 ms: what ran beside the alert's path. {@code uptimeAtCallMillis}
     * places the call in the JVM's GC log ({@code -Xlog:gc} in the script: uptime stamps).
     */
    private record ToSound(long millis, long uptimeAtCallMillis, Map<String, Double> cpuMillis, double processCpuMillis,
                           ThreadCpu.Gc gc, long jitMillis) {
    }

    private static Measured triggerAndMeasure(Setup s, Running running, Clip clip) throws BenchException {
        String topic = Topics.defaults().zoneAlerts(VILLAGE);
        AtomicReference<byte[]> signed = new AtomicReference<>();
        AtomicLong monitorAt = new AtomicLong(-1);
        List<Station> agents = running.agents;
        MqttClient monitor = RawFanout.subscribed(s.controller().brokerUrl(), "bench-alert-monitor", topic, (t, m) -> {
            long now = System.nanoTime();
            boolean awaited = LightStations.Announced.read(m.getPayload())
                    .filter(a -> !a.cancelled() && !running.pastAlerts.contains(a.alertId())).isPresent();
            if (awaited && monitorAt.compareAndSet(-1, now)) {
                signed.set(m.getPayload());
            }
        });
        try {
            // Log times are wall-clock: this pair, taken right before the call, places them on System.nanoTime.
            Instant wall0 = Instant.now();
            long nano0 = System.nanoTime();
            long pid = ProcessHandle.current().pid();
            ProcFs.Tcp tcpBefore = ProcFs.tcp();
            ProcFs.Sample procBefore = ProcFs.sample(pid);
            OptionalLong brokerBefore = brokerTicks(s);
            OptionalLong lightBefore = lightTicks(running);
            ThreadCpu cpuBefore = ThreadCpu.snapshot();
            AtomicReference<ThreadCpu> cpuSounded = new AtomicReference<>();
            AtomicReference<ProcFs.Sample> procSounded = new AtomicReference<>();
            AtomicLong soundedAt = new AtomicLong();
            long uptimeAtCall = ManagementFactory.getRuntimeMXBean().getUptime();
            AlertApi.Trigger call = s.api().trigger(s.head(), Map.of("villages", List.of(VILLAGE), "contentId", clip.id(),
                    "reason", "Đo đạc / benchmark of the alert path", "durationMinutes", 10));
            Wait.until("every agent's first sound and every light station's download", ALERT_TIMEOUT, () -> {
                boolean sounded = agents.stream().allMatch(a -> a.sink().firstSoundNanos().isPresent());
                if (sounded && cpuSounded.get() == null) {
                    soundedAt.set(System.nanoTime());
                    cpuSounded.set(ThreadCpu.snapshot());
                    procSounded.set(ProcFs.sample(pid));
                }
                return sounded && (running.light == null || running.light.allFetched()) ? Optional.of(true) : Optional.empty();
            });
            long done = System.nanoTime();
            ThreadCpu cpuAfter = ThreadCpu.snapshot();
            ProcFs.Sample procAfter = ProcFs.sample(pid);
            OptionalLong brokerAfter = brokerTicks(s);
            OptionalLong lightAfter = lightTicks(running);
            ProcFs.Tcp tcp = ProcFs.tcp().since(tcpBefore);
            if (signed.get() == null) {
                throw new BenchException("the monitor on " + topic + " never saw the alert's message");
            }
            Optional<Percentiles> lightReceived = Optional.empty();
            Optional<Percentiles> lightFetched = Optional.empty();
            if (running.light != null) {
                Map<String, LightStations.Seen> seen = running.light.seen();
                List<String> failed = seen.entrySet().stream().filter(e -> e.getValue().failure() != null)
                        .map(e -> e.getKey() + ": " + e.getValue().failure()).toList();
                if (!failed.isEmpty()) {
                    throw new BenchException(failed.size() + " light station(s) could not fetch the alert's audio, e.g. "
                            + failed.get(0));
                }
                lightReceived = Optional.of(Percentiles.ofNanos(since(seen.values(), LightStations.Seen::receivedNanos,
                        call.returnedNanos())));
                lightFetched = Optional.of(Percentiles.ofNanos(since(seen.values(), LightStations.Seen::fetchedNanos,
                        call.returnedNanos())));
            }
            List<Long> firstSound = since(agents, a -> a.sink().firstSoundNanos().orElseThrow(), call.returnedNanos());
            Wait.pause(LOG_CATCH_UP);
            StationLog log = StationLog.read(s.log());
            List<String> fellShort = agents.stream().map(Station::id).filter(log.fellShort(call.alertId())::contains)
                    .toList();
            if (!fellShort.isEmpty()) {
                throw new BenchException(fellShort.size() + " agent(s) could not fetch the alert's audio in time and said"
                        + " the built-in fallback instead, e.g. " + fellShort.get(0) + "; first sounds after the call's"
                        + " answer: " + Percentiles.ofNanos(firstSound).describe());
            }
            double processCpu = (procAfter.cpuTicks() - procBefore.cpuTicks()) * 1000.0 / ProcFs.ticksPerSecond();
            OptionalDouble brokerCpu = brokerBefore.isPresent() ? OptionalDouble.of((brokerAfter.getAsLong()
                    - brokerBefore.getAsLong()) * 1000.0 / ProcFs.ticksPerSecond()) : OptionalDouble.empty();
            return new Measured(call.alertId(), TimeUnit.NANOSECONDS.toMillis(call.returnedNanos() - call.sentNanos()),
                    signed.get(), (monitorAt.get() - call.returnedNanos()) / 1e6,
                    (monitorAt.get() - call.sentNanos()) / 1e6, log.triggered(call.alertId()), firstSound,
                    since(agents, a -> a.sink().firstSoundNanos().orElseThrow(), call.sentNanos()),
                    steps(log, call, clip, agents, wall0, nano0), lightReceived, lightFetched,
                    TimeUnit.NANOSECONDS.toMillis(done - call.sentNanos()), cpuAfter.millisSince(cpuBefore), processCpu,
                    cpuAfter.gcSince(cpuBefore), cpuAfter.jitMillisSince(cpuBefore), tcp, brokerCpu,
                    lightBefore.isPresent() ? OptionalDouble.of((lightAfter.getAsLong() - lightBefore.getAsLong()) * 1000.0
                            / ProcFs.ticksPerSecond()) : OptionalDouble.empty(),
                    new ToSound(TimeUnit.NANOSECONDS.toMillis(soundedAt.get() - call.sentNanos()), uptimeAtCall,
                            cpuSounded.get().millisSince(cpuBefore), (procSounded.get().cpuTicks()
                            - procBefore.cpuTicks()) * 1000.0 / ProcFs.ticksPerSecond(), cpuSounded.get().gcSince(cpuBefore),
                            cpuSounded.get().jitMillisSince(cpuBefore)));
        } finally {
            RawFanout.closeQuietly(monitor);
        }
    }

    private static MosquittoBroker mosquitto(Path dir) throws BenchException, IOException {
        try {
            return MosquittoBroker.start(dir);
        } catch (AssertionError e) {
            throw new BenchException(e.getMessage()); // not installed: the message says how to install it
        }
    }

    /** The light stations' process's CPU ticks so far; empty without light stations. */
    private static OptionalLong lightTicks(Running running) throws BenchException {
        return running.light == null ? OptionalLong.empty() : OptionalLong.of(ProcFs.sample(running.light.pid()).cpuTicks());
    }

    /** The external broker's CPU ticks so far; empty when the broker is embedded (its threads are counted here). */
    private static OptionalLong brokerTicks(Setup s) throws BenchException {
        return s.brokerPid().isPresent() ? OptionalLong.of(ProcFs.sample(s.brokerPid().getAsLong()).cpuTicks())
                : OptionalLong.empty();
    }

    private static <T> List<Long> since(java.util.Collection<T> of, ToLongFunction<T> at, long fromNanos) {
        return of.stream().map(x -> at.applyAsLong(x) - fromNanos).toList();
    }

    /**
     * Each agent's way from the call's start to its first sound, step by step: its log lines
     * (wall-clock, placed on System.nanoTime by {@code wall0}/{@code nano0}) and its sink's times.
     */
    private static Map<String, Percentiles> steps(StationLog log, AlertApi.Trigger call, Clip clip, List<Station> agents,
                                                  Instant wall0, long nano0) throws BenchException {
        Map<String, Map<StationLog.Stage, Instant>> logged = log.stages(call.alertId(), clip.id());
        // The agent puts the alert on the line as soon as it is verified and fetches the clip while the
        // siren sounds: the chain to the first sound leaves the download out; it is reported beside it.
        String[] names = {
                "call made → received (controller: checks, store, publish; broker; agent: MQTT, verify, replay guard)",
                "received → submitted to the arbiter (journal ALERT_RECEIVED)",
                "submitted → relay ON (playout wakes, journal SESSION_STARTED, GPIO)",
                "relay ON → sink opened",
                "sink opened → first sound (journal ITEM_STARTED, open the siren, first chunk)",
                "beside it: received → clip cached (HTTP download, SHA-256, rename)"};
        List<List<Long>> deltas = new ArrayList<>();
        for (String ignored : names) {
            deltas.add(new ArrayList<>());
        }
        for (Station st : agents) {
            Map<StationLog.Stage, Instant> at = logged.get(st.id());
            if (at == null || at.size() < StationLog.Stage.values().length) {
                throw new BenchException("agent " + st.id() + " logged only " + (at == null ? "none" : at.keySet())
                        + " of the steps " + Arrays.toString(StationLog.Stage.values()) + " for the alert;"
                        + " has a log line of the agent changed? (see StationLog)");
            }
            long received = nanos(at.get(StationLog.Stage.RECEIVED), wall0, nano0);
            long[] chain = {
                    call.sentNanos(),
                    received,
                    nanos(at.get(StationLog.Stage.SUBMITTED), wall0, nano0),
                    nanos(at.get(StationLog.Stage.RELAY_ON), wall0, nano0),
                    st.sink().openedNanos().orElseThrow(),
                    st.sink().firstSoundNanos().orElseThrow()};
            for (int i = 0; i + 1 < chain.length; i++) {
                deltas.get(i).add(chain[i + 1] - chain[i]);
            }
            deltas.get(names.length - 1).add(nanos(at.get(StationLog.Stage.FETCHED), wall0, nano0) - received);
        }
        Map<String, Percentiles> out = new LinkedHashMap<>();
        for (int i = 0; i < names.length; i++) {
            out.put(names[i], Percentiles.ofNanos(deltas.get(i)));
        }
        return out;
    }

    private static long nanos(Instant at, Instant wall0, long nano0) {
        return nano0 + Duration.between(wall0, at).toNanos();
    }

    /**
     * An agent that did not play its alert to the end measured nothing: each must say it finished
     * the alert with both items played (siren and clip), none failed, no built-in fallback said
     * instead of the clip, and its sink must have taken at least the clip's length of sound. The
     * agents' own log is read, not the controller's play log: with a thousand agents the
     * controller takes minutes to store it (docs/benchmarks.md).
     */
    private static void requirePlayed(Setup s, List<Station> agents, String alertId, Clip clip) throws BenchException {
        Wait.until("every agent to close its output after the alert", ALERT_TIMEOUT, () ->
                agents.stream().allMatch(a -> a.sink().outputsClosed() > 0) ? Optional.of(true) : Optional.empty());
        Wait.pause(LOG_CATCH_UP);
        StationLog log = StationLog.read(s.log());
        Map<String, StationLog.Finished> finished = log.finished(alertId);
        Set<String> short_ = log.fellShort(alertId);
        long minFrames = 44_100 * clip.length().toMillis() / 1000;
        List<String> problems = new ArrayList<>();
        for (Station st : agents) {
            StationLog.Finished f = finished.get(st.id());
            if (f == null || f.reason() != null || f.played() != 2 || f.notPlayed() != 0 || short_.contains(st.id())
                    || st.sink().framesTaken() < minFrames) {
                problems.add(st.id() + ": " + (f == null ? "no end logged" : f) + (short_.contains(st.id())
                        ? ", fell back or failed an item" : "") + ", " + st.sink().framesTaken() + " frames taken");
            }
        }
        if (!problems.isEmpty()) {
            throw new BenchException(problems.size() + " agent(s) did not play the alert as sent, e.g. "
                    + problems.subList(0, Math.min(5, problems.size())));
        }
    }

    /**
     * One raw fan-out round: the broker's fan-out alone, to as many plain subscribers as stations,
     * connected for the round. {@code counted}: every subscriber's receipt in the counted publishes,
     * in nanoseconds; {@code first}: the publish before them, not counted.
     */
    private record Raw(int subscribers, int bytes, double connectSeconds, Percentiles first, List<Long> counted) {
        Percentiles pooled() {
            return Percentiles.ofNanos(counted);
        }
    }

    /**
     * Connects the raw subscribers, publishes {@code payload} once uncounted and {@link #RAW_PUBLISHES}
     * times counted, closes them and waits until the broker holds no more connections than before, so
     * that the alert after it meets the broker as it was.
     */
    private static Raw rawFanout(Setup s, byte[] payload) throws BenchException {
        String brokerUrl = s.controller().brokerUrl();
        int brokerPort = java.net.URI.create(brokerUrl).getPort();
        int count = s.options().stations();
        int connectionsBefore = ProcFs.established(brokerPort);
        long t0 = System.nanoTime();
        Raw raw;
        try (RawFanout fanout = RawFanout.connect(brokerUrl, count)) {
            double connectSeconds = millisSince(t0) / 1000.0;
            Wait.pause(Duration.ofSeconds(1));
            List<Long> counted = new ArrayList<>();
            Percentiles first = null;
            for (int publish = 0; publish <= RAW_PUBLISHES; publish++) {
                List<Long> times = fanout.publishOnce(payload, ALERT_TIMEOUT.toMillis());
                if (publish == 0) {
                    first = Percentiles.ofNanos(times);
                } else {
                    counted.addAll(times);
                }
                Wait.pause(Duration.ofMillis(500));
            }
            raw = new Raw(count, payload.length, connectSeconds, first, counted);
        }
        Wait.until("the broker to close the raw subscribers' connections", ALERT_TIMEOUT, () ->
                ProcFs.established(brokerPort) <= connectionsBefore ? Optional.of(true) : Optional.empty());
        System.out.printf(Locale.ROOT, "  raw fan-out: %d subscribers connected in %.1f s; %d publishes %s; closed after"
                + " %.1f s in all.%n", count, raw.connectSeconds(), RAW_PUBLISHES, raw.pooled().describe(),
                millisSince(t0) / 1000.0);
        return raw;
    }

    /** What one Ed25519 verification of the alert and one fsync in the work directory cost on this machine. */
    private record UnitCosts(double verifyMicros, double fsyncMillis) {
    }

    private static UnitCosts unitCosts(Setup s, String alertId, byte[] signed) throws BenchException {
        EnvelopeVerifier verifier = new EnvelopeVerifier(agentConfig(s.controller(), "probe", s.work()).publicKeys(),
                Clock.systemUTC(), Duration.ofMinutes(5));
        String topic = Topics.defaults().zoneAlert(VILLAGE, alertId);
        long[] verify = new long[200];
        try {
            for (int i = -50; i < verify.length; i++) {
                long t = System.nanoTime();
                verifier.verify(topic, MessageType.ALERT, signed, Alert.class);
                if (i >= 0) {
                    verify[i] = System.nanoTime() - t;
                }
            }
        } catch (RejectedMessageException e) {
            throw new BenchException("the alert's own message does not verify: " + e.getMessage());
        }
        long[] fsync = new long[50];
        Path file = s.work().resolve("fsync-probe");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            for (int i = 0; i < fsync.length; i++) {
                long t = System.nanoTime();
                ch.write(ByteBuffer.wrap(new byte[200]));
                ch.force(false);
                fsync[i] = System.nanoTime() - t;
            }
        } catch (IOException e) {
            throw new BenchException("cannot write " + file + ": " + e.getMessage());
        }
        Arrays.sort(verify);
        Arrays.sort(fsync);
        return new UnitCosts(verify[verify.length / 2] / 1e3, fsync[fsync.length / 2] / 1e6);
    }

    private static void report(PrintStream out, Options o, Result r) throws IOException {
        Ready ready = r.ready();
        int cores = Runtime.getRuntime().availableProcessors();
        int light = o.stations() - o.agents();
        out.println();
        out.printf(Locale.ROOT, "Loa Làng alert latency, %s, %d core(s), Java %s (%s)%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), cores, System.getProperty("java.version"),
                System.getProperty("java.vm.name"));
        out.printf(Locale.ROOT, "  village    %d stations on one broker (%s) on 127.0.0.1, all"
                + " subscribed to the village's alert topic:%n", o.stations(), o.brokerName());
        out.printf(Locale.ROOT, "             %d full StationAgents (mock GPIO, amplifier warm-up %d ms, sound to a sink"
                + " that notes the first sample)%n", o.agents(), AMPLIFIER_WARMUP_MILLIS);
        if (light > 0) {
            out.printf(Locale.ROOT, "             %d light stations (only what others see of a station: the"
                    + " subscription, the download, the reports)%n", light);
        }
        out.printf(Locale.ROOT, "  ready      agents started in %.1f s, everyone following after %.1f s; %d threads, heap"
                        + " %.0f MB used, RSS %.0f MB; idle CPU %.1f %% of one core%n", ready.startMillis() / 1000.0,
                ready.readyMillis() / 1000.0, ready.threads(), ready.heapMb(), ready.rssMb(), ready.idleCpuPercent());
        Measured w = r.first();
        out.printf(Locale.ROOT, "  the first alert, not counted (code not compiled yet): the call took %d ms; first sound"
                + " from the call's start %s%s%n", w.callMillis(), w.fromCallSent().describe(), w.lightFetched()
                .map(p -> "; light stations' audio downloaded " + p.describe()).orElse(""));
        int measured = r.quiet().samples().size() + (r.underLoad() == null ? 0 : r.underLoad().samples().size());
        out.printf(Locale.ROOT, "  played     all %d agents played the siren and the clip to the end in each of the %d"
                + " alerts; none fell back%n", o.agents(), measured + 1);
        out.printf(Locale.ROOT, "  unit costs one Ed25519 verification of the alert %.0f µs (median, warm); one fsync in"
                + " the work directory %.2f ms (median)%n", r.units().verifyMicros(), r.units().fsyncMillis());
        out.println();
        out.printf(Locale.ROOT, "  QUIET: %d alert(s), each right after a raw fan-out round of its own%n",
                r.quiet().samples().size());
        condition(out, o, r.quiet());
        if (r.underLoad() != null) {
            out.println();
            out.printf(Locale.ROOT, "  UNDER RECOMPILES: %d alert(s) while the controller recompiled the %d schedules of"
                    + " village %s in a loop, each right after a raw fan-out round of its own (taken before the loop"
                    + " started)%n", r.underLoad().samples().size(), o.recompileStations(), LOAD_VILLAGE);
            condition(out, o, r.underLoad());
        }
    }

    /** One condition: each alert with its raw round and its own ratio, then the figures pooled and the goal. */
    private static void condition(PrintStream out, Options o, Condition c) throws IOException {
        int n = c.samples().size();
        for (int i = 0; i < n; i++) {
            Sample sample = c.samples().get(i);
            Measured m = sample.alert();
            Raw raw = sample.raw();
            out.println();
            out.printf(Locale.ROOT, "  alert %d of %d %s, EMERGENCY: siren, then %s (%d bytes, %.1f s) fetched by every"
                            + " station; signed message %d bytes%n", i + 1, n, m.alertId(), sample.clip().file().getFileName(),
                    Files.size(sample.clip().file()), sample.clip().length().toMillis() / 1000.0, m.signed().length);
            out.printf(Locale.ROOT, "  raw fan-out right before it: %d plain Paho subscribers (connected in %.1f s), %d"
                    + " publishes of %d bytes (QoS 1, retained): %s%n", raw.subscribers(), raw.connectSeconds(),
                    RAW_PUBLISHES, raw.bytes(), raw.pooled().describe());
            out.printf(Locale.ROOT, "             its first publish, not counted: %s%n", raw.first().describe());
            if (c.underRecompiles()) {
                Percentiles rec = sample.recompiles();
                out.printf(Locale.ROOT, "  recompiles %s%n", rec == null
                        ? "NONE overlapped the alert: the load did not load it"
                        : rec.count() + " recompile(s) overlapped the alert, each " + rec.describe());
            }
            alertLines(out, o, m);
            out.printf(Locale.ROOT, "  this alert alone: first sound p99 from the call's start %.1f ms / its round's raw"
                    + " p99 %.1f ms: ratio %.2f%n", m.fromCallSent().p99(), raw.pooled().p99(),
                    sample.round().ratio(AMPLIFIER_WARMUP_MILLIS));
        }
        Pooled p = c.pooled();
        out.println();
        out.printf(Locale.ROOT, "  pooled over the %d alert(s): %d first sounds, %d raw receipts%n", n, p.fromCall().count(),
                p.raw().count());
        out.printf(Locale.ROOT, "    first sound from the call's start %s%n", p.fromCall().describe());
        out.printf(Locale.ROOT, "                 from the call's answer %s%n", p.fromAnswer().describe());
        out.printf(Locale.ROOT, "    raw fan-out                       %s%n", p.raw().describe());
        out.printf(Locale.ROOT, "    each alert's own ratio: %s%n", p.ratios().stream()
                .map(x -> String.format(Locale.ROOT, "%.2f", x)).collect(java.util.stream.Collectors.joining(", ")));
        goal(out, "goal      ", p.fromCall(), p.fromAnswer(), p.ratio(), p.ratioFromAnswer());
    }

    /** One measured alert: the call, the first sounds (from its start, then from its answer), each step, the CPU. */
    private static void alertLines(PrintStream out, Options o, Measured m) {
        int cores = Runtime.getRuntime().availableProcessors();
        int light = o.stations() - o.agents();
        out.printf(Locale.ROOT, "             the trigger call took %d ms; a plain subscriber had the message %.1f ms"
                + " after the call's start (%+.1f ms after its answer)%n", m.callMillis(), m.monitorFromStartMillis(),
                m.monitorMillis());
        m.controllerSaid().ifPresentOrElse(t -> out.printf(Locale.ROOT, "             the controller's log: checked and"
                        + " signed in %d ms, stored in %d ms (the alert, its message, %d deliveries), then handed to the"
                        + " broker in %d ms (until its acknowledgement)%n", t.checkedMillis(), t.storedMillis(),
                        o.stations(), t.handedMillis()),
                () -> out.println("             (the controller's log line of the trigger was not found)"));
        out.printf(Locale.ROOT, "  first sound of the %d agents, from the call's start: %s%n", o.agents(),
                m.fromCallSent().describe());
        out.printf(Locale.ROOT, "                             from the call's answer: %s%n", m.firstSound().describe());
        m.lightReceived().ifPresent(p -> out.printf(Locale.ROOT, "  light stations (%d), from the call's answer:"
                + " alert received %s%n", light, p.describe()));
        m.lightFetched().ifPresent(p -> out.printf(Locale.ROOT, "                                      audio"
                + " downloaded %s%n", p.describe()));
        out.println("  steps of each agent (p50 / p99 / max):");
        m.steps().forEach((step, p) -> out.printf(Locale.ROOT, "    %-100s %7.1f %7.1f %7.1f ms%n", step, p.p50(),
                p.p99(), p.max()));
        out.printf(Locale.ROOT, "  CPU from the call until all had sounded or downloaded (%d ms; %d ms of CPU on %d"
                + " cores at most): %.0f ms for the process%n", m.windowMillis(), m.windowMillis() * cores, cores,
                m.processCpuMillis());
        double threads = 0;
        for (Map.Entry<String, Double> e : m.cpuMillis().entrySet()) {
            threads += e.getKey().startsWith(ThreadCpu.OF_WHICH) ? 0 : e.getValue();
            if (e.getValue() >= 0.5) {
                out.printf(Locale.ROOT, "    %-60s %8.0f ms%n", e.getKey(), e.getValue());
            }
        }
        out.printf(Locale.ROOT, "    %-60s %8.0f ms%n", "JVM itself (GC, JIT compilers: the process minus its threads)",
                m.processCpuMillis() - threads);
        out.printf(Locale.ROOT, "             meanwhile %d garbage collection(s), %d ms; the JIT compiled for %d ms%n",
                m.gc().collections(), m.gc().millis(), m.jitMillis());
        m.brokerProcessCpuMillis().ifPresent(ms -> out.printf(Locale.ROOT, "    %-60s %8.0f ms%n",
                "and beside the process: the broker (Mosquitto)", ms));
        m.lightProcessCpuMillis().ifPresent(ms -> out.printf(Locale.ROOT, "    %-60s %8.0f ms%n",
                "and beside the process: the light stations' JVM (nice " + o.lightNice() + ")", ms));
        ToSound t = m.toSound();
        out.printf(Locale.ROOT, "  CPU from the call until every agent had sounded (%d ms, JVM uptime %.1f s at the call): %.0f ms"
                + " for the process; %d garbage collection(s), %d ms; the JIT compiled for %d ms%n", t.millis(),
                t.uptimeAtCallMillis() / 1000.0, t.processCpuMillis(), t.gc().collections(), t.gc().millis(), t.jitMillis());
        double toSoundThreads = 0;
        for (Map.Entry<String, Double> e : t.cpuMillis().entrySet()) {
            toSoundThreads += e.getKey().startsWith(ThreadCpu.OF_WHICH) ? 0 : e.getValue();
            if (e.getValue() >= 0.5) {
                out.printf(Locale.ROOT, "    %-60s %8.0f ms%n", e.getKey(), e.getValue());
            }
        }
        out.printf(Locale.ROOT, "    %-60s %8.0f ms%n", "JVM itself (GC, JIT compilers)", t.processCpuMillis() - toSoundThreads);
        out.printf(Locale.ROOT, "  TCP        meanwhile, on the whole machine: %d listen queue overflows, %d connection"
                        + " attempts dropped, %d segments sent again%n", m.tcp().listenOverflows(), m.tcp().listenDrops(),
                m.tcp().retransmittedSegments());
    }

    /** The goal, from the call's start (what the village head waits), and as issue 5 measured it, from the answer. */
    private static void goal(PrintStream out, String label, Percentiles fromCall, Percentiles fromAnswer, double ratio,
                             double ratioFromAnswer) {
        out.printf(Locale.ROOT, "  %s from the call's start: p99 under 1000 ms: %s (%.1f ms); within 1.5 x (raw p99 +"
                        + " warm-up %d ms): %s (ratio %.2f)%n", label, fromCall.p99() < 1000 ? "met" : "NOT met",
                fromCall.p99(), AMPLIFIER_WARMUP_MILLIS, ratio <= 1.5 ? "met" : "NOT met", ratio);
        out.printf(Locale.ROOT, "             from the call's answer (issue 5): p99 %.1f ms, ratio %.2f%n",
                fromAnswer.p99(), ratioFromAnswer);
    }

    private static long millisSince(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nanos);
    }
}
