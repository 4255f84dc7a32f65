package vn.loalang.protocol.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A real ext4 file system, in an image file mounted through a loop device, whose power can be cut:
 * {@link #cutPower} shuts it down as the kernel does on a fatal error, through the
 * {@code FS_IOC_SHUTDOWN} ioctl with "no log flush" (what xfstests calls a "godown"). From that
 * instant nothing more reaches the image: what was forced to it (fsync) is there after
 * {@link #powerOn}, what only sat in the page cache is lost, exactly as after a power cut. The
 * journal is replayed at the next mount, as at a Pi's boot.
 *
 * <p>An SD card may also lose or tear what it had acknowledged (cheap cards lie about their flush);
 * no test here can show that, and the agent's checks on reading (hashes, signatures, the journal's
 * torn last line) are what cover it.
 *
 * <p>Needs root (mount, loop devices) and perl (for the ioctl); a machine without them fails the
 * test with the reason, never skips it.
 */
public final class PowerCutDisk implements AutoCloseable {
    /** {@code _IOR('X', 125, __u32)}. */
    private static final String FS_IOC_SHUTDOWN = "0x8004587D";
    /** {@code FS_GOING_FLAGS_NOLOGFLUSH}: stop at once, commit nothing more. */
    private static final int NOLOGFLUSH = 2;

    private final Path image;
    private final Path dir;
    private boolean mounted;

    private PowerCutDisk(Path image, Path dir) {
        this.image = image;
        this.dir = dir;
    }

    /** Makes an ext4 image of {@code megabytes} under {@code work} and mounts it on {@code work/disk}. */
    public static PowerCutDisk create(Path work, int megabytes) throws IOException, InterruptedException {
        Files.createDirectories(work);
        Path image = work.resolve("sd-card.img");
        try (FileChannel ch = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.truncate(0);
            ch.write(ByteBuffer.wrap(new byte[1]), megabytes * 1024L * 1024L - 1);
        }
        PowerCutDisk disk = new PowerCutDisk(image, work.resolve("disk"));
        Files.createDirectories(disk.dir);
        run("mkfs.ext4", "-q", "-F", image.toString());
        disk.powerOn();
        return disk;
    }

    /** The mounted file system; valid again after each {@link #powerOn}. */
    public Path dir() {
        return dir;
    }

    /**
     * Time passing with the power on: ext4 commits its journal (every 5 s by default), so metadata
     * written so far (a rename, a new name) becomes durable, while data not yet written back (30 s
     * by default) does not. Done at once by forcing an unrelated file, which commits the journal.
     */
    public void commitJournal() throws IOException {
        try (FileChannel ch = FileChannel.open(dir.resolve(".commit"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[]{1}), 0);
            ch.force(true);
        }
    }

    /** The power goes: from now on every write fails and nothing more reaches the card. */
    public void cutPower() throws IOException, InterruptedException {
        run("perl", "-e", "open(my $fh, '<', $ARGV[0]) or die \"open: $!\"; my $flag = pack('L', " + NOLOGFLUSH + "); ioctl($fh, " + FS_IOC_SHUTDOWN
                + ", $flag) or die \"ioctl FS_IOC_SHUTDOWN: $!\";", dir.toString());
    }

    /** The station boots again: the card is mounted afresh, its journal replayed. */
    public void powerOn() throws IOException, InterruptedException {
        if (mounted) {
            run("umount", dir.toString());
            mounted = false;
        }
        run("mount", "-o", "loop", image.toString(), dir.toString());
        mounted = true;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (mounted) {
            run("umount", "-l", dir.toString());
            mounted = false;
        }
        Files.deleteIfExists(image);
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 30 s");
        }
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + out
                    + " — the power-cut tests mount an ext4 image on a loop device and must run as root, with perl");
        }
    }
}
