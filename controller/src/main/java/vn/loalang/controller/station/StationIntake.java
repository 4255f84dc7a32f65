package vn.loalang.controller.station;

import vn.loalang.protocol.Topics;
import vn.loalang.protocol.station.WireLimits;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The door every station message comes through before anything reads it: the topic must be a
 * station's of the directory, the payload no larger than a real agent's, and the station within its
 * rate for that kind of message. What is refused here is dropped (an event is not acknowledged, so a
 * real station sends it again later) and told by the {@link RefusalLog}. Constant work per message,
 * on the MQTT client's delivery thread: nothing here loops over anything a station chose.
 */
public final class StationIntake {
    private static final String NO_STATION = "(none)";

    /**
     * The kinds of message a station sends, each with its size bound and its rate: far above what an
     * agent sends (a backlog of events after a week offline comes out at once), far below what would
     * keep the controller's store busy.
     */
    public enum Kind {
        STATE(Topics.StationLeaf.STATE, WireLimits.MAX_STATE_BYTES, 20, 1.0 / 3, 2_000),
        EVENT(Topics.StationLeaf.EVENT, WireLimits.MAX_EVENT_BYTES, 500, 5, 20_000),
        TELEMETRY(Topics.StationLeaf.TELEMETRY, WireLimits.MAX_TELEMETRY_BYTES, 30, 1, 20_000);

        final Topics.StationLeaf leaf;
        final int maxBytes;
        final double burst;
        final double perSecond;
        /**
         * What a station may send in a day, on top of the rate: what the store keeps of a station that
         * floods within its rate is bounded too (20,000 events of at most ~2.5 KB, ~50 MB a day). A real
         * station sends a few hundred events a day; a month's backlog after a long outage fits.
         */
        final double perDay;

        Kind(Topics.StationLeaf leaf, int maxBytes, double burst, double perSecond, double perDay) {
            this.leaf = leaf;
            this.maxBytes = maxBytes;
            this.burst = burst;
            this.perSecond = perSecond;
            this.perDay = perDay;
        }

        public Topics.StationLeaf leaf() {
            return leaf;
        }
    }

    private record Key(String stationId, Kind kind) {
    }

    private final Topics topics;
    private final Supplier<Set<String>> knownStations;
    private final RefusalLog refusals;
    private final LongSupplier nanos;
    private static final double SECONDS_A_DAY = 24 * 3600;

    private final Map<Key, TokenBucket> rates = new ConcurrentHashMap<>();
    private final Map<Key, TokenBucket> daily = new ConcurrentHashMap<>();

    public StationIntake(Topics topics, Supplier<Set<String>> knownStations, RefusalLog refusals) {
        this(topics, knownStations, refusals, System::nanoTime);
    }

    StationIntake(Topics topics, Supplier<Set<String>> knownStations, RefusalLog refusals, LongSupplier nanos) {
        this.topics = topics;
        this.knownStations = knownStations;
        this.refusals = refusals;
        this.nanos = nanos;
    }

    /** {@code handler}, called only with what passes this door, and never letting an exception out. */
    public BiConsumer<String, byte[]> guard(Kind kind, BiConsumer<String, byte[]> handler) {
        return (topic, payload) -> {
            Optional<String> station = admit(kind, topic, payload);
            if (station.isEmpty()) {
                return;
            }
            try {
                handler.accept(topic, payload);
            } catch (RuntimeException | StackOverflowError e) {
                // Thrown into the MQTT client, it would close the controller's connection. A stack overflow is one
                // message's (a decoder meeting deep input), not the JVM's: its thread's stack is unwound here.
                refusals.refused(station.get(), RefusalLog.Reason.HANDLER_FAILED,
                        () -> "the controller could not handle its " + kind.leaf + ": " + e);
            }
        };
    }

    /** The station the message comes from, when it passes. */
    Optional<String> admit(Kind kind, String topic, byte[] payload) {
        Optional<String> station = topics.stationOf(topic).filter(s -> topics.stationLeafOf(topic).orElse(null) == kind.leaf);
        if (station.isEmpty()) {
            refusals.refused(NO_STATION, RefusalLog.Reason.UNKNOWN_TOPIC, () -> "a message on topic " + topic);
            return Optional.empty();
        }
        String id = station.get();
        if (!knownStations.get().contains(id)) {
            // Counted under one name: a flood of made-up station ids must not grow any table.
            refusals.refused(NO_STATION, RefusalLog.Reason.UNKNOWN_STATION,
                    () -> "station " + id + " on " + topic + " is not in the commune's directory");
            return Optional.empty();
        }
        int size = payload == null ? 0 : payload.length;
        if (size > kind.maxBytes) {
            refusals.refused(id, RefusalLog.Reason.TOO_LARGE,
                    () -> "its " + kind.leaf + " of " + size + " bytes is larger than " + kind.maxBytes);
            return Optional.empty();
        }
        long now = nanos.getAsLong();
        TokenBucket rate = rates.computeIfAbsent(new Key(id, kind), k -> new TokenBucket(kind.burst, kind.perSecond, now));
        if (!rate.tryTake(now)) {
            refusals.refused(id, RefusalLog.Reason.TOO_FAST, () -> "it sends " + kind.leaf + " messages faster than "
                    + kind.perSecond + " a second (bursts of " + (long) kind.burst + ")");
            return Optional.empty();
        }
        TokenBucket day = daily.computeIfAbsent(new Key(id, kind),
                k -> new TokenBucket(kind.perDay, kind.perDay / SECONDS_A_DAY, now));
        if (!day.tryTake(now)) {
            refusals.refused(id, RefusalLog.Reason.TOO_FAST, () -> "it sent more than " + (long) kind.perDay + " "
                    + kind.leaf + " messages in a day");
            return Optional.empty();
        }
        return station;
    }
}
