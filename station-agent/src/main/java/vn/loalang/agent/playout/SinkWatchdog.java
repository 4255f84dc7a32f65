package vn.loalang.agent.playout;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.audio.AudioSink;
import vn.loalang.agent.events.EventOutbox;
import vn.loalang.agent.relay.Amplifiers;
import vn.loalang.protocol.station.EventReason;
import vn.loalang.protocol.station.EventType;
import vn.loalang.protocol.station.StationEvent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Keeps the amplifiers from burning when playout itself is stuck, on a thread of its own: a sound
 * card that stops taking samples (a USB card unplugged, a wedged ALSA driver) blocks the playout
 * thread in a write; a playout thread stuck anywhere else keeps the relays on past the program's
 * end. Either way the relays go OFF and the station reports it; a stalled output is closed, which
 * unblocks the write so that playout can go on with the next program.
 */
public final class SinkWatchdog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SinkWatchdog.class);
    /** After a program's end and tail, how long the relays may stay on before the watchdog steps in. */
    static final Duration GRACE = Duration.ofSeconds(2);

    private final String stationId;
    private final Amplifiers amplifiers;
    private final EventOutbox events;
    private final Clock clock;
    private final Duration stallTimeout;
    private final LongSupplier nanos;
    private final Thread thread;
    private volatile AudioSink.Output writingTo;
    private volatile long writingSince;
    private volatile Instant relaysDueOff;
    private volatile boolean tripped;
    private volatile boolean closed;

    /** @param nanos a monotonic clock for stalls ({@code System::nanoTime}; tests move their own) */
    public SinkWatchdog(String stationId, Amplifiers amplifiers, EventOutbox events, Clock clock, Duration stallTimeout,
                        LongSupplier nanos) {
        this.stationId = stationId;
        this.amplifiers = amplifiers;
        this.events = events;
        this.clock = clock;
        this.stallTimeout = stallTimeout;
        this.nanos = nanos;
        this.thread = new Thread(this::run, "sink-watchdog-" + stationId);
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** A program is playing: the relays may be on until {@code until}, plus a grace. */
    void playing(Instant until) {
        tripped = false;
        relaysDueOff = until.plus(GRACE);
    }

    /** Nothing is playing: relays on from now on are an error, after the grace. */
    void idle() {
        relaysDueOff = clock.instant().plus(GRACE);
    }

    void writing(AudioSink.Output out) {
        writingSince = nanos.getAsLong();
        writingTo = out;
    }

    void wrote() {
        writingTo = null;
    }

    /** Whether the current program's output was declared stalled. */
    public boolean tripped() {
        return tripped;
    }

    private void run() {
        long interval = Math.max(TimeUnit.MILLISECONDS.toNanos(20), Math.min(stallTimeout.toNanos() / 4,
                TimeUnit.MILLISECONDS.toNanos(250)));
        while (!closed) {
            LockSupport.parkNanos(interval);
            try {
                check();
            } catch (RuntimeException e) {
                // The watchdog must outlive what it watches.
                log.error("Station {} sink watchdog check failed: {}", stationId, e.toString(), e);
            }
        }
    }

    /** One look; public to the package so that tests can look without waiting for the thread. */
    void check() {
        AudioSink.Output out = writingTo;
        if (out != null && !tripped && nanos.getAsLong() - writingSince > stallTimeout.toNanos()) {
            tripped = true;
            log.error("Station {}: the audio output took no sample for {} ms; relays OFF and the output is closed",
                    stationId, stallTimeout.toMillis());
            amplifiers.failSafe();
            try {
                // First: it releases the blocked write, whatever the journal does next.
                out.close();
            } catch (Exception e) {
                log.warn("Station {} could not close the stalled output: {}", stationId, e.toString());
            }
            events.record(StationEvent.of(EventType.OUTPUT_STALLED).reason(EventReason.STALLED)
                    .detail("the audio output took no sample for " + stallTimeout.toMillis() + " ms; relays switched OFF"));
            return;
        }
        Instant due = relaysDueOff;
        if (due != null && amplifiers.isOn() && clock.instant().isAfter(due)) {
            relaysDueOff = null;
            log.error("Station {}: relays still ON after the program's window and tail; switched OFF", stationId);
            amplifiers.failSafe();
            events.record(StationEvent.of(EventType.OUTPUT_STALLED).reason(EventReason.RELAYS_ON_TOO_LONG)
                    .detail("relays were still on " + GRACE.toSeconds() + " s after the window and tail; switched OFF"));
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
