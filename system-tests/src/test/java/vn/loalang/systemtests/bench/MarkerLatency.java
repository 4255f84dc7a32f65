package vn.loalang.systemtests.bench;

import vn.loalang.systemtests.support.MarkerSignal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mouth to speaker: each marker the browser captured, matched with the first time each station heard
 * the same marker. Marker k is frequency k mod 8 ({@link MarkerSignal}), one every 3 s, so the same
 * frequency comes back only after 24 s: a station's first onset of that frequency from 1 s before the
 * capture (the two clocks are one system clock; the detectors' windows differ by a few ms) to
 * {@link #HORIZON_MICROS} after it is that marker, and a marker not heard within that is lost.
 */
final class MarkerLatency {
    /** Well under the 24 s after which the same frequency comes back, well over any latency worth measuring. */
    static final long HORIZON_MICROS = 20_000_000;
    static final long EARLY_MICROS = 1_000_000;

    /** A marker as the browser captured it: which talk, when (wall clock, µs since the epoch), which frequency. */
    record Capture(int talk, long wallMicros, int index) {
    }

    /** A marker a station did not hear. */
    record Lost(String stationId, Capture capture) {
    }

    /** Every latency (ms) by station and capture (null: lost), and what was lost. */
    record Result(Map<String, Map<Capture, Double>> byCapture, List<Lost> lost) {
        /** Every latency (ms) by station, in the captures' order, the lost left out. */
        Map<String, List<Double>> latencies() {
            Map<String, List<Double>> out = new LinkedHashMap<>();
            byCapture.forEach((s, m) -> out.put(s, m.values().stream().filter(java.util.Objects::nonNull).toList()));
            return out;
        }

        /** The latencies of one capture over the stations that heard it. */
        List<Double> heardLatency(Capture c) {
            return byCapture.values().stream().map(m -> m.get(c)).filter(java.util.Objects::nonNull).toList();
        }

        List<Double> all() {
            List<Double> out = new ArrayList<>();
            latencies().values().forEach(out::addAll);
            return out;
        }

        Percentiles percentiles() {
            return Percentiles.ofNanos(all().stream().map(ms -> Math.round(ms * 1e6)).toList());
        }
    }

    private MarkerLatency() {
    }

    static Result match(List<Capture> captures, Map<String, List<MarkerSink.Heard>> heardByStation) {
        Map<String, Map<Capture, Double>> byCapture = new LinkedHashMap<>();
        List<Lost> lost = new ArrayList<>();
        heardByStation.forEach((station, heard) -> {
            Map<Capture, Double> own = new LinkedHashMap<>();
            for (Capture c : captures) {
                MarkerSink.Heard first = null;
                for (MarkerSink.Heard h : heard) {
                    if (h.index() == c.index() && h.wallMicros() >= c.wallMicros() - EARLY_MICROS
                            && h.wallMicros() < c.wallMicros() + HORIZON_MICROS) {
                        first = h;
                        break;
                    }
                }
                if (first == null) {
                    lost.add(new Lost(station, c));
                    own.put(c, null);
                } else {
                    own.put(c, (first.wallMicros() - c.wallMicros()) / 1000.0);
                }
            }
            byCapture.put(station, own);
        });
        return new Result(byCapture, lost);
    }

    /** kbit/s over {@code seconds}: what a station received while the talks were on air. */
    static double kbps(long bytes, double seconds) {
        if (seconds <= 0) {
            throw new IllegalArgumentException("no time on air to divide by: " + seconds + " s");
        }
        return bytes * 8 / seconds / 1000;
    }

    /** The median of {@code values} by nearest rank, as {@link Percentiles} counts. */
    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        return Percentiles.rank(sorted, 50);
    }
}
