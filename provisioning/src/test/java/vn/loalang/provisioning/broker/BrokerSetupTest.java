package vn.loalang.provisioning.broker;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code provision init} on this machine's users: the broker ({@code mosquitto}, from the Debian
 * package) reads its files, the controller's user (here {@code nobody}, standing in for
 * {@code loalang}) can rewrite the accounts and nothing else, and nobody else reads a secret. Each
 * check runs a real process as that user ({@code setpriv}), so it is the kernel that answers.
 */
class BrokerSetupTest {
    @TempDir
    Path dir;
    BrokerSetup setup;

    @BeforeEach
    void init() throws Exception {
        assertEquals("root", System.getProperty("user.name"), "provision init runs as root, and so does this test");
        // As under /etc: every user may walk to the files; what each may read is up to the files themselves.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        setup = new BrokerSetup(dir.resolve("provisioning"), dir.resolve("mosquitto-loalang"),
                dir.resolve("conf.d/loalang.conf"), List.of("192.168.1.10"), 0, null, null,
                dir.resolve("controller.mqtt-password"), null, "Xã An Bình", "nobody");
        setup.apply();
    }

    private boolean as(String user, String group, String shell) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + group, "--clear-groups",
                "sh", "-c", shell));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "setpriv finished");
        return p.exitValue() == 0;
    }

    @Test
    void theControllersUserRewritesTheAccountsAndNothingElse() throws Exception {
        Path accounts = setup.accountsDir();
        // The way MosquittoFiles writes: a new file in the directory, renamed over the old one.
        assertTrue(as("nobody", "nogroup", "cat " + accounts.resolve("passwd") + " >/dev/null && echo new > "
                + accounts.resolve(".passwd.tmp") + " && mv " + accounts.resolve(".passwd.tmp") + " " + accounts.resolve("passwd")),
                "the controller's user rewrites passwd");
        assertFalse(as("nobody", "nogroup", "echo x > " + dir.resolve("mosquitto-loalang/.server.key.tmp")),
                "the broker's certificates and key are not the controller's to replace");
        assertFalse(as("nobody", "nogroup", "cat " + dir.resolve("mosquitto-loalang/server.key")), "nor to read the key");
        assertTrue(as("nobody", "nogroup", "cat " + dir.resolve("mosquitto-loalang/ca.pem") + " >/dev/null"),
                "the CA certificate, which the controller trusts the broker by, is readable");
        assertFalse(as("nobody", "nogroup", "ls " + dir.resolve("provisioning")), "the CA key's directory is root's alone");
        assertTrue(as("nobody", "nogroup", "cat " + dir.resolve("controller.mqtt-password") + " >/dev/null"),
                "the controller's user reads its broker password (its primary group)");
    }

    @Test
    void theBrokerReadsWhatItNeedsAndEveryFileTheControllerWritesThereStaysItsToRead() throws Exception {
        Path accounts = setup.accountsDir();
        // A new file, written by the controller's user with the umask a service has (027), as MosquittoFiles does.
        assertTrue(as("nobody", "nogroup", "umask 027 && echo 'user controller' > " + accounts.resolve(".acl.new")
                + " && mv " + accounts.resolve(".acl.new") + " " + accounts.resolve("acl")));
        assertEquals("mosquitto", Files.readAttributes(accounts.resolve("acl"), java.nio.file.attribute.PosixFileAttributes.class)
                .group().getName(), "a file written in accounts/ takes the broker's group (set-group-id)");
        assertTrue(as("mosquitto", "mosquitto", "cat " + accounts.resolve("passwd") + " " + accounts.resolve("acl") + " "
                + dir.resolve("mosquitto-loalang/server.key") + " >/dev/null"), "Mosquitto reads its files");
        assertFalse(as("mosquitto", "mosquitto", "echo x > " + accounts.resolve("x")), "the broker writes nothing there");
        assertFalse(as("mosquitto", "mosquitto", "cat " + dir.resolve("controller.mqtt-password")),
                "the controller's broker password is not the broker's to read");
    }

    @Test
    void theListenerIsTlsOnlyWithPasswordsAndAclAndOneConnectionPerUser() throws Exception {
        String conf = Files.readString(dir.resolve("conf.d/loalang.conf"), StandardCharsets.UTF_8);
        assertTrue(conf.contains("allow_anonymous false\n"), conf);
        assertTrue(conf.contains("password_file " + setup.accountsDir().resolve("passwd")), conf);
        assertTrue(conf.contains("acl_file " + setup.accountsDir().resolve("acl")), conf);
        assertTrue(conf.contains("\nlistener 8883\ncertfile "), "one TLS listener on every interface:\n" + conf);
        assertTrue(conf.indexOf("use_username_as_clientid true") > conf.indexOf("listener 8883"),
                "a listener's option only counts after its listener line:\n" + conf);
        assertEquals(1, conf.lines().filter(l -> l.startsWith("listener")).count(), "no plain-text port:\n" + conf);
    }

    @Test
    void runAgainItKeepsTheCaAndTheControllersPasswordAndRenewsTheBrokersCertificate() throws Exception {
        String ca = Files.readString(dir.resolve("mosquitto-loalang/ca.pem"));
        String password = Files.readString(dir.resolve("controller.mqtt-password"));
        String cert = Files.readString(dir.resolve("mosquitto-loalang/server.pem"));
        setup.apply();
        assertEquals(ca, Files.readString(dir.resolve("mosquitto-loalang/ca.pem")), "bundles already on Pis stay valid");
        assertEquals(password, Files.readString(dir.resolve("controller.mqtt-password")));
        assertNotEquals(cert, Files.readString(dir.resolve("mosquitto-loalang/server.pem")));
        assertEquals(dir.resolve("provisioning/ca.pem"), BrokerSetup.Record.read(dir.resolve("provisioning")).caFile(),
                "bundles take the CA from root's own copy, which the controller cannot change");

        // A new address for the server: the old one stays in the certificate, for the Pis that use it.
        new BrokerSetup(dir.resolve("provisioning"), dir.resolve("mosquitto-loalang"), dir.resolve("conf.d/loalang.conf"),
                List.of("10.0.0.5"), 0, null, null, dir.resolve("controller.mqtt-password"), null, "Xã An Bình", "nobody")
                .apply();
        java.security.cert.X509Certificate renewed = vn.loalang.provisioning.tls.CertificateAuthority.parseCertificate(
                Files.readString(dir.resolve("mosquitto-loalang/server.pem")));
        String names = renewed.getSubjectAlternativeNames().toString();
        assertTrue(names.contains("10.0.0.5") && names.contains("192.168.1.10"), names);
        assertEquals("ssl://10.0.0.5:8883", BrokerSetup.Record.read(dir.resolve("provisioning")).stationBrokerUrl(),
                "new bundles use the address given now");
    }
}
