package vn.loalang.protocol.station;

import vn.loalang.protocol.Ids;
import vn.loalang.protocol.SchemaVersion;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A technician's command to one station, signed, on {@code .../station/{id}/command} (not
 * retained: a command is for now, not for whenever the station comes back). The station answers
 * with a {@code COMMAND_DONE} event whose {@code sessionId} is the command's id.
 *
 * @param action  {@code TEST_TONE} (a 1 kHz tone for {@code seconds}), {@code RELAY_TEST} (relays on,
 *                silence, for {@code seconds}), {@code RESYNC} (schedule and cache checked again),
 *                {@code RESTART} (the agent restarts under systemd)
 * @param seconds for the tone and the relay test, 1 to 60
 */
public record Command(int schema, String id, String stationId, String action, int seconds, Instant issuedAt,
                      Instant expiresAt) {
    public static final Set<String> ACTIONS = Set.of("TEST_TONE", "RELAY_TEST", "RESYNC", "RESTART");

    public Command {
        SchemaVersion.require(schema);
        Ids.require("command", id);
        Ids.require("station", stationId);
        if (!ACTIONS.contains(action)) {
            throw new IllegalArgumentException("command action '" + action + "' is not one of " + ACTIONS);
        }
        if ((action.equals("TEST_TONE") || action.equals("RELAY_TEST")) && (seconds < 1 || seconds > 60)) {
            throw new IllegalArgumentException("a " + action + " lasts from 1 to 60 seconds, not " + seconds);
        }
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
