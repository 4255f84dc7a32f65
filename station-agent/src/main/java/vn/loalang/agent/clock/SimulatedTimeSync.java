package vn.loalang.agent.clock;

/**
 * NTP as a test or a simulated station says it is: synced or not, changed at will (a test boots a
 * station with no time server, then lets NTP catch up).
 */
public final class SimulatedTimeSync implements TimeSync {
    private volatile boolean synced;

    public SimulatedTimeSync(boolean synced) {
        this.synced = synced;
    }

    public void synced(boolean now) {
        this.synced = now;
    }

    @Override
    public boolean synced() {
        return synced;
    }
}
