package vn.loalang.controller.users;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PasswordHasherTest {
    private final PasswordHasher fast = new PasswordHasher(1_000);

    @Test
    void theRightPasswordVerifiesAndAWrongOneDoesNot() {
        String stored = fast.hash("Mật-khẩu đúng".toCharArray());

        assertTrue(fast.verify("Mật-khẩu đúng".toCharArray(), stored));
        assertFalse(fast.verify("Mật-khẩu sai".toCharArray(), stored));
        assertFalse(fast.verify("".toCharArray(), stored));
    }

    @Test
    void theSamePasswordHashesDifferentlyEachTimeBecauseOfTheSalt() {
        assertNotEquals(fast.hash("abc".toCharArray()), fast.hash("abc".toCharArray()));
    }

    @Test
    void theHashSaysItsSchemeAndCostAndKeepsNoPassword() {
        String stored = fast.hash("bí mật".toCharArray());

        assertTrue(stored.startsWith("pbkdf2-sha256$1000$"), stored);
        assertFalse(stored.contains("bí mật"));
        assertEquals(4, stored.split("\\$").length);
    }

    @Test
    void theDefaultCostIsTheSlowOne() {
        String stored = new PasswordHasher().hash("x".toCharArray());

        assertTrue(stored.startsWith("pbkdf2-sha256$600000$"), stored);
        assertTrue(new PasswordHasher().verify("x".toCharArray(), stored));
    }

    @Test
    void aDamagedOrForeignHashNeverVerifies() {
        for (String bad : new String[]{null, "", "plain", "md5$1$aa$bb", "pbkdf2-sha256$x$aa$bb",
                "pbkdf2-sha256$0$aa$bb", "pbkdf2-sha256$10$$", "pbkdf2-sha256$10$!!$??"}) {
            assertFalse(fast.verify("plain".toCharArray(), bad), String.valueOf(bad));
        }
    }

    @Test
    void aHashMadeWithFewerIterationsAsksToBeRedone() {
        String cheap = fast.hash("x".toCharArray());

        assertTrue(new PasswordHasher(2_000).needsRehash(cheap));
        assertFalse(fast.needsRehash(cheap));
    }

    @Test
    void randomPasswordsAreLongAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            String p = PasswordHasher.randomPassword();
            assertEquals(20, p.length());
            assertTrue(p.chars().noneMatch(c -> "0O1lI".indexOf(c) >= 0), p);
            seen.add(p);
        }
        assertEquals(50, seen.size());
    }
}
