package vn.loalang.agent.playout;

import com.fasterxml.jackson.core.type.TypeReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.protocol.files.AtomicFiles;
import vn.loalang.protocol.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Sessions already played, kept on disk so that a restart during a window does not play one twice.
 * Written whole and forced ({@link AtomicFiles}); on a full card the record stays in memory, and only
 * a restart before space returns could play a session of the window again.
 */
final class PlayedSessions {
    private static final Logger log = LoggerFactory.getLogger(PlayedSessions.class);
    private static final Duration KEEP = Duration.ofDays(3);

    private final String stationId;
    private final Path file;
    private final Map<String, Instant> endById;

    PlayedSessions(String stationId, Path file) {
        this.stationId = stationId;
        this.file = file;
        this.endById = new HashMap<>(read(stationId, file));
    }

    synchronized boolean contains(String sessionId) {
        return endById.containsKey(sessionId);
    }

    synchronized void add(String sessionId, Instant windowEnd, Instant now) {
        endById.put(sessionId, windowEnd);
        endById.values().removeIf(end -> end.isBefore(now.minus(KEEP)));
        try {
            AtomicFiles.write(file, Json.write(endById));
        } catch (IOException e) {
            log.error("Station {} could not record played session {} in {}: {}; it is remembered until a restart",
                    stationId, sessionId, file, e.getMessage());
        }
    }

    private static Map<String, Instant> read(String stationId, Path file) {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            return Json.mapper().readValue(Files.readAllBytes(file), new TypeReference<Map<String, Instant>>() {
            });
        } catch (IOException e) {
            log.error("Station {} could not read {} ({}); sessions still inside their window may play again", stationId,
                    file, e.getMessage());
            return Map.of();
        }
    }
}
