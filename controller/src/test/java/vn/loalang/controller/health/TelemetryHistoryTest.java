package vn.loalang.controller.health;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.testing.ManualClock;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.station.ClockTrust;
import vn.loalang.protocol.station.Telemetry;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Telemetry history on a real store: raw for a day, 5-minute buckets for a month, hours for a year. */
class TelemetryHistoryTest {
    private static final Instant T0 = Instant.parse("2026-11-23T17:00:00Z"); // midnight in the commune
    private static final ZoneId HANOI = ZoneId.of("Asia/Ho_Chi_Minh");

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private Store store;
    private TelemetryHistory history;

    @BeforeEach
    void open() {
        store = Store.open(dir.resolve("loalang.db"));
        history = new TelemetryHistory(store, clock);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static Telemetry at(Instant when, double temp, long disk) {
        return new Telemetry(SchemaVersion.CURRENT, "st-1", "boot-1", "1.0", when, 100, temp, 0.5, 300L, disk, "wifi",
                -60, 20L, Map.of("amp", false), Map.of(), "idle", true, List.of(), 0, null, null, 1L);
    }

    @Test
    void samplesAreFoldedIntoBucketsThatKeepTheWorstAndAreForgottenAfterAYear() {
        for (int m = 0; m < 120; m++) {
            history.record(at(T0.plus(Duration.ofMinutes(m)), m == 61 ? 82.0 : 50.0, 1000 - m));
        }
        assertEquals(120, history.series("st-1", T0, T0.plus(Duration.ofHours(2))).size(), "raw while fresh");

        clock.set(T0.plus(Duration.ofDays(2)));
        history.downsample();
        List<TelemetryHistory.Point> fives = history.series("st-1", T0, T0.plus(Duration.ofHours(2)));
        assertEquals(24, fives.size(), "two hours in 5-minute buckets");
        assertTrue(fives.stream().allMatch(p -> p.resolution().equals("5m") && p.samples() == 5));
        assertEquals(82.0, fives.get(12).cpuTemperatureMaxC(), "the hottest moment survives the folding");
        assertEquals(881L, fives.get(23).diskMinMb(), "and the least disk");

        clock.set(T0.plus(Duration.ofDays(40)));
        history.downsample();
        List<TelemetryHistory.Point> hours = history.series("st-1", T0, T0.plus(Duration.ofHours(2)));
        assertEquals(2, hours.size());
        assertEquals(60, hours.get(0).samples());
        assertEquals(82.0, hours.get(1).cpuTemperatureMaxC());
        assertTrue(TelemetryHistory.csv(hours).lines().skip(1).allMatch(l -> l.startsWith("1h,")));
        String weak = TelemetryHistory.csv(List.of(new TelemetryHistory.Point("5m", T0, 1, null, null, null, null, -71.5,
                -20L, 0)));
        assertTrue(weak.contains(",-71.50,-20,"), "a negative reading is a number for the spreadsheet, not neutralised text: "
                + weak);

        clock.set(T0.plus(Duration.ofDays(400)));
        history.downsample();
        assertEquals(List.of(), history.series("st-1", T0, T0.plus(Duration.ofHours(2))), "gone after a year");
    }

    @Test
    void aDayShowsTheShareOfItTheStationWasHeardFrom() {
        for (int m = 0; m < 6 * 60; m += 5) {
            history.record(at(T0.plus(Duration.ofMinutes(m)), 50, 1000));
        }
        List<TelemetryHistory.Day> days = history.daily("st-1", LocalDate.of(2026, 11, 24), LocalDate.of(2026, 11, 25), HANOI);
        assertEquals(0.25, days.get(0).uptimeShare(), 1e-9, "six hours of twenty-four");
        assertEquals(0.0, days.get(1).uptimeShare());
        assertEquals(0, days.get(0).sessionsPlayed());
    }

    @Test
    void snapshotsThatDidNotTrustTheClockAreCountedThroughTheFoldingAndOldAgentsCountAsUnknown() {
        for (int m = 0; m < 10; m++) {
            Telemetry t = at(T0.plus(Duration.ofMinutes(m)), 50, 1000);
            ClockTrust trust = m < 3 ? new ClockTrust(false, ClockTrust.NONE, 0)
                    : new ClockTrust(true, ClockTrust.CONTROLLER, 44_400_000L);
            history.record(new Telemetry(t.schema(), t.stationId(), t.bootId(), t.agentVersion(), t.at(), t.uptimeSeconds(),
                    t.cpuTemperatureC(), t.load1(), t.memoryAvailableMb(), t.diskFreeMb(), t.link(), t.signalDbm(),
                    t.clockOffsetMillis(), t.relays(), t.senses(), t.sink(), t.nextSessionsReady(), t.notReady(),
                    t.reconnects(), t.lastItemPlayed(), t.lastItemPlayedAt(), t.scheduleVersion(), 330, trust));
        }
        history.record(at(T0.plus(Duration.ofMinutes(10)), 50, 1000));
        List<TelemetryHistory.Point> raw = history.series("st-1", T0, T0.plus(Duration.ofHours(1)));
        assertEquals(List.of(1, 1, 1, 0, 0, 0, 0, 0, 0, 0), raw.subList(0, 10).stream()
                .map(TelemetryHistory.Point::clockUntrusted).toList());
        assertEquals(null, raw.get(10).clockUntrusted(), "an agent that does not say: unknown, not trusted");

        clock.set(T0.plus(Duration.ofDays(2)));
        history.downsample();
        List<TelemetryHistory.Point> fives = history.series("st-1", T0, T0.plus(Duration.ofHours(1)));
        assertEquals(java.util.Arrays.asList(3, 0, null), fives.stream().map(TelemetryHistory.Point::clockUntrusted).toList(),
                "the first five minutes held three untrusted snapshots, the next none, the last said nothing");
        assertTrue(TelemetryHistory.csv(fives).lines().findFirst().orElseThrow().endsWith(",relays_on,clock_untrusted"));
        assertTrue(TelemetryHistory.csv(fives).lines().skip(1).findFirst().orElseThrow().endsWith(",3"));

        clock.set(T0.plus(Duration.ofDays(40)));
        history.downsample();
        assertEquals(3, history.series("st-1", T0, T0.plus(Duration.ofHours(1))).get(0).clockUntrusted(),
                "and into the hour");
    }
}
