package vn.loalang.controller.health;

import vn.loalang.controller.directory.HealthThresholds;

import vn.loalang.protocol.schedule.Schedule;
import vn.loalang.protocol.schedule.Session;
import vn.loalang.protocol.station.ClockTrust;
import vn.loalang.protocol.station.Presence;
import vn.loalang.protocol.station.StationState;
import vn.loalang.protocol.station.Telemetry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The rules that turn what a station said (presence, telemetry, play log) and what it was sent
 * (its schedule) into OK, DEGRADED or OFFLINE with the reasons, Vietnamese first. Pure: the same
 * facts give the same verdict, at any time.
 */
public final class HealthModel {
    /** What is known of one station at one moment. */
    /**
     * @param clockUntrustedSince since when (the controller's time) the station's telemetry has said, without a
     *                            break, that it does not trust its clock; null while it trusts it or does not say
     */
    public record Facts(String stationId, String village, StationState presence, Telemetry telemetry,
                        Instant telemetryAt, Schedule published, Set<String> sessionsHeard, Instant now,
                        Instant clockUntrustedSince) {
        /** The clock taken as untrusted since the telemetry came, when that telemetry says so. */
        public Facts(String stationId, String village, StationState presence, Telemetry telemetry, Instant telemetryAt,
                     Schedule published, Set<String> sessionsHeard, Instant now) {
            this(stationId, village, presence, telemetry, telemetryAt, published, sessionsHeard, now,
                    telemetry != null && telemetry.clock() != null && !telemetry.clock().trusted() ? telemetryAt : null);
        }
    }

    /**
     * How long a station may say it does not trust its clock before it needs a technician: a station that
     * boots reports at once, often a moment before the controller's signed time reaches it, and that moment
     * must not open an incident. Beyond it, no NTP, no RTC and no controller time has reached the station,
     * and it plays no scheduled session.
     */
    public static final Duration CLOCK_UNTRUSTED_AFTER = Duration.ofMinutes(1);

    private final HealthThresholds limits;

    public HealthModel(HealthThresholds limits) {
        this.limits = limits;
    }

    public HealthThresholds limits() {
        return limits;
    }

    /**
     * How long without telemetry a station is silent: the commune's bound, or two of the intervals the
     * station said it reports at if that is longer (one snapshot lost on the way is not an outage). A
     * dead link is told sooner by the station's Last Will; this catches an agent that is connected but
     * no longer reports.
     */
    Duration silentAfter(Telemetry t) {
        if (t == null || t.nextWithinSeconds() == null) {
            return limits.offlineAfter();
        }
        Duration promised = Duration.ofSeconds(2L * Math.max(0, t.nextWithinSeconds()));
        return promised.compareTo(limits.offlineAfter()) > 0 ? promised : limits.offlineAfter();
    }

    public Health evaluate(Facts f) {
        List<Health.Problem> offline = new ArrayList<>();
        if (f.presence() != null && f.presence().presence() == Presence.OFFLINE
                && Duration.between(f.presence().at(), f.now()).compareTo(limits.offlineAfter()) >= 0) {
            offline.add(new Health.Problem("offline", "Mất kết nối từ " + f.presence().at() + " / offline since " + f.presence().at()));
        } else if (f.telemetryAt() == null) {
            offline.add(new Health.Problem("offline", "Chưa gửi tình trạng / no telemetry received yet"));
        } else if (Duration.between(f.telemetryAt(), f.now()).compareTo(silentAfter(f.telemetry())) >= 0) {
            offline.add(new Health.Problem("offline", "Không có tin từ " + f.telemetryAt() + " / silent since "
                    + f.telemetryAt()));
        }
        List<Health.Problem> reasons = new ArrayList<>(offline);
        reasons.addAll(missedSessions(f));
        Telemetry t = f.telemetry();
        if (t != null) {
            for (Map.Entry<String, Boolean> sense : t.senses().entrySet()) {
                Boolean commanded = t.relays().get(sense.getKey());
                if (commanded != null && !commanded.equals(sense.getValue())) {
                    reasons.add(new Health.Problem("relay-sense:" + sense.getKey(), "Rơ-le " + sense.getKey() + (commanded ? " bật nhưng ampli không có điện"
                            : " tắt nhưng ampli vẫn có điện") + " / relay " + sense.getKey() + " is commanded "
                            + (commanded ? "ON but the amplifier reads unpowered" : "OFF but the amplifier reads powered")));
                }
            }
            nextSession(f).ifPresent(s -> {
                if (!t.nextSessionsReady() && Duration.between(f.now(), s.start()).compareTo(limits.contentReadyBefore()) <= 0) {
                    reasons.add(new Health.Problem("content:" + s.id(), "Chưa tải đủ bản tin cho buổi " + s.id()
                            + " / content not ready for session " + s.id() + ": " + String.join(", ", t.notReady())));
                }
            });
            clockUntrusted(f).ifPresent(reasons::add);
            if (t.clockOffsetMillis() != null && Math.abs(t.clockOffsetMillis()) > limits.maxClockOffset().toMillis()) {
                boolean corrected = t.clock() != null && ClockTrust.CONTROLLER.equals(t.clock().source());
                // Running on the controller's time, the station plays right; its Pi still has no good clock of its own.
                reasons.add(new Health.Problem("clock", "Đồng hồ lệch " + t.clockOffsetMillis() + " ms"
                        + (corrected ? " (trạm đang chạy theo giờ máy chủ)" : "") + " / clock off by "
                        + t.clockOffsetMillis() + " ms" + (corrected ? " (the station runs on the controller's time)" : "")));
            }
            if (t.cpuTemperatureC() != null && t.cpuTemperatureC() > limits.maxTemperatureC()) {
                reasons.add(new Health.Problem("temperature", String.format(Locale.ROOT,
                        "Nhiệt độ %.1f °C / temperature %.1f °C", t.cpuTemperatureC(), t.cpuTemperatureC())));
            }
            if (t.diskFreeMb() != null && t.diskFreeMb() < limits.minDiskFreeMb()) {
                reasons.add(new Health.Problem("disk", "Thẻ nhớ còn " + t.diskFreeMb() + " MB / disk free "
                        + t.diskFreeMb() + " MB"));
            }
            if (t.memoryAvailableMb() != null && t.memoryAvailableMb() < limits.minMemoryMb()) {
                reasons.add(new Health.Problem("memory", "Bộ nhớ còn " + t.memoryAvailableMb() + " MB / memory available "
                        + t.memoryAvailableMb() + " MB"));
            }
            if ("stalled".equals(t.sink())) {
                reasons.add(new Health.Problem("audio", "Card âm thanh bị treo / the audio output stalled"));
            }
            if (f.published() != null && t.scheduleVersion() != null && t.scheduleVersion() < f.published().version()) {
                reasons.add(new Health.Problem("schedule", "Lịch cũ (bản " + t.scheduleVersion() + ", mới nhất "
                        + f.published().version() + ") / schedule behind"));
            }
        }
        Health.State state = !offline.isEmpty() ? Health.State.OFFLINE
                : reasons.isEmpty() ? Health.State.OK : Health.State.DEGRADED;
        return new Health(f.stationId(), f.village(), state, reasons.stream().map(Health.Problem::text).toList(),
                reasons, t, f.telemetryAt());
    }

    /** The station has said for longer than {@link #CLOCK_UNTRUSTED_AFTER} that nothing vouches for its clock. */
    private static java.util.Optional<Health.Problem> clockUntrusted(Facts f) {
        ClockTrust clock = f.telemetry().clock();
        if (clock == null || clock.trusted() || f.clockUntrustedSince() == null
                || Duration.between(f.clockUntrustedSince(), f.now()).compareTo(CLOCK_UNTRUSTED_AFTER) < 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Health.Problem("clock-untrusted", "Đồng hồ chưa tin cậy từ "
                + f.clockUntrustedSince() + ": không phát buổi nào theo lịch, chỉ phát khẩn cấp (không có NTP, "
                + "đồng hồ pin hay giờ của máy chủ) / clock not trusted since " + f.clockUntrustedSince()
                + ": no scheduled session plays, emergencies only (no NTP, battery clock or controller time)"));
    }

    /** Sessions that should have started by now (with the bound) and of which no item was heard. */
    private List<Health.Problem> missedSessions(Facts f) {
        List<Health.Problem> out = new ArrayList<>();
        if (f.published() == null) {
            return out;
        }
        for (Session s : f.published().sessions()) {
            boolean due = !f.now().isBefore(s.start().plus(limits.missedAfter()));
            if (due && !f.sessionsHeard().contains(s.id())) {
                out.add(new Health.Problem("missed:" + s.id(), "Lỡ buổi phát " + s.id() + " / missed session " + s.id()
                        + " (due " + s.start() + ")"));
            }
        }
        return out;
    }

    private static java.util.Optional<Session> nextSession(Facts f) {
        return f.published() == null ? java.util.Optional.empty() : f.published().nextSession(f.now());
    }
}
