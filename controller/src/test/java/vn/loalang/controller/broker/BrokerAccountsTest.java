package vn.loalang.controller.broker;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.change.ChangeException;
import vn.loalang.controller.audit.AuditLog;
import vn.loalang.controller.directory.Commune;
import vn.loalang.controller.directory.Directory;
import vn.loalang.controller.store.Store;
import vn.loalang.protocol.Topics;
import vn.loalang.provisioning.broker.MosquittoPassword;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stations' broker accounts in a real SQLite store, written out as Mosquitto's files as the directory changes. */
class BrokerAccountsTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T03:00:00Z"), ZoneOffset.UTC);
    static final Commune SEED = new Commune(
            new Commune.Settings("xa-an-binh", "Xã An Bình", null, 7, -18.0, null, null),
            List.of(new Commune.Village("thon-dong", "Thôn Đông", null),
                    new Commune.Village("thon-tay", "Thôn Tây", null)),
            List.of(new Commune.Station("thon-dong-1", null, "thon-dong"),
                    new Commune.Station("thon-tay-1", null, "thon-tay")),
            List.of(), new Commune.Program(List.of(), List.of()));

    @TempDir
    Path dir;
    Store store;
    Directory directory;
    BrokerAccounts accounts;
    final AtomicInteger reloads = new AtomicInteger();

    @BeforeEach
    void open() throws Exception {
        store = Store.open(dir.resolve("loalang.db"));
        directory = Directory.open(store, new AuditLog(CLOCK), CLOCK, dir.resolve("commune.json"), SEED, "abc");
        Path marker = dir.resolve("reloads");
        // A real command, as the broker's SIGHUP would be: it appends one line per reload.
        accounts = new BrokerAccounts(store, new AuditLog(CLOCK), CLOCK, directory::current, Topics.defaults(),
                new BrokerAccounts.Settings(dir.resolve("mosquitto"), List.of("sh", "-c", "echo reload >> " + marker)),
                "controller", "controller-secret");
        directory.onChange(accounts::directoryChanged);
        accounts.directoryChanged(directory.current());
    }

    @AfterEach
    void close() {
        store.close();
    }

    private String acl() throws Exception {
        return Files.readString(dir.resolve("mosquitto/acl"));
    }

    private List<String> passwd() throws Exception {
        return Files.readAllLines(dir.resolve("mosquitto/passwd"));
    }

    private int reloads() throws Exception {
        Path marker = dir.resolve("reloads");
        return Files.exists(marker) ? Files.readAllLines(marker).size() : 0;
    }

    @Test
    void theControllerAloneUntilAStationIsEnrolledThenOnlyItsHashIsKept() throws Exception {
        assertEquals(1, passwd().size());
        assertTrue(MosquittoPassword.matches("controller-secret", passwd().get(0).substring("controller:".length())));
        int before = reloads();

        BrokerAccounts.Issued issued = accounts.issue("ky-thuat", "thon-dong-1");
        assertEquals("thon-dong-1", issued.username());
        assertEquals("thon-dong", issued.village());
        assertEquals(1, issued.generation());
        String line = passwd().stream().filter(l -> l.startsWith("thon-dong-1:")).findFirst().orElseThrow();
        assertTrue(MosquittoPassword.matches(issued.password(), line.substring("thon-dong-1:".length())));
        for (String f : List.of("loalang.db", "loalang.db-wal")) {
            Path file = dir.resolve(f);
            String bytes = Files.exists(file) ? new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1) : "";
            assertFalse(bytes.contains(issued.password()), "no plaintext password in " + f);
            assertTrue(f.endsWith("-wal") || bytes.length() > 0);
        }
        assertTrue(acl().contains("user thon-dong-1\ntopic read loalang/v1/station/thon-dong-1/schedule"), acl());
        assertEquals(before + 1, reloads(), "the broker is asked to read its files again");
        assertThrows(ChangeException.class, () -> accounts.issue("ky-thuat", "no-such-station"));
    }

    @Test
    void rotationReplacesThePasswordAndCountsTheGeneration() throws Exception {
        String first = accounts.issue("ky-thuat", "thon-tay-1").password();
        BrokerAccounts.Issued second = accounts.issue("ky-thuat", "thon-tay-1");
        assertEquals(2, second.generation());
        String hash = passwd().stream().filter(l -> l.startsWith("thon-tay-1:")).findFirst().orElseThrow().substring(11);
        assertTrue(MosquittoPassword.matches(second.password(), hash));
        assertFalse(MosquittoPassword.matches(first, hash));
    }

    @Test
    void verifyAcceptsTheCurrentPasswordOnlyAndForgetsItOnRotationAndRevocation() throws Exception {
        String first = accounts.issue("ky-thuat", "thon-tay-1").password();
        assertEquals("thon-tay-1", accounts.verify("thon-tay-1", first).orElseThrow().username());
        assertTrue(accounts.verify("thon-tay-1", first).isPresent(), "the second check, from the cache, agrees");
        assertTrue(accounts.verify("thon-tay-1", first + "x").isEmpty());
        assertTrue(accounts.verify("thon-dong-1", first).isEmpty(), "another station's name");
        assertTrue(accounts.verify(null, first).isEmpty());
        String second = accounts.issue("ky-thuat", "thon-tay-1").password();
        assertTrue(accounts.verify("thon-tay-1", first).isEmpty(), "the old generation's password, cached before");
        assertTrue(accounts.verify("thon-tay-1", second).isPresent());
        accounts.revoke("ky-thuat", "thon-tay-1");
        assertTrue(accounts.verify("thon-tay-1", second).isEmpty(), "revoked");
    }

    @Test
    void theAccessListFollowsAStationToItsNewVillageAndAMergedVillage() throws Exception {
        accounts.issue("ky-thuat", "thon-dong-1");
        directory.updateStation("ky-thuat", "thon-dong-1", new Directory.StationEdit(null, "thon-tay", null, null, null, null));
        assertTrue(acl().contains("topic read loalang/v1/zone/thon-tay/alert/+"), acl());
        assertFalse(acl().contains("zone/thon-dong/"), acl());
    }

    @Test
    void aRemovedStationLosesItsAccountAndComesBackWithoutIt() throws Exception {
        accounts.issue("ky-thuat", "thon-tay-1");
        directory.removeStation("admin", "thon-tay-1");
        assertEquals(0, accounts.generation("thon-tay-1"));
        assertFalse(acl().contains("thon-tay-1"));
        assertFalse(String.join("\n", passwd()).contains("thon-tay-1"));
        directory.addStation("admin", new Commune.Station("thon-tay-1", null, "thon-tay"));
        assertFalse(String.join("\n", passwd()).contains("thon-tay-1"), "a station added again must be enrolled again");
    }

    @Test
    void revocationIsImmediateAndSaysWhenThereWasNothingToRevoke() throws Exception {
        accounts.issue("ky-thuat", "thon-dong-1");
        assertTrue(accounts.revoke("ky-thuat", "thon-dong-1"));
        assertFalse(String.join("\n", passwd()).contains("thon-dong-1"));
        assertFalse(accounts.revoke("ky-thuat", "thon-dong-1"));
    }

    @Test
    void aRestartWithTheSamePasswordChangesNothingAndReloadsNothing() throws Exception {
        accounts.issue("ky-thuat", "thon-dong-1");
        List<String> before = passwd();
        int reloadsBefore = reloads();
        BrokerAccounts again = new BrokerAccounts(store, new AuditLog(CLOCK), CLOCK, directory::current, Topics.defaults(),
                new BrokerAccounts.Settings(dir.resolve("mosquitto"), List.of("sh", "-c", "echo reload >> " + dir.resolve("reloads"))),
                "controller", "controller-secret");
        again.directoryChanged(directory.current());
        assertEquals(before, passwd());
        assertEquals(reloadsBefore, reloads(), "no reload: every station stays connected across a controller restart");
    }

    @Test
    void observersJoinTheFilesAndNoStationMayTakeTheirNameOrTheControllers() throws Exception {
        String hash = MosquittoPassword.hash("bot-secret-secret");
        Files.writeString(dir.resolve("mosquitto/observers"), "bot:" + hash + "\n");
        directory.addStation("admin", new Commune.Station("bot", null, "thon-dong"));
        assertTrue(passwd().contains("bot:" + hash));
        assertTrue(acl().contains("user bot\ntopic read loalang/v1/#\n"), acl());
        ChangeException e = assertThrows(ChangeException.class, () -> accounts.issue("admin", "bot"));
        assertTrue(e.getMessage().contains("bot"), e.getMessage());
        directory.addStation("admin", new Commune.Station("controller", null, "thon-dong"));
        assertThrows(ChangeException.class, () -> accounts.issue("admin", "controller"));
        assertEquals(1, passwd().stream().filter(l -> l.startsWith("controller:")).count());
    }

    @Test
    void whenTheBrokersFilesCannotBeWrittenTheChangeSaysSoAndFails() throws Exception {
        Files.writeString(dir.resolve("not-a-directory"), "");
        BrokerAccounts unwritable = new BrokerAccounts(store, new AuditLog(CLOCK), CLOCK, directory::current,
                Topics.defaults(), new BrokerAccounts.Settings(dir.resolve("not-a-directory/accounts"), List.of()),
                "controller", "controller-secret");
        ChangeException issued = assertThrows(ChangeException.class, () -> unwritable.issue("ky-thuat", "thon-tay-1"));
        assertEquals(ChangeException.Kind.UNAVAILABLE, issued.kind());
        assertTrue(issued.getMessage().contains("does not know it yet"), issued.getMessage());
        ChangeException revoked = assertThrows(ChangeException.class, () -> unwritable.revoke("ky-thuat", "thon-tay-1"));
        assertTrue(revoked.getMessage().contains("STILL ACCEPTS THE OLD PASSWORD"), revoked.getMessage());
    }
}
