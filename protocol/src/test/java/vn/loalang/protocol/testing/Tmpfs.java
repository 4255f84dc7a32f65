package vn.loalang.protocol.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small RAM disk (tmpfs) mounted on a folder, to fill for real: the full-disk tests write on it
 * until the kernel says "No space left on device". Mounting needs root, which the tests run as; a
 * machine where it cannot be mounted fails the test with the reason, never skips it.
 */
public final class Tmpfs implements AutoCloseable {
    private final Path dir;
    private boolean mounted;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code kilobytes} on {@code dir} (made if missing). */
    public static Tmpfs mount(Path dir, int kilobytes) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Tmpfs t = new Tmpfs(dir);
        t.run("mount", "-t", "tmpfs", "-o", "size=" + kilobytes + "k,mode=0755", "tmpfs", dir.toString());
        t.mounted = true;
        return t;
    }

    public Path dir() {
        return dir;
    }

    /** Fills what is left with one file, written until the disk refuses; returns it (deleting it frees the space). */
    public Path fill() throws IOException {
        Path filler = dir.resolve("filler.bin");
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left on device")) {
                throw e;
            }
        }
        return filler;
    }

    /** Fills the disk, then frees {@code bytes} of it again: room for something small, not for much. */
    public Path fillLeaving(long bytes) throws IOException {
        Path filler = fill();
        try (var ch = java.nio.channels.FileChannel.open(filler, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(Math.max(0, ch.size() - bytes));
        }
        return filler;
    }

    public long usable() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    private void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 20 s");
        }
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + out
                    + " — the full-disk tests mount a tmpfs and must run as root");
        }
    }

    /** Unmounts (lazily, so a file a stopped server still holds open cannot keep the mount behind). */
    @Override
    public void close() throws IOException, InterruptedException {
        if (mounted) {
            run("umount", "-l", dir.toString());
            mounted = false;
        }
    }
}
