package vn.loalang.controller.live;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.live.Frame;
import vn.loalang.controller.content.LibraryCatalog;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.directory.Commune;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;

/**
 * Records one relay slot or one talk from its channel's frames into
 * {@code {data}/live/rec/{channel}-{start}.mp3.part}, and keeps it in the library when it ends
 * ({@link LibraryCatalog#keepRecording}: measured and levelled like an upload, audited, no
 * recompile), so the evening session can replay the morning's news and a station whose link was
 * down can play it late. One recorder per slot or talk: {@link #start} at its start, {@link #finish}
 * at its end (or the channel's end). The frames are written on {@code recorder-{channel}}, never on
 * the channel's producer; a disk slower than the stream loses frames, said in the log, not the relay.
 */
public final class Recorder implements FrameListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Recorder.class);
    public static final String RELAY_CATEGORY = "relay-recording";
    public static final String TALK_CATEGORY = "live-talk";
    /** How long a recording stays in the library by default (the commune's live.keepRecordingDays). */
    public static final int KEEP_DAYS = 7;
    /** About 2 min of frames between the stream and the disk. */
    private static final int QUEUED_FRAMES = 5000;
    private static final Frame END = new Frame(new byte[0], 1, 1, 1);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    /**
     * What the recording becomes in the library.
     *
     * @param id    its library id (e.g. {@code rec-vov1-20261206-0530})
     * @param title in Vietnamese, e.g. "VOV1 05:30 06/12 — ghi lại"
     */
    public record Entry(String id, String title, String category, LocalDate expires) {
        public Entry {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(title, "title");
            if (!RELAY_CATEGORY.equals(category) && !TALK_CATEGORY.equals(category)) {
                throw new IllegalArgumentException("a recording is a " + RELAY_CATEGORY + " or a " + TALK_CATEGORY);
            }
        }

        /** A relay slot of {@code sourceName} from {@code start}: id, Vietnamese title, expiry in {@code keepDays}. */
        public static Entry relay(String sourceId, String sourceName, java.time.Instant start, ZoneId zone, int keepDays) {
            var local = start.atZone(zone);
            return new Entry("rec-" + sourceId + "-" + local.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmm")),
                    sourceName + " " + local.format(DateTimeFormatter.ofPattern("HH:mm dd/MM")) + " — ghi lại",
                    RELAY_CATEGORY, local.toLocalDate().plusDays(keepDays));
        }
    }

    private final LiveChannel channel;
    private final Entry entry;
    private final LibraryCatalog library;
    private final Path file;
    private final BlockingQueue<Frame> queue = new ArrayBlockingQueue<>(QUEUED_FRAMES);
    private final CompletableFuture<Optional<LibraryItem>> kept = new CompletableFuture<>();
    private final LiveChannel.Subscription subscription;
    private final Thread writer;
    private volatile long frames;
    private volatile long micros;
    private volatile long dropped;

    private Recorder(LiveChannel channel, Entry entry, LibraryCatalog library, Path file) {
        this.channel = channel;
        this.entry = entry;
        this.library = library;
        this.file = file;
        this.writer = new Thread(this::write, "recorder-" + channel.id());
        writer.setDaemon(true);
        writer.start();
        // No burst: the recording starts now, at the slot's start.
        this.subscription = channel.subscribe(this, java.time.Duration.ZERO);
    }

    /** Starts recording {@code channel} now into {@code dataDir/live/rec}. */
    public static Recorder start(LiveChannel channel, Entry entry, LibraryCatalog library, Path dataDir, Clock clock)
            throws IOException {
        Path dir = dataDir.resolve("live").resolve("rec");
        Files.createDirectories(dir);
        Path file = dir.resolve(channel.id() + "-" + STAMP.format(clock.instant().atZone(ZoneId.of("UTC"))) + ".mp3.part");
        log.info("Channel {} is recorded into {} for library item {}", channel.id(), file, entry.id());
        return new Recorder(channel, entry, library, file);
    }

    @Override
    public void frame(Frame frame) {
        if (!queue.offer(frame)) {
            dropped++;
        }
    }

    @Override
    public void ended() {
        finish();
    }

    /** Ends the recording (the slot's or the talk's end); {@link #kept()} completes once it is in the library. */
    public void finish() {
        subscription.close();
        // The writer takes every frame before END; END itself is never dropped.
        while (!queue.offer(END)) {
            queue.poll();
            dropped++;
        }
    }

    /** The library item, once kept; empty when nothing was recorded or the library refused it. */
    public CompletableFuture<Optional<LibraryItem>> kept() {
        return kept;
    }

    /** Audio written so far, in microseconds. */
    public long recordedMicros() {
        return micros;
    }

    private void write() {
        try {
            try (OutputStream out = Files.newOutputStream(file)) {
                Frame f;
                while ((f = queue.take()) != END) {
                    out.write(f.bytes());
                    frames++;
                    micros += f.micros();
                }
            }
            if (dropped > 0) {
                log.warn("Recording of {} lost {} frames: the disk did not keep up", channel.id(), dropped);
            }
            if (frames == 0) {
                log.info("Recording of {} has no audio: nothing is kept", channel.id());
                Files.deleteIfExists(file);
                kept.complete(Optional.empty());
                return;
            }
            Commune.LibraryEntry libraryEntry = new Commune.LibraryEntry(entry.id(), entry.title(), entry.category(),
                    file.getFileName().toString(), 0.0, entry.expires(), "vi");
            LibraryItem item = library.keepRecording("system", libraryEntry, file);
            log.info("Recording of {} kept as library item {} ({} ms recorded, {} ms measured, gain {} dB)", channel.id(),
                    item.id(), micros / 1000, item.duration().toMillis(), String.format("%.1f", item.gainDb()));
            kept.complete(Optional.of(item));
        } catch (InterruptedException e) {
            kept.complete(Optional.empty());
        } catch (IOException | RuntimeException e) {
            log.error("Recording of {} could not be kept as library item {}: {}", channel.id(), entry.id(), e.getMessage());
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the .part stays behind until the next start (RecordingSweep.removeUnfinished)
            }
            kept.complete(Optional.empty());
        }
    }

    /** Stops without keeping anything (the controller stops). */
    @Override
    public void close() {
        subscription.close();
        if (!kept.isDone()) {
            writer.interrupt();
        }
    }
}
