package vn.loalang.agent.trust;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.files.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * The replay guard on the SD card ({@code state/replay-guard.json}): read once at boot, then
 * written behind the messages it guards, on a thread of its own. Writing it (an fsync and a rename)
 * before an alert is handed to the player held the alert up by the card's write time; the guard in
 * memory is what refuses a replay while the agent runs. A crash in the few milliseconds between
 * acting on a message and this write lets the last retained copy be acted on once more after the
 * restart: the same schedule kept again, the same alert heard again while it lasts. Requests made
 * while a write runs are served by one more write of the newest state.
 */
final class ReplayGuardFile implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReplayGuardFile.class);

    private final String stationId;
    private final Path file;
    private final AtomicBoolean queued = new AtomicBoolean();
    /** Its one thread lives only while there is something to write: a thousand simulated stations share a machine. */
    private final ThreadPoolExecutor writer;

    ReplayGuardFile(String stationId, Path file) {
        this.stationId = stationId;
        this.file = file;
        this.writer = new ThreadPoolExecutor(0, 1, 10, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "replay-guard-" + stationId);
            t.setDaemon(true);
            return t;
        });
    }

    /** What was last written, or nothing (judged from the next message on) when it is missing or unreadable. */
    Map<String, Long> read() {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            Map<String, Long> state = new HashMap<>();
            Json.mapper().readTree(Files.readAllBytes(file)).fields()
                    .forEachRemaining(f -> state.put(f.getKey(), f.getValue().asLong()));
            return state;
        } catch (IOException e) {
            log.error("Station {} could not read {} ({}); replays will be judged from the next message on",
                    stationId, file, e.getMessage());
            return Map.of();
        }
    }

    /** Writes {@code state}'s newest value soon, without waiting for the card. */
    void save(Supplier<Map<String, Long>> state) {
        if (queued.compareAndSet(false, true)) {
            writer.execute(() -> {
                queued.set(false);
                try {
                    AtomicFiles.write(file, Json.write(state.get()));
                } catch (IOException e) {
                    log.error("Station {} could not save its replay guard {}: {}", stationId, file, e.getMessage());
                }
            });
        }
    }

    /** Waits for the last write, so that a clean stop leaves the newest state on the card. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("Station {} stopped before its replay guard was written to {}", stationId, file);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
