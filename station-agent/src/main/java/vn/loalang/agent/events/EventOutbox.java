package vn.loalang.agent.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.station.EventAck;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The station's play log and its way out. Every event is numbered (one sequence per journal
 * stream, for the life of the SD card), written durably to the {@link EventJournal} and only then
 * sent. An event stays pending until the controller acknowledges it with a signed {@link EventAck}
 * — a broker's PUBACK is not enough, because a restarted broker may drop what no one was subscribed
 * to yet. Pending events are sent again, oldest first, after every reconnect and whenever the
 * controller has been silent for {@code ackTimeout}: the controller drops duplicates by number.
 *
 * <p>{@link #record} numbers the event and returns at once: the journal's own thread writes what
 * was recorded meanwhile with one fsync, so a slow SD card holds up neither the relays nor an
 * alert's way to the loudspeaker (it did: up to a second per write). An event recorded but not yet
 * written is lost by a crash, as it was while its fsync ran; it is never sent before it is written,
 * so its number cannot be handed out twice.
 *
 * <p>On a metered SIM a controller that stays silent must not cost a re-send of the whole backlog
 * every {@code ackTimeout}: at most {@link #IN_FLIGHT} events are out without a receipt, and each
 * silent round doubles the wait before the next, up to {@link #RESEND_CAP}. A receipt or a
 * reconnect starts again from {@code ackTimeout}.
 */
public final class EventOutbox implements AutoCloseable {
    /** Sends one event; throws when it could not (not connected, no acknowledgement from the broker in time). */
    public interface Sender {
        boolean ready();

        void send(StationEvent event) throws Exception;
    }

    /** Events sent and not yet acknowledged, at most: the controller's receipts move this window on. */
    static final int IN_FLIGHT = 64;
    /** The longest wait between two re-sends to a silent controller: 24 rounds a day at most. */
    static final Duration RESEND_CAP = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(EventOutbox.class);

    private static final class Pending {
        final StationEvent event;
        long sentAtNanos;
        boolean sent;

        Pending(StationEvent event) {
            this.event = event;
        }
    }

    private final String stationId;
    private final Clock clock;
    private final Duration ackTimeout;
    private final EventJournal journal;
    private final List<Consumer<StationEvent>> recorded = new CopyOnWriteArrayList<>();
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when there is something to send or the link may have changed. */
    private final Condition work = lock.newCondition();
    /** Signalled when there is something for the journal to write. */
    private final Condition toWrite = lock.newCondition();
    private final Deque<Pending> pending = new ArrayDeque<>();
    private final List<StationEvent> unwritten = new ArrayList<>();
    private final Thread writer;
    private final Thread sender;
    private Sender out;
    private long lastSeq;
    /** Events up to this number have been through the journal (written, or refused by a full disk) and may be sent. */
    private long writtenUpTo;
    private long acked;
    /** How far {@code events.acked} says; touched by the journal's thread only. */
    private long ackedInFile;
    private boolean writerEnded;
    /** How long the oldest event sent waits for a receipt before the window goes out again. */
    private Duration resendAfter;
    private volatile boolean closed;

    public EventOutbox(Path dir, String stationId, Clock clock, Duration ackTimeout) throws IOException {
        this.stationId = stationId;
        this.clock = clock;
        this.ackTimeout = ackTimeout;
        this.resendAfter = ackTimeout;
        this.journal = new EventJournal(dir, stationId);
        this.acked = journal.readAcked();
        this.ackedInFile = acked;
        for (StationEvent e : journal.readAll()) {
            lastSeq = Math.max(lastSeq, e.seq());
            if (e.seq() > acked) {
                pending.add(new Pending(e));
            }
        }
        // A lost journal with a surviving receipt must not hand out numbers the controller already holds.
        lastSeq = Math.max(lastSeq, acked);
        writtenUpTo = lastSeq;
        if (!pending.isEmpty()) {
            log.info("Station {} has {} event(s) not yet acknowledged by the controller (from seq {})", stationId,
                    pending.size(), pending.peekFirst().event.seq());
        }
        this.sender = new Thread(this::sendLoop, "events-" + stationId);
        sender.setDaemon(true);
        // Events are recorded from boot on, before the link exists: the journal runs from the start.
        this.writer = new Thread(this::writeLoop, "journal-" + stationId);
        writer.setDaemon(true);
        writer.start();
    }

    public void start(Sender sender) {
        this.out = sender;
        this.sender.start();
    }

    public String stream() {
        return journal.stream();
    }

    /** Numbers the event and queues it for the journal, then for sending; returns without waiting for the disk. */
    public StationEvent record(StationEvent.Draft draft) {
        return record(draft, clock.instant());
    }

    /** As {@link #record(StationEvent.Draft)}, for something that happens (or happened) at {@code at}. */
    public StationEvent record(StationEvent.Draft draft, Instant at) {
        StationEvent event;
        lock.lock();
        try {
            event = draft.numbered(stationId, journal.stream(), lastSeq + 1, at);
            lastSeq = event.seq();
            pending.addLast(new Pending(event));
            if (writerEnded) {
                // After close (the relays switched off last of all): written here, the journal thread is gone.
                journal.append(List.of(event), acked);
                writtenUpTo = event.seq();
            } else {
                unwritten.add(event);
                toWrite.signal();
            }
        } finally {
            lock.unlock();
        }
        for (Consumer<StationEvent> l : recorded) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                log.warn("Station {}: a listener of recorded events failed: {}", stationId, e.toString());
            }
        }
        return event;
    }

    /** Told every event as it is recorded (telemetry follows relays and the last item played this way). */
    public void onRecord(Consumer<StationEvent> listener) {
        recorded.add(listener);
    }

    /** The controller holds everything up to {@code ack.upTo()}: forget it, and send again what follows. */
    public void acknowledge(EventAck ack) {
        lock.lock();
        try {
            if (!ack.stream().equals(journal.stream())) {
                log.warn("Station {} ignores an acknowledgement for journal stream {} (ours is {})", stationId,
                        ack.stream(), journal.stream());
                return;
            }
            if (ack.upTo() <= acked) {
                return;
            }
            while (!pending.isEmpty() && pending.peekFirst().event.seq() <= ack.upTo()) {
                pending.removeFirst();
            }
            acked = Math.min(ack.upTo(), lastSeq);
            resendAfter = ackTimeout;
            toWrite.signal();
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** After a reconnect everything unacknowledged goes out again, in order. */
    public void linkRestored() {
        lock.lock();
        try {
            pending.forEach(p -> p.sent = false);
            resendAfter = ackTimeout;
            work.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** False once the sending thread has ended: events would only pile up in the journal. */
    public boolean alive() {
        return sender.isAlive();
    }

    public int pendingCount() {
        lock.lock();
        try {
            return pending.size();
        } finally {
            lock.unlock();
        }
    }

    public long lastSeq() {
        lock.lock();
        try {
            return lastSeq;
        } finally {
            lock.unlock();
        }
    }

    /** Why the journal cannot be written now (a full disk, in words for the technician); empty while it can. */
    public Optional<String> journalProblem() {
        return journal.problem();
    }

    /**
     * The journal's thread: everything recorded since its last write goes down with one force to the
     * card, then becomes sendable; receipts are written down after it. Ends once closed and drained.
     */
    private void writeLoop() {
        try {
            while (true) {
                List<StationEvent> batch;
                long ackedNow;
                lock.lock();
                try {
                    while (unwritten.isEmpty() && ackedInFile == acked && !closed) {
                        toWrite.await();
                    }
                    if (unwritten.isEmpty() && ackedInFile == acked) {
                        return;
                    }
                    batch = List.copyOf(unwritten);
                    unwritten.clear();
                    ackedNow = acked;
                } finally {
                    lock.unlock();
                }
                if (!batch.isEmpty()) {
                    journal.append(batch, ackedNow);
                }
                boolean settled;
                lock.lock();
                try {
                    if (!batch.isEmpty()) {
                        writtenUpTo = batch.get(batch.size() - 1).seq();
                        work.signalAll();
                    }
                    settled = pending.isEmpty() || pending.peekFirst().event.seq() > writtenUpTo;
                } finally {
                    lock.unlock();
                }
                if (ackedNow != ackedInFile) {
                    journal.writeAcked(ackedNow);
                    ackedInFile = ackedNow;
                }
                if (settled) {
                    journal.compactIfLarge();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            endWriter();
        }
    }

    /** From now on {@link #record} writes in the caller; anything the thread left is written now. */
    private void endWriter() {
        lock.lock();
        try {
            writerEnded = true;
            if (!unwritten.isEmpty()) {
                journal.append(List.copyOf(unwritten), acked);
                writtenUpTo = unwritten.get(unwritten.size() - 1).seq();
                unwritten.clear();
            }
            if (ackedInFile != acked) {
                journal.writeAcked(acked);
                ackedInFile = acked;
            }
        } finally {
            lock.unlock();
        }
    }

    private void sendLoop() {
        while (!closed) {
            List<StationEvent> batch;
            lock.lock();
            try {
                batch = due();
                while (!closed && batch.isEmpty()) {
                    // A timed wait: link readiness and ack time-outs change without a signal.
                    work.await(200, TimeUnit.MILLISECONDS);
                    batch = due();
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            for (StationEvent event : batch) {
                if (closed) {
                    return;
                }
                try {
                    out.send(event.sentWith(oldestPending(event.seq())));
                    markSent(event.seq());
                } catch (Exception e) {
                    log.info("Station {} could not send event {} yet ({}); it stays queued", stationId, event.seq(),
                            e.getMessage());
                    pauseAfterFailure();
                    break;
                }
            }
        }
    }

    /**
     * What to send now, oldest first, within the window of {@link #IN_FLIGHT} written events: those
     * never sent, or — when the oldest sent one has waited longer than {@link #resendAfter} — all of
     * them again, and the next wait is twice as long.
     */
    private List<StationEvent> due() {
        List<StationEvent> batch = new ArrayList<>();
        if (pending.isEmpty() || out == null || !out.ready()) {
            return batch;
        }
        Pending oldest = pending.peekFirst();
        boolean resendAll = oldest.sent && System.nanoTime() - oldest.sentAtNanos > resendAfter.toNanos();
        if (resendAll) {
            Duration next = resendAfter.multipliedBy(2);
            resendAfter = next.compareTo(RESEND_CAP) > 0 ? RESEND_CAP : next;
            log.info("Station {}: no acknowledgement for event {}; sending up to {} of {} pending event(s) again,"
                    + " and waiting {} s before the next try", stationId, oldest.event.seq(), IN_FLIGHT, pending.size(),
                    resendAfter.toSeconds());
        }
        int inWindow = 0;
        for (Pending p : pending) {
            if (p.event.seq() > writtenUpTo || inWindow == IN_FLIGHT) {
                break;
            }
            inWindow++;
            if (resendAll || !p.sent) {
                batch.add(p.event);
            }
        }
        return batch;
    }

    private long oldestPending(long fallback) {
        lock.lock();
        try {
            return pending.isEmpty() ? fallback : pending.peekFirst().event.seq();
        } finally {
            lock.unlock();
        }
    }

    /** A broker that accepts the connection but not the publish must not be hammered in a tight loop. */
    private void pauseAfterFailure() {
        lock.lock();
        try {
            if (!closed) {
                work.await(500, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void markSent(long seq) {
        lock.lock();
        try {
            for (Pending p : pending) {
                if (p.event.seq() == seq) {
                    p.sent = true;
                    p.sentAtNanos = System.nanoTime();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            work.signalAll();
            toWrite.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            // The journal first: what was recorded before the close is on the card when this returns.
            writer.join(5000);
            sender.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
