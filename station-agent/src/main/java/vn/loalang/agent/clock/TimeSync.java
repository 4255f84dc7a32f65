package vn.loalang.agent.clock;

/**
 * Whether the operating system has set the clock from a time server: the one question the station
 * asks of NTP. {@link TimedatectlSync} asks the Pi; {@link SimulatedTimeSync} is set by a test or a
 * simulated station.
 */
@FunctionalInterface
public interface TimeSync {
    /** True when the kernel's clock is synchronised to a time server (NTP) now; false when not, or when it cannot tell. */
    boolean synced();
}
