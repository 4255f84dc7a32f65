package vn.loalang.provisioning.pi;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code loalang-update boot}, the unit's start script that decides without Java which agent version
 * starts: a staged build is installed beside and put on trial; at the next start it is kept if it
 * wrote {@code healthy}, else the link goes back. Here with stand-in jars (the bytes are what the
 * script moves; UpdateRollbackTest in the agent module runs real agent builds through it).
 */
class UpdateToolTest {
    private static final Path TOOL = Path.of("src/main/dist/pi/loalang-update.sh").toAbsolutePath();

    @TempDir
    Path dir;
    Path opt;
    Path upd;

    @BeforeEach
    void installedAsTheDebInstallsIt() throws Exception {
        opt = Files.createDirectories(dir.resolve("opt"));
        upd = dir.resolve("var/update");
        Files.writeString(opt.resolve("loalang-station-agent.jar"), "agent 1.0.0");
        boot();
        assertTrue(Files.isDirectory(upd), "the shared folder is made at the first start");
    }

    @Test
    void aBuildThatWritesHealthyIsKeptWithTheOneBeforeToGoBackTo() throws Exception {
        stage("2.0.0", "agent 2.0.0", null);
        boot();
        assertEquals("versions/2.0.0/loalang-station-agent.jar", link());
        assertEquals("agent 2.0.0", Files.readString(opt.resolve("loalang-station-agent.jar")));
        assertEquals("agent 1.0.0", Files.readString(opt.resolve("versions/package/loalang-station-agent.jar")));
        assertEquals("2.0.0", read("trial"));
        assertFalse(Files.exists(upd.resolve("staged")), "the staged copy is gone once installed");

        Files.writeString(upd.resolve("healthy"), "2.0.0\n");
        boot();
        assertEquals("ADOPTED 2.0.0 package", read("result"));
        assertEquals("versions/2.0.0/loalang-station-agent.jar", link());
        assertFalse(Files.exists(upd.resolve("trial")));
        assertEquals(List.of("current=2.0.0", "previous=package"), Files.readAllLines(opt.resolve("update.state")));

        boot();
        assertEquals("versions/2.0.0/loalang-station-agent.jar", link(), "later starts change nothing");
    }

    @Test
    void aBuildThatDidNotWriteHealthyIsRolledBackAtTheNextStart() throws Exception {
        stage("2.0.0", "agent 2.0.0", null);
        boot();
        Files.writeString(upd.resolve("healthy"), "1.9.0\n"); // an older mark is not this version's
        String out = boot();
        assertTrue(out.contains("rolled back to package"), out);
        assertEquals("ROLLED_BACK 2.0.0 package", read("result"));
        assertEquals("versions/package/loalang-station-agent.jar", link());
        assertEquals("agent 1.0.0", Files.readString(opt.resolve("loalang-station-agent.jar")));
        assertFalse(Files.exists(opt.resolve("versions/2.0.0")));
        assertFalse(Files.exists(upd.resolve("trial")));
    }

    @Test
    void eachVersionStartsWithItsOwnClassDataArchiveAndARollbackTakesTheOldOneBack() throws Exception {
        Path jsa = opt.resolve("loalang-station-agent.jsa");
        Files.writeString(jsa, "archive of 1.0.0"); // as the .deb's postinst or install.sh built it
        stage("2.0.0", "agent 2.0.0", null);
        String out = boot();
        assertTrue(out.contains("no class-data archive"), "said, and the start goes on: " + out);
        assertEquals("versions/2.0.0/loalang-station-agent.jsa", Files.readSymbolicLink(jsa).toString(),
                "2.0.0 never starts with 1.0.0's archive");
        assertEquals("archive of 1.0.0", Files.readString(opt.resolve("versions/package/loalang-station-agent.jsa")),
                "1.0.0's archive kept beside its jar");
        Files.writeString(opt.resolve("versions/2.0.0/loalang-station-agent.jsa"), "archive of 2.0.0");
        assertEquals("archive of 2.0.0", Files.readString(jsa));

        boot(); // no healthy mark: rolled back
        assertEquals("versions/package/loalang-station-agent.jsa", Files.readSymbolicLink(jsa).toString());
        assertEquals("archive of 1.0.0", Files.readString(jsa), "the old version starts with its own archive again");
        assertFalse(Files.exists(opt.resolve("versions/2.0.0")), "the failed version's archive goes with it");
    }

    @Test
    void aStagedBuildWhoseBytesAreNotItsHashOrNotAPlainFileIsRefused() throws Exception {
        stage("2.0.0", "agent 2.0.0", "0".repeat(64));
        boot();
        assertTrue(read("result").startsWith("REFUSED 2.0.0 its SHA-256 is"), read("result"));
        assertTrue(Files.isRegularFile(opt.resolve("loalang-station-agent.jar"), java.nio.file.LinkOption.NOFOLLOW_LINKS),
                "the running jar untouched");

        Path secret = Files.writeString(dir.resolve("secret"), "root only");
        stage("2.0.1", "x", null);
        Files.delete(upd.resolve("staged/loalang-station-agent.jar"));
        Files.createSymbolicLink(upd.resolve("staged/loalang-station-agent.jar"), secret);
        Files.writeString(upd.resolve("staged/sha256"), sha256("root only"));
        boot();
        assertEquals("REFUSED 2.0.1 its jar is not a plain file", read("result"));
        assertFalse(Files.exists(opt.resolve("versions/2.0.1")), "root copies no file a link points to");

        stage("../../etc", "agent", null);
        boot();
        assertEquals("REFUSED ../../etc its version name is not valid", read("result"));
    }

    @Test
    void aJarInstalledByHandDuringATrialEndsTheTrial() throws Exception {
        stage("2.0.0", "agent 2.0.0", null);
        boot();
        Files.delete(opt.resolve("loalang-station-agent.jar"));
        Files.writeString(opt.resolve("loalang-station-agent.jar"), "agent 1.1.0 from the .deb");
        boot();
        assertEquals("agent 1.1.0 from the .deb", Files.readString(opt.resolve("loalang-station-agent.jar")));
        assertFalse(Files.exists(opt.resolve("update.state")));
        assertFalse(Files.exists(upd.resolve("trial")));
    }

    private void stage(String version, String jar, String sha) throws Exception {
        Path staged = Files.createDirectories(upd.resolve("staged"));
        Files.writeString(staged.resolve("loalang-station-agent.jar"), jar);
        Files.writeString(staged.resolve("version"), version + "\n");
        Files.writeString(staged.resolve("sha256"), (sha == null ? sha256(jar) : sha) + "\n");
    }

    private String link() throws Exception {
        return Files.readSymbolicLink(opt.resolve("loalang-station-agent.jar")).toString();
    }

    private String read(String name) throws Exception {
        return Files.readString(upd.resolve(name)).strip();
    }

    private static String sha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private String boot() throws Exception {
        Path log = Files.createTempFile(dir, "boot", ".log");
        ProcessBuilder b = new ProcessBuilder("bash", TOOL.toString(), "boot").redirectErrorStream(true)
                .redirectOutput(log.toFile());
        b.environment().put("LOALANG_OPT_DIR", opt.toString());
        b.environment().put("LOALANG_UPDATE_DIR", upd.toString());
        // No station config here: no class-data archive is built from the stand-in jars (UpdateRollbackTest builds them).
        b.environment().put("LOALANG_CONFIG", dir.resolve("no-station.json").toString());
        Process p = b.start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("loalang-update boot still running");
        }
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), "the start script never fails a start: " + out);
        return out;
    }
}
