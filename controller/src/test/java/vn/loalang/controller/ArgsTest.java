package vn.loalang.controller;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArgsTest {

    @Test
    void readsNamedValuesWithTheirFallbacks() {
        Args a = new Args(new String[]{"--commune", "xa/commune.json", "--http-port", "8081"});

        assertEquals(Path.of("xa/commune.json"), a.path("--commune", null));
        assertEquals(8081, a.integer("--http-port", 8080));
        assertEquals(1883, a.integer("--mqtt-port", 1883));
        assertEquals("embedded", a.value("--broker", "embedded"));
        a.requireAllUsed();
    }

    @Test
    void refusesAnOptionWithoutAValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Args(new String[]{"--commune", "--data", "d"}));
        assertEquals("--commune needs a value", e.getMessage());
        assertEquals("--data needs a value",
                assertThrows(IllegalArgumentException.class, () -> new Args(new String[]{"--data"})).getMessage());
    }

    @Test
    void refusesAWordThatIsNotAnOption() {
        assertEquals("unexpected argument 'commune.json'",
                assertThrows(IllegalArgumentException.class, () -> new Args(new String[]{"commune.json"})).getMessage());
    }

    @Test
    void refusesANumberThatIsNotAWholeNumber() {
        Args a = new Args(new String[]{"--http-port", "80a"});
        assertEquals("--http-port must be a whole number, not '80a'",
                assertThrows(IllegalArgumentException.class, () -> a.integer("--http-port", 8080)).getMessage());
    }

    @Test
    void namesEveryOptionNobodyAskedFor() {
        Args a = new Args(new String[]{"--commune", "c.json", "--mqtt-pasword-file", "pw", "--colour", "red"});
        a.path("--commune", null);

        String message = assertThrows(IllegalArgumentException.class, a::requireAllUsed).getMessage();
        assertTrue(message.startsWith("unknown option(s): "), message);
        assertTrue(message.contains("--mqtt-pasword-file") && message.contains("--colour"), message);
        assertFalse(message.contains("--commune"), message);
    }
}
