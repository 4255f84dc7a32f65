package vn.loalang.controller.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.cli.Args;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.station.StationMonitor;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.config.OptionException;
import vn.loalang.protocol.config.OptionText;
import vn.loalang.protocol.station.EventType;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The whole system on one machine: the controller with its embedded broker, and three village
 * stations as separate processes (as three Raspberry Pis would be) with mock GPIO and sound
 * rendered to WAV files. A one-off session starts a few seconds after launch.
 */
public final class Demo {
    private static final Logger log = LoggerFactory.getLogger(Demo.class);
    private static final ZoneId ZONE = ZoneId.of("Asia/Ho_Chi_Minh");
    private static final String MARKER = ".loalang-demo";
    private static final List<String[]> VILLAGES = List.of(
            new String[]{"thon-dong", "Thôn Đông"},
            new String[]{"thon-tay", "Thôn Tây"},
            new String[]{"ap-binh-an", "Ấp Bình An"});
    private static final List<String[]> CLIPS = List.of(
            new String[]{"gia-lua", "Giá lúa hôm nay / Rice prices today", "market-prices"},
            new String[]{"bao-hiem", "Bảo hiểm y tế và xã hội tự nguyện / Health and social insurance", "health-insurance"},
            new String[]{"thoi-tiet", "Thời tiết và triều cường / Weather and flood tide", "warning"});

    /** How long before the bulletin every station must have its audio, or the bulletin moves. */
    private static final Duration READY_MARGIN = Duration.ofSeconds(3);
    private static final int MAX_MOVES = 3;
    /** A move shorter than an agent's start-up would only move the bulletin again. */
    private static final Duration MIN_MOVE = Duration.ofSeconds(10);

    private Demo() {
    }

    static final String USAGE = """
            Usage:
              loalang-controller demo --agent-jar JAR [--exit-after SECONDS] [--data DIR] [--start-in SECONDS]
              ./loalang demo [--exit-after SECONDS]      (builds the jars and gives --agent-jar)

            """ + OptionText.commandLine(DemoOptions.ALL) + """

            The last line printed is the summary: stations=3 items_played=N failures=N wav_dir=DIR listen=URL.
            Exit code: 0 every station played without failure, 1 a failure, 2 a mistake on the command line.
            """;

    /**
     * Returns the process exit code: 0 when every station played without failure, 2 for a mistake on
     * the command line (a bad value said as {@code run} says it, {@link Args#refusal}).
     */
    public static int run(String[] argv) throws Exception {
        if (Arrays.asList(argv).contains("--help")) {
            System.out.println(USAGE);
            return 0;
        }
        Path data;
        Path agentJar;
        int exitAfter;
        int startIn;
        try {
            Args args = new Args(argv);
            data = args.get(DemoOptions.DATA).toAbsolutePath();
            agentJar = args.get(DemoOptions.AGENT_JAR);
            exitAfter = args.get(DemoOptions.EXIT_AFTER);
            startIn = args.get(DemoOptions.START_IN);
            args.requireAllUsed();
        } catch (OptionException e) {
            System.err.println(Args.refusal("demo", e));
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage() + "\n\n" + USAGE);
            return 2;
        }
        if (!Files.isRegularFile(agentJar)) {
            System.err.println("--agent-jar must name the station agent jar (./loalang demo passes it): " + agentJar);
            return 2;
        }
        prepare(data);
        int mqttPort = freePort();
        int httpPort = freePort();
        Instant start = Instant.now().plusSeconds(startIn).truncatedTo(ChronoUnit.SECONDS);
        Path communeFile = writeCommune(data, start);
        ControllerConfig config = ControllerConfig.of(communeFile, data.resolve("controller"))
                .withEmbeddedBroker("127.0.0.1", mqttPort).withHttp("127.0.0.1", httpPort, null);
        String summary;
        long failures;
        // Closed before the controller: the stations say goodbye to its broker while it still runs.
        try (Controller controller = Controller.start(config, Clock.systemUTC());
             StationProcesses processes = new StationProcesses()) {
            Instant planned = start;
            // The controller's own start-up (its store, its broker) can eat most of the lead: the stations
            // get the whole of --start-in from their own launch.
            Instant fromNow = Instant.now().plusSeconds(startIn).truncatedTo(ChronoUnit.SECONDS);
            if (fromNow.isAfter(start) && LocalDateTime.ofInstant(fromNow, ZONE).toLocalDate()
                    .equals(LocalDateTime.ofInstant(start, ZONE).toLocalDate())) {
                start = fromNow;
                moveBulletin(controller, start);
            }
            for (String[] v : VILLAGES) {
                startStation(processes, data, v[0] + "-1", controller, agentJar);
            }
            List<Process> stations = processes.all();
            printGuide(data, start, controller);
            start = untilStationsReady(controller, start, startIn);
            // The summary is about the bulletin: when it moved, the demo's end moves with it.
            long moved = Duration.between(planned, start).toSeconds();
            waitForEnd(exitAfter > 0 ? exitAfter + (int) moved : 0, stations);
            processes.stopAll();
            StationMonitor monitor = controller.monitor();
            StationMonitor.Totals t = monitor.totals();
            long contentFailures = monitor.eventLog().events().stream().filter(e -> e.type() == EventType.CONTENT_FAILED).count();
            String demoSession = LocalDateTime.ofInstant(start, ZONE).toLocalDate() + ".demo";
            long unfinished = controller.commune().stations().stream().filter(s -> monitor.eventLog().events(s.id()).stream()
                    .noneMatch(e -> e.type() == EventType.SESSION_FINISHED && demoSession.equals(e.sessionId()))).count();
            if (unfinished > 0) {
                System.out.println(unfinished + " station(s) did not report the end of the demo session"
                        + (exitAfter > 0 ? "; give it more time with --exit-after" : ""));
            }
            failures = t.itemsFailed() + t.rejections() + t.refused() + contentFailures + controller.programProblems().size() + unfinished;
            summary = "stations=" + stations.size() + " items_played=" + t.itemsPlayed() + " failures=" + failures
                    + " wav_dir=" + data.resolve("rendered")
                    + " listen=" + controller.listenUrl(); // issue 19: "Nghe lại", the public page
        }
        // Last, after every component has stopped and logged: scripts read this line.
        System.out.println(summary);
        return failures == 0 ? 0 : 1;
    }

    /**
     * Waits until every station reports the bulletin's audio ready. On a loaded machine a station can
     * start so slowly that it is still fetching when the bulletin should begin; the demo then moves the
     * bulletin later, as an operator would, instead of counting the miss as a failure. Returns the
     * bulletin's start as it finally stands.
     */
    private static Instant untilStationsReady(Controller controller, Instant start, int startIn) throws InterruptedException {
        Instant at = start;
        for (int moves = 0; ; moves++) {
            String session = LocalDateTime.ofInstant(at, ZONE).toLocalDate() + ".demo";
            while (Instant.now().isBefore(at.minus(READY_MARGIN))) {
                if (notReady(controller, session).isEmpty()) {
                    return at;
                }
                TimeUnit.MILLISECONDS.sleep(250);
            }
            List<String> late = notReady(controller, session);
            Instant later = Instant.now().plus(MIN_MOVE.compareTo(Duration.ofSeconds(startIn)) > 0 ? MIN_MOVE
                    : Duration.ofSeconds(startIn)).truncatedTo(ChronoUnit.SECONDS);
            boolean sameDay = LocalDateTime.ofInstant(later, ZONE).toLocalDate()
                    .equals(LocalDateTime.ofInstant(at, ZONE).toLocalDate());
            if (late.isEmpty() || moves == MAX_MOVES || !sameDay) {
                return at;
            }
            at = later;
            moveBulletin(controller, at);
            String clock = DateTimeFormatter.ofPattern("HH:mm:ss").format(at.atZone(ZONE));
            System.out.println("  Trạm " + String.join(", ", late) + " chưa tải xong bản tin; dời sang " + clock
                    + " / station(s) " + String.join(", ", late) + " have not fetched the bulletin yet; it moves to "
                    + clock);
        }
    }

    private static List<String> notReady(Controller controller, String session) {
        StationMonitor monitor = controller.monitor();
        return controller.commune().stations().stream().map(s -> s.id())
                .filter(id -> monitor.eventLog().events(id).stream()
                        .noneMatch(e -> e.type() == EventType.CONTENT_READY && session.equals(e.sessionId())))
                .toList();
    }

    private static void moveBulletin(Controller controller, Instant start) {
        Commune.Program program = controller.commune().program();
        LocalTime from = LocalDateTime.ofInstant(start, ZONE).toLocalTime();
        List<Commune.OneOffSession> moved = program.oneOff().stream().map(o -> !o.id().equals("demo") ? o
                : new Commune.OneOffSession(o.id(), o.name(), o.date(), from,
                        from.plus(Duration.between(o.start(), o.end())), o.items())).toList();
        controller.directory().setCommuneProgram("demo",
                new Commune.Program(program.daily(), moved, program.cancellations()));
    }

    private static void prepare(Path data) throws IOException {
        if (Files.exists(data)) {
            if (!Files.exists(data.resolve(MARKER))) {
                throw new IOException(data + " exists and was not made by the demo; choose another --data");
            }
            try (Stream<Path> walk = Files.walk(data)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(data.resolve("library"));
        Files.writeString(data.resolve(MARKER), "made by ./loalang demo; deleted and rebuilt on every run\n");
        for (String[] clip : CLIPS) {
            try (InputStream in = Demo.class.getResourceAsStream("/demo/audio/" + clip[0] + ".mp3")) {
                if (in == null) {
                    throw new IOException("demo audio " + clip[0] + ".mp3 is missing from the controller jar");
                }
                Files.copy(in, data.resolve("library").resolve(clip[0] + ".mp3"));
            }
        }
    }

    private static Path writeCommune(Path data, Instant start) throws IOException {
        LocalDateTime local = LocalDateTime.ofInstant(start, ZONE);
        ObjectNode root = Json.mapper().createObjectNode();
        root.putObject("commune").put("id", "xa-an-binh").put("name", "Xã An Bình (demo)").put("timeZone", ZONE.getId())
                .put("horizonDays", 7);
        ArrayNode villages = root.putArray("villages");
        ArrayNode stations = root.putArray("stations");
        for (String[] v : VILLAGES) {
            villages.addObject().put("id", v[0]).put("name", v[1]);
            stations.addObject().put("id", v[0] + "-1").put("name", "Cụm loa " + v[1]).put("village", v[0]);
        }
        ArrayNode library = root.putArray("library");
        for (String[] clip : CLIPS) {
            library.addObject().put("id", clip[0]).put("title", clip[1]).put("category", clip[2])
                    .put("file", "library/" + clip[0] + ".mp3");
        }
        ObjectNode program = root.putObject("program");
        LocalTime demoStart = local.toLocalTime();
        LocalTime demoEnd = demoStart.plusMinutes(3).isAfter(demoStart) ? demoStart.plusMinutes(3) : LocalTime.MAX.withNano(0);
        ArrayNode daily = program.putArray("daily");
        addDaily(daily, "morning", "Buổi sáng / Morning", LocalTime.of(5, 30), LocalTime.of(6, 30), demoStart, demoEnd);
        addDaily(daily, "evening", "Buổi chiều / Evening", LocalTime.of(17, 0), LocalTime.of(18, 0), demoStart, demoEnd);
        ObjectNode oneOff = program.putArray("oneOff").addObject().put("id", "demo").put("name", "Bản tin thử / Demo bulletin")
                .put("date", local.toLocalDate().toString()).put("start", demoStart.toString()).put("end", demoEnd.toString());
        ArrayNode items = oneOff.putArray("items");
        CLIPS.forEach(c -> items.add(c[0]));
        Path file = data.resolve("commune.json");
        Files.write(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        return file;
    }

    /** A daily session, moved two hours later on the rare run that would overlap the demo session. */
    private static void addDaily(ArrayNode daily, String id, String name, LocalTime start, LocalTime end,
                                 LocalTime demoStart, LocalTime demoEnd) {
        boolean overlaps = start.isBefore(demoEnd) && demoStart.isBefore(end);
        LocalTime s = overlaps ? start.plusHours(2) : start;
        LocalTime e = overlaps ? end.plusHours(2) : end;
        ObjectNode session = daily.addObject().put("id", id).put("name", name).put("start", s.toString()).put("end", e.toString());
        ArrayNode items = session.putArray("items");
        CLIPS.forEach(c -> items.add(c[0]));
    }

    private static Process startStation(StationProcesses processes, Path data, String id, Controller controller,
                                        Path agentJar) throws IOException {
        Path dir = data.resolve("stations").resolve(id);
        Files.createDirectories(dir);
        ObjectNode cfg = Json.mapper().createObjectNode();
        cfg.put("stationId", id).put("brokerUrl", controller.brokerUrl()).put("dataDir", dir.toString())
                .put("warmupMillis", 2000).put("tailMillis", 1000);
        cfg.putObject("trustedKeys").put(controller.keyId(), controller.publicKeyPem());
        cfg.putObject("gpio").put("provider", "mock").putArray("relays").addObject().put("name", "amp").put("pin", 17)
                .put("activeLow", true);
        cfg.putObject("audio").put("sink", "wav").put("wavDir", data.resolve("rendered").resolve(id).toString());
        cfg.putObject("reconnect").put("minMillis", 250).put("maxMillis", 2000);
        Path config = dir.resolve("station.json");
        Files.write(config, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(cfg));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = processes.start(new ProcessBuilder(java.toString(), "-Xmx64m", "-jar",
                agentJar.toAbsolutePath().toString(), "--config", config.toString(), "--simulate")
                .redirectErrorStream(true).redirectOutput(dir.resolve("agent.log").toFile()));
        log.info("Started simulated station {} (pid {})", id, p.pid());
        return p;
    }

    private static void printGuide(Path data, Instant start, Controller controller) {
        String at = DateTimeFormatter.ofPattern("HH:mm:ss").format(start.atZone(ZONE));
        System.out.println();
        System.out.println("Loa Làng demo: controller, embedded broker, 3 simulated village stations.");
        System.out.println("  Phiên \"Bản tin thử\" bắt đầu lúc " + at + " (giờ Việt Nam) / the demo session starts at " + at
                + " Vietnam time");
        System.out.println("  Âm thanh đã phát / rendered audio (WAV, one per session): " + data.resolve("rendered"));
        System.out.println("  Nhật ký phát / play log (SQLite, table station_event):    " + controller.storeFile());
        System.out.println("    e.g. sqlite3 " + controller.storeFile()
                + " 'select station_id, seq, at, type, content_id from station_event order by at'");
        System.out.println("  Station logs and state:                                   " + data.resolve("stations"));
        System.out.println("  Controller signing key:                                   " + controller.keyId());
        System.out.println("  Bảng điều khiển / web console:                            http://127.0.0.1:"
                + controller.contentPort() + "/  (admin; the password printed above, or LOALANG_ADMIN_PASSWORD)");
        // issue 19: the public page, without login, as residents open it on a phone.
        System.out.println("  Nghe lại / public listening (no login):                   " + controller.listenUrl());
        System.out.println("Press Ctrl-C to stop.");
        System.out.println();
    }

    private static void waitForEnd(int exitAfter, List<Process> stations) throws InterruptedException {
        if (exitAfter <= 0) {
            Thread main = Thread.currentThread();
            Runtime.getRuntime().addShutdownHook(new Thread(main::interrupt));
            try {
                for (Process p : stations) {
                    p.waitFor();
                }
            } catch (InterruptedException e) {
                Thread.interrupted();
            }
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(exitAfter);
        for (Process p : stations) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                p.waitFor(left, TimeUnit.NANOSECONDS);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

}
