package vn.loalang.agent.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.files.AtomicFiles;
import vn.loalang.protocol.files.DiskSpace;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.station.EventAck;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The station's play log and its way out. Every event is numbered (one sequence per journal
 * stream, for the life of the SD card), written durably to a journal and only then sent. An event
 * stays pending until the controller acknowledges it with a signed {@link EventAck} — a broker's
 * PUBACK is not enough, because a restarted broker may drop what no one was subscribed to yet.
 * Pending events are sent again, oldest first, after every reconnect and whenever the controller
 * has been silent for {@code ackTimeout}: the controller drops duplicates by number.
 */
public final class EventOutbox implements AutoCloseable {
    private final java.util.List<java.util.function.Consumer<StationEvent>> recorded =
            new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Sends one event; throws when it could not (not connected, no acknowledgement from the broker in time). */
    public interface Sender {
        boolean ready();

        void send(StationEvent event) throws Exception;
    }

    private static final Logger log = LoggerFactory.getLogger(EventOutbox.class);
    private static final long COMPACT_ABOVE_BYTES = 4L << 20;
    private static final int KEEP_WHEN_COMPACTING = 2000;
    /** Events waiting for the journal while the disk is full: about a day of a busy station's play log. */
    private static final int MAX_UNJOURNALLED = 5000;

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
    private final Path journal;
    private final Path ackedFile;
    private final String stream;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Deque<Pending> pending = new ArrayDeque<>();
    private final Thread sender;
    private Sender out;
    private long lastSeq;
    private long acked;
    /** Events numbered while the journal could not be written, oldest first: written with the next event that can be. */
    private final Deque<StationEvent> unjournalled = new ArrayDeque<>();
    private String journalProblem;
    private volatile boolean closed;

    public EventOutbox(Path dir, String stationId, Clock clock, Duration ackTimeout) throws IOException {
        this.stationId = stationId;
        this.clock = clock;
        this.ackTimeout = ackTimeout;
        Files.createDirectories(dir);
        this.journal = dir.resolve("events.jsonl");
        this.ackedFile = dir.resolve("events.acked");
        this.stream = readOrCreateStream(dir.resolve("stream-id"));
        this.acked = readAcked();
        for (StationEvent e : readJournal()) {
            lastSeq = Math.max(lastSeq, e.seq());
            if (e.seq() > acked) {
                pending.add(new Pending(e));
            }
        }
        // A lost journal with a surviving receipt must not hand out numbers the controller already holds.
        lastSeq = Math.max(lastSeq, acked);
        if (!pending.isEmpty()) {
            log.info("Station {} has {} event(s) not yet acknowledged by the controller (from seq {})", stationId,
                    pending.size(), pending.peekFirst().event.seq());
        }
        this.sender = new Thread(this::sendLoop, "events-" + stationId);
        sender.setDaemon(true);
    }

    public void start(Sender sender) {
        this.out = sender;
        this.sender.start();
    }

    public String stream() {
        return stream;
    }

    /** Numbers the event, writes it to the journal (durably) and queues it for sending. */
    public StationEvent record(StationEvent.Draft draft) {
        return record(draft, clock.instant());
    }

    /** As {@link #record(StationEvent.Draft)}, for something that happens (or happened) at {@code at}. */
    public StationEvent record(StationEvent.Draft draft, Instant at) {
        StationEvent event;
        lock.lock();
        try {
            event = draft.numbered(stationId, stream, lastSeq + 1, at);
            append(event);
            lastSeq = event.seq();
            pending.addLast(new Pending(event));
            work.signalAll();
        } finally {
            lock.unlock();
        }
        for (java.util.function.Consumer<StationEvent> l : recorded) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                log.warn("Station {}: a listener of recorded events failed: {}", stationId, e.toString());
            }
        }
        return event;
    }

    /** Told every event once it is journalled (telemetry follows relays and the last item played this way). */
    public void onRecord(java.util.function.Consumer<StationEvent> listener) {
        recorded.add(listener);
    }

    /** The controller holds everything up to {@code ack.upTo()}: forget it, and send again what follows. */
    public void acknowledge(EventAck ack) {
        lock.lock();
        try {
            if (!ack.stream().equals(stream)) {
                log.warn("Station {} ignores an acknowledgement for journal stream {} (ours is {})", stationId,
                        ack.stream(), stream);
                return;
            }
            if (ack.upTo() <= acked) {
                return;
            }
            while (!pending.isEmpty() && pending.peekFirst().event.seq() <= ack.upTo()) {
                pending.removeFirst();
            }
            acked = Math.min(ack.upTo(), lastSeq);
            AtomicFiles.write(ackedFile, Long.toString(acked));
            if (pending.isEmpty() && Files.size(journal) > COMPACT_ABOVE_BYTES) {
                compact();
            }
            work.signalAll();
        } catch (IOException e) {
            // At worst the acknowledged events are sent again after a restart and dropped as duplicates.
            log.warn("Station {} could not record the acknowledgement up to {}: {}", stationId, ack.upTo(), e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    /** After a reconnect everything unacknowledged goes out again, in order. */
    public void linkRestored() {
        lock.lock();
        try {
            pending.forEach(p -> p.sent = false);
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
     * What to send now, oldest first: from the first event never sent, or — when the oldest sent one
     * has waited longer than the ack timeout — everything pending again.
     */
    private List<StationEvent> due() {
        List<StationEvent> batch = new ArrayList<>();
        if (pending.isEmpty() || out == null || !out.ready()) {
            return batch;
        }
        Pending oldest = pending.peekFirst();
        boolean resendAll = oldest.sent && System.nanoTime() - oldest.sentAtNanos > ackTimeout.toNanos();
        if (resendAll) {
            log.info("Station {}: no acknowledgement for event {} after {} ms; sending {} pending event(s) again",
                    stationId, oldest.event.seq(), ackTimeout.toMillis(), pending.size());
        }
        for (Pending p : pending) {
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

    /**
     * Writes the event, after any that could not be written before, to the journal. When the disk
     * refuses (full, or failing), the event is still numbered, queued and sent: the play log reaches the
     * controller, and only a restart before its receipt would lose it. The station goes on playing
     * either way; the journal catches up with the next write that succeeds.
     */
    private void append(StationEvent event) {
        unjournalled.addLast(event);
        StringBuilder text = new StringBuilder();
        for (StationEvent e : unjournalled) {
            if (e.seq() > acked) {
                text.append(new String(Json.write(e), StandardCharsets.UTF_8)).append('\n');
            }
        }
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            long before = ch.size();
            ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            try {
                while (bytes.hasRemaining()) {
                    ch.write(bytes);
                }
                ch.force(false);
            } catch (IOException partly) {
                // Half a line left behind would glue the next good line to it, and both would be lost at boot.
                try {
                    ch.truncate(before);
                } catch (IOException alsoRefused) {
                    partly.addSuppressed(alsoRefused);
                }
                throw partly;
            }
            if (journalProblem != null) {
                log.info("Station {} writes its event journal again; {} event(s) kept in memory meanwhile are in it now",
                        stationId, unjournalled.size());
            }
            unjournalled.clear();
            journalProblem = null;
        } catch (IOException e) {
            String problem = (DiskSpace.isFull(e) ? "the disk is full" : "the disk refuses writes") + " (" + journal
                    + ": " + e.getMessage() + ")";
            if (journalProblem == null) {
                log.error("Station {} cannot write its event journal: {}. Events are kept in memory and sent; a restart"
                        + " before the controller acknowledges them would lose them. Free space on the SD card",
                        stationId, problem);
            }
            journalProblem = problem;
            while (unjournalled.size() > MAX_UNJOURNALLED) {
                unjournalled.removeFirst(); // still pending in memory and sent; only their place in the journal is lost
            }
        }
    }

    /** Why the journal cannot be written now (a full disk, in words for the technician); empty while it can. */
    public java.util.Optional<String> journalProblem() {
        lock.lock();
        try {
            return java.util.Optional.ofNullable(journalProblem);
        } finally {
            lock.unlock();
        }
    }

    private List<StationEvent> readJournal() throws IOException {
        List<StationEvent> events = new ArrayList<>();
        if (!Files.exists(journal)) {
            return events;
        }
        byte[] bytes = Files.readAllBytes(journal);
        if (bytes.length > 0 && bytes[bytes.length - 1] != '\n') {
            // A power cut during a write left half a line: end it, or the next event would be glued to it.
            try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                ch.write(ByteBuffer.wrap(new byte[]{'\n'}));
                ch.force(false);
            }
        }
        int lineNo = 0;
        for (String line : lines(bytes)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                events.add(Json.read(line.getBytes(StandardCharsets.UTF_8), StationEvent.class));
            } catch (MalformedMessageException e) {
                // A power cut during a write leaves half a line at the end; nothing before it is lost.
                log.warn("Station {} skips line {} of {}: {}", stationId, lineNo, journal, e.getMessage());
            }
        }
        return events;
    }

    /** Decoded leniently: a line torn inside a multi-byte character (a Vietnamese title) must not make the journal unreadable. */
    private static List<String> lines(byte[] journalBytes) {
        return new String(journalBytes, StandardCharsets.UTF_8).lines().toList();
    }

    private long readAcked() throws IOException {
        if (!Files.exists(ackedFile)) {
            return 0;
        }
        try {
            return Long.parseLong(Files.readString(ackedFile).trim());
        } catch (NumberFormatException e) {
            log.warn("Station {} found {} unreadable; every journalled event will be sent again", stationId, ackedFile);
            return 0;
        }
    }

    private static String readOrCreateStream(Path file) throws IOException {
        if (Files.exists(file)) {
            String id = Files.readString(file).trim();
            if (!id.isEmpty()) {
                return id;
            }
        }
        String id = UUID.randomUUID().toString();
        AtomicFiles.write(file, id);
        return id;
    }

    private void compact() throws IOException {
        List<String> lines = lines(Files.readAllBytes(journal));
        List<String> kept = lines.subList(Math.max(0, lines.size() - KEEP_WHEN_COMPACTING), lines.size());
        AtomicFiles.write(journal, String.join("\n", kept) + "\n");
        log.info("Station {} compacted its event journal to the last {} events", stationId, kept.size());
    }

    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            work.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            sender.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
