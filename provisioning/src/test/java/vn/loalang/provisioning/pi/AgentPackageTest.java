package vn.loalang.provisioning.pi;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The agent's Debian package ({@code src/main/dist/deb}, built by {@code ./loalang build}) built for
 * real with dpkg-deb, then installed, removed and purged by dpkg for real into a throwaway root
 * ({@code dpkg --root}). Its maintainer scripts run on this machine against that root
 * ({@code --force-script-chrootless}, which hands them the root as {@code DPKG_ROOT}), as they would
 * when an SD-card image is prepared. The root's dpkg database says that Raspberry Pi OS Trixie's
 * packages are there (python3, passwd, openjdk-21-jre-headless, no openjdk-17): the dependency's
 * second alternative is what lets it install.
 */
class AgentPackageTest {
    private static final Path BUILD = Path.of("src/main/dist/deb/build-deb.sh").toAbsolutePath();
    private static final String CONFIG_TXT = "# Raspberry Pi OS\ndtparam=audio=on\n\n[cm5]\ndtoverlay=dwc2,dr_mode=host\n";

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsRootAndDpkg() throws IOException {
        String uid = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Uid:")).findFirst().orElse("Uid: ?").split("\\s+")[1];
        if (!uid.equals("0")) {
            fail("AgentPackageTest must run as root (uid 0), as CI does: dpkg and the package's scripts set owners "
                    + "and create users, even in a test root. This JVM runs as uid " + uid + ".");
        }
        for (String tool : List.of("dpkg", "dpkg-deb", "useradd", "userdel", "groupdel", "systemctl", "python3")) {
            if (!Files.isExecutable(Path.of("/usr/bin", tool)) && !Files.isExecutable(Path.of("/usr/sbin", tool))
                    && !Files.isExecutable(Path.of("/bin", tool)) && !Files.isExecutable(Path.of("/sbin", tool))) {
                fail("AgentPackageTest needs " + tool + " (Debian: dpkg, passwd, systemd, python3)");
            }
        }
    }

    @Test
    void theDebDependsOnJava17Or21AndHoldsTheJarTheUnitAndTheRelaysTool() throws Exception {
        Path deb = build();

        assertEquals("loalang-agent_0.2.0~SNAPSHOT_all.deb", deb.getFileName().toString());
        assertEquals("openjdk-17-jre-headless | openjdk-21-jre-headless, python3, passwd",
                run("dpkg-deb", "--field", deb.toString(), "Depends").strip());
        assertEquals("all", run("dpkg-deb", "--field", deb.toString(), "Architecture").strip());
        String contents = run("dpkg-deb", "--contents", deb.toString());
        for (List<String> entry : List.of(List.of("-rw-r--r--", "./opt/loalang/loalang-station-agent.jar"),
                List.of("-rwxr-xr-x", "./opt/loalang/loalang-relays"),
                List.of("-rwxr-xr-x", "./opt/loalang/loalang-update"),
                List.of("-rw-r--r--", "./usr/lib/systemd/system/loalang-agent.service"))) {
            assertTrue(contents.lines().anyMatch(l -> l.startsWith(entry.get(0) + " root/root ") && l.endsWith(" " + entry.get(1))),
                    entry + " in\n" + contents);
        }
        assertTrue(contents.lines().findFirst().orElse("").startsWith("drwxr-xr-x root/root"),
                "the package's ./ is 0755 root:\n" + contents);
        assertEquals(Files.readString(Path.of("../station-agent/src/main/dist/loalang-agent.service")), unitIn(deb),
                "the agent module's unit, unchanged");
    }

    @Test
    void installsIntoATestRootWithTheStationsConfigThenRemovesAndPurgesLeavingTheRootAsItWas() throws Exception {
        Path deb = build();
        Path root = trixieRoot();
        Files.writeString(Files.createDirectories(root.resolve("etc/loalang")).resolve("station.json"), """
                {"stationId":"thon-dong-1","gpio":{"provider":"gpiod","relays":[
                  {"name":"amp","pin":17,"activeLow":false},{"name":"amp-2","pin":27,"activeLow":true}]},
                 "audio":{"sink":"javasound","device":"USB Audio"}}
                """);
        String passwd = Files.readString(root.resolve("etc/passwd"));
        String group = Files.readString(root.resolve("etc/group"));
        List<String> before = tree(root);

        String install = dpkg(root, "--install", deb.toString());
        assertTrue(install.contains("Setting up loalang-agent (0.2.0~SNAPSHOT)"), install);
        assertEquals("install ok installed", dpkg(root, "--status", "loalang-agent").lines()
                .filter(l -> l.startsWith("Status: ")).findFirst().orElse("").substring("Status: ".length()));
        String configTxt = Files.readString(root.resolve("boot/firmware/config.txt"));
        assertTrue(configTxt.startsWith(CONFIG_TXT), configTxt);
        assertTrue(configTxt.contains("[all]\ngpio=17=op,dl\ngpio=27=op,dh\n# END loalang relays\n"),
                "the relays OFF from power-on, outside the [cm5] section:\n" + configTxt);
        List<String> loalang = Files.readAllLines(root.resolve("etc/passwd")).stream()
                .filter(l -> l.startsWith("loalang:")).toList();
        assertEquals(1, loalang.size(), Files.readString(root.resolve("etc/passwd")));
        assertTrue(loalang.get(0).endsWith(":/var/lib/loalang:/usr/sbin/nologin"), loalang.get(0));
        assertTrue(Files.readString(root.resolve("etc/group")).contains("\ngpio:x:997:pi,loalang\n"),
                "Raspberry Pi OS's gpio group, with loalang:\n" + Files.readString(root.resolve("etc/group")));
        Path wants = root.resolve("etc/systemd/system/multi-user.target.wants/loalang-agent.service");
        assertEquals(Path.of("/usr/lib/systemd/system/loalang-agent.service"), Files.readSymbolicLink(wants), "enabled");
        assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("var/lib/loalang"))));

        // On a live system postinst builds the class-data archive, and updates keep one per version: not dpkg's files.
        Files.writeString(root.resolve("opt/loalang/loalang-station-agent.jsa"), "archive");
        Files.writeString(Files.createDirectories(root.resolve("opt/loalang/versions/2.0.0"))
                .resolve("loalang-station-agent.jsa"), "archive of 2.0.0");

        // Remove: the software (with its archives), the unit's link and config.txt's block go; the station's config stays.
        String remove = dpkg(root, "--remove", "loalang-agent");
        assertTrue(remove.contains("removed the relays' boot-time levels from /boot/firmware/config.txt"), remove);
        assertEquals(CONFIG_TXT, Files.readString(root.resolve("boot/firmware/config.txt")));
        assertFalse(Files.exists(wants, LinkOption.NOFOLLOW_LINKS), "disabled");
        assertFalse(Files.exists(root.resolve("opt/loalang")), "the software is gone");
        assertTrue(Files.exists(root.resolve("etc/loalang/station.json")), "remove keeps the station's config");

        // Purge: the config, the data and the user too; the root is as before, but for dpkg's own records.
        dpkg(root, "--purge", "loalang-agent");
        assertFalse(Files.exists(root.resolve("etc/loalang")));
        assertFalse(Files.exists(root.resolve("var/lib/loalang")));
        assertEquals(passwd, Files.readString(root.resolve("etc/passwd")));
        assertEquals(group, Files.readString(root.resolve("etc/group")));
        List<String> after = tree(root);
        assertEquals(before.stream().filter(l -> !l.startsWith("etc/loalang")).toList(), after,
                "purge leaves the root as it was (dpkg's database, the account tools' backups and empty folders aside)");
        Result status = dpkgResult(root, "--status", "loalang-agent");
        assertEquals(1, status.exitCode(), "dpkg no longer knows the package: " + status.output());
        assertTrue(status.output().contains("package 'loalang-agent' is not installed"), status.output());
    }

    @Test
    void aRelayOnAnUnsafePinLeavesThePackageUnconfiguredAndSaysWhy() throws Exception {
        Path deb = build();
        Path root = trixieRoot();
        Files.writeString(Files.createDirectories(root.resolve("etc/loalang")).resolve("station.json"),
                "{\"gpio\":{\"relays\":[{\"name\":\"amp\",\"pin\":3,\"activeLow\":true}]}}\n");

        Result install = dpkgResult(root, "--install", deb.toString());
        assertEquals(1, install.exitCode(), install.output());
        assertTrue(install.output().contains("relay amp on BCM 3: I2C SCL, pulled HIGH on the board"), install.output());
        assertEquals(CONFIG_TXT, Files.readString(root.resolve("boot/firmware/config.txt")), "nothing written");
    }

    // ------------------------------------------------------------------------------------------

    private Path build() throws Exception {
        Path jar = tmp.resolve("loalang-station-agent.jar");
        if (!Files.exists(jar)) {
            Manifest manifest = new Manifest();
            manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest)) {
                zip.putNextEntry(new JarEntry("vn/loalang/agent/README"));
                zip.write("stand-in agent\n".getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        String built = run("bash", BUILD.toString(), "--jar", jar.toString(), "--version", "0.2.0-SNAPSHOT",
                "--out", tmp.resolve("out").toString());
        return Path.of(built.strip());
    }

    private String unitIn(Path deb) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("unpacked"));
        run("dpkg-deb", "--extract", deb.toString(), dir.toString());
        return Files.readString(dir.resolve("usr/lib/systemd/system/loalang-agent.service"));
    }

    /**
     * Raspberry Pi OS Trixie as dpkg and the account tools see it: its groups and user pi, config.txt in
     * /boot/firmware, and a dpkg database listing python3, passwd and openjdk-21-jre-headless.
     */
    private Path trixieRoot() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path etc = Files.createDirectories(root.resolve("etc"));
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/bash\npi:x:1000:1000:,,,:/home/pi:/bin/bash\n");
        Files.writeString(etc.resolve("shadow"), "root:*:19800:0:99999:7:::\npi:!:19800:0:99999:7:::\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\naudio:x:29:pi\ngpio:x:997:pi\npi:x:1000:\n");
        Files.writeString(etc.resolve("gshadow"), "root:*::\naudio:*::pi\ngpio:!::pi\npi:!::\n");
        Files.writeString(etc.resolve("login.defs"), "SYS_UID_MIN 100\nSYS_UID_MAX 999\nSYS_GID_MIN 100\nSYS_GID_MAX 999\n");
        Files.writeString(Files.createDirectories(root.resolve("boot/firmware")).resolve("config.txt"), CONFIG_TXT);
        Path dpkg = Files.createDirectories(root.resolve("var/lib/dpkg"));
        Files.createDirectories(dpkg.resolve("updates"));
        Path info = Files.createDirectories(dpkg.resolve("info"));
        StringBuilder status = new StringBuilder();
        for (String pkg : List.of("python3", "passwd", "openjdk-21-jre-headless")) {
            status.append("Package: ").append(pkg).append("\nStatus: install ok installed\nPriority: optional\n")
                    .append("Version: 1.0-trixie\nArchitecture: all\nMaintainer: Loa Lang test <test@localhost>\n")
                    .append("Description: what Raspberry Pi OS Trixie has\n\n");
            Files.writeString(info.resolve(pkg + ".list"), "");
        }
        Files.writeString(dpkg.resolve("status"), status);
        return root;
    }

    /** Every path under the root but dpkg's database, the account tools' backups (passwd-, …) and empty folders. */
    private static List<String> tree(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.filter(p -> !p.startsWith(root.resolve("var/lib/dpkg")) && !p.getFileName().toString().endsWith("-"))
                    .filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) || !isEmptyDir(p))
                    .map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private static boolean isEmptyDir(Path dir) {
        try (Stream<Path> in = Files.walk(dir)) {
            return in.allMatch(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String dpkg(Path root, String... args) throws Exception {
        Result r = dpkgResult(root, args);
        if (r.exitCode() != 0) {
            fail("dpkg " + String.join(" ", args) + " failed (exit " + r.exitCode() + "):\n" + r.output());
        }
        return r.output();
    }

    private Result dpkgResult(Path root, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("dpkg", "--root=" + root, "--force-script-chrootless",
                "--log=" + tmp.resolve("dpkg.log")));
        command.addAll(List.of(args));
        return exec(command);
    }

    private String run(String... command) throws Exception {
        Result r = exec(List.of(command));
        if (r.exitCode() != 0) {
            fail(String.join(" ", command) + " failed (exit " + r.exitCode() + "):\n" + r.output());
        }
        return r.output();
    }

    record Result(int exitCode, String output) {
    }

    private Result exec(List<String> command) throws Exception {
        Path log = Files.createTempFile(tmp, "run", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        Process process = builder.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("still running after 60 s: " + String.join(" ", command) + "\n" + Files.readString(log));
        }
        return new Result(process.exitValue(), Files.readString(log));
    }
}
