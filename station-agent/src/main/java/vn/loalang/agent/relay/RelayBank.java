package vn.loalang.agent.relay;

/**
 * The relays that power the station's amplifiers. OFF is the safe state: a bank starts OFF,
 * and {@link #close()} leaves it OFF whatever happened before.
 */
public interface RelayBank extends AutoCloseable {
    void switchOn();

    void switchOff();

    boolean isOn();

    /** Switches everything OFF and releases the hardware. */
    @Override
    void close();
}
