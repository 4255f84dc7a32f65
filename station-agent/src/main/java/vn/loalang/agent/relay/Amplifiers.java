package vn.loalang.agent.relay;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The one owner of the station's amplifier relays: after construction nothing else holds the
 * {@link RelayBank}. Whoever wants the amplifiers asks here, and every change is a transition of
 * one state machine:
 *
 * <pre>
 *   OFF ──warmUp──▶ WARMING ──onAir──▶ ON ──handOver──▶ HANDOVER ──takeOver──▶ ON
 *                      └───────handOver───────────────────▲  └──────off──────▶ OFF
 *   any state ──off / failSafe──▶ OFF
 * </pre>
 *
 * WARMING switches the channels on one after another as the {@link RelaySequence} says (the
 * caller, the session player, paces them with the silence it writes to the line: the sound card's
 * clock, not a sleep). HANDOVER is a program that gave way to another (a pre-emption) with the
 * amplifiers left powered for it; the next program takes them over without a warm-up, or they go
 * OFF when nothing takes them. {@link #failSafe()} is the one emergency exit: every relay OFF from any
 * state, on any thread, as often as it is called.
 *
 * <p>A request the state does not allow never changes a relay. The ones a fail-safe can overtake
 * (another channel, on air, hand over: the playout asking while the watchdog or a dying thread just
 * switched everything OFF) are refused with a log line and return false; the others are programming
 * errors and throw {@link IllegalTransitionException}.
 */
public final class Amplifiers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Amplifiers.class);

    public enum State {
        /** Every relay OFF: at power-on, at shutdown, after a crash, whenever nothing plays. */
        OFF,
        /** Channels going on one after another; the line is silent while the amplifiers warm up. */
        WARMING,
        /** Every channel on and a program on the line. */
        ON,
        /** A program gave way: the amplifiers stay powered for the one that takes the line. */
        HANDOVER
    }

    /** A transition the state machine does not have, asked by code that should not have asked it. */
    public static final class IllegalTransitionException extends IllegalStateException {
        private final State from;
        private final String request;

        IllegalTransitionException(String stationId, State from, String request) {
            super("station " + stationId + ": the amplifiers cannot " + request + " from " + from);
            this.from = from;
            this.request = request;
        }

        public State from() {
            return from;
        }

        public String request() {
            return request;
        }
    }

    private final String stationId;
    private final RelayBank bank;
    private final RelaySequence sequence;
    private final Consumer<StationEvent.Draft> report;
    /** Guards the state and every relay command, so that a fail-safe is never followed by a channel going on. */
    private final Object lock = new Object();
    private volatile State state = State.OFF;
    /** The next channel to switch on while WARMING. */
    private int nextChannel;

    /**
     * @param report journals what the sense inputs say against the relays (RELAY_SENSE_MISMATCH)
     */
    public Amplifiers(String stationId, RelayBank bank, RelaySequence sequence, Consumer<StationEvent.Draft> report) {
        if (sequence.channels() != bank.channelCount()) {
            throw new IllegalArgumentException("the relay sequence has " + sequence.channels() + " channel(s), the bank "
                    + bank.channelCount());
        }
        this.stationId = stationId;
        this.bank = bank;
        this.sequence = sequence;
        this.report = report;
    }

    /** Only ever switched OFF ({@code --relays-off}): no warm-up to follow, no journal to report to. */
    public static Amplifiers offOnly(String stationId, RelayBank bank) {
        return new Amplifiers(stationId, bank, RelaySequence.together(bank.channelCount(), Duration.ZERO), draft -> {
        });
    }

    public State state() {
        return state;
    }

    /** From the first channel ON to the first sample, when the amplifiers start cold. */
    public Duration lead() {
        return sequence.lead();
    }

    /** Whether any channel is commanded ON (a fault, or a test standing for one, may have done it behind our back). */
    public boolean isOn() {
        return bank.isOn();
    }

    /** Each channel's commanded state, by relay name, in switching order. */
    public Map<String, Boolean> channels() {
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (int i = 0; i < bank.channelCount(); i++) {
            out.put(bank.channelName(i), bank.isOn(i));
        }
        return out;
    }

    /** What each relay's sense input reads, by relay name; empty when none is wired. */
    public Map<String, Boolean> sensed() {
        return bank.sensed();
    }

    /** OFF → WARMING: the first channel goes on; the others follow at {@link #nextChannelAfter()}. */
    public void warmUp(String programId) {
        synchronized (lock) {
            if (state != State.OFF) {
                throw refused(state, "warm up for " + programId);
            }
            state = State.WARMING;
            nextChannel = 1;
            bank.switchOn(0);
        }
        log.info("Station {} warms its amplifiers up for {}: {} channel(s), first sample in {} ms", stationId,
                programId, bank.channelCount(), sequence.lead().toMillis());
    }

    /** While WARMING: when the next channel is due, counted from the first channel ON; empty when all are on. */
    public Optional<Duration> nextChannelAfter() {
        synchronized (lock) {
            return state == State.WARMING && nextChannel < bank.channelCount()
                    ? Optional.of(sequence.onAfter(nextChannel)) : Optional.empty();
        }
    }

    /** WARMING: the next channel on. False, nothing switched, when a fail-safe came first. */
    public boolean switchOnNext(String programId) {
        synchronized (lock) {
            if (state == State.OFF) {
                return refusedAfterFailSafe("switch on another channel for " + programId);
            }
            if (state != State.WARMING || nextChannel >= bank.channelCount()) {
                throw refused(state, "switch on another channel for " + programId);
            }
            bank.switchOn(nextChannel++);
            return true;
        }
    }

    /**
     * WARMING → ON at the first sample (or ON already, after {@link #takeOver}); then the sense inputs
     * must read every channel powered. False when a fail-safe came first.
     */
    public boolean onAir(String programId) {
        boolean onAir;
        synchronized (lock) {
            if (state == State.WARMING || state == State.ON) {
                state = State.ON;
                onAir = true;
            } else if (state == State.OFF) {
                onAir = refusedAfterFailSafe("go on air for " + programId);
            } else {
                throw refused(state, "go on air for " + programId);
            }
        }
        checkSenses(programId, true);
        return onAir;
    }

    /**
     * HANDOVER → ON: the amplifiers a pre-empted program left powered, taken without a warm-up; a
     * channel a fault switched off meanwhile goes on again. False when they are OFF (nothing was
     * handed over, or a fail-safe came first): the program warms them up from cold.
     */
    public boolean takeOver(String programId) {
        synchronized (lock) {
            if (state == State.OFF) {
                return false;
            }
            if (state != State.HANDOVER) {
                throw refused(state, "be taken over by " + programId);
            }
            for (int channel = 0; channel < bank.channelCount(); channel++) {
                if (!bank.isOn(channel)) {
                    bank.switchOn(channel);
                }
            }
            state = State.ON;
        }
        log.info("Station {}: {} takes over the amplifiers already on", stationId, programId);
        return true;
    }

    /** WARMING or ON → HANDOVER: the program gave way; the amplifiers stay on for what comes next. False after a fail-safe. */
    public boolean handOver(String programId) {
        synchronized (lock) {
            if (state == State.OFF) {
                return refusedAfterFailSafe("stay on after " + programId);
            }
            if (state == State.HANDOVER) {
                throw refused(state, "hand over again after " + programId);
            }
            state = State.HANDOVER;
        }
        return true;
    }

    /**
     * Any state → OFF, the ordinary end: a program finished, failed, was stopped, or nothing took
     * the amplifiers handed over. Then the sense inputs must read every channel unpowered.
     *
     * @param programId what they were on for, for the journal; null when none
     */
    public void off(String programId) {
        synchronized (lock) {
            state = State.OFF;
            bank.switchOff();
        }
        checkSenses(programId, false);
    }

    /**
     * The one emergency exit: every relay OFF from any state, on any thread, idempotent. Nothing
     * before the switching can fail (no journal, no sense reading): an OutOfMemoryError may leave
     * no room for them.
     */
    public void failSafe() {
        State was;
        synchronized (lock) {
            was = state;
            state = State.OFF;
            bank.switchOff();
        }
        if (was != State.OFF) {
            log.warn("Station {} fail-safe: every amplifier relay OFF (they were {})", stationId, was);
        }
    }

    /** Every relay OFF and the hardware released. */
    @Override
    public void close() {
        synchronized (lock) {
            state = State.OFF;
            bank.close();
        }
    }

    private IllegalTransitionException refused(State from, String request) {
        IllegalTransitionException e = new IllegalTransitionException(stationId, from, request);
        log.error("Station {} refuses to {}: the amplifiers are {}; no relay changed", stationId, request, from);
        return e;
    }

    private boolean refusedAfterFailSafe(String request) {
        log.warn("Station {} does not {}: a fail-safe switched every relay OFF, and they stay OFF", stationId, request);
        return false;
    }

    /** A sense input that disagrees with the relay after the warm-up (or after OFF) is a stuck relay or a dead amplifier. */
    private void checkSenses(String programId, boolean commandedOn) {
        Map<String, Boolean> sensed;
        try {
            sensed = bank.sensed();
        } catch (RuntimeException e) {
            log.warn("Station {} cannot read its relay sense inputs: {}", stationId, e.toString());
            return;
        }
        for (int channel = 0; channel < bank.channelCount(); channel++) {
            Boolean powered = sensed.get(bank.channelName(channel));
            boolean expected = commandedOn && bank.isOn(channel);
            if (powered != null && powered != expected) {
                String what = "relay " + bank.channelName(channel) + " is commanded " + (expected ? "ON" : "OFF")
                        + " but its amplifier reads " + (powered ? "powered" : "unpowered");
                log.error("Station {}: {} ({})", stationId, what, programId);
                report.accept(StationEvent.of(EventType.RELAY_SENSE_MISMATCH).session(programId)
                        .reason(expected ? EventReason.NO_POWER : EventReason.STUCK_ON).detail(what));
            }
        }
    }
}
