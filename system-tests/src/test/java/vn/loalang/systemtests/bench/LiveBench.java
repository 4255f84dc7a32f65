package vn.loalang.systemtests.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import vn.loalang.controller.cli.Args;
import vn.loalang.controller.server.Controller;
import vn.loalang.controller.server.ControllerConfig;
import vn.loalang.controller.users.PasswordHasher;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionType;
import vn.loalang.systemtests.support.MarkerSignal;
import vn.loalang.systemtests.support.Ports;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./loalang bench live} (issue 17, point 8; plan §5.1): mouth to speaker of a live talk, and the
 * bytes each station receives. An operator, in Chromium on the console, talks to every village with a
 * fake microphone that plays {@link MarkerSignal}'s markers (one every 3 s); the browser's tap notes when
 * each marker is captured ({@link TalkBrowser}). The talk goes the real way: MediaRecorder WebM/Opus over
 * the talk's WebSocket, the controller's ffmpeg, the talk's channel, the embedded {@code GET /live/{mount}}
 * with each station's broker account. Each station runs the agent's own {@code LiveStreamReader},
 * {@code JitterBuffer} and {@code LivePcmStream} into a {@link MarkerSink} ({@link LightLiveStations}, in
 * a JVM of their own at nice 19). Latency = when the station's sink plays marker k's first sample − when
 * the browser captured marker k; every station, every marker. A marker a station never plays is lost,
 * and fails the bench.
 * <p>
 * The controller (with its embedded broker and live server) and the browser's driver run in this JVM,
 * as in the alert bench; ffmpeg and Chromium are their own processes.
 */
public final class LiveBench {
    /** Villages of at most this many stations: a talk "to every village" then names several. */
    static final int STATIONS_PER_VILLAGE = 50;
    private static final String OPERATOR = "can.bo.dai";
    /** From the recorder's start, a marker captured this soon may be cut by the first slice's edge: not awaited. */
    static final long LEAD_IN_MICROS = 200_000;
    /** Before the recorder's stop, a marker captured this late may not be whole in the last slice: not awaited. */
    static final long LEAD_OUT_MICROS = 500_000;
    /**
     * A full agent's talk begins with what the agent puts before it (the program's start, the live item's
     * priming, any chime): markers from this far into each talk are awaited there.
     */
    static final long FULL_AGENT_LEAD_IN_MICROS = 3_000_000;
    private static final Duration PLAYED_OUT = Duration.ofSeconds(60);
    private static final int WARM_UP_SECONDS = 9;
    private static final Duration BETWEEN_TALKS = Duration.ofSeconds(2);

    record Options(int stations, int agents, int talks, int seconds, String server, int lightNice, Path work) {
        static final Option<Integer> STATIONS = Option.of("stations", OptionType.integer(1, 2000, null),
                "the number of stations").byDefault(200);
        static final Option<Integer> AGENTS = Option.of("agents", OptionType.integer(0, 20, null),
                "the number of full agents among them").byDefault(3)
                .help("The number of full agents among them: whole StationAgents in this JVM (signed inbox, talk keeper,"
                        + " arbiter, live item player, mock relays) with a marker sink as their sound card. 0: light"
                        + " stations only.");
        static final Option<Integer> TALKS = Option.of("talks", OptionType.integer(1, 20, null),
                "the talks, one after another, each to every village").byDefault(3);
        static final Option<Integer> SECONDS = Option.of("seconds", OptionType.integer(6, 600, "s"),
                "how long the operator talks each time").byDefault(30)
                .help("How long the operator talks each time: a marker every 3 s, so 30 s makes 10 markers a talk.");
        static final Option<String> SERVER = Option.of("server", OptionType.oneOf("embedded"),
                "where stations fetch the talk: embedded (the controller's GET /live/{mount})").byDefault("embedded");
        static final Option<Integer> LIGHT_NICE = Option.of("light-nice", OptionType.integer(0, 19, null),
                "the nice level of the light stations' own JVM").byDefault(19)
                .help("The nice level of the light stations' own JVM. Their reading and decoding would run on 200 "
                        + "Raspberry Pis, not on the server: at 19 they take this machine's cores only when the "
                        + "controller, ffmpeg and Chromium leave them idle.");
        static final Option<Path> WORK = Option.of("work", OptionType.path("DIR"), "the bench's work folder")
                .help("An empty folder, or one that does not exist yet.");
        /** In the order {@code --help} and the docs list them. */
        static final List<Option<?>> ALL = List.of(STATIONS, AGENTS, TALKS, SECONDS, SERVER, LIGHT_NICE, WORK);

        static Options parse(String[] argv) throws IOException {
            Args args = new Args(argv);
            int stations = args.get(STATIONS);
            int agents = args.get(AGENTS);
            int talks = args.get(TALKS);
            int seconds = args.get(SECONDS);
            String server = args.get(SERVER);
            int lightNice = args.get(LIGHT_NICE);
            Path work = args.get(WORK);
            args.requireAllUsed();
            if (agents > stations) {
                throw new IllegalArgumentException("--agents must be from 0 to --stations (" + stations + "), not " + agents);
            }
            return new Options(stations, agents, talks, seconds, server, lightNice, BenchMain.emptyWorkDir(work));
        }
    }

    /** One talk as the browser sent it: its id and when its recorder started and stopped (µs since the epoch). */
    record Talk(String id, long startMicros, long stopMicros) {
        double seconds() {
            return (stopMicros - startMicros) / 1e6;
        }
    }

    private LiveBench() {
    }

    public static void main(String[] argv) {
        BenchMain.run(argv, Benches.LIVE, Options::parse, LiveBench::run);
    }

    private static void run(Options o) throws BenchException, IOException {
        Path work = Files.createDirectories(o.work());
        Path log = work.resolve("bench.log");
        System.setProperty("tinylog.writer", "file");
        System.setProperty("tinylog.writer.file", log.toString());
        System.setProperty("tinylog.writer.format", StationLog.FORMAT);
        System.setProperty("tinylog.writingthread", "true");
        // Whole cycles of the 8 markers (24 s): Chromium loops the file, and the sequence goes on across the seam.
        long cycle = MarkerSignal.PERIOD.toSeconds() * MarkerSignal.FREQUENCIES.length;
        Path markers = MarkerSignal.wav(work.resolve("markers.wav"),
                Duration.ofSeconds(((o.seconds() + 10) / cycle + 1) * cycle), 48_000);
        List<String> stationIds = new ArrayList<>();
        for (int i = 1; i <= o.stations(); i++) {
            stationIds.add(String.format(Locale.ROOT, "loa-%04d", i));
        }
        Path commune = writeCommune(work.resolve("commune"), stationIds);
        String adminPassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        String operatorPassword = HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        System.out.printf(Locale.ROOT, "Benchmarking %d live talk(s) of %d s to %d stations in %d village(s); files in %s%n",
                o.talks(), o.seconds(), o.stations(), villages(o.stations()), work);

        ControllerConfig config = ControllerConfig.of(commune, work.resolve("controller"))
                .withHttp("127.0.0.1", Ports.free(), null).withEmbeddedBroker("127.0.0.1", Ports.free());
        try (Controller controller = Controller.start(config, Clock.systemUTC(), new PasswordHasher(),
                () -> adminPassword, new PrintStream(OutputStream.nullOutputStream()))) {
            if (!controller.programProblems().isEmpty()) {
                throw new BenchException("the benchmark's commune has problems: " + controller.programProblems());
            }
            AlertApi api = new AlertApi(controller.contentPort());
            String admin = api.login("admin", adminPassword);
            api.createUser(admin, OPERATOR, operatorPassword, "OPERATOR");
            List<LightLiveStations.Account> accounts = new ArrayList<>();
            for (int i = 0; i < stationIds.size(); i++) {
                JsonNode issued = api.issueCredentials(admin, stationIds.get(i));
                accounts.add(new LightLiveStations.Account(stationIds.get(i), village(i), issued.get("username").asText(),
                        issued.get("password").asText()));
            }
            String base = "http://127.0.0.1:" + controller.contentPort();
            List<LightLiveStations.Account> lightAccounts = accounts.subList(o.agents(), accounts.size());
            try (FullLiveAgents full = FullLiveAgents.start(controller, accounts.subList(0, o.agents()),
                    work.resolve("agents"));
                 LightLiveStationsProcess light = LightLiveStationsProcess.start(controller.brokerUrl(),
                    Topics.defaults().root(), lightAccounts, o.lightNice(), log);
                 TalkBrowser browser = TalkBrowser.open(base, markers)) {
                System.out.printf(Locale.ROOT, "  %d full agent(s) online; %d light stations subscribed (their JVM at"
                        + " nice %d, pid %d)%n", full.count(), lightAccounts.size(), o.lightNice(), light.pid());
                browser.logIn(OPERATOR, operatorPassword);
                browser.openTalkPage();
                // A first talk, not counted, as the alert bench's first alert: a fresh JVM's first talk loads and
                // compiles the readers, decoders and the uplink's path, which a station running for months has done.
                List<String> ids = new ArrayList<>();
                ids.add(talk(controller, browser, light, WARM_UP_SECONDS, 0));
                Wait.pause(BETWEEN_TALKS);
                for (int t = 1; t <= o.talks(); t++) {
                    ids.add(talk(controller, browser, light, o.seconds(), t));
                    Wait.pause(BETWEEN_TALKS);
                }
                report(System.out, o, ids, browser, light.reports(), full);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while the controller started");
        }
        System.out.println("  files      " + work + " (bench.log: the controller's and the light stations' log)");
    }

    /** One talk to every village on the console: pressed, spoken for {@code seconds}, pressed again, played out. */
    private static String talk(Controller controller, TalkBrowser browser, LightLiveStationsProcess light, int seconds,
                               int n) throws BenchException {
        browser.startTalk();
        String id = controller.talks().recent(1).get(0).id();
        Wait.pause(Duration.ofSeconds(seconds));
        browser.endTalk();
        Wait.until("every light station to play talk " + id + " out", PLAYED_OUT,
                () -> light.allDone() ? Optional.of(true) : Optional.empty());
        System.out.printf(Locale.ROOT, "  talk %d (%s)%s: %d s spoken%n", n, id, n == 0 ? ", not counted" : "", seconds);
        return id;
    }

    /** The browser's captures that every station must play: those inside a recorder's run, with its lead-in and -out. */
    static List<MarkerLatency.Capture> awaited(List<TalkBrowser.Mark> marks, List<Talk> talks, long leadInMicros) {
        List<MarkerLatency.Capture> out = new ArrayList<>();
        for (TalkBrowser.Mark m : marks) {
            long at = Math.round(m.wallMs() * 1000);
            for (int t = 0; t < talks.size(); t++) {
                Talk talk = talks.get(t);
                if (at >= talk.startMicros() + leadInMicros && at <= talk.stopMicros() - LEAD_OUT_MICROS) {
                    out.add(new MarkerLatency.Capture(t + 1, at, m.index()));
                }
            }
        }
        return out;
    }

    /** The recorders' runs, paired with the talks' ids in order. */
    static List<Talk> talks(List<String> ids, List<Double> recorderTimes) throws BenchException {
        if (recorderTimes.size() != 2 * ids.size()) {
            throw new BenchException("the browser's recorder started and stopped " + recorderTimes.size()
                    + " times for " + ids.size() + " talk(s)");
        }
        List<Talk> out = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            out.add(new Talk(ids.get(i), Math.round(recorderTimes.get(2 * i) * 1000),
                    Math.round(recorderTimes.get(2 * i + 1) * 1000)));
        }
        return out;
    }

    private static void report(PrintStream out, Options o, List<String> ids, TalkBrowser browser,
                               List<LightLiveStations.Report> reports, FullLiveAgents full) throws BenchException {
        // The first recorder run is the warm-up talk's: its markers are not awaited (its bytes are counted, with its time).
        List<Talk> runs = talks(ids, browser.recorderTimes());
        List<Talk> talks = runs.subList(1, runs.size());
        List<TalkBrowser.Mark> marks = browser.marks();
        List<MarkerLatency.Capture> captures = awaited(marks, talks, LEAD_IN_MICROS);
        if (captures.isEmpty()) {
            throw new BenchException("the browser captured no marker while it talked (" + marks.size()
                    + " in all): nothing to measure");
        }
        Map<String, List<MarkerSink.Heard>> heard = new LinkedHashMap<>();
        reports.forEach(r -> heard.put(r.stationId(), r.heard()));
        MarkerLatency.Result light = MarkerLatency.match(captures, heard);
        List<MarkerLatency.Capture> fullCaptures = awaited(marks, talks, FULL_AGENT_LEAD_IN_MICROS);
        MarkerLatency.Result agents = MarkerLatency.match(fullCaptures, full.heard());
        List<MarkerLatency.Lost> lost = new ArrayList<>(light.lost());
        lost.addAll(agents.lost());
        double onAir = runs.stream().mapToDouble(Talk::seconds).sum();
        List<Double> kbps = reports.stream().map(r -> MarkerLatency.kbps(r.bytes(), onAir)).toList();
        int underruns = reports.stream().mapToInt(LightLiveStations.Report::underruns).sum();
        // Light stations and full agents, every marker each was awaited for: the issue's figure.
        List<Double> all = new ArrayList<>(light.all());
        all.addAll(agents.all());
        Percentiles p = all.isEmpty() ? null : ms(all);
        Percentiles pFull = agents.all().isEmpty() ? null : ms(agents.all());
        List<Double> firsts = firstOfEachTalk(captures, light);

        out.println();
        out.printf(Locale.ROOT, "stations=%d p50_ms=%s p99_ms=%s kbps_per_station=%.1f%n", o.stations(),
                p == null ? "-" : whole(p.p50()), p == null ? "-" : whole(p.p99()), MarkerLatency.median(kbps));
        out.printf(Locale.ROOT, "server=%s talks=%d markers=%d/talk lost=%d full_agents_p99_ms=%s first_marker_p99_ms=%s"
                        + " icecast_extra_ms=-%n", o.server(), talks.size(), captures.size() / talks.size(), lost.size(),
                pFull == null ? "-" : whole(pFull.p99()), firsts.isEmpty() ? "-" : whole(ms(firsts).p99()));
        out.println();
        out.printf(Locale.ROOT, "Loa Làng live talk, %s, %d core(s), Java %s; load average %s%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), ProcFs.loadAverage());
        out.printf(Locale.ROOT, "  mouth to speaker, every station and marker: %s%n", p == null ? "none heard" : p.describe());
        out.printf(Locale.ROOT, "    %d light station(s) × %d marker(s): %s%n", reports.size(), captures.size(),
                light.all().isEmpty() ? "none heard" : ms(light.all()).describe());
        out.printf(Locale.ROOT, "    %d full agent(s) × %d marker(s) (from %d ms after each recorder start): %s%n",
                full.count(), fullCaptures.size(), FULL_AGENT_LEAD_IN_MICROS / 1000,
                pFull == null ? "none heard" : pFull.describe());
        for (int t = 1; t <= talks.size(); t++) {
            List<Double> own = new ArrayList<>();
            for (MarkerLatency.Capture c : captures) {
                if (c.talk() == t) {
                    own.addAll(light.heardLatency(c));
                }
            }
            out.printf(Locale.ROOT, "    talk %d (%s), light stations: %s%n", t, talks.get(t - 1).id(),
                    own.isEmpty() ? "none heard" : ms(own).describe());
        }
        out.printf(Locale.ROOT, "    each talk's first awaited marker, light stations: %s%n",
                firsts.isEmpty() ? "none" : ms(firsts).describe());
        out.printf(Locale.ROOT, "  bytes per light station (HTTP body: the MP3 32k stream) over %.1f s on air: median"
                        + " %.1f, max %.1f kbit/s (headers and TCP/IP not counted)%n", onAir, MarkerLatency.median(kbps),
                kbps.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        out.printf(Locale.ROOT, "  browser: %d marker(s) captured, %d awaited (%d ms after each recorder start to %d ms"
                        + " before its stop); clock: %s%n", marks.size(), captures.size(), LEAD_IN_MICROS / 1000,
                LEAD_OUT_MICROS / 1000, browser.clockCheck());
        out.printf(Locale.ROOT, "  sink underruns: light stations %d, full agents %d (each moves that line later, as a"
                + " card would)%n", underruns, full.underruns());
        for (MarkerLatency.Lost l : lost) {
            out.printf(Locale.ROOT, "  LOST: station %s did not play marker %d of talk %d (captured at %s)%n",
                    l.stationId(), l.capture().index(), l.capture().talk(),
                    Instant.ofEpochMilli(l.capture().wallMicros() / 1000));
        }
        boolean met = p != null && p.p99() <= 1500 && MarkerLatency.median(kbps) <= 32 * 1.1;
        out.printf(Locale.ROOT, "  goal p99 ≤ 1500 ms on loopback and ≤ 32 kbit/s of audio per station: %s%n",
                met ? "met" : "NOT met");
        if (!lost.isEmpty()) {
            throw new BenchException(lost.size() + " marker(s) were lost (listed above)");
        }
    }

    /** Each talk's first awaited marker at every light station: the talk's start, where the buffer primes. */
    private static List<Double> firstOfEachTalk(List<MarkerLatency.Capture> captures, MarkerLatency.Result r) {
        List<Double> out = new ArrayList<>();
        for (int k = 0; k < captures.size(); k++) {
            if (k > 0 && captures.get(k - 1).talk() == captures.get(k).talk()) {
                continue;
            }
            MarkerLatency.Capture first = captures.get(k);
            r.heardLatency(first).forEach(out::add);
        }
        return out;
    }

    private static Percentiles ms(List<Double> values) {
        return Percentiles.ofNanos(values.stream().map(v -> Math.round(v * 1e6)).toList());
    }

    private static String whole(double ms) {
        return String.format(Locale.ROOT, "%.0f", ms);
    }

    private static int villages(int stations) {
        return (stations + STATIONS_PER_VILLAGE - 1) / STATIONS_PER_VILLAGE;
    }

    private static String village(int stationIndex) {
        return String.format(Locale.ROOT, "thon-%02d", stationIndex / STATIONS_PER_VILLAGE + 1);
    }

    private static Path writeCommune(Path dir, List<String> stationIds) throws IOException {
        Files.createDirectories(dir);
        ObjectNode root = Json.mapper().createObjectNode();
        root.putObject("commune").put("id", "xa-do-dac").put("name", "Xã Đo Đạc (benchmark)")
                .put("timeZone", "Asia/Ho_Chi_Minh");
        ArrayNode villages = root.putArray("villages");
        for (int v = 0; v < villages(stationIds.size()); v++) {
            villages.addObject().put("id", village(v * STATIONS_PER_VILLAGE)).put("name", "Thôn " + (v + 1));
        }
        ArrayNode list = root.putArray("stations");
        for (int i = 0; i < stationIds.size(); i++) {
            list.addObject().put("id", stationIds.get(i)).put("village", village(i));
        }
        root.putArray("library");
        root.putObject("program").putArray("daily");
        Path file = dir.resolve("commune.json");
        Files.write(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        return file;
    }
}
