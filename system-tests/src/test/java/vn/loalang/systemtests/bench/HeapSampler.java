package vn.loalang.systemtests.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The agent's Java heap, sampled every half second by one {@code jstat -gc} process for the whole
 * run. jstat reads the JVM's shared performance counters without attaching to it, so sampling
 * costs the agent nothing; one long-lived jstat also avoids starting a JVM per sample, which would
 * compete with the agent for the machine's two cores.
 */
final class HeapSampler implements AutoCloseable {
    /** One jstat line: heap used and committed (young + old generations, MB), collections so far. */
    record Sample(Instant at, double usedMb, double committedMb, long youngCollections, long fullCollections,
                  double gcSeconds) {
    }

    private static final String INTERVAL_MS = "500";

    private final long pid;
    private final Process jstat;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private volatile String failure;

    private HeapSampler(long pid, Process jstat) {
        this.pid = pid;
        this.jstat = jstat;
    }

    static HeapSampler start(long pid) throws BenchException {
        // jstat formats numbers in the default locale; English keeps the decimal point a point.
        ProcessBuilder pb = new ProcessBuilder(Tools.jdk("jstat"), "-J-Duser.language=en", "-gc", Long.toString(pid),
                INTERVAL_MS).redirectErrorStream(true);
        HeapSampler sampler;
        try {
            sampler = new HeapSampler(pid, pb.start());
        } catch (IOException e) {
            throw new BenchException("cannot start jstat: " + e.getMessage());
        }
        Thread reader = new Thread(sampler::read, "jstat-" + pid);
        reader.setDaemon(true);
        reader.start();
        return sampler;
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(jstat.getInputStream(), StandardCharsets.UTF_8))) {
            String header = in.readLine();
            for (String line; (line = in.readLine()) != null; ) {
                samples.add(parse(header, line, Instant.now()));
            }
        } catch (IOException | BenchException | RuntimeException e) {
            failure = "jstat -gc " + pid + " could not be read: " + e.getMessage();
        }
    }

    /** A line of {@code jstat -gc}, read by the column names of its header (capacities and use in kB). */
    static Sample parse(String header, String line, Instant at) throws BenchException {
        if (header == null) {
            throw new BenchException("jstat printed nothing");
        }
        List<String> names = Arrays.asList(header.trim().split("\\s+"));
        String[] values = line.trim().split("\\s+");
        if (values.length != names.size()) {
            throw new BenchException("jstat printed '" + line.strip() + "' under the header '" + header.strip() + "'");
        }
        Columns c = new Columns(names, values);
        double usedKb = c.number("S0U") + c.number("S1U") + c.number("EU") + c.number("OU");
        double committedKb = c.number("S0C") + c.number("S1C") + c.number("EC") + c.number("OC");
        return new Sample(at, usedKb / 1024, committedKb / 1024, (long) c.number("YGC"), (long) c.number("FGC"),
                c.number("GCT"));
    }

    private record Columns(List<String> names, String[] values) {
        double number(String name) throws BenchException {
            int i = names.indexOf(name);
            if (i < 0) {
                throw new BenchException("jstat -gc has no column " + name + " in '" + String.join(" ", names) + "'");
            }
            return Double.parseDouble(values[i]);
        }
    }

    List<Sample> samples() throws BenchException {
        if (failure != null) {
            throw new BenchException(failure);
        }
        return List.copyOf(samples);
    }

    /**
     * The live heap: what is still used right after a full collection, asked for with
     * {@code jcmd PID GC.run}. Used heap at any other moment mostly measures garbage not yet collected.
     */
    Sample afterFullCollection(Duration timeout) throws BenchException {
        long before = Wait.until("a first jstat sample of process " + pid, timeout, this::latest).fullCollections();
        Tools.output(Tools.jdk("jcmd"), Long.toString(pid), "GC.run");
        return Wait.until("a full collection of process " + pid + " after jcmd GC.run", timeout,
                () -> latest().filter(s -> s.fullCollections() > before));
    }

    private Optional<Sample> latest() throws BenchException {
        List<Sample> all = samples();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    @Override
    public void close() {
        jstat.destroyForcibly();
    }
}
