package vn.loalang.systemtests.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import vn.loalang.audio.AudioContentException;
import vn.loalang.audio.AudioDecoder;
import vn.loalang.audio.AudioProbe;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.analysis.PcmAnalysis;
import vn.loalang.controller.cli.Args;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./loalang bench agent}: the station agent's footprint while it plays a real session, and
 * MP3 decoding speed next to mpg123.
 * <p>
 * A controller runs in this JVM with its embedded broker on 127.0.0.1; the agent runs as its own
 * process from the packaged jar in {@code -Xmx64m}, with mock GPIO and a WAV sink paced like a
 * sound card, as in {@code ./loalang demo}. Its one-off session, the demo's spoken clips repeated
 * to last {@code --seconds}, starts {@code --start-in} seconds after launch. Measured on the agent's
 * process: start-up time, resident memory and CPU from /proc while it plays, the Java heap from
 * jstat. A run in which the agent did not play the whole session fails. The last line sums up
 * for scripts.
 */
public final class AgentFootprintBench {
    private static final String STATION = "bench-1";
    private static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
    private static final List<String> CLIPS = List.of("gia-lua", "bao-hiem", "thoi-tiet");
    private static final Duration WINDOW_MARGIN = Duration.ofSeconds(60);
    private static final Duration SAMPLE_EVERY = Duration.ofMillis(250);
    /** The agent's threads are read every 2 s: CPU ticks are 10 ms, so finer would say little. */
    private static final int THREADS_EVERY = 8;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern COLLECTOR = Pattern.compile("-XX:\\+Use(\\w+)GC\\b");

    /** The session's items in order and how long they last together. */
    private record Playlist(List<String> items, Duration length) {
    }

    record Options(Path agentJar, AgentJvm jvm, Path work, int seconds, int startIn) {
        static final Option<Path> AGENT_JAR = Option.of("agent-jar", OptionType.path("JAR"), "the station agent's jar")
                .required();
        static final Option<Path> UNIT = Option.of("unit", OptionType.path("FILE"), "the agent's systemd unit")
                .required().help("The agent's systemd unit: the agent runs with the JVM options and environment of its ExecStart, as on the Pi.");
        static final Option<String> JAVA_OPTIONS = Option.of("java-options", OptionType.text("OPTIONS"),
                "JVM options instead of the unit's")
                .help("JVM options instead of the unit's, to measure one option's effect; the unit's environment stays.");
        static final Option<Path> WORK = Option.of("work", OptionType.path("DIR"), "the bench's work folder")
                .help("An empty folder, or one that does not exist yet.");
        static final Option<Integer> SECONDS = Option.of("seconds", OptionType.integer(10, 86_400, "seconds"),
                "the measured time").byDefault(60);
        static final Option<Integer> START_IN = Option.of("start-in", OptionType.integer(5, 3600, "seconds"),
                "the wait before the session").byDefault(15);
        /** In the order {@code --help} and the docs list them. */
        static final List<Option<?>> ALL = List.of(SECONDS, START_IN, JAVA_OPTIONS, AGENT_JAR, UNIT, WORK);

        static Options parse(String[] argv) throws IOException {
            Args args = new Args(argv);
            Path agentJar = args.get(AGENT_JAR);
            AgentJvm jvm;
            try {
                jvm = AgentJvm.fromUnit(args.get(UNIT));
            } catch (BenchException e) {
                throw new IllegalArgumentException("--unit: " + e.getMessage());
            }
            String javaOptions = args.get(JAVA_OPTIONS);
            if (javaOptions != null) {
                jvm = jvm.withOptions(javaOptions.isBlank() ? List.of() : List.of(javaOptions.strip().split("\\s+")));
            }
            Path work = args.get(WORK);
            int seconds = args.get(SECONDS);
            int startIn = args.get(START_IN);
            args.requireAllUsed();
            if (!Files.isRegularFile(agentJar)) {
                throw new IllegalArgumentException("--agent-jar must name the station agent jar: " + agentJar);
            }
            return new Options(agentJar, jvm, BenchMain.emptyWorkDir(work), seconds, startIn);
        }
    }

    private AgentFootprintBench() {
    }

    public static void main(String[] argv) {
        BenchMain.run(argv, Benches.AGENT, Options::parse, AgentFootprintBench::run);
    }

    private static void run(Options o) throws BenchException, IOException {
        Path work = Files.createDirectories(o.work());
        // The controller's log goes to a file so that the report stays readable; set before anything logs.
        System.setProperty("tinylog.writer", "file");
        System.setProperty("tinylog.writer.file", work.resolve("controller.log").toString());

        DecodeBench.requireTools();
        long ticksPerSecond = ProcFs.ticksPerSecond();
        Path communeDir = work.resolve("commune");
        List<Path> clips = copyClips(communeDir.resolve("library"));
        Playlist playlist = playlist(clips, Duration.ofSeconds(o.seconds()));
        // Its CA and relays are made before the session's start is set: they take a few seconds on a slow machine.
        DataBudget budget = DataBudget.start(work.resolve("tls"));
        Instant start = Instant.now().plusSeconds(o.startIn()).truncatedTo(ChronoUnit.SECONDS);
        String sessionId = LocalDateTime.ofInstant(start, ZONE).toLocalDate() + ".bench";
        Path commune = writeCommune(communeDir, playlist, start);

        System.out.printf(Locale.ROOT, "Benchmarking the station agent: a session of %d spoken clips (%.1f s) starts in %d s;"
                + " files in %s%n", playlist.items().size(), seconds(playlist.length()), o.startIn(), work);
        Footprint.Observed observed;
        DataBudget.Day data;
        java.io.ByteArrayOutputStream dataLines = new java.io.ByteArrayOutputStream();
        try (budget) {
            observed = observe(o.agentJar(), o.jvm(), work, commune, sessionId, start, playlist, budget);
            data = budget.report(new PrintStream(dataLines, true, java.nio.charset.StandardCharsets.UTF_8),
                    playlist.items().size(), audio(clips));
        }
        Path wav = AgentProcess.wavDir(work.resolve("agent")).resolve(STATION + "_" + sessionId + ".wav");
        Duration rendered = requirePlayed(observed.events(), sessionId, playlist, wav);
        Footprint footprint = Footprint.of(observed, sessionId, ticksPerSecond);
        System.out.println("The agent played the whole session; now decoding MP3 with the project's decoder and with mpg123.");
        DecodeBench.Result decode = DecodeBench.run(work);

        report(System.out, footprint, Footprint.secondHalfCpuPercent(observed, sessionId, ticksPerSecond),
                Footprint.busiestThreads(observed, sessionId, ticksPerSecond), o.jvm(), o.agentJar(), playlist, wav, rendered,
                decode);
        System.out.print(dataLines.toString(java.nio.charset.StandardCharsets.UTF_8));
        System.out.println("  files      " + work + " (agent/agent.log, controller.log, the rendered WAV, the decoded MP3)");
        System.out.printf(Locale.ROOT, "heap_mb=%.1f rss_mb=%.1f start_ms=%d cpu_pct=%.1f control_mb_day=%.3f%n",
                footprint.liveHeapMb(), footprint.maxRssMb(), footprint.startMillis(), footprint.cpuPercent(),
                data.controlMb());
    }

    /** How long the distinct clips last together: the audio the station downloads. */
    private static Duration audio(List<Path> clips) throws BenchException {
        Duration total = Duration.ZERO;
        for (Path clip : clips) {
            try {
                total = total.plus(AudioProbe.probe(clip).duration());
            } catch (AudioContentException e) {
                throw new BenchException("a demo clip does not decode: " + e.getMessage());
            }
        }
        return total;
    }

    /** The demo's three spoken bulletins (22.05 kHz mono MP3, about 8 s each), from the controller's jar. */
    private static List<Path> copyClips(Path library) throws IOException {
        Files.createDirectories(library);
        List<Path> files = new ArrayList<>();
        for (String clip : CLIPS) {
            try (InputStream in = AgentFootprintBench.class.getResourceAsStream("/demo/audio/" + clip + ".mp3")) {
                if (in == null) {
                    throw new IOException("demo audio " + clip + ".mp3 is not on the classpath (it comes with the controller)");
                }
                Path file = library.resolve(clip + ".mp3");
                Files.copy(in, file);
                files.add(file);
            }
        }
        return files;
    }

    /** The clips in turn until they last at least {@code length}. */
    private static Playlist playlist(List<Path> clips, Duration length) throws BenchException {
        List<Duration> durations = new ArrayList<>();
        for (Path clip : clips) {
            try {
                durations.add(AudioProbe.probe(clip).duration());
            } catch (AudioContentException e) {
                throw new BenchException("a demo clip does not decode: " + e.getMessage());
            }
        }
        List<String> items = new ArrayList<>();
        Duration total = Duration.ZERO;
        for (int i = 0; total.compareTo(length) < 0; i = (i + 1) % clips.size()) {
            items.add(CLIPS.get(i));
            total = total.plus(durations.get(i));
        }
        return new Playlist(items, total);
    }

    /** One village, one station, the clips, and the one-off session; no daily sessions to get in the way. */
    private static Path writeCommune(Path dir, Playlist playlist, Instant start) throws BenchException, IOException {
        LocalDateTime from = LocalDateTime.ofInstant(start, ZONE);
        LocalDateTime to = LocalDateTime.ofInstant(start.plus(playlist.length()).plus(WINDOW_MARGIN), ZONE);
        if (!to.toLocalDate().equals(from.toLocalDate())) {
            throw new BenchException("the session would run past midnight in " + ZONE + " (17:00 UTC), which a one-off"
                    + " session cannot; run the benchmark again in a few minutes");
        }
        ObjectNode root = Json.mapper().createObjectNode();
        root.putObject("commune").put("id", "xa-do-dac").put("name", "Xã Đo Đạc (benchmark)").put("timeZone", ZONE.getId());
        root.putArray("villages").addObject().put("id", "thon-do").put("name", "Thôn Đo");
        root.putArray("stations").addObject().put("id", STATION).put("name", "Cụm loa đo đạc").put("village", "thon-do");
        ArrayNode library = root.putArray("library");
        for (String clip : CLIPS) {
            library.addObject().put("id", clip).put("title", clip).put("file", "library/" + clip + ".mp3");
        }
        ObjectNode program = root.putObject("program");
        program.putArray("daily");
        ObjectNode session = program.putArray("oneOff").addObject().put("id", "bench").put("name", "Đo đạc / Benchmark")
                .put("date", from.toLocalDate().toString()).put("start", from.toLocalTime().toString())
                .put("end", to.toLocalTime().truncatedTo(ChronoUnit.SECONDS).toString());
        ArrayNode items = session.putArray("items");
        playlist.items().forEach(items::add);
        Path file = dir.resolve("commune.json");
        Files.write(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        return file;
    }

    /** Runs the controller and the agent through the session; both are stopped whatever happens. */
    private static Footprint.Observed observe(Path agentJar, AgentJvm unitJvm, Path work, Path commune, String sessionId,
                                              Instant start, Playlist playlist, DataBudget budget)
            throws BenchException, IOException {
        // The station reaches both through the data budget's counting relays (TLS to the broker, as in production).
        ControllerConfig config = ControllerConfig.of(commune, work.resolve("controller"))
                .withEmbeddedBroker("127.0.0.1", budget.brokerPort())
                .withHttp("127.0.0.1", budget.httpPort(), budget.contentUrl());
        // Nobody logs in to the API here, so the first administrator's password is not shown anywhere.
        PrintStream noConsole = new PrintStream(OutputStream.nullOutputStream());
        try (Controller controller = Controller.start(config, Clock.systemUTC(), new PasswordHasher(), () -> null, noConsole);
             AgentProcess agent = launch(agentJar, unitJvm, work.resolve("agent"), controller, budget)) {
            if (!controller.programProblems().isEmpty()) {
                throw new BenchException("the benchmark's program has problems: " + controller.programProblems());
            }
            long startMillis = agent.awaitStarted(START_TIMEOUT);
            long onlineMillis = Wait.until("the station to be ONLINE at the controller", START_TIMEOUT, () -> {
                agent.requireAlive();
                return controller.monitor().state(STATION).filter(s -> s.presence() == Presence.ONLINE)
                        .map(s -> agent.millisSinceLaunch());
            });
            if (!Instant.now().isBefore(start)) {
                throw new BenchException("the controller, the class-data archive and the agent's start-up took longer than"
                        + " --start-in: give a larger one (the machine is busy: load " + ProcFs.loadAverage() + ")");
            }
            try (HeapSampler heap = HeapSampler.start(agent.pid())) {
                Wait.until("the agent to hold the session's content before the session starts (a larger --start-in"
                        + " gives it more time)", Duration.between(Instant.now(), start), () -> {
                    agent.requireAlive();
                    return firstReported(controller, sessionId, EventType.CONTENT_READY);
                });
                budget.markReady();
                List<AgentThreads.Snapshot> threads = new ArrayList<>();
                List<ProcFs.Sample> proc = sampleUntilFinished(agent, controller, sessionId,
                        start.plus(playlist.length()).plus(WINDOW_MARGIN), threads);
                HeapSampler.Sample live = heap.afterFullCollection(Duration.ofSeconds(10));
                budget.markFinished();
                return new Footprint.Observed(startMillis, onlineMillis, proc, threads,
                        heap.samples(), live, collector(agent.pid()), controller.monitor().eventLog().events(STATION));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while the controller started");
        }
    }

    /** The agent as the unit starts it, with a class-data archive of its own built first when the unit names one. */
    private static AgentProcess launch(Path agentJar, AgentJvm unitJvm, Path dir, Controller controller, DataBudget budget)
            throws BenchException, IOException {
        Path config = AgentProcess.writeConfig(dir, STATION, controller, budget.brokerUrl(), budget.caFile());
        AgentJvm jvm = unitJvm;
        if (unitJvm.archive().isPresent()) {
            jvm = unitJvm.withArchive(ClassDataArchive.build(unitJvm, agentJar, config, dir.getParent().resolve("agent.jsa")));
        }
        System.out.println("The agent runs as: " + jvm.commandLine());
        return AgentProcess.launch(jvm, agentJar, config, STATION);
    }

    private static Optional<StationEvent> firstReported(Controller controller, String sessionId, EventType type) {
        return Footprint.ofType(controller.monitor().eventLog().events(STATION), sessionId, type).stream().findFirst();
    }

    /**
     * /proc samples of the agent every 250 ms until it reports the end of the session; its threads'
     * CPU every {@link #THREADS_EVERY} samples into {@code threads}.
     */
    private static List<ProcFs.Sample> sampleUntilFinished(AgentProcess agent, Controller controller, String sessionId,
                                                           Instant deadline, List<AgentThreads.Snapshot> threads)
            throws BenchException {
        List<ProcFs.Sample> samples = new ArrayList<>();
        while (firstReported(controller, sessionId, EventType.SESSION_FINISHED).isEmpty()) {
            agent.requireAlive();
            if (Instant.now().isAfter(deadline)) {
                throw new BenchException("the agent did not report the end of the session by " + deadline
                        + "; its log is " + agent.log());
            }
            if (samples.size() % THREADS_EVERY == 0) {
                threads.add(AgentThreads.take(agent.pid()));
            }
            samples.add(ProcFs.sample(agent.pid()));
            Wait.pause(SAMPLE_EVERY);
        }
        threads.add(AgentThreads.take(agent.pid()));
        samples.add(ProcFs.sample(agent.pid()));
        return samples;
    }

    /** The collector the JVM chose for the agent (G1 or Serial, depending on the cores and memory it sees). */
    private static String collector(long pid) throws BenchException {
        Matcher m = COLLECTOR.matcher(Tools.output(Tools.jdk("jcmd"), Long.toString(pid), "VM.flags"));
        return m.find() ? m.group(1) : "an unnamed";
    }

    /**
     * A benchmark of an agent that did not play measures nothing: every item must have been
     * reported finished, none failed, and the rendered WAV must hold the whole playlist, audibly.
     *
     * @return how long the rendered WAV lasts
     */
    private static Duration requirePlayed(List<StationEvent> events, String sessionId, Playlist playlist, Path wav)
            throws BenchException {
        List<String> failed = Footprint.ofType(events, sessionId, EventType.ITEM_FAILED).stream()
                .map(e -> e.contentId() + ": " + e.reason() + " " + e.detail()).toList();
        int finished = Footprint.ofType(events, sessionId, EventType.ITEM_FINISHED).size();
        if (!failed.isEmpty() || finished != playlist.items().size()) {
            throw new BenchException("the agent finished " + finished + " of " + playlist.items().size() + " items"
                    + (failed.isEmpty() ? "" : "; failed: " + failed));
        }
        Pcm pcm;
        try {
            pcm = AudioDecoder.decodeAll(wav);
        } catch (AudioContentException e) {
            throw new BenchException("the rendered session " + wav + " cannot be read: " + e.getMessage());
        }
        Duration sound = PcmAnalysis.soundSegments(pcm, -40, Duration.ofMillis(50)).stream()
                .map(s -> s.end().minus(s.start())).reduce(Duration.ZERO, Duration::plus);
        if (pcm.duration().compareTo(playlist.length()) < 0 || sound.compareTo(playlist.length().dividedBy(2)) < 0) {
            throw new BenchException(wav + " lasts " + pcm.duration() + " with " + sound + " of sound; the playlist lasts "
                    + playlist.length());
        }
        return pcm.duration();
    }

    private static void report(PrintStream out, Footprint f, double secondHalfCpu, String threads, AgentJvm jvm, Path agentJar,
                               Playlist playlist, Path wav, Duration rendered, DecodeBench.Result d) {
        out.println();
        out.printf(Locale.ROOT, "Loa Làng station agent footprint, %s, %d core(s), Java %s (%s)%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), System.getProperty("java.vm.name"));
        out.printf(Locale.ROOT, "  agent      %s -jar %s --simulate, %s collector, sound to a WAV file paced as a line%n",
                jvm.commandLine(), agentJar.getFileName(), f.collector());
        out.printf(Locale.ROOT, "  session    %d items played, none failed: %.1f s from the first item's start to the last"
                + " one's end; %s lasts %.1f s with warm-up and tail%n", playlist.items().size(), seconds(f.playing()),
                wav.getFileName(), seconds(rendered));
        out.printf(Locale.ROOT, "  start-up   %d ms from launch to the \"started\" line, %d ms to ONLINE at the controller%n",
                f.startMillis(), f.onlineMillis());
        out.printf(Locale.ROOT, "  CPU        %.1f %% of one core while playing (%.1f %% in its second half, the JIT's warm-up"
                        + " mostly done); %s while waiting for the session%n",
                f.cpuPercent(), secondHalfCpu, f.idleCpuPercent().isPresent()
                        ? String.format(Locale.ROOT, "%.1f %%", f.idleCpuPercent().getAsDouble()) : "too short to tell");
        if (!threads.isEmpty()) {
            out.println("  threads    busiest while playing: " + threads);
        }
        out.printf(Locale.ROOT, "  RSS        %.1f MB at most while playing (mean %.1f MB); %.1f MB peak of the whole run (VmHWM)%n",
                f.maxRssMb(), f.meanRssMb(), f.peakRssMb());
        out.printf(Locale.ROOT, "  heap       %.1f MB live after the session (after a full GC); while playing at most %.1f MB used"
                        + " of %.1f MB committed, %d young and %d full collections, %.0f ms in GC%n",
                f.liveHeapMb(), f.maxHeapMb(), f.committedHeapMb(), f.youngCollections(), f.fullCollections(), f.gcMillis());
        out.printf(Locale.ROOT, "  decode     %s: %.1f s, %d Hz, %d channel(s), %d kbps, sha256 %s…; median of %d rounds%n",
                d.file().getFileName(), seconds(d.info().duration()), d.info().format().sampleRate(),
                d.info().format().channels(), d.info().bitrateKbps(), d.sha256().substring(0, 12), DecodeBench.ROUNDS);
        out.printf(Locale.ROOT, "             project decoder (mp3spi, in this JVM) %d ms: %.1fx real time%n",
                d.decoderMillis(), d.decoderTimesRealtime());
        out.printf(Locale.ROOT, "             mpg123 %d ms: %.1fx real time%n", d.mpg123Millis(), d.mpg123TimesRealtime());
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
