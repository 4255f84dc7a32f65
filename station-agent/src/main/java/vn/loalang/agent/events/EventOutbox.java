package vn.loalang.agent.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.storage.AtomicFiles;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The station's play log and its way out. Every event is numbered (one sequence for the life of
 * the station), written to a journal on disk and only then sent; an event leaves the pending list
 * when the broker has acknowledged it. After a power cut or a week without a link, whatever was
 * not acknowledged is sent again, in order: the controller drops the duplicates by number.
 */
public final class EventOutbox implements AutoCloseable {
    /** Sends one event; throws when it could not (not connected, no acknowledgement in time). */
    public interface Sender {
        boolean ready();

        void send(StationEvent event) throws Exception;
    }

    private static final Logger log = LoggerFactory.getLogger(EventOutbox.class);
    private static final long COMPACT_ABOVE_BYTES = 4L << 20;
    private static final int KEEP_WHEN_COMPACTING = 2000;

    private final String stationId;
    private final Clock clock;
    private final Path journal;
    private final Path deliveredFile;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Deque<StationEvent> pending = new ArrayDeque<>();
    private final Thread sender;
    private Sender out;
    private long lastSeq;
    private long delivered;
    private volatile boolean closed;

    public EventOutbox(Path dir, String stationId, Clock clock) throws IOException {
        this.stationId = stationId;
        this.clock = clock;
        Files.createDirectories(dir);
        this.journal = dir.resolve("events.jsonl");
        this.deliveredFile = dir.resolve("events.delivered");
        this.delivered = readDelivered();
        for (StationEvent e : readJournal()) {
            lastSeq = Math.max(lastSeq, e.seq());
            if (e.seq() > delivered) {
                pending.add(e);
            }
        }
        if (!pending.isEmpty()) {
            log.info("Station {} has {} event(s) from before the restart still to send (from seq {})", stationId,
                    pending.size(), pending.peekFirst().seq());
        }
        this.sender = new Thread(this::sendLoop, "events-" + stationId);
        sender.setDaemon(true);
    }

    public void start(Sender sender) {
        this.out = sender;
        this.sender.start();
    }

    /** Numbers the event, writes it to the journal (durably) and queues it for sending. */
    public StationEvent record(StationEvent.Draft draft) {
        return record(draft, clock.instant());
    }

    /** As {@link #record(StationEvent.Draft)}, for something that happens (or happened) at {@code at}. */
    public StationEvent record(StationEvent.Draft draft, java.time.Instant at) {
        lock.lock();
        try {
            StationEvent event = draft.numbered(stationId, lastSeq + 1, at);
            append(event);
            lastSeq = event.seq();
            pending.addLast(event);
            work.signalAll();
            return event;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the sender, e.g. after the link has reconnected. */
    public void wake() {
        lock.lock();
        try {
            work.signalAll();
        } finally {
            lock.unlock();
        }
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
            StationEvent next;
            lock.lock();
            try {
                while (!closed && (pending.isEmpty() || !out.ready())) {
                    // A timed wait: readiness changes without a signal when the link drops.
                    work.await(500, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
                if (closed) {
                    return;
                }
                next = pending.peekFirst();
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                out.send(next);
                markDelivered(next);
            } catch (Exception e) {
                log.info("Station {} could not send event {} yet ({}); it stays queued", stationId, next.seq(),
                        e.getMessage());
                waitBriefly();
            }
        }
    }

    private void markDelivered(StationEvent event) {
        lock.lock();
        try {
            if (!pending.isEmpty() && pending.peekFirst().seq() == event.seq()) {
                pending.removeFirst();
            }
            delivered = event.seq();
            AtomicFiles.write(deliveredFile, Long.toString(delivered));
            if (pending.isEmpty() && Files.size(journal) > COMPACT_ABOVE_BYTES) {
                compact();
            }
        } catch (IOException e) {
            // The event went out; at worst it is sent again after a restart and dropped as a duplicate.
            log.warn("Station {} could not record delivery of event {}: {}", stationId, event.seq(), e.getMessage());
        } finally {
            lock.unlock();
        }
    }

    private void waitBriefly() {
        lock.lock();
        try {
            work.await(500, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    private void append(StationEvent event) {
        byte[] line = (new String(Json.write(event), StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(journal, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ch.write(java.nio.ByteBuffer.wrap(line));
            ch.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("station " + stationId + " cannot write its event journal " + journal, e);
        }
    }

    private List<StationEvent> readJournal() throws IOException {
        List<StationEvent> events = new ArrayList<>();
        if (!Files.exists(journal)) {
            return events;
        }
        int lineNo = 0;
        for (String line : Files.readAllLines(journal, StandardCharsets.UTF_8)) {
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

    private long readDelivered() throws IOException {
        if (!Files.exists(deliveredFile)) {
            return 0;
        }
        try {
            return Long.parseLong(Files.readString(deliveredFile).trim());
        } catch (NumberFormatException e) {
            log.warn("Station {} found {} unreadable; every journalled event will be sent again", stationId, deliveredFile);
            return 0;
        }
    }

    private void compact() throws IOException {
        List<String> lines = Files.readAllLines(journal, StandardCharsets.UTF_8);
        List<String> kept = lines.subList(Math.max(0, lines.size() - KEEP_WHEN_COMPACTING), lines.size());
        AtomicFiles.write(journal, String.join("\n", kept) + "\n");
        log.info("Station {} compacted its event journal to the last {} events", stationId, kept.size());
    }

    @Override
    public void close() {
        closed = true;
        wake();
        try {
            sender.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
