package vn.loalang.protocol.files;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.testing.PowerCutDisk;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Power cuts on a real ext4 ({@link PowerCutDisk}): a file renamed into place without a force is
 * empty afterwards (the fault issue 16 names, shown so the harness is known to lose what was not
 * forced), and a file written by {@link AtomicFiles} is whole, new or replacing an older one.
 */
class AtomicFilesPowerCutTest {
    @TempDir
    Path work;
    private PowerCutDisk disk;
    private final byte[] content = new byte[300_000];

    @BeforeEach
    void card() throws Exception {
        disk = PowerCutDisk.create(work, 32);
        new Random(16).nextBytes(content);
    }

    @AfterEach
    void eject() throws Exception {
        disk.close();
    }

    @Test
    void aFileRenamedIntoPlaceWithoutAForceIsEmptyAfterThePowerCut() throws Exception {
        Path part = disk.dir().resolve("item.part");
        Path file = disk.dir().resolve("item");
        Files.write(part, content);
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
        disk.commitJournal();

        disk.cutPower();
        disk.powerOn();

        assertTrue(Files.exists(file), "the rename was committed");
        assertTrue(Files.size(file) < content.length, "its data was not: " + Files.size(file) + " bytes");
    }

    @Test
    void aNewFileWrittenAtomicallyIsWholeAfterThePowerCut() throws Exception {
        Path file = disk.dir().resolve("schedule.signed.json");
        AtomicFiles.write(file, content);

        disk.cutPower();
        disk.powerOn();

        assertArrayEquals(content, Files.readAllBytes(file));
    }

    @Test
    void aReplacedFileIsTheNewOneAfterThePowerCutAndNoTemporaryFileIsLeft() throws Exception {
        Path file = disk.dir().resolve("events.acked");
        AtomicFiles.write(file, "41");
        disk.commitJournal();
        AtomicFiles.write(file, content);

        disk.cutPower();
        disk.powerOn();

        assertArrayEquals(content, Files.readAllBytes(file));
        assertTrue(Files.notExists(disk.dir().resolve("events.acked.tmp")));
    }

    @Test
    void aFileMovedIntoPlaceIsWholeAfterThePowerCut() throws Exception {
        Files.createDirectories(disk.dir().resolve("cache/partial"));
        Path part = disk.dir().resolve("cache/partial/item.part");
        Path file = disk.dir().resolve("cache/item");
        Files.write(part, content);
        AtomicFiles.moveIntoPlace(part, file);

        disk.cutPower();
        disk.powerOn();

        assertArrayEquals(content, Files.readAllBytes(file));
        assertTrue(Files.notExists(part));
    }
}
