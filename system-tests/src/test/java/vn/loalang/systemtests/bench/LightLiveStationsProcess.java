package vn.loalang.systemtests.bench;

import vn.loalang.protocol.Topics;

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@link LightLiveStations} in a JVM of their own at a low priority, for the reasons of
 * {@link LightStationsProcess}: 200 readers, decoders and paced lines would otherwise share the measured
 * JVM's safepoints, collections and JIT. Their decoding runs on 200 Raspberry Pis in the field; here it
 * takes this machine's cores only when the controller and ffmpeg leave them idle.
 * <p>
 * Over its standard input and output, one line a request. At start: one {@code station ID VILLAGE USER
 * PASSWORD} line per station (passwords do not go on a command line, which {@code ps} shows), then
 * {@code go}; it answers {@code ready N}. Then: {@code done} (answer {@code true}/{@code false}: every
 * talk has played out), {@code report} (a {@link LightLiveStations.Report} line per station, then
 * {@code end}), {@code quit}.
 */
final class LightLiveStationsProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader answers;
    private final Writer requests;

    private LightLiveStationsProcess(Process process) {
        this.process = process;
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts the process at {@code nice} with this JVM's classpath; returns once every station is subscribed. */
    static LightLiveStationsProcess start(String brokerUrl, String topicRoot, List<LightLiveStations.Account> stations,
                                          int nice, Path log) throws BenchException {
        List<String> command = new ArrayList<>();
        if (nice > 0) {
            command.addAll(List.of("nice", "-n", Integer.toString(nice)));
        }
        // Their log in a file of its own (standard output carries the answers): what each reader and buffer did.
        command.addAll(List.of(AgentProcess.java(), "-Xmx1g", "-XX:+UseZGC", "-Xlog:gc,safepoint:file=" + log.resolveSibling("light-stations-gc.log"), "-Dtinylog.writer=file",
                "-Dtinylog.writer.file=" + log.resolveSibling("light-stations.log"), "-Dtinylog.writer.format=" + StationLog.FORMAT,
                "-Dtinylog.writingthread=true", "-cp", System.getProperty("java.class.path"),
                LightLiveStationsProcess.class.getName(), brokerUrl, topicRoot));
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new BenchException("cannot start the light live stations' process: " + e.getMessage());
        }
        LightLiveStationsProcess light = new LightLiveStationsProcess(p);
        for (LightLiveStations.Account a : stations) {
            light.request(a.line());
        }
        light.request("go");
        String ready = light.readLine("connecting the light live stations");
        if (!ready.equals("ready " + stations.size())) {
            light.close();
            throw new BenchException("the light live stations' process said '" + ready + "' instead of being ready; see "
                    + log);
        }
        return light;
    }

    long pid() {
        return process.pid();
    }

    synchronized boolean allDone() throws BenchException {
        request("done");
        return Boolean.parseBoolean(readLine("the light live stations' answer"));
    }

    synchronized List<LightLiveStations.Report> reports() throws BenchException {
        request("report");
        List<LightLiveStations.Report> out = new ArrayList<>();
        for (String line = readLine("the light stations' report"); !line.equals("end");
             line = readLine("the light stations' report")) {
            out.add(LightLiveStations.Report.parse(line));
        }
        return out;
    }

    private void request(String line) throws BenchException {
        try {
            requests.write(line + "\n");
            requests.flush();
        } catch (IOException e) {
            throw new BenchException("the light live stations' process is gone (" + e.getMessage() + ")");
        }
    }

    private String readLine(String what) throws BenchException {
        try {
            String line = answers.readLine();
            if (line == null) {
                throw new BenchException("the light live stations' process ended while " + what);
            }
            return line;
        } catch (IOException e) {
            throw new BenchException("cannot read the light live stations' process while " + what + ": "
                    + e.getMessage());
        }
    }

    /** Asks the process to close its streams and connections, and waits for it. */
    @Override
    public void close() {
        try {
            request("quit");
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
        } catch (BenchException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The process: {@code BROKER_URL TOPIC_ROOT}, then the stations on standard input. */
    public static void main(String[] args) throws IOException {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<LightLiveStations.Account> accounts = new ArrayList<>();
        for (String line = in.readLine(); line != null && !line.equals("go"); line = in.readLine()) {
            accounts.add(LightLiveStations.Account.parse(line));
        }
        LightLiveStations.warmUp();
        LightLiveStations light;
        try {
            light = LightLiveStations.connect(args[0], new Topics(args[1]), accounts);
        } catch (BenchException e) {
            out.println("failed " + e.getMessage());
            return;
        }
        out.println("ready " + accounts.size());
        try (light) {
            for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
                if (line.equals("done")) {
                    out.println(light.allDone());
                } else if (line.equals("report")) {
                    StringBuilder b = new StringBuilder();
                    light.reports().forEach(r -> b.append(r.line()).append('\n'));
                    out.print(b.append("end\n"));
                    out.flush();
                } else {
                    out.println("unknown request " + line);
                }
            }
        }
        System.exit(0); // Paho's timers are not all daemons
    }
}
