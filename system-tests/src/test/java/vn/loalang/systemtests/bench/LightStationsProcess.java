package vn.loalang.systemtests.bench;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@link LightStations} in a JVM of their own, at a low priority: what a thousand Raspberry
 * Pis do side by side must not share the measured JVM's safepoints, garbage collections and JIT
 * with the controller and the agents. In one JVM it did: a safepoint waits for every Java thread,
 * and 3,800 light-station threads at nice 19 took up to 220 ms to reach one while the JIT's threads
 * held the cores, stopping the controller and every agent meanwhile (docs/benchmarks.md, "Results
 * of issue 15, point 2, again"). Here the broker and the content server get from them exactly what
 * they got before: one connection each, the same subscription, reports and download.
 * <p>
 * The harness speaks to the process over its standard input and output, one line a request:
 * {@code rearm}, {@code forget ID}, {@code fetched} (answer {@code true}/{@code false}), {@code seen}
 * (answer: a line {@code ID RECEIVED FETCHED FAILURE} per station, then {@code end}), {@code quit}.
 * Times are {@link System#nanoTime}, which on Linux is the machine's monotonic clock
 * ({@code CLOCK_MONOTONIC}), the same in both processes.
 */
final class LightStationsProcess implements AutoCloseable {
    private final Process process;
    private final BufferedReader answers;
    private final Writer requests;
    private final int count;

    private LightStationsProcess(Process process, int count) {
        this.process = process;
        this.count = count;
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.requests = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /**
     * Starts the process at {@code nice} (0: this process's own), with this JVM's classpath, and
     * returns once every station is connected and subscribed; its standard error goes to {@code log}.
     */
    static LightStationsProcess start(String brokerUrl, List<String> stationIds, String topic, int nice, Path log)
            throws BenchException {
        List<String> command = new ArrayList<>();
        if (nice > 0) {
            command.addAll(List.of("nice", "-n", Integer.toString(nice)));
        }
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), LightStationsProcess.class.getName(), brokerUrl, topic));
        command.addAll(stationIds);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new BenchException("cannot start the light stations' process: " + e.getMessage());
        }
        LightStationsProcess light = new LightStationsProcess(p, stationIds.size());
        String ready = light.readLine("connecting the light stations");
        if (!ready.equals("ready " + stationIds.size())) {
            light.close();
            throw new BenchException("the light stations' process said '" + ready + "' instead of being ready; see " + log);
        }
        return light;
    }

    long pid() {
        return process.pid();
    }

    int count() {
        return count;
    }

    synchronized void rearm() throws BenchException {
        request("rearm");
        expect("ok");
    }

    synchronized void forget(String alertId) throws BenchException {
        request("forget " + alertId);
        expect("ok");
    }

    /** Whether every light station has received the awaited alert and fetched its audio, or failed to. */
    synchronized boolean allFetched() throws BenchException {
        request("fetched");
        return Boolean.parseBoolean(readLine("the light stations' answer"));
    }

    synchronized Map<String, LightStations.Seen> seen() throws BenchException {
        request("seen");
        Map<String, LightStations.Seen> out = new HashMap<>();
        for (String line = readLine("what the light stations saw"); !line.equals("end");
             line = readLine("what the light stations saw")) {
            String[] f = line.split(" ", 4);
            out.put(f[0], new LightStations.Seen(Long.parseLong(f[1]), Long.parseLong(f[2]),
                    f[3].equals("-") ? null : f[3]));
        }
        return out;
    }

    private void request(String line) throws BenchException {
        try {
            requests.write(line + "\n");
            requests.flush();
        } catch (IOException e) {
            throw new BenchException("the light stations' process is gone (" + e.getMessage() + ")");
        }
    }

    private void expect(String answer) throws BenchException {
        String line = readLine("the light stations' answer");
        if (!line.equals(answer)) {
            throw new BenchException("the light stations' process answered '" + line + "', not '" + answer + "'");
        }
    }

    private String readLine(String what) throws BenchException {
        try {
            String line = answers.readLine();
            if (line == null) {
                throw new BenchException("the light stations' process ended while " + what);
            }
            return line;
        } catch (IOException e) {
            throw new BenchException("cannot read the light stations' process while " + what + ": " + e.getMessage());
        }
    }

    /** Asks the process to close its stations (each says goodbye to the broker) and waits for it. */
    @Override
    public void close() {
        try {
            request("quit");
            if (!process.waitFor(3, TimeUnit.MINUTES)) {
                process.destroyForcibly();
            }
        } catch (BenchException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** The process: {@code BROKER_URL TOPIC STATION_ID...}. */
    public static void main(String[] args) throws IOException {
        // The answers have standard output to themselves: anything a library prints goes to the log.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        List<String> ids = List.of(args).subList(2, args.length);
        LightStations light;
        try {
            light = LightStations.connect(args[0], ids, args[1]);
        } catch (BenchException e) {
            out.println("failed " + e.getMessage());
            return;
        }
        out.println("ready " + ids.size());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (light) {
            for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
                if (line.equals("rearm")) {
                    light.rearm();
                    out.println("ok");
                } else if (line.startsWith("forget ")) {
                    light.forget(line.substring("forget ".length()));
                    out.println("ok");
                } else if (line.equals("fetched")) {
                    out.println(light.allFetched());
                } else if (line.equals("seen")) {
                    StringBuilder b = new StringBuilder();
                    light.seen().forEach((id, s) -> b.append(id).append(' ').append(s.receivedNanos()).append(' ')
                            .append(s.fetchedNanos()).append(' ')
                            .append(s.failure() == null ? "-" : s.failure().replace('\n', ' ')).append('\n'));
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
