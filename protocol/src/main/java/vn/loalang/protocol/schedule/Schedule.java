package vn.loalang.protocol.schedule;

import vn.loalang.protocol.Ids;
import vn.loalang.protocol.SchemaVersion;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything one station must play from {@code validFrom} to {@code validUntil}. A newer version
 * replaces the whole schedule; a station keeps the last good one when a new one is refused.
 *
 * @param version    increases with every schedule compiled for this station
 * @param quietHours when only emergencies may sound, in {@code timeZone}; null when the commune has none
 * @param timeZone the commune's zone (session times are instants; the zone is for display and logs)
 * @param stationVolumeDb the technician's level for this station, added on the station to each session's;
 *                        null for 0 dB (added in issue 17)
 */
public record Schedule(int schema, String stationId, String zone, long version, String timeZone,
                       Instant validFrom, Instant validUntil, List<Session> sessions, QuietHours quietHours,
                       Double stationVolumeDb) {
    public Schedule(int schema, String stationId, String zone, long version, String timeZone, Instant validFrom,
                    Instant validUntil, List<Session> sessions, QuietHours quietHours) {
        this(schema, stationId, zone, version, timeZone, validFrom, validUntil, sessions, quietHours, null);
    }

    public Schedule(int schema, String stationId, String zone, long version, String timeZone, Instant validFrom,
                    Instant validUntil, List<Session> sessions) {
        this(schema, stationId, zone, version, timeZone, validFrom, validUntil, sessions, null, null);
    }

    public Schedule {
        SchemaVersion.require(schema);
        Ids.require("station", stationId);
        Ids.require("zone", zone);
        if (version <= 0) {
            throw new IllegalArgumentException("schedule version must be positive");
        }
        ZoneId.of(Objects.requireNonNull(timeZone, "timeZone"));
        Objects.requireNonNull(validFrom, "validFrom");
        Objects.requireNonNull(validUntil, "validUntil");
        if (!validUntil.isAfter(validFrom)) {
            throw new IllegalArgumentException("validUntil " + validUntil + " is not after validFrom " + validFrom);
        }
        sessions = sorted(Objects.requireNonNull(sessions, "sessions"));
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < sessions.size(); i++) {
            if (!ids.add(sessions.get(i).id())) {
                throw new IllegalArgumentException("session id " + sessions.get(i).id() + " appears twice");
            }
            if (i == 0) {
                continue;
            }
            Session before = sessions.get(i - 1);
            Session after = sessions.get(i);
            if (before.overlaps(after)) {
                throw new IllegalArgumentException("sessions " + before.id() + " and " + after.id() + " overlap");
            }
        }
        Volume.check("station " + stationId, stationVolumeDb);
    }

    /** The station's level in dB, 0 when none was set. */
    public double stationVolume() {
        return stationVolumeDb == null ? 0.0 : stationVolumeDb;
    }

    public ZoneId zoneId() {
        return ZoneId.of(timeZone);
    }

    /** Whether {@code at} falls in the commune's quiet hours, when only emergencies may sound. */
    public boolean quietAt(Instant at) {
        return quietHours != null && quietHours.contains(at, zoneId());
    }

    /** The first session whose window has not ended at {@code now}. */
    public Optional<Session> nextSession(Instant now) {
        return sessions.stream().filter(s -> s.end().isAfter(now)).findFirst();
    }

    /** Sessions whose window has not ended at {@code now}, in order: what the cache must hold. */
    public List<Session> upcoming(Instant now) {
        return sessions.stream().filter(s -> s.end().isAfter(now)).toList();
    }

    private static List<Session> sorted(List<Session> sessions) {
        List<Session> copy = new ArrayList<>(sessions);
        copy.sort(Comparator.comparing(Session::start).thenComparing(Session::id));
        return List.copyOf(copy);
    }
}
