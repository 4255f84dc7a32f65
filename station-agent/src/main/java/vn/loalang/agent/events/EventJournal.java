package vn.loalang.agent.events;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.MalformedMessageException;
import vn.loalang.protocol.files.AtomicFiles;
import vn.loalang.protocol.files.DiskSpace;
import vn.loalang.protocol.station.StationEvent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The play log's files on the SD card: {@code events.jsonl} (one event per line, appended and
 * forced to the card), {@code events.acked} (how far the controller holds them) and
 * {@code stream-id}. Not thread-safe: {@link EventOutbox} reads it at boot and then lets only its
 * journal thread touch it, so that an fsync never holds up the thread that switches the relays or
 * plays an alert.
 */
final class EventJournal {
    private static final Logger log = LoggerFactory.getLogger(EventJournal.class);
    private static final long COMPACT_ABOVE_BYTES = 4L << 20;
    private static final int KEEP_WHEN_COMPACTING = 2000;
    /** Events waiting for the journal while the disk is full: about a day of a busy station's play log. */
    private static final int MAX_UNJOURNALLED = 5000;

    private final String stationId;
    private final Path journal;
    private final Path ackedFile;
    private final Path streamFile;
    private final String stream;
    /** A first boot on a full card keeps its new stream id in memory and writes it with the first batch that can be. */
    private boolean streamSaved;
    /** A torn last line whose end could not be written at boot (a full card): ended by the next batch. */
    private boolean tornLineOpen;
    /** Events that could not be written, oldest first: written with the next batch that can be. */
    private final Deque<StationEvent> unjournalled = new ArrayDeque<>();
    private volatile String problem;

    EventJournal(Path dir, String stationId) throws IOException {
        this.stationId = stationId;
        Files.createDirectories(dir);
        this.journal = dir.resolve("events.jsonl");
        this.ackedFile = dir.resolve("events.acked");
        this.streamFile = dir.resolve("stream-id");
        this.stream = readOrCreateStream();
    }

    String stream() {
        return stream;
    }

    /**
     * Writes the batch, after any events that could not be written before, with one force to the
     * card. When the disk refuses (full, or failing), the events stay in memory to be written with the
     * next batch; the caller sends them either way: the play log reaches the controller, and only a
     * restart before its receipt would lose them.
     *
     * @param acked events up to this number are held by the controller and need no line
     */
    void append(List<StationEvent> batch, long acked) {
        unjournalled.addAll(batch);
        if (!streamSaved) {
            saveStream();
        }
        StringBuilder text = new StringBuilder(tornLineOpen ? "\n" : "");
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
            if (problem != null) {
                log.info("Station {} writes its event journal again; {} event(s) kept in memory meanwhile are in it now",
                        stationId, unjournalled.size());
            }
            unjournalled.clear();
            tornLineOpen = false;
            problem = null;
        } catch (IOException e) {
            String now = (DiskSpace.isFull(e) ? "the disk is full" : "the disk refuses writes") + " (" + journal
                    + ": " + e.getMessage() + ")";
            if (problem == null) {
                log.error("Station {} cannot write its event journal: {}. Events are kept in memory and sent; a restart"
                        + " before the controller acknowledges them would lose them. Free space on the SD card",
                        stationId, now);
            }
            problem = now;
            while (unjournalled.size() > MAX_UNJOURNALLED) {
                unjournalled.removeFirst(); // still pending in memory and sent; only their place in the journal is lost
            }
        }
    }

    /** Why the journal cannot be written now (a full disk, in words for the technician); empty while it can. */
    Optional<String> problem() {
        return Optional.ofNullable(problem);
    }

    /** Records that the controller holds everything up to {@code upTo}; at worst a failure means duplicates after a restart. */
    void writeAcked(long upTo) {
        try {
            AtomicFiles.write(ackedFile, Long.toString(upTo));
        } catch (IOException e) {
            log.warn("Station {} could not record the acknowledgement up to {}: {}", stationId, upTo, e.getMessage());
        }
    }

    /** Keeps the file small once nothing in it is waiting for the controller. */
    void compactIfLarge() {
        try {
            if (!Files.exists(journal) || Files.size(journal) <= COMPACT_ABOVE_BYTES) {
                return;
            }
            List<String> lines = lines(Files.readAllBytes(journal));
            List<String> kept = lines.subList(Math.max(0, lines.size() - KEEP_WHEN_COMPACTING), lines.size());
            AtomicFiles.write(journal, String.join("\n", kept) + "\n");
            log.info("Station {} compacted its event journal to the last {} events", stationId, kept.size());
        } catch (IOException e) {
            log.warn("Station {} could not compact its event journal: {}", stationId, e.getMessage());
        }
    }

    long readAcked() throws IOException {
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

    List<StationEvent> readAll() throws IOException {
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
            } catch (IOException e) {
                // A full card must not keep the station from starting: the next batch begins with the newline.
                tornLineOpen = true;
                log.warn("Station {} could not end the torn last line of {} ({}); it will be ended with the next event"
                        + " written", stationId, journal, e.getMessage());
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

    private String readOrCreateStream() throws IOException {
        if (Files.exists(streamFile)) {
            String id = Files.readString(streamFile).trim();
            if (!id.isEmpty()) {
                streamSaved = true;
                return id;
            }
        }
        String id = UUID.randomUUID().toString();
        try {
            AtomicFiles.write(streamFile, id);
            streamSaved = true;
        } catch (IOException e) {
            // A first boot on a full card: the station must still start and play. If it restarts before the id
            // is written, it starts another stream, which the controller takes as a fresh journal.
            log.error("Station {} could not write its journal's stream id to {} ({}); it keeps {} in memory and writes"
                    + " it once the card takes it", stationId, streamFile, e.getMessage(), id);
        }
        return id;
    }

    private void saveStream() {
        try {
            AtomicFiles.write(streamFile, stream);
            streamSaved = true;
            log.info("Station {} wrote its journal's stream id {} to {}", stationId, stream, streamFile);
        } catch (IOException e) {
            // Said once at boot; the next batch tries again.
        }
    }
}
