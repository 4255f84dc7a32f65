package vn.loalang.controller.listen;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import vn.loalang.controller.content.LibraryItem;
import vn.loalang.controller.priority.BackgroundThreads;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
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
    /** A copy being made ({@code .part}) and what lame said while making it ({@code .lame.txt}). */
    private static final Pattern WORK = Pattern.compile("([0-9a-f]{64})\\.(part|lame\\.txt)");
    /** Items waiting to be made; more are asked again at the next listing. */
    static final int QUEUE = 200;

    private final Path dir;
    private final String lame;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final ExecutorService work = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(QUEUE), BackgroundThreads.named("listen-work"), new ThreadPoolExecutor.AbortPolicy());
    /** The lame running now, if any: stopped when this closes, so it does not outlive the controller. */
    private volatile Process running;

    public ListenRenditions(Path dir, String lame) {
        this.dir = dir;
        this.lame = lame;
    }

    /** The copy of {@code item} if made; otherwise asks for it and answers empty (the line MP3 is served meanwhile). */
    @Override
    public Optional<Path> of(LibraryItem item) {
        Path copy = dir.resolve(item.sha256() + SUFFIX);
        if (Files.isRegularFile(copy)) {
            try {
                if (Files.size(copy) > 0) {
                    return Optional.of(copy);
                }
                // Empty: a power cut between the move and the disk. Made again; the line MP3 meanwhile.
                Files.deleteIfExists(copy);
                log.warn("Nghe lại: item {} had an empty 32 kbps copy, removed; it is made again", item.id());
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        if (pending.add(item.sha256())) {
            try {
                work.execute(() -> make(item, copy));
            } catch (RejectedExecutionException e) {
                // The queue is full (or closing): asked again at the next listing.
                pending.remove(item.sha256());
            }
        }
        return Optional.empty();
    }

    private void make(LibraryItem item, Path copy) {
        Process p = null;
        Path part = null;
        Path saidFile = null;
        try {
            Files.createDirectories(dir);
            part = dir.resolve(item.sha256() + ".part");
            saidFile = dir.resolve(item.sha256() + ".lame.txt");
            // lame's words go to a file, not a pipe: a pipe read before waitFor would wait without the timeout.
            p = new ProcessBuilder(lame, "--quiet", "--mp3input", "-m", "m", "-b", "32", "--resample", "22.05",
                    item.file().toString(), part.toString()).redirectErrorStream(true)
                    .redirectOutput(saidFile.toFile()).start();
            running = p;
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                throw new IOException("lame took more than 10 minutes");
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(part) || Files.size(part) == 0) {
                throw new IOException("lame exited with " + p.exitValue() + said(saidFile));
            }
            // On the disk before it takes the copy's name: a power cut leaves no empty copy behind.
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(part, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory();
            log.info("Nghe lại: item {} has its 32 kbps copy for phones ({} bytes, the line file {} bytes)", item.id(),
                    Files.size(copy), item.sizeBytes());
        } catch (IOException e) {
            log.warn("Nghe lại: item {} keeps being served as the line MP3: its 32 kbps copy failed: {}", item.id(),
                    e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (p != null) {
                p.destroyForcibly();
            }
            running = null;
            deleteQuietly(part);
            deleteQuietly(saidFile);
            pending.remove(item.sha256());
        }
    }

    /** What lame said, at most 4 KB, for the log. */
    private static String said(Path file) {
        try (var in = Files.newInputStream(file)) {
            String said = new String(in.readNBytes(4096), StandardCharsets.UTF_8).strip();
            return said.isEmpty() ? "" : ": " + said;
        } catch (IOException e) {
            return "";
        }
    }

    /** Makes the rename itself durable (Linux: a directory opened for reading can be forced). */
    private void syncDirectory() {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Not every file system lets a directory be forced; the copy's bytes are already on the disk.
        }
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.warn("Nghe lại: {} could not be removed ({}); the hourly sweep tries again", file, e.getMessage());
        }
    }

    /**
     * Removes the copies of files no longer in the library, and what a copy left half made (a crash, a power cut):
     * its {@code .part} and lame's words, unless it is being made now; returns how many files.
     */
    public int sweep(Collection<LibraryItem> library) {
        Set<String> keep = library.stream().map(i -> i.sha256() + SUFFIX).collect(Collectors.toSet());
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                var left = WORK.matcher(name);
                if (NAME.matcher(name).matches() && !keep.contains(name)
                        || left.matches() && !pending.contains(left.group(1))) {
                    Files.deleteIfExists(f);
                    removed++;
                }
            }
        } catch (IOException e) {
            log.warn("Nghe lại: the phone copies in {} could not be swept: {}", dir, e.getMessage());
        }
        if (removed > 0) {
            log.info("Nghe lại: swept {} phone copies of items no longer in the library, or left half made", removed);
        }
        return removed;
    }

    @Override
    public void close() {
        work.shutdownNow();
        Process p = running;
        if (p != null) {
            p.destroyForcibly();
        }
    }

}
