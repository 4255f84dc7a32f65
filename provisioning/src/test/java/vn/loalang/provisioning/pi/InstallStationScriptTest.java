package vn.loalang.provisioning.pi;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs the Raspberry Pi install script ({@code src/main/dist/pi/install-station.sh}, the bundle's
 * {@code install.sh}) for real, as root, against a throwaway fake root: {@code --root} makes it
 * create the user and groups in the fake root's own {@code /etc/passwd} and {@code /etc/group}
 * ({@code useradd --prefix}), lay out the files with their owners and modes, and enable the unit
 * offline ({@code systemctl --root}). {@code --no-packages} or a root without apt-get keeps apt out.
 *
 * <p>useradd and groupadd need only {@code /etc/passwd}, {@code /etc/group}, {@code /etc/shadow} and
 * {@code /etc/gshadow} in the fake root; without {@code /etc/login.defs} they take the built-in system
 * id range (100–999), as with Raspberry Pi OS's own {@code login.defs}, which one fake root carries.
 */
class InstallStationScriptTest {
    private static final Path SCRIPT = Path.of("src/main/dist/pi/install-station.sh").toAbsolutePath();
    /** The unit every bundle carries, as the agent module ships it. */
    private static final Path UNIT = Path.of("../station-agent/src/main/dist/loalang-agent.service").toAbsolutePath();
    /** The relays' boot-time tool every bundle carries. */
    private static final Path RELAYS_TOOL = Path.of("src/main/dist/pi/loalang-relays.sh").toAbsolutePath();
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(60);
    private static final String SERVICE = "loalang-agent.service";

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsRootAndTheTools() throws IOException {
        String uid = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("Uid:")).findFirst().orElse("Uid: ?").split("\\s+")[1];
        if (!uid.equals("0")) {
            fail("InstallStationScriptTest must run as root (uid 0), as CI does: the install script refuses "
                    + "anyone else, and it creates users and sets file owners, even in its fake root. "
                    + "This JVM runs as uid " + uid + ". Run the build as root (e.g. in the CI container).");
        }
        assertTrue(Files.isRegularFile(SCRIPT), "the install script is missing: " + SCRIPT);
        assertTrue(Files.isRegularFile(UNIT), "the agent's systemd unit is missing: " + UNIT);
        for (String tool : List.of("useradd", "groupadd", "usermod", "systemctl", "setpriv")) {
            if (which(tool) == null) {
                fail("InstallStationScriptTest needs " + tool + " on the PATH (Debian: passwd, systemd, util-linux)");
            }
        }
    }

    // ------------------------------------------------------------------------------------------
    // A bare root: no gpio, no audio, no loalang
    // ------------------------------------------------------------------------------------------

    @Test
    void installsOnABareRootThenAgainChangingNothingThenANewBundleReplacesTheConfig() throws Exception {
        Path root = fakeRoot("bare", false, false);
        Path bundle = bundle("bundle-1", "thon-dong-1", "first-password", true);

        // As the technician does: the bundle's own copy, no --bundle, no --jar.
        Result first = run(bundle.resolve("install.sh"), "--root", root.toString(), "--no-packages");
        assertSucceeded(first);
        assertTrue(first.output().contains("systemctl status loalang-agent"), first.describe());
        assertTrue(first.output().contains("journalctl -u loalang-agent -f"), first.describe());

        Accounts accounts = Accounts.of(root);
        assertEachNameOnce(root);
        int gpio = accounts.gid("gpio");
        int audio = accounts.gid("audio");
        assertTrue(gpio >= 100 && gpio < 1000, "gpio is a system group, gid " + gpio);
        assertTrue(audio >= 100 && audio < 1000, "audio is a system group, gid " + audio);
        assertAgentUser(accounts);
        assertLayout(root, accounts, bundle);

        verifyInstalledUnit(root);

        // Again, this time without --no-packages: a fake root has no apt-get, so packages are skipped.
        Snapshot before = Snapshot.of(root);
        Result second = run(bundle.resolve("install.sh"), "--root", root.toString());
        assertSucceeded(second);
        assertTrue(second.output().contains("is not a full system (no /usr/bin/apt-get)"), second.describe());
        assertTrue(second.output().contains("nothing changed"), second.describe());
        assertEquals(before.accounts(), Snapshot.of(root).accounts(), "the second run changed the accounts\n"
                + second.describe());
        assertEquals(before.tree(), Snapshot.of(root).tree(), "the second run changed the tree\n" + second.describe());

        // A rotation: a new bundle for the same station, without a jar: the same jar is given with --jar.
        Path rotated = bundle("bundle-2", "thon-dong-1", "second-password", false);
        Path jar = Files.createDirectories(tmp.resolve("elsewhere")).resolve("loalang-station-agent.jar");
        Files.copy(bundle.resolve("loalang-station-agent.jar"), jar);
        Result third = run(SCRIPT, "--bundle", rotated.toString(), "--jar", jar.toString(), "--root", root.toString(),
                "--no-packages");
        assertSucceeded(third);
        assertTrue(third.output().contains("replaced /etc/loalang/station.json"), third.describe());
        Path config = root.resolve("etc/loalang/station.json");
        assertEquals(Files.readString(rotated.resolve("station.json")), Files.readString(config));
        assertTrue(Files.readString(config).contains("second-password"));
        assertOwner(root, "/etc/loalang/station.json", "rw-r-----", 0, accounts.gid("loalang"));
        Snapshot after = Snapshot.of(root);
        assertEquals(before.accounts(), after.accounts(), "the rotation changed the accounts\n" + third.describe());
        assertEquals(without(before.tree(), "etc/loalang/station.json"), without(after.tree(), "etc/loalang/station.json"),
                "the rotation changed more than station.json (or left a temporary file)\n" + third.describe());
        assertNotEquals(before.tree(), after.tree(), "station.json should have new content");
    }

    @Test
    void aBundleForABrokerReachedInClearInstallsWithoutACertificate() throws Exception {
        // The console's bundle for the controller's embedded broker (tcp://): no caFile, no ca.pem.
        Path root = fakeRoot("clear", false, false);
        Path bundle = bundle("bundle-clear", "thon-dong-1", "clear-password", true);
        Path config = bundle.resolve("station.json");
        Files.writeString(config, Files.readString(config).replace("  \"caFile\" : \"ca.pem\",\n", "")
                .replace("ssl://loalang-xa.local:8883", "tcp://192.168.1.10:1883"));
        Files.delete(bundle.resolve("ca.pem"));

        Result first = run(bundle.resolve("install.sh"), "--root", root.toString(), "--no-packages");
        assertSucceeded(first);
        assertEquals(Files.readString(config), Files.readString(root.resolve("etc/loalang/station.json")));
        assertFalse(Files.exists(root.resolve("etc/loalang/ca.pem")), "no certificate to install\n" + first.describe());
        Result again = run(bundle.resolve("install.sh"), "--root", root.toString(), "--no-packages");
        assertSucceeded(again);
        assertTrue(again.output().contains("nothing changed"), again.describe());
    }

    // ------------------------------------------------------------------------------------------
    // Raspberry Pi OS: gpio and audio exist; the user may exist from a hand install
    // ------------------------------------------------------------------------------------------

    @Test
    void onRaspberryPiOsUsesItsGpioAndAudioGroups() throws Exception {
        Path root = fakeRoot("pi-os", true, false);
        Path bundle = bundle("bundle", "thon-tay-2", "pw", true);

        Result result = run(SCRIPT, "--bundle", bundle.toString(), "--root", root.toString(), "--no-packages");
        assertSucceeded(result);
        Accounts accounts = Accounts.of(root);
        assertEachNameOnce(root);
        assertEquals(997, accounts.gid("gpio"), "the Pi's own gpio group is kept");
        assertEquals(29, accounts.gid("audio"), "the Pi's own audio group is kept");
        assertEquals(List.of("pi", "loalang"), accounts.members("gpio"));
        assertEquals(List.of("pi", "loalang"), accounts.members("audio"));
        assertAgentUser(accounts);
        assertLayout(root, accounts, bundle);
        assertAgainChangesNothing(root, bundle);
    }

    @Test
    void anExistingLoalangUserKeepsItsIdsAndJoinsGpioAndAudio() throws Exception {
        // As the former hand guide made it: useradd --system --user-group, no supplementary group.
        Path root = fakeRoot("pi-os-hand-installed", true, true);
        Path bundle = bundle("bundle", "thon-tay-3", "pw", true);

        Result result = run(SCRIPT, "--bundle", bundle.toString(), "--root", root.toString(), "--no-packages");
        assertSucceeded(result);
        assertTrue(result.output().contains("added loalang to the group gpio"), result.describe());
        Accounts accounts = Accounts.of(root);
        assertEachNameOnce(root);
        assertEquals(998, accounts.uid("loalang"));
        assertEquals(996, accounts.gid("loalang"));
        assertEquals(List.of("pi", "loalang"), accounts.members("gpio"));
        assertEquals(List.of("pi", "loalang"), accounts.members("audio"));
        assertAgentUser(accounts);
        assertLayout(root, accounts, bundle);
        assertAgainChangesNothing(root, bundle);
    }

    // ------------------------------------------------------------------------------------------
    // The relays OFF from power-on: config.txt's block
    // ------------------------------------------------------------------------------------------

    /** Raspberry Pi OS's own config.txt, ending in a model's section as many do. */
    private static final String PI_CONFIG_TXT = """
            # For more options and information see http://rptl.io/configtxt
            dtparam=audio=on
            camera_auto_detect=1
            auto_initramfs=1
            arm_64bit=1

            [cm5]
            dtoverlay=dwc2,dr_mode=host
            """;

    private static final String BLOCK_BEGIN = "# BEGIN loalang relays";

    @Test
    void onBookwormOrTrixieTheRelaysAreHeldOffFromPowerOnThroughFirmwareConfigTxtAndUninstallLeavesItAsItWas() throws Exception {
        Path root = fakeRoot("trixie", true, false);
        Path firmware = Files.createDirectories(root.resolve("boot/firmware")).resolve("config.txt");
        Files.writeString(firmware, PI_CONFIG_TXT);
        // Bookworm and Trixie leave a note at the old place: it must not be the one written.
        Path note = Files.writeString(root.resolve("boot/config.txt"),
                "DO NOT EDIT THIS FILE\n\nThe file you are looking for has moved to /boot/firmware/config.txt\n");
        String noteText = Files.readString(note);
        Path bundle = bundle("bundle", "thon-dong-7", "pw", true,
                "[ {\"name\":\"amp\",\"pin\":17,\"activeLow\":false}, {\"name\":\"amp-2\",\"pin\":27,\"activeLow\":true} ]");

        Result first = run(SCRIPT, "--bundle", bundle.toString(), "--root", root.toString(), "--no-packages");
        assertSucceeded(first);
        String written = Files.readString(firmware);
        assertTrue(written.startsWith(PI_CONFIG_TXT), "the Pi's own lines stay first and unchanged:\n" + written);
        List<String> block = blockOf(written);
        assertEquals(List.of("[all]", "gpio=17=op,dl", "gpio=27=op,dh"),
                block.stream().filter(l -> !l.startsWith("#")).toList(),
                "active-high relay LOW, active-low relay HIGH, outside the [cm5] section:\n" + written);
        assertEquals(noteText, Files.readString(note), "the note at /boot/config.txt is not config.txt");
        assertTrue(first.output().contains("wrote the relays' boot-time levels into /boot/firmware/config.txt"), first.describe());

        assertAgainChangesNothing(root, bundle);

        // A new bundle moves the second relay: the block is replaced in place, nothing else changes.
        Files.writeString(firmware, Files.readString(firmware) + "# a technician's line after ours\nhdmi_blanking=1\n");
        Path moved = bundle("moved", "thon-dong-7", "pw", true,
                "[ {\"name\":\"amp\",\"pin\":17,\"activeLow\":false}, {\"name\":\"amp-2\",\"pin\":22,\"activeLow\":true} ]");
        assertSucceeded(run(SCRIPT, "--bundle", moved.toString(), "--root", root.toString(), "--no-packages"));
        String replaced = Files.readString(firmware);
        assertEquals(1, replaced.lines().filter(l -> l.startsWith(BLOCK_BEGIN)).count(), "one block:\n" + replaced);
        assertEquals(List.of("[all]", "gpio=17=op,dl", "gpio=22=op,dh"),
                blockOf(replaced).stream().filter(l -> !l.startsWith("#")).toList(), replaced);
        assertTrue(replaced.endsWith("# a technician's line after ours\nhdmi_blanking=1\n"), "in place:\n" + replaced);

        // --uninstall: the block, the service and the software go; the config and data stay.
        Files.writeString(firmware, replaced.replace("# a technician's line after ours\nhdmi_blanking=1\n", ""));
        Accounts installed = Accounts.of(root);
        Result uninstall = run(SCRIPT, "--uninstall", "--root", root.toString());
        assertSucceeded(uninstall);
        assertEquals(PI_CONFIG_TXT, Files.readString(firmware), "config.txt as the Pi had it\n" + uninstall.describe());
        for (String gone : List.of("opt/loalang", "etc/systemd/system/" + SERVICE,
                "etc/systemd/system/multi-user.target.wants/" + SERVICE)) {
            assertFalse(Files.exists(root.resolve(gone), LinkOption.NOFOLLOW_LINKS), gone + " is removed\n" + uninstall.describe());
        }
        assertTrue(Files.exists(root.resolve("etc/loalang/station.json")), "the config stays without --purge");
        assertTrue(Files.isDirectory(root.resolve("var/lib/loalang")), "the data stays without --purge");
        assertEquals(installed.passwd(), Accounts.of(root).passwd(), "the user stays without --purge");

        Result purge = run(SCRIPT, "--uninstall", "--purge", "--root", root.toString());
        assertSucceeded(purge);
        assertFalse(Files.exists(root.resolve("etc/loalang")), purge.describe());
        assertFalse(Files.exists(root.resolve("var/lib/loalang")), purge.describe());
        Accounts after = Accounts.of(root);
        assertFalse(after.passwd().containsKey("loalang"), "user loalang removed: " + after.passwd().keySet());
        assertFalse(after.group().containsKey("loalang"), "group loalang removed: " + after.group().keySet());
        assertEquals(List.of("pi"), after.members("gpio"), "Raspberry Pi OS's gpio group stays, without loalang");
        assertEquals(List.of("pi"), after.members("audio"));
    }

    @Test
    void onAnOlderRaspberryPiOsTheBlockGoesIntoBootConfigTxt() throws Exception {
        Path root = fakeRoot("bullseye", true, false);
        Path config = Files.writeString(Files.createDirectories(root.resolve("boot")).resolve("config.txt"), PI_CONFIG_TXT);
        Path bundle = bundle("bundle", "thon-nam-8", "pw", true, "[ {\"name\":\"amp\",\"pin\":5,\"activeLow\":true} ]");

        assertSucceeded(run(SCRIPT, "--bundle", bundle.toString(), "--root", root.toString(), "--no-packages"));
        assertEquals(List.of("[all]", "gpio=5=op,dh"),
                blockOf(Files.readString(config)).stream().filter(l -> !l.startsWith("#")).toList());
        assertSucceeded(run(SCRIPT, "--uninstall", "--root", root.toString()));
        assertEquals(PI_CONFIG_TXT, Files.readString(config));
    }

    /** The script's own list of safe pins is the one the server and the agent use. */
    @Test
    void theScriptsSafePinsAreRelayPinsSafe() throws IOException {
        String line = Files.readAllLines(RELAYS_TOOL).stream().filter(l -> l.startsWith("readonly SAFE_RELAY_PINS="))
                .findFirst().orElseThrow(() -> new AssertionError("no SAFE_RELAY_PINS line in " + RELAYS_TOOL));
        List<Integer> pins = Arrays.stream(line.replaceAll(".*=\"|\"", "").split(" ")).map(Integer::valueOf).toList();
        assertEquals(vn.loalang.protocol.gpio.RelayPins.SAFE, pins);
    }

    private static List<String> blockOf(String configTxt) {
        List<String> lines = configTxt.lines().toList();
        int begin = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(BLOCK_BEGIN)) {
                begin = i;
            } else if (begin >= 0 && lines.get(i).equals("# END loalang relays")) {
                return lines.subList(begin + 1, i);
            }
        }
        return fail("no loalang block in:\n" + configTxt);
    }

    // ------------------------------------------------------------------------------------------
    // Bad bundles and bad callers change nothing
    // ------------------------------------------------------------------------------------------

    enum Broken {
        NO_STATION_JSON("Thiếu tệp station.json / station.json is missing from the bundle "),
        STATION_JSON_NOT_JSON("Tệp station.json bị hỏng (không phải JSON) / station.json in "),
        CA_NOT_A_CERTIFICATE("Tệp ca.pem không phải chứng chỉ PEM / ca.pem in "),
        NO_JAR("Thiếu tệp loalang-station-agent.jar ("),
        RELAY_ON_AN_I2C_PIN("relay amp on BCM 2: I2C SDA, pulled HIGH on the board"),
        RELAY_ON_THE_SERIAL_CONSOLE("relay amp on BCM 14: UART TX"),
        NO_SOUND_CARD_NAMED("station.json names no sound card (audio.device)"),
        WAV_FILES_INSTEAD_OF_THE_SOUND_CARD("audio.sink must be javasound on a Pi"),
        NO_RELAYS_TOOL("loalang-relays (keeps the relays OFF from power-on) is missing");

        final String message;

        Broken(String message) {
            this.message = message;
        }

        void applyTo(Path bundle) throws IOException {
            switch (this) {
                case NO_STATION_JSON -> Files.delete(bundle.resolve("station.json"));
                case STATION_JSON_NOT_JSON -> Files.writeString(bundle.resolve("station.json"), "{\"stationId\": \"thon-1\",\n");
                // A likely mistake: the controller's public key copied where the CA certificate belongs.
                case CA_NOT_A_CERTIFICATE -> Files.copy(bundle.resolve("controller-signing.pub.pem"), bundle.resolve("ca.pem"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                case NO_JAR -> Files.delete(bundle.resolve("loalang-station-agent.jar"));
                case RELAY_ON_AN_I2C_PIN -> edit(bundle, "\"pin\" : 17", "\"pin\" : 2");
                case RELAY_ON_THE_SERIAL_CONSOLE -> edit(bundle, "\"pin\" : 17", "\"pin\" : 14");
                case NO_SOUND_CARD_NAMED -> edit(bundle, ", \"device\" : \"USB Audio\"", "");
                case WAV_FILES_INSTEAD_OF_THE_SOUND_CARD -> edit(bundle, "\"sink\" : \"javasound\"",
                        "\"sink\" : \"wav\", \"wavDir\" : \"/tmp\"");
                case NO_RELAYS_TOOL -> Files.delete(bundle.resolve("loalang-relays"));
            }
        }
    }

    private static void edit(Path bundle, String from, String to) throws IOException {
        Path config = bundle.resolve("station.json");
        String text = Files.readString(config);
        assertTrue(text.contains(from), from + " in " + text);
        Files.writeString(config, text.replace(from, to));
    }

    @ParameterizedTest
    @EnumSource(Broken.class)
    void aBrokenBundleSaysWhatIsWrongAndChangesNothing(Broken broken) throws Exception {
        Path bad = bundle("bad", "thon-bac-4", "new-password", true);
        broken.applyTo(bad);

        // On a blank Pi: not even the user or the groups are made.
        Path blank = fakeRoot("blank", false, false);
        Snapshot untouched = Snapshot.of(blank);
        Result onBlank = run(bad.resolve("install.sh"), "--root", blank.toString(), "--no-packages");
        assertBrokenBundleRefused(onBlank, broken);
        assertEquals(untouched, Snapshot.of(blank), "a broken bundle changed the blank root\n" + onBlank.describe());

        // On a working station (a rotation gone wrong): the old config stays.
        Path working = fakeRoot("working", true, false);
        assertSucceeded(run(SCRIPT, "--bundle", bundle("good", "thon-bac-4", "old-password", true).toString(),
                "--root", working.toString(), "--no-packages"));
        Snapshot installed = Snapshot.of(working);
        Result onWorking = run(bad.resolve("install.sh"), "--root", working.toString(), "--no-packages");
        assertBrokenBundleRefused(onWorking, broken);
        assertEquals(installed, Snapshot.of(working), "a broken bundle changed the installed root\n" + onWorking.describe());
        assertTrue(Files.readString(working.resolve("etc/loalang/station.json")).contains("old-password"));
    }

    @Test
    void refusesToRunAsAnotherUserButShowsItsHelp() throws Exception {
        // nobody must be able to reach the script and the bundle: the temporary folder is the test's (0700).
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path bundle = bundle("bundle", "thon-nam-5", "pw", true);
        Files.setPosixFilePermissions(bundle, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path root = fakeRoot("root", false, false);
        Snapshot untouched = Snapshot.of(root);

        Result asNobody = run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bash",
                bundle.resolve("install.sh").toString(), "--root", root.toString(), "--no-packages"));
        assertEquals(2, asNobody.exitCode(), asNobody.describe());
        assertTrue(asNobody.hasLine("Cần chạy với quyền root", "must run as root"), asNobody.describe());
        assertEquals(untouched, Snapshot.of(root));

        Result help = run(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bash",
                bundle.resolve("install.sh").toString(), "--help"));
        assertEquals(0, help.exitCode(), help.describe());
        assertTrue(help.output().contains("--bundle DIR") && help.output().contains("--no-packages"), help.describe());

        Result unknown = run(SCRIPT, "--root", root.toString(), "--frobnicate");
        assertEquals(2, unknown.exitCode(), unknown.describe());
        assertTrue(unknown.hasLine("Tuỳ chọn không hợp lệ", "unknown option: --frobnicate"), unknown.describe());
    }

    // ------------------------------------------------------------------------------------------
    // What an installed station looks like
    // ------------------------------------------------------------------------------------------

    private static void assertAgentUser(Accounts accounts) {
        List<String> user = accounts.passwd().get("loalang");
        assertTrue(user != null, "no user loalang in passwd: " + accounts.passwd().keySet());
        int uid = Integer.parseInt(user.get(2));
        assertTrue(uid >= 100 && uid < 1000, "loalang is a system user, uid " + uid);
        assertEquals(String.valueOf(accounts.gid("loalang")), user.get(3), "loalang's primary group is its own");
        assertEquals("/var/lib/loalang", user.get(5), "home");
        assertEquals("/usr/sbin/nologin", user.get(6), "shell");
        assertTrue(accounts.members("gpio").contains("loalang"), "loalang in gpio: " + accounts.group().get("gpio"));
        assertTrue(accounts.members("audio").contains("loalang"), "loalang in audio: " + accounts.group().get("audio"));
    }

    private static void assertLayout(Path root, Accounts accounts, Path bundle) throws IOException {
        int uid = accounts.uid("loalang");
        int gid = accounts.gid("loalang");
        assertOwner(root, "/opt/loalang", "rwxr-xr-x", 0, 0);
        assertOwner(root, "/opt/loalang/loalang-station-agent.jar", "rw-r--r--", 0, 0);
        assertOwner(root, "/opt/loalang/loalang-relays", "rwxr-xr-x", 0, 0);
        assertOwner(root, "/etc/loalang", "rwxr-x---", 0, gid);
        assertOwner(root, "/etc/loalang/station.json", "rw-r-----", 0, gid);
        assertOwner(root, "/etc/loalang/ca.pem", "rw-r--r--", 0, 0);
        assertOwner(root, "/etc/loalang/controller-signing.pub.pem", "rw-r--r--", 0, 0);
        assertOwner(root, "/var/lib/loalang", "rwxr-x---", uid, gid);
        assertOwner(root, "/etc/systemd/system/loalang-agent.service", "rw-r--r--", 0, 0);

        try (Stream<Path> files = Files.list(root.resolve("etc/loalang"))) {
            assertEquals(List.of("ca.pem", "controller-signing.pub.pem", "station.json"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "/etc/loalang holds exactly these");
        }
        for (String name : List.of("station.json", "ca.pem", "controller-signing.pub.pem")) {
            assertEquals(Files.readString(bundle.resolve(name)), Files.readString(root.resolve("etc/loalang/" + name)), name);
        }
        assertEquals(Files.readString(UNIT), Files.readString(root.resolve("etc/systemd/system/" + SERVICE)),
                "the unit is the agent module's, unchanged");

        Path wants = root.resolve("etc/systemd/system/multi-user.target.wants/" + SERVICE);
        assertTrue(Files.isSymbolicLink(wants), "enabled: " + wants + " is a symlink");
        assertEquals(Path.of("/etc/systemd/system/" + SERVICE), Files.readSymbolicLink(wants),
                "the link points at the unit as the Pi will see it");
    }

    private static void assertOwner(Path root, String path, String mode, int uid, int gid) throws IOException {
        Path p = root.resolve(path.substring(1));
        assertTrue(Files.exists(p, LinkOption.NOFOLLOW_LINKS), path + " exists");
        assertFalse(Files.isSymbolicLink(p), path + " is no symlink");
        assertEquals(mode, PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)),
                path + " mode");
        assertEquals(uid, (int) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS), path + " owner uid");
        assertEquals(gid, (int) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS), path + " owner gid");
    }

    /** No user or group twice, in any of the four account files. */
    private static void assertEachNameOnce(Path root) throws IOException {
        for (String file : List.of("passwd", "group", "shadow", "gshadow")) {
            List<String> names = Files.readAllLines(root.resolve("etc/" + file)).stream()
                    .filter(l -> !l.isBlank()).map(l -> l.substring(0, l.indexOf(':'))).toList();
            assertEquals(names.stream().distinct().toList(), names, "/etc/" + file + " names a user or group twice");
        }
    }

    private void assertAgainChangesNothing(Path root, Path bundle) throws Exception {
        Snapshot before = Snapshot.of(root);
        Result again = run(SCRIPT, "--bundle", bundle.toString(), "--root", root.toString(), "--no-packages");
        assertSucceeded(again);
        assertTrue(again.output().contains("nothing changed"), again.describe());
        assertEquals(before, Snapshot.of(root), "a second run changed the root\n" + again.describe());
    }

    private static void assertBrokenBundleRefused(Result result, Broken broken) {
        assertEquals(2, result.exitCode(), result.describe());
        assertTrue(result.output().lines().anyMatch(l -> l.contains(broken.message)),
                "expected a line with '" + broken.message + "'\n" + result.describe());
        assertTrue(result.output().contains("nothing was changed"), result.describe());
    }

    /**
     * {@code systemd-analyze verify} cannot load a unit inside a fake root (it wants the root's
     * sysinit.target and /usr/bin/java); it can check the installed unit file itself with this
     * machine's systemd, which is what catches a mistyped setting or a missing executable.
     */
    private void verifyInstalledUnit(Path root) throws Exception {
        if (which("systemd-analyze") == null || !Files.isExecutable(Path.of("/usr/bin/java"))) {
            System.out.println("InstallStationScriptTest: no systemd-analyze or no /usr/bin/java here: "
                    + "the installed unit was not verified");
            return;
        }
        Result verify = run(List.of("systemd-analyze", "verify",
                root.resolve("etc/systemd/system/" + SERVICE).toString()));
        assertSucceeded(verify);
        assertEquals("", verify.output().strip(), "systemd-analyze verify warns\n" + verify.describe());
    }

    // ------------------------------------------------------------------------------------------
    // Fake roots and bundles
    // ------------------------------------------------------------------------------------------

    /**
     * @param piOs        the groups, user {@code pi} and login.defs of Raspberry Pi OS
     * @param handInstall a {@code loalang} user as the former hand guide made it (own group, nothing else)
     */
    private Path fakeRoot(String name, boolean piOs, boolean handInstall) throws IOException {
        Path root = Files.createDirectories(tmp.resolve("roots").resolve(name));
        Path etc = Files.createDirectories(root.resolve("etc"));
        StringBuilder passwd = new StringBuilder("root:x:0:0:root:/root:/bin/bash\n"
                + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        StringBuilder shadow = new StringBuilder("root:*:19800:0:99999:7:::\nnobody:*:19800:0:99999:7:::\n");
        StringBuilder group = new StringBuilder("root:x:0:\nshadow:x:42:\n");
        StringBuilder gshadow = new StringBuilder("root:*::\nshadow:*::\n");
        if (piOs) {
            group.append("audio:x:29:pi\ngpio:x:997:pi\npi:x:1000:\n");
            gshadow.append("audio:*::pi\ngpio:!::pi\npi:!::\n");
            passwd.append("pi:x:1000:1000:,,,:/home/pi:/bin/bash\n");
            shadow.append("pi:!:19800:0:99999:7:::\n");
            Files.writeString(etc.resolve("login.defs"), """
                    UID_MIN                  1000
                    UID_MAX                 60000
                    SYS_UID_MIN               100
                    SYS_UID_MAX               999
                    GID_MIN                  1000
                    GID_MAX                 60000
                    SYS_GID_MIN               100
                    SYS_GID_MAX               999
                    """);
        }
        if (handInstall) {
            passwd.append("loalang:x:998:996::/var/lib/loalang:/usr/sbin/nologin\n");
            shadow.append("loalang:!:19800::::::\n");
            group.append("loalang:x:996:\n");
            gshadow.append("loalang:!::\n");
        }
        group.append("nogroup:x:65534:\n");
        gshadow.append("nogroup:*::\n");
        Files.writeString(etc.resolve("passwd"), passwd);
        Files.writeString(etc.resolve("group"), group);
        Files.writeString(etc.resolve("shadow"), shadow);
        Files.writeString(etc.resolve("gshadow"), gshadow);
        for (String secret : List.of("shadow", "gshadow")) {
            Path p = etc.resolve(secret);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r-----"));
            Files.setAttribute(p, "unix:gid", 42);
        }
        return root;
    }

    /** The commune's CA and the controller's key: the same in every bundle of one test, as on one server. */
    private String caPem;
    private String signingKey;

    /** A bundle as {@code ./loalang provision station} writes it. */
    private Path bundle(String name, String stationId, String password, boolean withJar) throws Exception {
        return bundle(name, stationId, password, withJar, "[ { \"name\" : \"amp\", \"pin\" : 17, \"activeLow\" : false } ]");
    }

    private Path bundle(String name, String stationId, String password, boolean withJar, String relays) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("bundles").resolve(name).resolve("loalang-station-" + stationId));
        if (caPem == null) {
            caPem = selfSignedCa();
            signingKey = pem("PUBLIC KEY", KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded());
        }
        Files.writeString(dir.resolve("station.json"), """
                {
                  "stationId" : "%s",
                  "brokerUrl" : "ssl://loalang-xa.local:8883",
                  "username" : "%s",
                  "password" : "%s",
                  "caFile" : "ca.pem",
                  "topicRoot" : "loalang/v1",
                  "dataDir" : "/var/lib/loalang",
                  "trustedKeys" : { "controller-1" : "%s" },
                  "gpio" : { "provider" : "gpiod", "relays" : %s },
                  "audio" : { "sink" : "javasound", "device" : "USB Audio" }
                }
                """.formatted(stationId, stationId, password, signingKey.replace("\n", "\\n"), relays));
        Files.writeString(dir.resolve("ca.pem"), caPem);
        Files.writeString(dir.resolve("controller-signing.pub.pem"), signingKey);
        Files.copy(SCRIPT, dir.resolve("install.sh"));
        Files.setPosixFilePermissions(dir.resolve("install.sh"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(UNIT, dir.resolve(SERVICE));
        Files.copy(RELAYS_TOOL, dir.resolve("loalang-relays"));
        Files.setPosixFilePermissions(dir.resolve("loalang-relays"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(dir.resolve("README.txt"), "Loa Làng — trạm " + stationId + "\n");
        if (withJar) {
            writeJar(dir.resolve("loalang-station-agent.jar"), "v1");
        }
        return dir;
    }

    private static String selfSignedCa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair key = generator.generateKeyPair();
        X500Name name = new X500Name("CN=Loa Lang test CA");
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                java.util.Date.from(now.minus(Duration.ofDays(1))), java.util.Date.from(now.plus(Duration.ofDays(1))),
                name, key.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate())).getEncoded();
        return pem("CERTIFICATE", der);
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    /** A small real jar; the script only checks that it is one. */
    private static Path writeJar(Path jar, String version) throws IOException {
        Files.createDirectories(jar.getParent());
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest)) {
            zip.putNextEntry(new JarEntry("vn/loalang/agent/README"));
            zip.write(("stand-in agent " + version + "\n").getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return jar;
    }

    // ------------------------------------------------------------------------------------------
    // Reading a root
    // ------------------------------------------------------------------------------------------

    /** The fake root's own account files, name → fields. */
    record Accounts(Map<String, List<String>> passwd, Map<String, List<String>> group) {
        static Accounts of(Path root) throws IOException {
            return new Accounts(read(root.resolve("etc/passwd")), read(root.resolve("etc/group")));
        }

        private static Map<String, List<String>> read(Path file) throws IOException {
            Map<String, List<String>> entries = new LinkedHashMap<>();
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    List<String> fields = Arrays.asList(line.split(":", -1));
                    entries.put(fields.get(0), fields);
                }
            }
            return entries;
        }

        int uid(String user) {
            List<String> fields = passwd.get(user);
            assertTrue(fields != null, "no user " + user + " in the fake root's passwd: " + passwd.keySet());
            return Integer.parseInt(fields.get(2));
        }

        int gid(String name) {
            List<String> fields = group.get(name);
            assertTrue(fields != null, "no group " + name + " in the fake root's group: " + group.keySet());
            return Integer.parseInt(fields.get(2));
        }

        List<String> members(String name) {
            gid(name);
            String members = group.get(name).get(3);
            return members.isEmpty() ? List.of() : List.of(members.split(","));
        }
    }

    /**
     * Everything under a root that a run may change: the account files' text, and one line per
     * path with its type, mode, numeric owner and content hash (or link target).
     */
    record Snapshot(String accounts, String tree) {
        static Snapshot of(Path root) throws IOException {
            StringBuilder accounts = new StringBuilder();
            for (String file : List.of("passwd", "group", "shadow", "gshadow")) {
                accounts.append("== /etc/").append(file).append('\n').append(Files.readString(root.resolve("etc/" + file)));
            }
            List<String> lines = new ArrayList<>();
            try (Stream<Path> all = Files.walk(root)) {
                for (Path p : all.sorted().toList()) {
                    lines.add(describe(root, p));
                }
            }
            return new Snapshot(accounts.toString(), String.join("\n", lines));
        }

        private static String describe(Path root, Path p) throws IOException {
            int mode = (int) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            String what;
            if (Files.isSymbolicLink(p)) {
                what = "l -> " + Files.readSymbolicLink(p);
            } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                what = "d";
            } else {
                what = "f " + sha256(Files.readAllBytes(p));
            }
            return String.format("%s %04o %d:%d %s", root.relativize(p), mode & 07777,
                    (int) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS),
                    (int) Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS), what);
        }
    }

    private static String without(String tree, String path) {
        return tree.lines().filter(l -> !l.startsWith(path + " ")).collect(Collectors.joining("\n"));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Running things
    // ------------------------------------------------------------------------------------------

    record Result(List<String> command, int exitCode, String output) {
        String describe() {
            return "$ " + String.join(" ", command) + "\n(exit " + exitCode + ")\n" + output;
        }

        /** One line that says both, as the script's messages do (Vietnamese / English). */
        boolean hasLine(String vietnamese, String english) {
            return output.lines().anyMatch(l -> l.contains(vietnamese) && l.contains(english)
                    && l.indexOf(vietnamese) < l.indexOf(english));
        }
    }

    private Result run(Path script, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", script.toString()));
        command.addAll(List.of(args));
        return run(command);
    }

    private Result run(List<String> command) throws Exception {
        Path log = Files.createTempFile(tmp, "run", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:"
                + builder.environment().getOrDefault("PATH", ""));
        Process process = builder.start();
        if (!process.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("still running after " + RUN_TIMEOUT.toSeconds() + " s: " + String.join(" ", command) + "\n"
                    + Files.readString(log));
        }
        return new Result(command, process.exitValue(), Files.readString(log));
    }

    private static void assertSucceeded(Result result) {
        if (result.exitCode() != 0) {
            fail("failed:\n" + result.describe());
        }
    }

    private static Path which(String tool) {
        for (String dir : ("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:"
                + System.getenv().getOrDefault("PATH", "")).split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Path.of(dir, tool);
            }
        }
        return null;
    }
}
