package vn.loalang.agent.clock;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real NTP question, asked of a command that answers as {@code timedatectl show -p NTPSynchronized
 * --value} does ("yes" / "no"), and of one that is missing or fails (no systemd): then "not synced", and
 * the command is not run again.
 */
class TimedatectlSyncTest {
    @TempDir
    Path dir;

    @Test
    void yesIsSyncedNoIsNot() {
        assertTrue(new TimedatectlSync("st", List.of("sh", "-c", "echo yes")).synced());
        assertFalse(new TimedatectlSync("st", List.of("sh", "-c", "echo no")).synced());
    }

    @Test
    void aFailingCommandCountsAsNotSyncedAndIsNotRunAgain() throws Exception {
        Path runs = dir.resolve("runs");
        TimedatectlSync sync = new TimedatectlSync("st", List.of("sh", "-c",
                "echo run >> '" + runs + "'; echo 'System has not been booted with systemd' >&2; exit 1"));
        assertFalse(sync.synced());
        assertFalse(sync.synced());
        assertEquals(1, Files.readAllLines(runs).size(), "asked once, then known to be unavailable");

        assertFalse(new TimedatectlSync("st", List.of(dir.resolve("no-such-command").toString())).synced());
    }

    @Test
    void asksTimedatectlForTheKernelsFlag() {
        assertEquals(List.of("timedatectl", "show", "-p", "NTPSynchronized", "--value"), TimedatectlSync.COMMAND);
    }
}
