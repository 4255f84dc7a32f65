package vn.loalang.provisioning.broker;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MosquittoPasswordTest {
    /** Made on this machine by Mosquitto 2.0.11's own tool: {@code mosquitto_passwd -c -b pw st-01 hello-world}. */
    static final String FROM_MOSQUITTO_PASSWD =
            "$7$101$QOKC1wi8hwPY97tU$MvYGxBqCpCPQihstXL/x5fZDkMj2NgjcSgXplolR546QfCly+swAE5ZxUn0WiGjPspH18xVOFMJQSYg1VxQlrw==";

    @Test
    void readsTheHashMosquittosOwnToolWrites() {
        assertTrue(MosquittoPassword.matches("hello-world", FROM_MOSQUITTO_PASSWD));
        assertFalse(MosquittoPassword.matches("hello-World", FROM_MOSQUITTO_PASSWD));
    }

    @Test
    void writesTheSameFormatWithItsOwnSaltAndIterations() {
        String hash = MosquittoPassword.hash("hello-world");
        String[] parts = hash.split("\\$");
        assertEquals("7", parts[1]);
        assertEquals(Integer.toString(MosquittoPassword.ITERATIONS), parts[2]);
        assertEquals(12, java.util.Base64.getDecoder().decode(parts[3]).length, "a 12-byte salt, as mosquitto_passwd");
        assertEquals(64, java.util.Base64.getDecoder().decode(parts[4]).length, "a SHA-512 sized result");
        assertTrue(MosquittoPassword.matches("hello-world", hash));
        assertNotEquals(hash, MosquittoPassword.hash("hello-world"), "a new salt every time");
    }

    @Test
    void newSecretsAreLongRandomAndSafeInAConfigFile() {
        String a = MosquittoPassword.newSecret();
        assertEquals(32, a.length());
        assertTrue(a.matches("[A-Za-z0-9_-]+"), a);
        assertNotEquals(a, MosquittoPassword.newSecret());
    }

    @Test
    void refusesAHashOfAnotherKind() {
        assertThrows(IllegalArgumentException.class, () -> MosquittoPassword.matches("x", "$6$abc$def"));
    }
}
