package vn.loalang.provisioning.pi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code loalang-relays off}, what the unit runs before Java and first after it: each pin of
 * config.txt's block driven to its OFF level by pinctrl. This machine has no GPIO and no pinctrl; a
 * {@code pinctrl} on the PATH records the calls it gets, which is what the script decides.
 */
class RelaysToolTest {
    private static final Path TOOL = Path.of("src/main/dist/pi/loalang-relays.sh").toAbsolutePath();

    @TempDir
    Path tmp;

    private Path root() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.writeString(Files.createDirectories(root.resolve("boot/firmware")).resolve("config.txt"), "dtparam=audio=on\n");
        Files.writeString(Files.createDirectories(root.resolve("etc/loalang")).resolve("station.json"), """
                {"gpio":{"relays":[{"name":"amp","pin":17},{"name":"amp-2","pin":27,"activeLow":true}]}}
                """);
        return root;
    }

    /** A pinctrl that appends its arguments to {@code calls}, failing for pin {@code failFor} if given. */
    private Path recordingPinctrl(String failFor) throws IOException {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path pinctrl = Files.writeString(bin.resolve("pinctrl"), "#!/bin/sh\necho \"$*\" >> " + tmp.resolve("calls") + "\n"
                + (failFor == null ? "" : "[ \"$2\" = " + failFor + " ] && exit 1\n") + "exit 0\n");
        Files.setPosixFilePermissions(pinctrl, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    @Test
    void drivesEachRelayOfTheBlockToItsOffLevelWithPinctrl() throws Exception {
        Path root = root();
        run(null, "boot-config", "write", "--config", root.resolve("etc/loalang/station.json").toString(), "--root", root.toString());

        String out = run(recordingPinctrl(null), "off", "--root", root.toString());

        assertEquals(List.of("set 17 op dl", "set 27 op dh"), Files.readAllLines(tmp.resolve("calls")));
        assertTrue(out.contains("relays driven OFF: GPIO17=dl GPIO27=dh"), out);
    }

    @Test
    void aPinPinctrlCannotSetIsAFailureAndTheOthersAreStillSet() throws Exception {
        Path root = root();
        run(null, "boot-config", "write", "--config", root.resolve("etc/loalang/station.json").toString(), "--root", root.toString());

        Result r = exec(recordingPinctrl("17"), "off", "--root", root.toString());

        assertEquals(1, r.exitCode(), r.output());
        assertTrue(r.output().contains("pinctrl could not set GPIO17 to dl"), r.output());
        assertEquals(List.of("set 17 op dl", "set 27 op dh"), Files.readAllLines(tmp.resolve("calls")));
    }

    @Test
    void withoutABlockOrWithoutPinctrlItSaysSoAndLeavesTheStartToTheAgent() throws Exception {
        Path root = root();
        String noBlock = run(recordingPinctrl(null), "off", "--root", root.toString());
        assertTrue(noBlock.contains("no relay block in config.txt"), noBlock);
        assertTrue(Files.notExists(tmp.resolve("calls")), "pinctrl not called");

        run(null, "boot-config", "write", "--config", root.resolve("etc/loalang/station.json").toString(), "--root", root.toString());
        String noPinctrl = run(null, "off", "--root", root.toString());
        assertTrue(noPinctrl.contains("pinctrl not found"), noPinctrl);
    }

    private String run(Path pathFirst, String... args) throws Exception {
        Result r = exec(pathFirst, args);
        if (r.exitCode() != 0) {
            fail("loalang-relays " + String.join(" ", args) + " failed (exit " + r.exitCode() + "):\n" + r.output());
        }
        return r.output();
    }

    record Result(int exitCode, String output) {
    }

    private Result exec(Path pathFirst, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", TOOL.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(tmp, "run", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // Only the system's folders (no pinctrl on this machine), and the recording one first when given.
        builder.environment().put("PATH", (pathFirst == null ? "" : pathFirst + ":") + "/usr/sbin:/usr/bin:/sbin:/bin");
        Process p = builder.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("still running: " + command);
        }
        return new Result(p.exitValue(), Files.readString(log));
    }
}
