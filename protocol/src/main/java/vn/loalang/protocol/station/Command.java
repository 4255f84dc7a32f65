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
 * @param action  a {@link CommandAction}'s name
 * @param seconds for the tone and the relay test, 1 to 60
 * @param release for UPDATE only: the agent build to install (absent from every other command)
 */
public record Command(int schema, String id, String stationId, String action, int seconds, Instant issuedAt,
                      Instant expiresAt, Release release) {
    /** The names of every {@link CommandAction}, as they travel. */
    public static final Set<String> ACTIONS = java.util.Arrays.stream(CommandAction.values()).map(Enum::name)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    public Command {
        SchemaVersion.require(schema);
        Ids.require("command", id);
        Ids.require("station", stationId);
        CommandAction known = CommandAction.parse(action).orElseThrow(() -> new IllegalArgumentException(
                "command action '" + action + "' is not one of " + ACTIONS));
        if (known.timed() && (seconds < 1 || seconds > 60)) {
            throw new IllegalArgumentException("a " + action + " lasts from 1 to 60 seconds, not " + seconds);
        }
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
        if ((known == CommandAction.UPDATE) != (release != null)) {
            throw new IllegalArgumentException(known == CommandAction.UPDATE ? "an UPDATE names the release to install"
                    : "only an UPDATE carries a release");
        }
    }

    /** A command without a release (every action but UPDATE), as before updates existed. */
    public Command(int schema, String id, String stationId, String action, int seconds, Instant issuedAt,
                   Instant expiresAt) {
        this(schema, id, stationId, action, seconds, issuedAt, expiresAt, null);
    }

    /** The same, typed; always present, since the constructor refuses an action it does not know. */
    public CommandAction actionCode() {
        return CommandAction.valueOf(action);
    }

    /** An UPDATE: the station installs {@code release} beside its running version and restarts into it on trial. */
    public static Command update(String id, String stationId, Release release, Instant issuedAt, Instant expiresAt) {
        return new Command(SchemaVersion.CURRENT, id, stationId, CommandAction.UPDATE.name(), 0, issuedAt, expiresAt,
                release);
    }

    /** A command of a known action. */
    public static Command of(String id, String stationId, CommandAction action, int seconds, Instant issuedAt,
                             Instant expiresAt) {
        return new Command(SchemaVersion.CURRENT, id, stationId, action.name(), seconds, issuedAt, expiresAt);
    }
}
