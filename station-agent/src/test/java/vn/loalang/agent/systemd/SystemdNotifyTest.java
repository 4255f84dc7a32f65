package vn.loalang.agent.systemd;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real notifier runs a program; here a stand-in for {@code systemd-notify} that writes down its
 * arguments, since no systemd listens on a notify socket in a build.
 */
class SystemdNotifyTest {
    @TempDir
    Path dir;

    private Path program(String body) throws IOException {
        Path p = dir.resolve("systemd-notify");
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    @Test
    void runsTheProgramWithTheAgentsPidAndTheState() throws IOException {
        Path args = dir.resolve("args");
        Path p = program("echo \"$@\" > " + args);

        new SystemdNotify(p.toString()).send("WATCHDOG=1");

        assertEquals("--pid=" + ProcessHandle.current().pid() + " WATCHDOG=1", Files.readString(args).strip());
    }

    @Test
    void aRefusalSaysWhatSystemdNotifySaid() throws IOException {
        Path p = program("echo 'No status data could be sent: $NOTIFY_SOCKET was not set' >&2; exit 1");

        IOException e = assertThrows(IOException.class, () -> new SystemdNotify(p.toString()).send("READY=1"));

        assertTrue(e.getMessage().contains("READY=1"), e.getMessage());
        assertTrue(e.getMessage().contains("NOTIFY_SOCKET was not set"), e.getMessage());
        assertTrue(e.getMessage().contains("exit 1"), e.getMessage());
    }

    @Test
    void aMissingProgramIsExplained() {
        SystemdNotify notify = new SystemdNotify(dir.resolve("nowhere").toString());

        IOException e = assertThrows(IOException.class, () -> notify.send("READY=1"));

        assertTrue(e.getMessage().contains("is systemd installed?"), e.getMessage());
    }
}
