package vn.loalang.agent.content;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.audio.ContentHash;
import vn.loalang.protocol.schedule.Item;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;

/**
 * Audio files kept by SHA-256. A file enters the cache only whole and verified: it is downloaded
 * to {@code partial/}, resumed with an HTTP Range request after an interruption, hashed, and moved
 * in with one rename. So a file under its hash is always exactly that content, even after a power cut.
 */
public final class ContentCache {
    private static final Logger log = LoggerFactory.getLogger(ContentCache.class);

    private final String stationId;
    private final Path dir;
    private final Path partial;
    private final HttpClient http;

    public ContentCache(String stationId, Path dir) throws IOException {
        this.stationId = stationId;
        this.dir = dir;
        this.partial = dir.resolve("partial");
        Files.createDirectories(partial);
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** The verified file for this hash, if the cache holds it. */
    public Optional<Path> get(String sha256) {
        Path file = dir.resolve(sha256);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** Returns the cached file, downloading and verifying it first if needed. */
    public Path fetch(Item item) throws ContentFetchException {
        Optional<Path> cached = get(item.sha256());
        if (cached.isPresent()) {
            return cached.get();
        }
        Path part = partial.resolve(item.sha256() + ".part");
        try {
            download(item, part);
            String actual = ContentHash.sha256(part);
            if (!actual.equals(item.sha256())) {
                Files.deleteIfExists(part);
                throw new ContentFetchException("HASH_MISMATCH", "content " + item.contentId() + " from " + item.url()
                        + " has SHA-256 " + actual + ", not the expected " + item.sha256() + "; discarded");
            }
            Path target = dir.resolve(item.sha256());
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            log.info("Station {} cached content {} ({} bytes)", stationId, item.contentId(), Files.size(target));
            return target;
        } catch (IOException e) {
            throw new ContentFetchException("DOWNLOAD_FAILED", "content " + item.contentId() + " could not be fetched from "
                    + item.url() + ": " + e.getMessage() + " (the part already downloaded is kept and resumed)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ContentFetchException("INTERRUPTED", "fetch of " + item.contentId() + " was interrupted", e);
        }
    }

    /**
     * Fills {@code part} up to the announced size. A server may answer a Range request with only a
     * slice (Javalin sends large files in chunks), so the request is repeated from where the file ends.
     */
    private void download(Item item, Path part) throws IOException, InterruptedException, ContentFetchException {
        long have = Files.exists(part) ? Files.size(part) : 0;
        if (have > item.sizeBytes()) {
            Files.delete(part);
            have = 0;
        }
        for (int request = 0; have < item.sizeBytes(); request++) {
            if (request > 10_000) {
                throw new ContentFetchException("DOWNLOAD_STALLED", "content " + item.contentId() + " at " + item.url()
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
                throw new ContentFetchException("HTTP_" + status, "content " + item.contentId() + " at " + item.url()
                        + " answered HTTP " + status);
            }
            boolean append = status == 206 && have > 0;
            if (append && request == 0) {
                log.info("Station {} resumes content {} at byte {}", stationId, item.contentId(), have);
            }
            try (InputStream in = response.body();
                 OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
                in.transferTo(out);
            }
            have = Files.size(part);
        }
    }
}
