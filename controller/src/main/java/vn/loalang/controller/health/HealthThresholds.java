package vn.loalang.controller.health;

import java.time.Duration;

/**
 * When a station stops being OK, per commune. The defaults suit a Raspberry Pi on a pole in the
 * delta: hot afternoons, small SD cards, flaky 3G.
 *
 * @param offlineAfter         no telemetry (or a goodbye) for this long: OFFLINE
 * @param missedAfter          a session that has not started this long after its start: missed
 * @param contentReadyBefore   a session's content must be cached this long before it starts
 * @param maxClockOffset       beyond this the station's clock is wrong
 */
public record HealthThresholds(Duration offlineAfter, Duration missedAfter, Duration contentReadyBefore,
                               Duration maxClockOffset, double maxTemperatureC, long minDiskFreeMb,
                               long minMemoryMb) {
    public static final HealthThresholds DEFAULTS = new HealthThresholds(Duration.ofSeconds(90), Duration.ofMinutes(2),
            Duration.ofMinutes(10), Duration.ofSeconds(2), 75.0, 200, 50);
}
