package vn.loalang.protocol.station;

import java.util.Objects;

/**
 * How a station's clock stands, in its telemetry ({@link Telemetry#clock()}, added in issue 16): whether
 * the station trusts it, what vouches for it, and what it adds to the Pi's own clock. A Pi without a
 * battery clock boots after a power cut with the time saved before; until something vouches for it the
 * station plays no scheduled session (emergencies still sound), which a technician must be able to see
 * (docs/decisions/0021-clock-trust.md).
 *
 * @param trusted          true once a battery-backed clock, NTP or the controller's signed time vouches for
 *                         the station's time
 * @param source           what the time is taken from: {@link #NONE}, {@link #RTC}, {@link #NTP} or
 *                         {@link #CONTROLLER}; a newer agent may name another, which a controller shows as it is
 * @param correctionMillis what the station adds to the Pi's own clock: the controller's time minus the
 *                         Pi's while the source is {@link #CONTROLLER}, else 0
 */
public record ClockTrust(boolean trusted, String source, long correctionMillis) {
    /** Nothing vouches for the Pi's clock yet. */
    public static final String NONE = "NONE";
    /** A battery-backed clock (configured on the station). */
    public static final String RTC = "RTC";
    /** NTP has set the Pi's clock. */
    public static final String NTP = "NTP";
    /** The Pi's clock plus the offset learnt from the controller's signed time. */
    public static final String CONTROLLER = "CONTROLLER";

    public ClockTrust {
        Objects.requireNonNull(source, "source");
    }
}
