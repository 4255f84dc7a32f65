package vn.loalang.provisioning.broker;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.Topics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MosquittoFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesPasswdAndAclReadableByTheBrokerGroupOnlyAndOnlyWhenTheyChange() throws Exception {
        MosquittoFiles files = new MosquittoFiles(dir, Topics.defaults());
        String hash = MosquittoPassword.hash("a-long-secret");
        List<BrokerAccount> accounts = List.of(BrokerAccount.controller("controller", hash),
                BrokerAccount.station("st-1", hash, List.of("thon-a")));
        assertTrue(files.write(accounts));
        assertEquals("controller:" + hash + "\nst-1:" + hash + "\n", Files.readString(files.passwordFile()));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.passwordFile())));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.aclFile())));
        assertFalse(files.write(accounts), "the same accounts: nothing rewritten, no broker reload");
        assertTrue(files.write(accounts.subList(0, 1)), "a station gone: both files change");
        assertFalse(Files.readString(files.aclFile()).contains("st-1"));
        try (var left = Files.list(dir)) {
            assertEquals(List.of("acl", "passwd"), left.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file left behind");
        }
    }

    @Test
    void twoAccountsWithOneNameAreRefusedForMosquittoWouldHonourOnlyTheFirst() {
        MosquittoFiles files = new MosquittoFiles(dir, Topics.defaults());
        String hash = MosquittoPassword.hash("a-long-secret");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> files.write(List.of(BrokerAccount.controller("controller", hash),
                        BrokerAccount.station("controller", hash, List.of("thon-a")))));
        assertTrue(e.getMessage().contains("controller"), e.getMessage());
        assertFalse(Files.exists(files.passwordFile()), "nothing written");
    }

    @Test
    void observersAreReadInMosquittoPasswdsOwnFormat() throws Exception {
        MosquittoFiles files = new MosquittoFiles(dir, Topics.defaults());
        String hash = MosquittoPassword.hash("bot-secret-secret");
        Files.writeString(files.observersFile(), "# the chat bot\nbot:" + hash + "\n\n");
        assertEquals(List.of(BrokerAccount.observer("bot", hash)), MosquittoFiles.readObservers(files.observersFile()));
        Files.writeString(files.observersFile(), "bot " + hash + "\n");
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> MosquittoFiles.readObservers(files.observersFile()));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }
}
