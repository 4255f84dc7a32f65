package vn.loalang.agent.content;

import vn.loalang.protocol.station.EventReason;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.ContentHash;
import vn.loalang.protocol.files.AtomicFiles;
import vn.loalang.protocol.files.DiskSpace;
import vn.loalang.protocol.schedule.Item;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Audio files kept by SHA-256. A file enters the cache only whole and verified: it is downloaded
 * to {@code partial/}, resumed with an HTTP Range request after an interruption, hashed, forced to
 * the card, and moved in with one rename whose directory is forced too ({@link AtomicFiles#moveIntoPlace}).
 *
 * <p>A file found under its hash is still not trusted blindly: one renamed in by an older agent
 * without a force, or damaged by the card itself, may be empty or wrong after a power cut. So each
 * file is checked against the item's signed size and SHA-256 the first time it is asked for after
 * the agent starts ({@link #verified}); one that fails is deleted, never played, and the listeners
 * given to {@link #onDamaged} are told (the prefetcher reports it and fetches it again).
 *
 * <p>The cache stays within a budget by evicting the least recently used files that the caller does
 * not pin. A file's last use is its modification time, set when it is fetched or handed out by
 * {@link #get}: it survives reboots with no index file to keep consistent, and unlike the access
 * time it is not switched off by the {@code noatime} mounts SD cards are usually given.
 */
public final class ContentCache {
    private static final Logger log = LoggerFactory.getLogger(ContentCache.class);
    /** About 9 hours of 128 kbit/s audio: more than a week of two daily sessions needs, small beside an 8 GB card. */
    public static final long DEFAULT_BUDGET_BYTES = 512L * 1024 * 1024;
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final String PART = ".part";

    private final String stationId;
    private final Path dir;
    private final Path partial;
    private final long budgetBytes;
    private final Clock clock;
    private final HttpClient http;
    private boolean warnedOverBudget;
    /** Hashes whose file was checked whole since the agent started (downloaded here, or checked by {@link #verified}). */
    private final Set<String> checked = ConcurrentHashMap.newKeySet();
    /** One lock per hash being checked: two threads asking for one file hash it once and report it once. */
    private final ConcurrentHashMap<String, Object> checking = new ConcurrentHashMap<>();
    private final List<BiConsumer<Item, String>> damagedListeners = new CopyOnWriteArrayList<>();

    public ContentCache(String stationId, Path dir) throws IOException {
        this(stationId, dir, DEFAULT_BUDGET_BYTES, Clock.systemUTC());
    }

    /** @param budgetBytes what the cache may hold (verified files and partial downloads) before it evicts */
    public ContentCache(String stationId, Path dir, long budgetBytes, Clock clock) throws IOException {
        this(stationId, dir, budgetBytes, clock, null);
    }

    /**
     * @param tls for {@code https://} content: a context trusting the commune's CA only (the controller's
     *            certificate comes from it); null: the JDK's public authorities
     */
    public ContentCache(String stationId, Path dir, long budgetBytes, Clock clock, javax.net.ssl.SSLContext tls)
            throws IOException {
        if (budgetBytes <= 0) {
            throw new IllegalArgumentException("the content cache budget must be positive, not " + budgetBytes + " bytes");
        }
        this.stationId = stationId;
        this.dir = dir;
        this.partial = dir.resolve("partial");
        this.budgetBytes = budgetBytes;
        this.clock = clock;
        Files.createDirectories(partial);
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL);
        this.http = (tls == null ? http : http.sslContext(tls)).build();
    }

    /** Whether the cache holds the verified file, without counting it as a use. */
    public boolean has(String sha256) {
        return Files.isRegularFile(dir.resolve(sha256));
    }

    /** Told of every cached file found damaged (and deleted): the item, and what was wrong, in words. */
    public void onDamaged(BiConsumer<Item, String> listener) {
        damagedListeners.add(listener);
    }

    /**
     * The file for {@code item} if the cache holds it whole: the first time since the agent started,
     * its size and SHA-256 are checked against the item's (a download in this run checked it already).
     * A file that fails is deleted and reported to the {@link #onDamaged} listeners, and the answer is
     * empty, as for a file never fetched. Counts as a use, so it is evicted last.
     */
    public Optional<Path> verified(Item item) {
        Path file = dir.resolve(item.sha256());
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        if (!checked.contains(item.sha256())) {
            synchronized (checking.computeIfAbsent(item.sha256(), k -> new Object())) {
                if (!checked.contains(item.sha256()) && !check(item, file)) {
                    return Optional.empty();
                }
            }
        }
        touch(file);
        return Optional.of(file);
    }

    /** Whether the file is the item's, whole; deletes and reports it when not. */
    private boolean check(Item item, Path file) {
        String damage;
        try {
            long size = Files.size(file);
            if (size != item.sizeBytes()) {
                damage = size + " bytes where the schedule says " + item.sizeBytes();
            } else {
                String actual = ContentHash.sha256(file);
                damage = actual.equals(item.sha256()) ? null : "SHA-256 " + actual + " where the schedule says " + item.sha256();
            }
        } catch (IOException e) {
            damage = "unreadable (" + e.getMessage() + ")";
        }
        if (damage == null) {
            checked.add(item.sha256());
            return true;
        }
        String why = "the cached copy of content " + item.contentId() + " is damaged (" + damage
                + ", as a power cut can leave a file); deleted, never played, to be fetched again";
        log.error("Station {}: {}", stationId, why);
        deleteQuietly(file);
        for (BiConsumer<Item, String> l : damagedListeners) {
            try {
                l.accept(item, why);
            } catch (RuntimeException e) {
                log.warn("Station {}: a listener of damaged content failed: {}", stationId, e.toString());
            }
        }
        return false;
    }

    /**
     * The file for this hash, if the cache holds it, without checking it; counts as a use. For what the
     * station put in itself with {@link #keep}: anything from outside is asked for with {@link #verified}.
     */
    public Optional<Path> get(String sha256) {
        Path file = dir.resolve(sha256);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        touch(file);
        return Optional.of(file);
    }

    /**
     * Puts bytes the station made itself (a generated siren, its built-in fallback announcement)
     * into the cache under their SHA-256, written whole before they are renamed into place.
     */
    public String keep(byte[] content, String label) throws IOException {
        String sha = ContentHash.sha256(content);
        Path target = dir.resolve(sha);
        // Compared in full, not by size: a copy a power cut left zero-filled has the right size.
        if (!Files.isRegularFile(target) || Files.size(target) != content.length
                || !java.util.Arrays.equals(Files.readAllBytes(target), content)) {
            Path part = partial.resolve(sha + PART);
            try {
                Files.write(part, content);
                AtomicFiles.moveIntoPlace(part, target);
            } catch (IOException e) {
                deleteQuietly(part);
                throw e;
            }
            log.info("Station {} keeps its built-in {} in the cache ({} bytes)", stationId, label, content.length);
        }
        checked.add(sha);
        touch(target);
        return sha;
    }

    /** Returns the cached file, downloading and verifying it first if needed. */
    public Path fetch(Item item) throws ContentFetchException {
        Optional<Path> cached = verified(item);
        if (cached.isPresent()) {
            return cached.get();
        }
        Path part = partial.resolve(item.sha256() + PART);
        try {
            download(item, part);
            String actual = ContentHash.sha256(part);
            if (!actual.equals(item.sha256())) {
                Files.deleteIfExists(part);
                throw new ContentFetchException(EventReason.HASH_MISMATCH, "content " + item.contentId() + " from " + item.url()
                        + " has SHA-256 " + actual + ", not the expected " + item.sha256() + "; discarded");
            }
            Path target = dir.resolve(item.sha256());
            // Forced to the card before it counts as cached: else a power cut could leave the name on an empty file.
            AtomicFiles.moveIntoPlace(part, target);
            checked.add(item.sha256());
            touch(target);
            log.info("Station {} cached content {} ({} bytes)", stationId, item.contentId(), Files.size(target));
            return target;
        } catch (IOException e) {
            if (DiskSpace.isFull(e)) {
                // What was written so far only holds on to space that playing needs (the journal, other items).
                deleteQuietly(part);
                throw diskFull(item, item.sizeBytes(), e);
            }
            throw new ContentFetchException(EventReason.DOWNLOAD_FAILED, "content " + item.contentId() + " could not be fetched from "
                    + item.url() + ": " + e.getMessage() + " (the part already downloaded is kept and resumed)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContentFetchException(EventReason.INTERRUPTED, "fetch of " + item.contentId() + " was interrupted", e);
        }
    }

    /**
     * Deletes the least recently used files, complete or partial, that {@code pinned} does not hold,
     * until the cache is within its budget. Pinned files stay even when they alone exceed it: a session
     * that plays matters more than the budget, and the technician is told once.
     *
     * @param pinned the hashes that must stay: what the coming sessions need and what is on air
     * @return the hashes evicted, least recently used first
     */
    public List<String> evict(Predicate<String> pinned) {
        List<Entry> entries;
        try {
            entries = entries();
        } catch (IOException e) {
            log.warn("Station {} could not list its content cache {} to keep it within budget: {}", stationId, dir,
                    e.getMessage());
            return List.of();
        }
        long total = entries.stream().mapToLong(Entry::size).sum();
        List<String> evicted = new ArrayList<>();
        for (Entry e : entries.stream().filter(e -> !pinned.test(e.sha256()))
                .sorted(Comparator.comparing(Entry::lastUse).thenComparing(Entry::file)).toList()) {
            if (total <= budgetBytes) {
                break;
            }
            try {
                Files.deleteIfExists(e.file());
                if (!e.partial()) {
                    checked.remove(e.sha256());
                }
                total -= e.size();
                evicted.add(e.sha256());
                log.info("Station {} evicted {} content {} ({}, last used {}) to keep its cache within {}", stationId,
                        e.partial() ? "partly downloaded" : "cached", e.sha256(), megabytes(e.size()), e.lastUse(),
                        megabytes(budgetBytes));
            } catch (IOException ex) {
                log.warn("Station {} could not evict content {} from its cache: {}", stationId, e.sha256(), ex.getMessage());
            }
        }
        boolean over = total > budgetBytes;
        if (over && !warnedOverBudget) {
            log.warn("Station {} keeps {} of content, more than its cache budget of {}, because the coming sessions "
                    + "need all of it; raise cache.maxMegabytes or free space on the SD card", stationId,
                    megabytes(total), megabytes(budgetBytes));
        }
        warnedOverBudget = over;
        return evicted;
    }

    /** A file the cache owns: a verified one under its hash, or a download in {@code partial/}. */
    private record Entry(Path file, String sha256, long size, Instant lastUse, boolean partial) {
    }

    private List<Entry> entries() throws IOException {
        List<Entry> entries = new ArrayList<>();
        collect(dir, "", entries);
        collect(partial, PART, entries);
        return entries;
    }

    private static void collect(Path folder, String suffix, List<Entry> into) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!name.endsWith(suffix) || !Files.isRegularFile(f)) {
                    continue;
                }
                String sha = name.substring(0, name.length() - suffix.length());
                if (SHA256.matcher(sha).matches()) {
                    into.add(new Entry(f, sha, Files.size(f), Files.getLastModifiedTime(f).toInstant(), !suffix.isEmpty()));
                }
            }
        }
    }

    private void touch(Path file) {
        try {
            Files.setLastModifiedTime(file, FileTime.from(clock.instant()));
        } catch (IOException e) {
            // Only the eviction order suffers: the file is still there and still right.
            log.debug("Station {} could not mark {} as used: {}", stationId, file, e.getMessage());
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    private ContentFetchException diskFull(Item item, long needed, Throwable cause) {
        long free = DiskSpace.usable(partial);
        return new ContentFetchException(EventReason.DISK_FULL, "content " + item.contentId() + " needs " + megabytes(needed)
                + " but the station's disk is full (" + (free < 0 ? "unknown" : megabytes(free)) + " free in " + dir
                + "): the station plays what it has cached; free space on the SD card", cause);
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", file, e.getMessage());
        }
    }

    /**
     * Fills {@code part} up to the announced size, and never past it: the size comes signed in the
     * schedule, while the server (or whatever answers in its place) may claim or send any length. A
     * server may answer a Range request with only a slice (Javalin sends large files in chunks), so the
     * request is repeated from where the file ends.
     */
    private void download(Item item, Path part) throws IOException, InterruptedException, ContentFetchException {
        long have = Files.exists(part) ? Files.size(part) : 0;
        if (have > item.sizeBytes()) {
            Files.delete(part);
            have = 0;
        }
        long free = DiskSpace.usable(partial);
        if (free >= 0 && free < item.sizeBytes() - have) {
            // Refused before a byte is written: a half-filled disk would stop the journal and the schedule too.
            throw diskFull(item, item.sizeBytes() - have, null);
        }
        for (int request = 0; have < item.sizeBytes(); request++) {
            if (request > 10_000) {
                throw new ContentFetchException(EventReason.DOWNLOAD_STALLED, "content " + item.contentId() + " at " + item.url()
                        + " stopped growing at " + have + " of " + item.sizeBytes() + " bytes");
            }
            HttpRequest.Builder builder = HttpRequest.newBuilder(item.url()).timeout(Duration.ofMinutes(2)).GET();
            if (have > 0) {
                builder.header("Range", "bytes=" + have + "-");
            }
            HttpResponse<InputStream> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
            int status = response.statusCode();
            if (status == 416) {
                response.body().close();
                Files.deleteIfExists(part);
                have = 0;
                continue;
            }
            if (status != 200 && status != 206) {
                response.body().close();
                throw new ContentFetchException(EventReason.HTTP_STATUS, "content " + item.contentId() + " at " + item.url()
                        + " answered HTTP " + status);
            }
            boolean append = status == 206 && have > 0;
            if (append && request == 0) {
                log.info("Station {} resumes content {} at byte {}", stationId, item.contentId(), have);
            }
            long allowed = item.sizeBytes() - (append ? have : 0);
            OptionalLong declared = response.headers().firstValueAsLong("Content-Length");
            if (declared.isPresent() && declared.getAsLong() > allowed) {
                response.body().close();
                throw new ContentFetchException(EventReason.OVERSIZED, "content " + item.contentId() + " at " + item.url()
                        + " announces " + declared.getAsLong() + " bytes where the schedule allows " + allowed
                        + " (of " + item.sizeBytes() + "); not downloaded");
            }
            long written;
            try (InputStream in = response.body();
                 OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                written = copyAtMost(in, out, allowed);
            }
            if (written > allowed) {
                Files.deleteIfExists(part);
                throw new ContentFetchException(EventReason.OVERSIZED, "content " + item.contentId() + " at " + item.url()
                        + " sent more than the " + item.sizeBytes() + " bytes the schedule names; cut off and discarded");
            }
            have = Files.size(part);
        }
    }

    /**
     * Copies at most {@code allowed} bytes; returns {@code allowed + 1} as soon as one more arrives, and
     * stops reading there (closing the body ends the connection of a server that keeps sending).
     */
    private static long copyAtMost(InputStream in, OutputStream out, long allowed) throws IOException {
        byte[] buf = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = in.read(buf, 0, (int) Math.min(buf.length, allowed - total + 1))) >= 0; ) {
            if (total + n > allowed) {
                out.write(buf, 0, (int) (allowed - total));
                return allowed + 1;
            }
            out.write(buf, 0, n);
            total += n;
        }
        return total;
    }
}
