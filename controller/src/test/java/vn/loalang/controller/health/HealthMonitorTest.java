package vn.loalang.controller.health;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.CommuneFile;
import vn.loalang.protocol.testing.ManualClock;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.Topics;
import vn.loalang.protocol.station.ClockTrust;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.station.StationState;
import vn.loalang.protocol.station.Telemetry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A station's health is told when it changes — on its news, or as time passes — and only then. */
class HealthMonitorTest {
    private static final Instant T0 = Instant.parse("2026-11-24T03:00:00Z");
    private static final Topics TOPICS = Topics.defaults();

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(T0);
    private final Map<String, StationState> presence = new ConcurrentHashMap<>();
    private final List<Health> told = new CopyOnWriteArrayList<>();
    private HealthMonitor monitor;

    @BeforeEach
    void commune() throws IOException {
        Path file = Files.writeString(dir.resolve("commune.json"), """
                {"commune": {"id": "xa-a", "name": "Xã A", "timeZone": "Asia/Ho_Chi_Minh"},
                 "villages": [{"id": "thon-1", "name": "Thôn 1"}],
                 "stations": [{"id": "st-1", "village": "thon-1"}, {"id": "st-2", "village": "thon-1"}],
                 "library": [], "program": {"daily": []}}""");
        Commune commune = CommuneFile.read(file);
        monitor = new HealthMonitor(TOPICS, clock, () -> commune, id -> Optional.ofNullable(presence.get(id)), id -> null,
                (station, ids) -> Set.of());
        monitor.onChange(told::add);
        presence.put("st-1", new StationState(SchemaVersion.CURRENT, "st-1", Presence.ONLINE, "boot-1", 1, "1.0", T0));
    }

    private void report(String station, double celsius) {
        Telemetry t = new Telemetry(SchemaVersion.CURRENT, station, "boot-1", "1.0", clock.instant(), 100, celsius, 0.2,
                300L, 5000L, "ethernet", null, 5L, Map.of("amp", false), Map.of(), "idle", true, List.of(), 0, null,
                null, null);
        monitor.handleTelemetry(TOPICS.telemetry(station), Json.write(t));
    }

    private List<String> toldOf(String station) {
        return told.stream().filter(h -> h.stationId().equals(station))
                .map(h -> h.state().name() + h.problems().stream().map(Health.Problem::kind).toList()).toList();
    }

    @Test
    void eachTelemetryIsJudgedAtOnceAndOnlyAChangeOfStateOrOfKindsOfProblemIsTold() {
        report("st-1", 48.0);
        report("st-1", 49.0);
        report("st-1", 85.0);
        report("st-1", 86.0);
        report("st-1", 50.0);

        assertEquals(List.of("OK[]", "DEGRADED[temperature]", "OK[]"), toldOf("st-1"),
                "a new reading of the same problem is not a change");
        assertEquals(List.of("st-1"), monitor.lastTold().stream().map(Health::stationId).toList());
        assertEquals(50.0, monitor.lastTold().get(0).telemetry().cpuTemperatureC(), "what to tell again after a reconnect");
        report("nobody", 99.0);
        assertEquals(List.of(), toldOf("nobody"), "a station not in the directory is not judged");
    }

    @Test
    void changesThatComeWithTimeAloneAreToldAtTheRoundAndOnce() {
        report("st-1", 48.0);
        monitor.rows();
        assertEquals(List.of("OFFLINE[offline]"), toldOf("st-2"), "no telemetry yet: told at the first round");

        clock.advance(Duration.ofMinutes(2));
        monitor.rows();
        monitor.rows();
        assertEquals(List.of("OK[]", "OFFLINE[offline]"), toldOf("st-1"), "silent past the bound: told once");
        assertEquals(List.of("OFFLINE[offline]"), toldOf("st-2"), "nothing new for a station that stays offline");

        monitor.refresh("st-1");
        report("st-1", 48.0);
        assertEquals(List.of("OK[]", "OFFLINE[offline]", "OK[]"), toldOf("st-1"), "back with its next telemetry");
    }

    private void reportClock(String station, ClockTrust clockTrust) {
        Telemetry t = new Telemetry(SchemaVersion.CURRENT, station, "boot-1", "1.0", clock.instant(), 100, 48.0, 0.2,
                300L, 5000L, "ethernet", null, 5L, Map.of("amp", false), Map.of(), "idle", true, List.of(), 0, null,
                null, null, 330, clockTrust);
        monitor.handleTelemetry(TOPICS.telemetry(station), Json.write(t));
    }

    @Test
    void aClockUntrustedIsToldOnceItHasBeenSoForAMinuteCountedFromTheFirstSnapshotThatSaidSo() {
        ClockTrust none = new ClockTrust(false, ClockTrust.NONE, 0);
        reportClock("st-1", none);
        clock.advance(Duration.ofSeconds(40));
        reportClock("st-1", none);
        monitor.rows();
        assertEquals(List.of("OK[]"), toldOf("st-1"), "within a minute of the first snapshot that said so");

        clock.advance(Duration.ofSeconds(20));
        monitor.rows();
        assertEquals(List.of("OK[]", "DEGRADED[clock-untrusted]"), toldOf("st-1"),
                "a minute after the first, not the latest, snapshot: told at the round, with time alone");
        assertEquals(T0, monitor.rows().get(0).telemetryAt().minusSeconds(40), "the latest snapshot is the one shown");

        reportClock("st-1", new ClockTrust(true, ClockTrust.CONTROLLER, 1200));
        assertEquals(List.of("OK[]", "DEGRADED[clock-untrusted]", "OK[]"), toldOf("st-1"), "trusted again: OK at once");
        assertEquals(ClockTrust.CONTROLLER, monitor.lastTold().get(0).telemetry().clock().source());

        reportClock("st-1", none);
        clock.advance(Duration.ofSeconds(30));
        monitor.rows();
        assertEquals(3, toldOf("st-1").size(), "untrusted again: the minute counts from then");
    }
}
