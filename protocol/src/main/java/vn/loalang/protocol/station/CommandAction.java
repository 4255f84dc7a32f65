package vn.loalang.protocol.station;

import java.util.Optional;

/** What a technician's {@link Command} asks a station to do. On the wire it is the constant's name. */
public enum CommandAction {
    /** A 1 kHz tone on the line for the command's seconds. */
    TEST_TONE(true),
    /** The relays on, silence, for the command's seconds. */
    RELAY_TEST(true),
    /** The schedule and the cache checked again. */
    RESYNC(false),
    /** The agent restarts under its service manager. */
    RESTART(false),
    /**
     * Install the command's {@link Release} beside the running agent and restart into it on trial: it
     * is kept if it connects, reports and passes its self-test in time, else the station rolls back.
     */
    UPDATE(false);

    private final boolean timed;

    CommandAction(boolean timed) {
        this.timed = timed;
    }

    /** Whether it lasts the command's {@code seconds} (1 to 60). */
    public boolean timed() {
        return timed;
    }

    /** The action named {@code wire}, if this version knows it. */
    public static Optional<CommandAction> parse(String wire) {
        for (CommandAction a : values()) {
            if (a.name().equals(wire)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }
}
