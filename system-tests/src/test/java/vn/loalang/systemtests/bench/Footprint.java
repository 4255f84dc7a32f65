package vn.loalang.systemtests.bench;

import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The agent's footprint, summed up from what was watched while it ran. "Playing" is the stretch
 * from the first item's start to the last item's end as the agent reported them (event times
 * come from the samples written, i.e. when the sound leaves the line); "idle" is the wait between
 * start-up and the relay switching on.
 */
record Footprint(long startMillis, long onlineMillis, Duration playing, double cpuPercent, OptionalDouble idleCpuPercent,
                 double maxRssMb, double meanRssMb, double peakRssMb, double liveHeapMb, double maxHeapMb,
                 double committedHeapMb, long youngCollections, long fullCollections, double gcMillis, String collector) {

    /** Everything watched while the agent ran, before any of it is summed up. */
    record Observed(long startMillis, long onlineMillis, List<ProcFs.Sample> proc, List<AgentThreads.Snapshot> threads,
                    List<HeapSampler.Sample> heap, HeapSampler.Sample live, String collector, List<StationEvent> events) {
    }

    static Footprint of(Observed o, String sessionId, long ticksPerSecond) throws BenchException {
        Instant from = reported(o.events(), sessionId, EventType.ITEM_STARTED).get(0).at();
        List<StationEvent> finished = reported(o.events(), sessionId, EventType.ITEM_FINISHED);
        Instant to = finished.get(finished.size() - 1).at();
        Instant relayOn = reported(o.events(), sessionId, EventType.SESSION_STARTED).get(0).at();
        List<ProcFs.Sample> playing = within(o.proc(), ProcFs.Sample::at, from, to);
        List<ProcFs.Sample> idle = within(o.proc(), ProcFs.Sample::at, Instant.MIN, relayOn);
        List<HeapSampler.Sample> heap = within(o.heap(), HeapSampler.Sample::at, from, to);
        if (playing.size() < 2 || heap.size() < 2) {
            throw new BenchException("too few samples while the agent played (" + playing.size() + " from /proc, "
                    + heap.size() + " from jstat): nothing can be said about it");
        }
        HeapSampler.Sample h0 = heap.get(0);
        HeapSampler.Sample h1 = heap.get(heap.size() - 1);
        return new Footprint(o.startMillis(), o.onlineMillis(), Duration.between(from, to),
                cpuPercent(playing, ticksPerSecond),
                idle.size() < 2 ? OptionalDouble.empty() : OptionalDouble.of(cpuPercent(idle, ticksPerSecond)),
                playing.stream().mapToLong(ProcFs.Sample::rssKb).max().orElseThrow() / 1024.0,
                playing.stream().mapToLong(ProcFs.Sample::rssKb).average().orElseThrow() / 1024.0,
                o.proc().get(o.proc().size() - 1).peakRssKb() / 1024.0,
                o.live().usedMb(),
                heap.stream().mapToDouble(HeapSampler.Sample::usedMb).max().orElseThrow(),
                heap.stream().mapToDouble(HeapSampler.Sample::committedMb).max().orElseThrow(),
                h1.youngCollections() - h0.youngCollections(), h1.fullCollections() - h0.fullCollections(),
                (h1.gcSeconds() - h0.gcSeconds()) * 1000, o.collector());
    }

    /**
     * CPU while playing in the second half of the session only: the first minutes after start-up
     * include the JIT compiling the decode path, which a station playing for days pays once.
     */
    static double secondHalfCpuPercent(Observed o, String sessionId, long ticksPerSecond) throws BenchException {
        Instant from = reported(o.events(), sessionId, EventType.ITEM_STARTED).get(0).at();
        List<StationEvent> finished = reported(o.events(), sessionId, EventType.ITEM_FINISHED);
        Instant to = finished.get(finished.size() - 1).at();
        Instant middle = from.plus(Duration.between(from, to).dividedBy(2));
        List<ProcFs.Sample> late = within(o.proc(), ProcFs.Sample::at, middle, to);
        if (late.size() < 2) {
            throw new BenchException("too few samples in the second half of the session to tell its CPU");
        }
        return cpuPercent(late, ticksPerSecond);
    }

    /** The agent's busiest threads while playing (from the first item's start to the last one's end), in % of one core. */
    static String busiestThreads(Observed o, String sessionId, long ticksPerSecond) throws BenchException {
        Instant from = reported(o.events(), sessionId, EventType.ITEM_STARTED).get(0).at();
        List<StationEvent> finished = reported(o.events(), sessionId, EventType.ITEM_FINISHED);
        return AgentThreads.busiest(o.threads(), from, finished.get(finished.size() - 1).at(), ticksPerSecond, 6);
    }

    /** CPU time used between the first and the last sample over the wall time between them, in % of one core. */
    static double cpuPercent(List<ProcFs.Sample> samples, long ticksPerSecond) {
        ProcFs.Sample a = samples.get(0);
        ProcFs.Sample b = samples.get(samples.size() - 1);
        double cpuSeconds = (double) (b.cpuTicks() - a.cpuTicks()) / ticksPerSecond;
        double wallSeconds = Duration.between(a.at(), b.at()).toNanos() / 1e9;
        return 100 * cpuSeconds / wallSeconds;
    }

    /** The events of one type the agent reported for the session, in order. */
    static List<StationEvent> ofType(List<StationEvent> events, String sessionId, EventType type) {
        return events.stream().filter(e -> e.type() == type && sessionId.equals(e.sessionId())).toList();
    }

    /** As {@link #ofType}, where none would leave nothing to measure. */
    private static List<StationEvent> reported(List<StationEvent> events, String sessionId, EventType type)
            throws BenchException {
        List<StationEvent> found = ofType(events, sessionId, type);
        if (found.isEmpty()) {
            throw new BenchException("the agent reported no " + type + " for session " + sessionId);
        }
        return found;
    }

    private static <T> List<T> within(List<T> samples, Function<T, Instant> at, Instant from, Instant to) {
        return samples.stream().filter(s -> !at.apply(s).isBefore(from) && !at.apply(s).isAfter(to)).toList();
    }
}
