package vn.loalang.systemtests.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Which of another process's threads used its CPU: user plus system time of each thread from
 * {@code /proc/PID/task/TID/stat}, summed by the thread's name as Linux keeps it (15 characters:
 * {@code playout-bench-1}, {@code C1 CompilerThre}, {@code MQTT Rec: loala}). Reading another
 * process's /proc costs that process nothing. Threads started in between count from zero.
 */
final class AgentThreads {
    /** CPU clock ticks per thread name at one moment. */
    record Snapshot(Instant at, Map<String, Long> ticks) {
    }

    private AgentThreads() {
    }

    static Snapshot take(long pid) throws BenchException {
        Instant at = Instant.now();
        Map<String, Long> ticks = new HashMap<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                } catch (NoSuchFileException ended) {
                    continue;
                }
                ticks.merge(name(stat), ProcFs.cpuTicks(stat), Long::sum);
            }
        } catch (IOException e) {
            throw new BenchException("cannot read the threads of process " + pid + " in /proc: " + e.getMessage());
        }
        return new Snapshot(at, ticks);
    }

    /** Field 2 of a stat line: the name between the first '(' and the last ')' (it may hold both). */
    static String name(String stat) {
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        return open < 0 || close < open ? "?" : stat.substring(open + 1, close);
    }

    /**
     * The {@code top} busiest thread names between the first snapshot at or after {@code from} and
     * the last at or before {@code to}, in % of one core, e.g. "playout-bench-1 1.3 %, C1
     * CompilerThre 0.1 %"; empty when fewer than two snapshots fall in between.
     */
    static String busiest(List<Snapshot> snapshots, Instant from, Instant to, long ticksPerSecond, int top) {
        List<Snapshot> in = snapshots.stream().filter(s -> !s.at().isBefore(from) && !s.at().isAfter(to)).toList();
        if (in.size() < 2) {
            return "";
        }
        Snapshot a = in.get(0);
        Snapshot b = in.get(in.size() - 1);
        double seconds = Duration.between(a.at(), b.at()).toNanos() / 1e9;
        return b.ticks().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - a.ticks().getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .map(e -> String.format(Locale.ROOT, "%s %.2f %%", e.getKey(), 100.0 * e.getValue() / ticksPerSecond / seconds))
                .collect(Collectors.joining(", "));
    }
}
