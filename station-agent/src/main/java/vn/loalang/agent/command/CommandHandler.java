package vn.loalang.agent.command;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.playout.Priority;
import vn.loalang.agent.playout.Program;
import vn.loalang.agent.trust.SignedInbox;
import vn.loalang.protocol.schedule.Item;
import vn.loalang.protocol.station.Command;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A technician's commands, verified like everything the controller sends (a forged "switch the
 * relay on" is refused and reported): a test tone and a relay test go on the line as warnings
 * (they pre-empt a session, wait out quiet hours, and the playout keeps the relays safe), a resync
 * checks the schedule's content again, a restart hands over to systemd. Each is answered with a
 * {@code COMMAND_DONE} event. It hears only commands the {@link SignedInbox} accepted.
 */
public final class CommandHandler implements SignedInbox.Handler<Command> {
    private static final Logger log = LoggerFactory.getLogger(CommandHandler.class);

    /** What the commands act on. */
    public interface Station {
        void submit(Program program);

        /** The schedule's content checked and fetched again. */
        void resync();

        /** Whether a service manager (systemd) would start the agent again after it ends. */
        boolean supervised();

        /** Ends the agent so that systemd starts a fresh one. */
        void restart();

        /** Hands an UPDATE to the agent's updater; false when this agent runs without one. */
        default boolean update(Command command) {
            return false;
        }
    }

    private final String stationId;
    private final EventOutbox events;
    private final Clock clock;
    private final IntFunction<Item> tone;
    private final IntFunction<Item> silence;
    private final Station station;

    /**
     * @param tone    a built-in 1 kHz tone item of the given seconds
     * @param silence a built-in silent item of the given seconds
     */
    public CommandHandler(String stationId, EventOutbox events, Clock clock, IntFunction<Item> tone,
                          IntFunction<Item> silence, Station station) {
        this.stationId = stationId;
        this.events = events;
        this.clock = clock;
        this.tone = tone;
        this.silence = silence;
        this.station = station;
    }

    /** Recorded as accepted before it is carried out: a RESTART redelivered to the next agent is a replay. */
    @Override
    public void accept(SignedInbox.Accepted<Command> message) {
        Command c = message.body();
        log.info("Station {} carries out command {} {} ({} s)", stationId, c.id(), c.action(), c.seconds());
        Instant now = clock.instant();
        switch (c.actionCode()) {
            case TEST_TONE -> {
                station.submit(new Program(c.id(), "Thử loa / test tone", Priority.WARNING, now,
                        now.plus(Duration.ofSeconds(c.seconds() + 30)), List.of(tone.apply(c.seconds()))));
                done(c, null, "test tone of " + c.seconds() + " s on the line");
            }
            case RELAY_TEST -> {
                station.submit(new Program(c.id(), "Thử rơ-le / relay test", Priority.WARNING, now,
                        now.plus(Duration.ofSeconds(c.seconds() + 30)), List.of(silence.apply(c.seconds()))));
                done(c, null, "relays on for " + c.seconds() + " s, silent");
            }
            case RESYNC -> {
                station.resync();
                done(c, null, "schedule and cache checked again");
            }
            case RESTART -> {
                if (!station.supervised()) {
                    done(c, EventReason.NOT_SUPERVISED, "no service manager would start the agent again; not restarted");
                } else {
                    // Said first: journalled before the agent goes, sent by the next one.
                    done(c, null, "the agent restarts");
                    station.restart();
                }
            }
            case UPDATE -> {
                // Answered by the updater once the release is refused, fails, or has passed or failed its trial.
                if (!station.update(c)) {
                    done(c, EventReason.NOT_SUPERVISED, "this agent runs without its updater; not installed");
                }
            }
            // An action this agent does not know never gets here: Command refuses it as MALFORMED.
            default -> done(c, EventReason.UNKNOWN_ACTION, "action " + c.action() + " is not known to this agent");
        }
    }

    private void done(Command c, EventReason reason, String detail) {
        events.record(StationEvent.of(EventType.COMMAND_DONE).session(c.id()).reason(reason)
                .detail(c.action() + ": " + detail));
    }
}
