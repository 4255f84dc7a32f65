package vn.loalang.controller.listen;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.priority.BackgroundThreads;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A lighter copy of each item heard again, for phones on 2G/3G: MP3, 32 kbps, mono, 22.05 kHz (a 3-minute item
 * is 0.7 MB instead of the line's 1.4 MB), made by LAME (the {@code lame} the library already renders the line
 * format with) on the thread {@code listen-work} at nice 10, the first time an item is listed, and kept as
 * {@code DIR/{sha256}-32k.mp3}. Until it is ready the line MP3 is served. Copies of items no longer in the
 * library are swept with the library's hourly upkeep.
 */
public final class ListenRenditions implements ListenCatalog.PhoneCopies, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ListenRenditions.class);
    private static final String SUFFIX = "-32k.mp3";
    private static final Pattern NAME = Pattern.compile("[0-9a-f]{64}" + Pattern.quote(SUFFIX));
    /** Items waiting to be made; more are asked again at the next listing. */
    static final int QUEUE = 200;

    private final Path dir;
    private final String lame;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final ExecutorService work = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(QUEUE), BackgroundThreads.named("listen-work"), new ThreadPoolExecutor.DiscardPolicy());

    public ListenRenditions(Path dir, String lame) {
        this.dir = dir;
        this.lame = lame;
    }

    /** The copy of {@code item} if made; otherwise asks for it and answers empty (the line MP3 is served meanwhile). */
    @Override
    public Optional<Path> of(LibraryItem item) {
        Path copy = dir.resolve(item.sha256() + SUFFIX);
        if (Files.isRegularFile(copy)) {
            return Optional.of(copy);
        }
        if (pending.add(item.sha256())) {
            work.execute(() -> make(item, copy));
        }
        return Optional.empty();
    }

    private void make(LibraryItem item, Path copy) {
        try {
            Files.createDirectories(dir);
            Path part = dir.resolve(item.sha256() + ".part");
            Process p = new ProcessBuilder(lame, "--quiet", "--mp3input", "-m", "m", "-b", "32", "--resample", "22.05",
                    item.file().toString(), part.toString()).redirectErrorStream(true).start();
            String said = new String(p.getInputStream().readNBytes(4096), StandardCharsets.UTF_8).strip();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("lame took more than 10 minutes");
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(part) || Files.size(part) == 0) {
                Files.deleteIfExists(part);
                throw new IOException("lame exited with " + p.exitValue() + (said.isEmpty() ? "" : ": " + said));
            }
            Files.move(part, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            log.info("Nghe lại: item {} has its 32 kbps copy for phones ({} bytes, the line file {} bytes)", item.id(),
                    Files.size(copy), item.sizeBytes());
        } catch (IOException e) {
            log.warn("Nghe lại: item {} keeps being served as the line MP3: its 32 kbps copy failed: {}", item.id(),
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            pending.remove(item.sha256());
        }
    }

    /** Removes the copies of files no longer in the library; returns how many. */
    public int sweep(Collection<LibraryItem> library) {
        Set<String> keep = library.stream().map(i -> i.sha256() + SUFFIX).collect(Collectors.toSet());
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (NAME.matcher(name).matches() && !keep.contains(name)) {
                    Files.deleteIfExists(f);
                    removed++;
                }
            }
        } catch (IOException e) {
            log.warn("Nghe lại: the phone copies in {} could not be swept: {}", dir, e.getMessage());
        }
        if (removed > 0) {
            log.info("Nghe lại: swept {} phone copies of items no longer in the library", removed);
        }
        return removed;
    }

    @Override
    public void close() {
        work.shutdownNow();
    }

}
