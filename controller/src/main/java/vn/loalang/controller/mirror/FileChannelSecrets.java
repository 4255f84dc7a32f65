package vn.loalang.controller.mirror;

import com.fasterxml.jackson.core.type.TypeReference;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.files.AtomicFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * A channel's secrets as one JSON object in {@code {data}/secrets/channel-{id}.json}, readable by the controller's
 * user only from its first byte (as the signing key is), written whole and synced before the caller goes on.
 * Backed up with {@code keys/}; never in the store, so a copy of the database gives no one the village groups.
 * Writes and {@link #update}s of one file are serialised by a lock per file shared by every object of it: the sender,
 * each Zalo channel object and the settings each make their own.
 */
public final class FileChannelSecrets implements ChannelSecrets {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final int MAX_BYTES = 64 * 1024;

    /** One lock per file, whichever object names it; as many as there are channels. */
    private static final ConcurrentMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private final Path file;
    private final Object lock;

    public FileChannelSecrets(Path dataDir, String channelId) {
        if (!ID.matcher(channelId).matches()) {
            throw new IllegalArgumentException("a channel id is lower-case letters, digits and dashes: " + channelId);
        }
        this.file = dataDir.resolve("secrets").resolve("channel-" + channelId + ".json");
        this.lock = LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), f -> new Object());
    }

    public Path file() {
        return file;
    }

    @Override
    public Map<String, String> read() {
        try {
            if (!Files.exists(file)) {
                return Map.of();
            }
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalStateException(file + " is larger than a channel's secrets can be");
            }
            return Map.copyOf(Json.mapper().readValue(file.toFile(), new TypeReference<Map<String, String>>() { }));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the channel secrets in " + file, e);
        }
    }

    @Override
    public void write(Map<String, String> secrets) {
        synchronized (lock) {
            try {
                Files.createDirectories(file.getParent());
                AtomicFiles.writePrivate(file, Json.mapper().writeValueAsString(secrets), "rw-------");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the channel secrets to " + file, e);
            }
        }
    }

    @Override
    public Map<String, String> update(UnaryOperator<Map<String, String>> change) {
        synchronized (lock) {
            Map<String, String> next = Map.copyOf(change.apply(new HashMap<>(read())));
            write(next);
            return next;
        }
    }

    /** Removes the secrets with the channel. */
    public void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file, e);
        }
    }
}
