package vn.loalang.systemtests.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU time of this JVM's threads, summed by what they do, from their names: which part of the
 * stations, the controller or the broker used the cores between two snapshots. Threads started
 * in between count from zero; threads that ended in between are lost (few do here). The garbage
 * collector's pauses are noted with them: its threads are the JVM's own, not in the list.
 */
final class ThreadCpu {
    /** A kind of thread, told by its name. */
    private record Group(String name, Predicate<String> member) {
    }

    private static final List<Group> GROUPS = List.of(
            new Group("agents' MQTT (Paho: receive, verify, journal)", n -> n.startsWith("MQTT ")
                    && n.contains("loalang-station-")),
            new Group("agents' alert keeper (fetch)", n -> n.startsWith("alerts-")),
            new Group("agents' HTTP client", n -> n.startsWith("HttpClient-")),
            new Group("agents' playout", n -> n.startsWith("playout-")),
            new Group("agents' event outbox", n -> n.startsWith("events-")),
            new Group("agents' link, prefetch, watchdog", n -> n.startsWith("mqtt-link-") || n.startsWith("prefetch-")
                    || n.startsWith("sink-watchdog-")),
            new Group("light stations (Paho: receive, report, download)", n -> n.startsWith("MQTT ")
                    && n.contains("bench-light-")),
            new Group("raw subscribers (Paho)", n -> n.startsWith("MQTT ") && n.contains("bench-raw-")),
            new Group("controller MQTT (Paho: play log, alert progress, store)", n -> n.startsWith("MQTT ")
                    && n.contains("loalang-controller")),
            new Group("controller receipts (signing)", n -> n.equals("event-acks")),
            new Group("controller schedule compile (sign, store, publish)", n -> n.equals("schedules")),
            new Group("controller HTTP (Jetty: API, content)", n -> n.startsWith("qtp")
                    || n.startsWith("JettyServerThreadPool")),
            new Group("broker (Moquette, Netty)", n -> n.startsWith("nioEventLoopGroup") || n.contains("moquette")
                    || n.startsWith("Session Executor")),
            new Group("log writer", n -> n.startsWith("tinylog")));
    static final String OTHER = "other threads";

    /** Collections so far and the time they took (pauses, and concurrent work for G1's cycles). */
    record Gc(long collections, long millis) {
        Gc since(Gc before) {
            return new Gc(collections - before.collections, millis - before.millis);
        }
    }

    private final Map<Long, Long> cpuNanos;
    private final Map<Long, String> names;
    private final Gc gc;
    /** The JIT compilers' time so far (their threads are the JVM's own, not in the list either). */
    private final long jitMillis;

    private ThreadCpu(Map<Long, Long> cpuNanos, Map<Long, String> names, Gc gc, long jitMillis) {
        this.cpuNanos = cpuNanos;
        this.names = names;
        this.gc = gc;
        this.jitMillis = jitMillis;
    }

    static ThreadCpu snapshot() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (ThreadInfo t : mx.getThreadInfo(mx.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            long ns = mx.getThreadCpuTime(t.getThreadId());
            if (ns >= 0) {
                cpu.put(t.getThreadId(), ns);
                names.put(t.getThreadId(), t.getThreadName());
            }
        }
        long collections = 0;
        long gcMillis = 0;
        for (GarbageCollectorMXBean g : ManagementFactory.getGarbageCollectorMXBeans()) {
            collections += Math.max(0, g.getCollectionCount());
            gcMillis += Math.max(0, g.getCollectionTime());
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long jitMillis = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : -1;
        return new ThreadCpu(cpu, names, new Gc(collections, gcMillis), jitMillis);
    }

    static String groupOf(String threadName) {
        for (Group g : GROUPS) {
            if (g.member().test(threadName)) {
                return g.name();
            }
        }
        return OTHER;
    }

    /**
     * CPU milliseconds per group from {@code before} to this snapshot, groups in a fixed order, busiest
     * not first; after them, the other threads' busiest names (digits left out, so that one agent's
     * thread and another's count together), each as {@code "  of which NAME"}.
     */
    Map<String, Double> millisSince(ThreadCpu before) {
        Map<String, Double> out = new LinkedHashMap<>();
        GROUPS.forEach(g -> out.put(g.name(), 0.0));
        out.put(OTHER, 0.0);
        Map<String, Double> others = new HashMap<>();
        cpuNanos.forEach((id, ns) -> {
            long spent = ns - before.cpuNanos.getOrDefault(id, 0L);
            String group = groupOf(names.get(id));
            out.merge(group, spent / 1e6, Double::sum);
            if (group.equals(OTHER)) {
                others.merge(names.get(id).replaceAll("[0-9]+", "#"), spent / 1e6, Double::sum);
            }
        });
        others.entrySet().stream().filter(e -> e.getValue() >= 5).sorted(Map.Entry.<String, Double>comparingByValue()
                .reversed()).limit(5).forEach(e -> out.put(OF_WHICH + e.getKey(), e.getValue()));
        return out;
    }

    /** Marks a line that details "other threads" and is in its sum already. */
    static final String OF_WHICH = "  of which ";

    Gc gcSince(ThreadCpu before) {
        return gc.since(before.gc);
    }

    /** The JIT compilers' milliseconds since {@code before} (elapsed in compilations, summed over its threads); -1: unknown. */
    long jitMillisSince(ThreadCpu before) {
        return jitMillis < 0 || before.jitMillis < 0 ? -1 : jitMillis - before.jitMillis;
    }
}
