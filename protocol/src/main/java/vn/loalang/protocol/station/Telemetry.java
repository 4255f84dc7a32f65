package vn.loalang.protocol.station;

import vn.loalang.protocol.Ids;
import vn.loalang.protocol.SchemaVersion;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A station's health snapshot on {@code .../telemetry}, every {@code telemetry.intervalSeconds}
 * (300 by default since issue 16; 30 before) and at once when something a technician acts on
 * changes (a relay, the sound, what is cached for the next sessions, the schedule). Readings the host does not expose (no thermal
 * zone on a PC, no wireless link on Ethernet) are null, never invented.
 *
 * @param cpuTemperatureC     from /sys/class/thermal/thermal_zone0/temp
 * @param load1               1-minute load average, from /proc/loadavg
 * @param memoryAvailableMb   MemAvailable of /proc/meminfo
 * @param diskFreeMb          free space where the station keeps its data
 * @param link                {@code wifi}, {@code ethernet}, {@code cellular} or {@code unknown}
 * @param signalDbm           wireless signal level from /proc/net/wireless, when on Wi-Fi
 * @param clockOffsetMillis   the controller's clock minus the station's, once estimated
 * @param relays              relay name → commanded ON
 * @param senses              relay name → its amplifier reads powered (only relays with a sense input)
 * @param sink                {@code idle}, {@code playing} or {@code stalled}
 * @param nextSessionsReady   whether every item of the next two sessions is in the cache
 * @param lastItemPlayed      content id of the last item heard in full, and when
 * @param nextWithinSeconds   the longest the station waits before its next snapshot (added in issue 16, when
 *                            the interval grew from 30 s to minutes to save a metered SIM's data); the
 *                            controller judges a station silent against it. Null from agents before it:
 *                            the commune's {@code health.offlineAfterSeconds} alone applies.
 * @param clock               whether the station trusts its clock, and by what (added in issue 16, with the
 *                            clock trust of decision 0021). Null from agents before it: unknown, not untrusted.
 * @param volumeDb            the station's level (installer's trim + the technician's), added in issue 17
 * @param onAirVolumeDb       the level of what plays now (station + session or talk); null when nothing plays
 * @param live                the live item playing, for the technician's table ("relay-vov1 buffered 2.9 s,
 *                            1 underrun"); null when none
 */
public record Telemetry(int schema, String stationId, String bootId, String agentVersion, Instant at,
                        long uptimeSeconds, Double cpuTemperatureC, Double load1, Long memoryAvailableMb,
                        Long diskFreeMb, String link, Integer signalDbm, Long clockOffsetMillis,
                        Map<String, Boolean> relays, Map<String, Boolean> senses, String sink,
                        boolean nextSessionsReady, List<String> notReady, long reconnects, String lastItemPlayed,
                        Instant lastItemPlayedAt, Long scheduleVersion, Integer nextWithinSeconds, ClockTrust clock,
                        Double volumeDb, Double onAirVolumeDb, String live) {
    /** A snapshot without the levels and the live item, as agents before issue 17 sent it. */
    public Telemetry(int schema, String stationId, String bootId, String agentVersion, Instant at,
                     long uptimeSeconds, Double cpuTemperatureC, Double load1, Long memoryAvailableMb,
                     Long diskFreeMb, String link, Integer signalDbm, Long clockOffsetMillis,
                     Map<String, Boolean> relays, Map<String, Boolean> senses, String sink,
                     boolean nextSessionsReady, List<String> notReady, long reconnects, String lastItemPlayed,
                     Instant lastItemPlayedAt, Long scheduleVersion, Integer nextWithinSeconds, ClockTrust clock) {
        this(schema, stationId, bootId, agentVersion, at, uptimeSeconds, cpuTemperatureC, load1, memoryAvailableMb,
                diskFreeMb, link, signalDbm, clockOffsetMillis, relays, senses, sink, nextSessionsReady, notReady,
                reconnects, lastItemPlayed, lastItemPlayedAt, scheduleVersion, nextWithinSeconds, clock, null, null,
                null);
    }

    /** A snapshot without {@code clock}, as agents sent it before the clock trust was reported. */
    public Telemetry(int schema, String stationId, String bootId, String agentVersion, Instant at,
                     long uptimeSeconds, Double cpuTemperatureC, Double load1, Long memoryAvailableMb,
                     Long diskFreeMb, String link, Integer signalDbm, Long clockOffsetMillis,
                     Map<String, Boolean> relays, Map<String, Boolean> senses, String sink,
                     boolean nextSessionsReady, List<String> notReady, long reconnects, String lastItemPlayed,
                     Instant lastItemPlayedAt, Long scheduleVersion, Integer nextWithinSeconds) {
        this(schema, stationId, bootId, agentVersion, at, uptimeSeconds, cpuTemperatureC, load1, memoryAvailableMb,
                diskFreeMb, link, signalDbm, clockOffsetMillis, relays, senses, sink, nextSessionsReady, notReady,
                reconnects, lastItemPlayed, lastItemPlayedAt, scheduleVersion, nextWithinSeconds, null);
    }

    /** A snapshot without {@code nextWithinSeconds}, as agents before issue 16 sent it. */
    public Telemetry(int schema, String stationId, String bootId, String agentVersion, Instant at,
                     long uptimeSeconds, Double cpuTemperatureC, Double load1, Long memoryAvailableMb,
                     Long diskFreeMb, String link, Integer signalDbm, Long clockOffsetMillis,
                     Map<String, Boolean> relays, Map<String, Boolean> senses, String sink,
                     boolean nextSessionsReady, List<String> notReady, long reconnects, String lastItemPlayed,
                     Instant lastItemPlayedAt, Long scheduleVersion) {
        this(schema, stationId, bootId, agentVersion, at, uptimeSeconds, cpuTemperatureC, load1, memoryAvailableMb,
                diskFreeMb, link, signalDbm, clockOffsetMillis, relays, senses, sink, nextSessionsReady, notReady,
                reconnects, lastItemPlayed, lastItemPlayedAt, scheduleVersion, (Integer) null);
    }

    public Telemetry {
        SchemaVersion.require(schema);
        Ids.require("station", stationId);
        Objects.requireNonNull(bootId, "bootId");
        Objects.requireNonNull(at, "at");
        relays = relays == null ? Map.of() : Map.copyOf(relays);
        senses = senses == null ? Map.of() : Map.copyOf(senses);
        notReady = notReady == null ? List.of() : List.copyOf(notReady);
        link = link == null ? "unknown" : link;
        sink = sink == null ? "idle" : sink;
        live = live == null ? null : WireLimits.cut(live, WireLimits.MAX_DETAIL_CHARS);
    }
}
