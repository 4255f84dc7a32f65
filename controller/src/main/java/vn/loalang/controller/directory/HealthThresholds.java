package vn.loalang.controller.directory;

import java.time.Duration;

/**
 * When a station stops being OK, set per commune in its {@code health} settings. The defaults suit
 * a Raspberry Pi on a pole in the delta: hot afternoons, small SD cards, flaky 3G. Numbers carry
 * their unit in their name because technicians write them by hand; a missing one takes its default.
 *
 * @param offlineAfterSeconds   no telemetry (or a goodbye) for this long: OFFLINE
 * @param missedAfterSeconds    a session that has not started this long after its start: missed
 * @param contentReadyMinutes   a session's content must be cached this long before it starts
 * @param maxClockOffsetMillis  beyond this the station's clock is wrong
 */
public record HealthThresholds(Integer offlineAfterSeconds, Integer missedAfterSeconds, Integer contentReadyMinutes,
                               Integer maxClockOffsetMillis, Double maxTemperatureC, Integer minDiskFreeMb,
                               Integer minMemoryMb) {
    public static final HealthThresholds DEFAULTS = new HealthThresholds(90, 120, 10, 2000, 75.0, 200, 50);

    public HealthThresholds {
        offlineAfterSeconds = within("offlineAfterSeconds", offlineAfterSeconds, 90, 30, 86_400);
        missedAfterSeconds = within("missedAfterSeconds", missedAfterSeconds, 120, 10, 3_600);
        contentReadyMinutes = within("contentReadyMinutes", contentReadyMinutes, 10, 1, 1_440);
        maxClockOffsetMillis = within("maxClockOffsetMillis", maxClockOffsetMillis, 2000, 100, 600_000);
        maxTemperatureC = maxTemperatureC == null ? 75.0 : maxTemperatureC;
        if (maxTemperatureC < 30 || maxTemperatureC > 110) {
            throw new IllegalArgumentException("health.maxTemperatureC must be from 30 to 110 °C, not " + maxTemperatureC);
        }
        minDiskFreeMb = within("minDiskFreeMb", minDiskFreeMb, 200, 0, 1_000_000);
        minMemoryMb = within("minMemoryMb", minMemoryMb, 50, 0, 100_000);
    }

    private static int within(String name, Integer value, int fallback, int min, int max) {
        int v = value == null ? fallback : value;
        if (v < min || v > max) {
            throw new IllegalArgumentException("health." + name + " must be from " + min + " to " + max + ", not " + v);
        }
        return v;
    }

    public Duration offlineAfter() {
        return Duration.ofSeconds(offlineAfterSeconds);
    }

    public Duration missedAfter() {
        return Duration.ofSeconds(missedAfterSeconds);
    }

    public Duration contentReadyBefore() {
        return Duration.ofMinutes(contentReadyMinutes);
    }

    public Duration maxClockOffset() {
        return Duration.ofMillis(maxClockOffsetMillis);
    }
}
