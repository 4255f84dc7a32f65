package vn.loalang.controller.health;

import vn.loalang.controller.directory.HealthThresholds;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.SchemaVersion;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.ClockTrust;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.station.StationState;
import vn.loalang.protocol.station.Telemetry;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The health rules, one fact at a time: each problem shows up as the right state and a reason a technician reads. */
class HealthModelTest {
    private static final Instant NOW = Instant.parse("2026-11-24T22:00:00Z");
    private static final HealthModel MODEL = new HealthModel(HealthThresholds.DEFAULTS);
    private static final StationState ONLINE = new StationState(SchemaVersion.CURRENT, "st-1", Presence.ONLINE, "boot-1", 1,
            "1.0", NOW.minusSeconds(3600));

    private static Telemetry telemetry(Map<String, Boolean> relays, Map<String, Boolean> senses, Double temp, Long disk,
                                       Long offset, boolean ready, Long version, String sink) {
        return new Telemetry(SchemaVersion.CURRENT, "st-1", "boot-1", "1.0", NOW, 1000, temp, 0.3, 300L, disk, "wifi", -60,
                offset, relays, senses, sink, ready, ready ? List.of() : List.of("s2/gia-lua"), 0, null, null, version);
    }

    private static Telemetry healthy() {
        return telemetry(Map.of("amp", false), Map.of("amp", false), 48.0, 5000L, 40L, true, 7L, "idle");
    }

    private static Schedule schedule(Session... sessions) {
        return new Schedule(1, "st-1", "thon-1", 7, "Asia/Ho_Chi_Minh", NOW.minusSeconds(7200), NOW.plusSeconds(86_400),
                List.of(sessions));
    }

    private static Session session(String id, Instant start) {
        Item item = new Item("gia-lua", "Giá lúa", "a".repeat(64), URI.create("http://127.0.0.1/x"), 10, 1000, 0);
        return new Session(id, "Buổi", start, start.plusSeconds(3600), List.of(item));
    }

    private static Health evaluate(StationState presence, Telemetry t, Instant at, Schedule s, Set<String> reported) {
        return MODEL.evaluate(new HealthModel.Facts("st-1", "thon-1", presence, t, at, s, reported, NOW));
    }

    @Test
    void aCommuneSetsItsOwnThresholds() {
        // A commune in the hills runs its Pis cooler and wants to know sooner.
        HealthModel strict = new HealthModel(new HealthThresholds(30, null, null, null, 45.0, null, null));
        Health h = strict.evaluate(new HealthModel.Facts("st-1", "thon-1", ONLINE, healthy(), NOW.minusSeconds(10),
                schedule(), Set.of(), NOW));
        assertEquals(Health.State.DEGRADED, h.state(), "48 °C is too hot where the limit is 45");
        Health silent = strict.evaluate(new HealthModel.Facts("st-1", "thon-1", ONLINE, healthy(), NOW.minusSeconds(40),
                schedule(), Set.of(), NOW));
        assertEquals(Health.State.OFFLINE, silent.state(), "40 s without telemetry is past a 30 s bound");
        assertEquals(Health.State.OK, evaluate(ONLINE, healthy(), NOW.minusSeconds(40), schedule(), Set.of()).state(),
                "but within the default 90 s");
    }

    @Test
    void aStationThatSaysAllIsWellIsOk() {
        Health h = evaluate(ONLINE, healthy(), NOW.minusSeconds(10), schedule(), Set.of());
        assertEquals(Health.State.OK, h.state(), h.reasons().toString());
    }

    @Test
    void aStationSilentOrGoneLongerThanTheBoundIsOffline() {
        assertEquals(Health.State.OFFLINE, evaluate(ONLINE, healthy(), NOW.minusSeconds(91), schedule(), Set.of()).state());
        assertEquals(Health.State.OK, evaluate(ONLINE, healthy(), NOW.minusSeconds(60), schedule(), Set.of()).state(),
                "a late snapshot within the bound is no outage");
        StationState gone = new StationState(SchemaVersion.CURRENT, "st-1", Presence.OFFLINE, "boot-1", 1, "1.0",
                NOW.minusSeconds(120));
        Health h = evaluate(gone, healthy(), NOW.minusSeconds(5), schedule(), Set.of());
        assertEquals(Health.State.OFFLINE, h.state());
        assertTrue(h.reasons().get(0).contains("offline since"), h.reasons().toString());
        assertEquals(Health.State.OFFLINE, evaluate(null, null, null, schedule(), Set.of()).state(), "never heard of");
    }

    @Test
    void aStationThatReportsEveryFewMinutesIsSilentAfterTwoOfItsIntervalsNotTheCommunesBound() {
        Telemetry t = healthy();
        Telemetry every330 = new Telemetry(t.schema(), t.stationId(), t.bootId(), t.agentVersion(), t.at(),
                t.uptimeSeconds(), t.cpuTemperatureC(), t.load1(), t.memoryAvailableMb(), t.diskFreeMb(), t.link(),
                t.signalDbm(), t.clockOffsetMillis(), t.relays(), t.senses(), t.sink(), t.nextSessionsReady(),
                t.notReady(), t.reconnects(), t.lastItemPlayed(), t.lastItemPlayedAt(), t.scheduleVersion(), 330);
        assertEquals(Health.State.OK, evaluate(ONLINE, every330, NOW.minusSeconds(600), schedule(), Set.of()).state(),
                "one snapshot late is no outage");
        assertEquals(Health.State.OFFLINE, evaluate(ONLINE, every330, NOW.minusSeconds(661), schedule(), Set.of()).state());
        assertEquals(Health.State.OFFLINE, evaluate(ONLINE, healthy(), NOW.minusSeconds(91), schedule(), Set.of()).state(),
                "an agent that promises nothing keeps the commune's bound");
        Telemetry every10 = new Telemetry(t.schema(), t.stationId(), t.bootId(), t.agentVersion(), t.at(),
                t.uptimeSeconds(), t.cpuTemperatureC(), t.load1(), t.memoryAvailableMb(), t.diskFreeMb(), t.link(),
                t.signalDbm(), t.clockOffsetMillis(), t.relays(), t.senses(), t.sink(), t.nextSessionsReady(),
                t.notReady(), t.reconnects(), t.lastItemPlayed(), t.lastItemPlayedAt(), t.scheduleVersion(), 10);
        assertEquals(Health.State.OK, evaluate(ONLINE, every10, NOW.minusSeconds(60), schedule(), Set.of()).state(),
                "a short interval never makes the commune's bound stricter");
    }

    @Test
    void eachProblemMakesTheStationDegradedWithItsReason() {
        record Case(Telemetry t, Schedule s, Set<String> reported, String expected) {
        }
        Instant soon = NOW.plus(Duration.ofMinutes(5));
        for (Case c : List.of(
                new Case(healthy(), schedule(session("s1", NOW.minusSeconds(600))), Set.of(), "missed session s1"),
                new Case(telemetry(Map.of("amp", false), Map.of("amp", true), 48.0, 5000L, 40L, true, 7L, "idle"),
                        schedule(), Set.of(), "commanded OFF but the amplifier reads powered"),
                new Case(telemetry(Map.of("amp", false), Map.of(), 48.0, 5000L, 40L, false, 7L, "idle"),
                        schedule(session("s2", soon)), Set.of(), "content not ready for session s2"),
                new Case(telemetry(Map.of(), Map.of(), 48.0, 5000L, 4000L, true, 7L, "idle"), schedule(), Set.of(),
                        "clock off by 4000 ms"),
                new Case(telemetry(Map.of(), Map.of(), 81.5, 5000L, 40L, true, 7L, "idle"), schedule(), Set.of(),
                        "temperature 81.5"),
                new Case(telemetry(Map.of(), Map.of(), 48.0, 120L, 40L, true, 7L, "idle"), schedule(), Set.of(),
                        "disk free 120 MB"),
                new Case(telemetry(Map.of(), Map.of(), 48.0, 5000L, 40L, true, 5L, "idle"), schedule(), Set.of(),
                        "schedule behind"),
                new Case(telemetry(Map.of(), Map.of(), 48.0, 5000L, 40L, true, 7L, "stalled"), schedule(), Set.of(),
                        "audio output stalled"))) {
            Health h = evaluate(ONLINE, c.t(), NOW.minusSeconds(5), c.s(), c.reported());
            assertEquals(Health.State.DEGRADED, h.state(), c.expected() + ": " + h.reasons());
            assertTrue(h.reasons().stream().anyMatch(r -> r.contains(c.expected())), c.expected() + ": " + h.reasons());
        }
        Health played = evaluate(ONLINE, healthy(), NOW.minusSeconds(5), schedule(session("s1", NOW.minusSeconds(600))),
                Set.of("s1"));
        assertEquals(Health.State.OK, played.state(), "a session it reported is not missed");
        Health notYet = evaluate(ONLINE, telemetry(Map.of(), Map.of(), 48.0, 5000L, 40L, false, 7L, "idle"),
                NOW.minusSeconds(5), schedule(session("s3", NOW.plus(Duration.ofHours(3)))), Set.of());
        assertEquals(Health.State.OK, notYet.state(), "content still has hours to arrive");
    }

    private static Telemetry withClock(Telemetry t, ClockTrust clock) {
        return new Telemetry(t.schema(), t.stationId(), t.bootId(), t.agentVersion(), t.at(), t.uptimeSeconds(),
                t.cpuTemperatureC(), t.load1(), t.memoryAvailableMb(), t.diskFreeMb(), t.link(), t.signalDbm(),
                t.clockOffsetMillis(), t.relays(), t.senses(), t.sink(), t.nextSessionsReady(), t.notReady(),
                t.reconnects(), t.lastItemPlayed(), t.lastItemPlayedAt(), t.scheduleVersion(), t.nextWithinSeconds(),
                clock);
    }

    private static Health withClockUntrustedSince(Telemetry t, Instant since) {
        return MODEL.evaluate(new HealthModel.Facts("st-1", "thon-1", ONLINE, t, NOW.minusSeconds(5), schedule(),
                Set.of(), NOW, since));
    }

    @Test
    void aStationWhoseClockNothingVouchesForNeedsATechnicianAfterAMinuteNotAtBoot() {
        Telemetry untrusted = withClock(healthy(), new ClockTrust(false, ClockTrust.NONE, 0));
        assertEquals(Health.State.OK, withClockUntrustedSince(untrusted, NOW.minusSeconds(20)).state(),
                "a station that just booted reports before the controller's time reaches it");
        Health h = withClockUntrustedSince(untrusted, NOW.minus(HealthModel.CLOCK_UNTRUSTED_AFTER));
        assertEquals(Health.State.DEGRADED, h.state());
        assertEquals(List.of("clock-untrusted"), h.problems().stream().map(Health.Problem::kind).toList());
        assertTrue(h.reasons().get(0).startsWith("Đồng hồ chưa tin cậy"), "Vietnamese first: " + h.reasons());
        assertTrue(h.reasons().get(0).contains("clock not trusted since " + NOW.minus(HealthModel.CLOCK_UNTRUSTED_AFTER)),
                h.reasons().toString());

        for (String source : List.of(ClockTrust.NTP, ClockTrust.RTC, ClockTrust.CONTROLLER)) {
            assertEquals(Health.State.OK, withClockUntrustedSince(withClock(healthy(), new ClockTrust(true, source, 0)),
                    null).state(), "a clock " + source + " vouches for");
        }
        assertEquals(Health.State.OK, withClockUntrustedSince(healthy(), null).state(),
                "an agent that does not say is not taken as untrusted");
    }

    @Test
    void aPiClockFarOffIsShownAsCorrectedWhenTheStationRunsOnTheControllersTime() {
        Telemetry behind = telemetry(Map.of("amp", false), Map.of("amp", false), 48.0, 5000L, 44_400_000L, true, 7L, "idle");
        Health corrected = evaluate(ONLINE, withClock(behind, new ClockTrust(true, ClockTrust.CONTROLLER, 44_400_000L)),
                NOW.minusSeconds(5), schedule(), Set.of());
        assertEquals(List.of("clock"), corrected.problems().stream().map(Health.Problem::kind).toList());
        assertTrue(corrected.reasons().get(0).contains("trạm đang chạy theo giờ máy chủ")
                && corrected.reasons().get(0).contains("the station runs on the controller's time"), corrected.reasons().toString());
        Health plain = evaluate(ONLINE, behind, NOW.minusSeconds(5), schedule(), Set.of());
        assertEquals("Đồng hồ lệch 44400000 ms / clock off by 44400000 ms", plain.reasons().get(0));
    }
}
