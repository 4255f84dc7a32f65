package vn.loalang.agent.relay;

import java.util.Map;

/**
 * The relays that power the station's amplifiers or speaker lines, one channel each, in the order
 * they are switched on. OFF is the safe state: a bank starts OFF, and {@link #close()} leaves it
 * OFF whatever happened before.
 */
public interface RelayBank extends AutoCloseable {
    int channelCount();

    String channelName(int channel);

    /** Powers one channel; the others keep their state (channels are switched on one after another to limit inrush). */
    void switchOn(int channel);

    /** Powers every channel at once. */
    default void switchOn() {
        for (int i = 0; i < channelCount(); i++) {
            switchOn(i);
        }
    }

    /** Every channel OFF; one that fails does not stop the others. */
    void switchOff();

    /** Whether any channel is commanded ON. */
    boolean isOn();

    boolean isOn(int channel);

    /** What each relay's sense input (amplifier power feedback) reads, by relay name; empty when none is wired. */
    Map<String, Boolean> sensed();

    /** Switches everything OFF and releases the hardware. */
    @Override
    void close();
}
