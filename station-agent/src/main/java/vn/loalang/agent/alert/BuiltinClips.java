package vn.loalang.agent.alert;

import vn.loalang.protocol.alert.AlertPreamble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.agent.content.ContentCache;
import vn.loalang.audio.AudioContentException;
import vn.loalang.audio.AudioProbe;
import vn.loalang.audio.Pcm;
import vn.loalang.audio.WavWriter;
import vn.loalang.protocol.files.DiskSpace;
import vn.loalang.protocol.schedule.Item;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * What a station can always say, with no download: the siren and the chime that open an alert
 * (generated here, never downloaded, so a forged or missing file cannot replace them) and a short
 * spoken fallback announcement shipped in the agent, for an alert whose own audio cannot be
 * fetched. They live in the content cache like any item, and are never evicted.
 */
public final class BuiltinClips {
    private static final Logger log = LoggerFactory.getLogger(BuiltinClips.class);
    static final String FALLBACK_RESOURCE = "/alert/fallback-vi.mp3";
    /** Never fetched (the file is in the cache from the start); an address only because an item must have one. */
    private static final String BUILTIN = "http://127.0.0.1/builtin/";

    private final Item siren;
    private final Item chime;
    private final Item fallback;
    private final Set<String> hashes = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Each may be null: a clip the card could not take (full) is left out rather than stopping the station. */
    private BuiltinClips(Item siren, Item chime, Item fallback) {
        this.siren = siren;
        this.chime = chime;
        this.fallback = fallback;
        for (Item clip : new Item[]{siren, chime, fallback}) {
            if (clip != null) {
                hashes.add(clip.sha256());
            }
        }
    }

    /**
     * Generates the preambles, loads the fallback from the agent's jar, and keeps all three in {@code cache}.
     * A clip the card cannot take (it is full, and the clip is missing or damaged) is left out and said in
     * the log: a station that does not start plays nothing at all, not even what it has cached.
     */
    public static BuiltinClips prepare(String stationId, ContentCache cache, Pcm siren, Pcm chime) throws IOException {
        byte[] fallback;
        try (InputStream in = BuiltinClips.class.getResourceAsStream(FALLBACK_RESOURCE)) {
            fallback = in == null ? null : in.readAllBytes();
        }
        if (fallback == null) {
            log.error("Station {}: the built-in fallback announcement {} is missing from the agent jar", stationId,
                    FALLBACK_RESOURCE);
        }
        return new BuiltinClips(keptOrNone(stationId, cache, WavWriter.bytes(siren), "builtin-siren", "Còi báo động"),
                keptOrNone(stationId, cache, WavWriter.bytes(chime), "builtin-chime", "Chuông"),
                fallback == null ? null : keptOrNone(stationId, cache, fallback, "builtin-fallback", "Thông báo khẩn cấp"));
    }

    private static Item keptOrNone(String stationId, ContentCache cache, byte[] content, String id, String title)
            throws IOException {
        try {
            return keep(cache, content, id, title);
        } catch (IOException e) {
            if (!DiskSpace.isFull(e)) {
                throw e;
            }
            log.error("Station {} starts without its built-in clip {}: the card is full ({}). Alerts sound without it until"
                    + " space is freed and the agent restarts; free space on the SD card", stationId, id, e.getMessage());
            return null;
        }
    }

    private static Item keep(ContentCache cache, byte[] content, String id, String title) throws IOException {
        String sha = cache.keep(content, id);
        Path file = cache.get(sha).orElseThrow();
        long millis;
        try {
            // The probe reads the content, not the name: a cached file has none.
            millis = AudioProbe.probe(file).duration().toMillis();
        } catch (AudioContentException e) {
            throw new IOException("the built-in " + id + " does not decode: " + e.getMessage(), e);
        }
        return new Item(id, title, sha, URI.create(BUILTIN + id), content.length, Math.max(1, millis), 0.0);
    }

    /** The clip of {@code kind} as it is played (one a newer controller added: the siren); none for NONE. */
    public Optional<Item> preamble(AlertPreamble kind) {
        return switch (kind.heardAs()) {
            case SIREN, UNRECOGNIZED -> Optional.ofNullable(siren);
            case CHIME -> Optional.ofNullable(chime);
            case NONE -> Optional.empty();
        };
    }

    /** The spoken fallback, when the jar has it (it always should). */
    public Optional<Item> fallback() {
        return Optional.ofNullable(fallback);
    }

    /** A 1 kHz test tone of {@code seconds} at −12 dBFS, kept in the cache (and never evicted). */
    public synchronized Item testTone(ContentCache cache, vn.loalang.audio.PcmFormat format, int seconds)
            throws IOException {
        Item item = keep(cache, WavWriter.bytes(vn.loalang.audio.Tones.tone(format, 1000,
                java.time.Duration.ofSeconds(seconds), 0.25)), "builtin-tone-" + seconds + "s", "Âm thử 1 kHz");
        hashes.add(item.sha256());
        return item;
    }

    /** Silence of {@code seconds}: a relay test keeps the amplifiers on with nothing on the line. */
    public synchronized Item silence(ContentCache cache, vn.loalang.audio.PcmFormat format, int seconds)
            throws IOException {
        Item item = keep(cache, WavWriter.bytes(vn.loalang.audio.Tones.silence(format, java.time.Duration.ofSeconds(seconds))),
                "builtin-silence-" + seconds + "s", "Im lặng");
        hashes.add(item.sha256());
        return item;
    }

    /** {@link #testTone} for a technician's command, whose handler takes no checked exception. */
    public IntFunction<Item> testTones(ContentCache cache, vn.loalang.audio.PcmFormat format) {
        return seconds -> made(() -> testTone(cache, format, seconds));
    }

    /** {@link #silence} for a technician's command, whose handler takes no checked exception. */
    public IntFunction<Item> silences(ContentCache cache, vn.loalang.audio.PcmFormat format) {
        return seconds -> made(() -> silence(cache, format, seconds));
    }

    private interface Making {
        Item make() throws IOException;
    }

    private static Item made(Making making) {
        try {
            return making.make();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("a built-in test clip could not be made: " + e.getMessage(), e);
        }
    }

    /** Whether {@code sha256} is one of these: the cache must never evict it. */
    public boolean holds(String sha256) {
        return hashes.contains(sha256);
    }
}
