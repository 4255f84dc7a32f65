package vn.loalang.controller.cli;

import vn.loalang.controller.server.ControllerOptions;
import org.junit.jupiter.api.Test;
import vn.loalang.protocol.config.OptionException;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArgsTest {

    @Test
    void readsNamedValuesWithTheirFallbacks() {
        Args a = new Args(new String[]{"--commune", "xa/commune.json", "--http-port", "8081"});

        assertEquals(Path.of("xa/commune.json"), a.get(ControllerOptions.COMMUNE));
        assertEquals(8081, a.get(ControllerOptions.HTTP_PORT));
        assertEquals(1883, a.get(ControllerOptions.MQTT_PORT), "not given: the definition's default");
        assertEquals("embedded", a.get(ControllerOptions.BROKER));
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
        assertEquals("--http-port = 80a is not allowed: give the plain HTTP port as a TCP port from 1 to 65535, e.g. 8080",
                assertThrows(OptionException.class, () -> a.get(ControllerOptions.HTTP_PORT)).getMessage());
    }

    @Test
    void namesEveryOptionNobodyAskedFor() {
        Args a = new Args(new String[]{"--commune", "c.json", "--mqtt-pasword-file", "pw", "--colour", "red"});
        a.get(ControllerOptions.COMMUNE);

        String message = assertThrows(IllegalArgumentException.class, a::requireAllUsed).getMessage();
        assertTrue(message.startsWith("unknown option(s): "), message);
        assertTrue(message.contains("--mqtt-pasword-file") && message.contains("--colour"), message);
        assertFalse(message.contains("--commune"), message);
    }

    @Test
    void aConfigFileGivesTheSameOptionsWithPathsRelativeToItAndTheCommandLineWins(
            @org.junit.jupiter.api.io.TempDir Path dir) throws java.io.IOException {
        Path file = java.nio.file.Files.writeString(dir.resolve("controller.json"),
                "{\"data\": \"du-lieu\", \"http-port\": 8081, \"broker\": \"tcp://127.0.0.1:1883\"}");
        Args a = new Args(new String[]{"--config", file.toString(), "--http-port", "9090"});
        assertEquals(dir.resolve("du-lieu"), a.get(ControllerOptions.DATA));
        assertEquals(9090, a.get(ControllerOptions.HTTP_PORT), "the command line wins");
        assertEquals("tcp://127.0.0.1:1883", a.get(ControllerOptions.BROKER));
        a.requireAllUsed();

        java.nio.file.Files.writeString(file, "{\"htp-port\": 1}");
        Args typo = new Args(new String[]{"--config", file.toString()});
        assertTrue(assertThrows(IllegalArgumentException.class, typo::requireAllUsed).getMessage().contains("--htp-port"));
        java.nio.file.Files.writeString(file, "[1]");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Args(new String[]{"--config", file.toString()}))
                .getMessage().contains("one JSON object"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new Args(new String[]{"--config",
                dir.resolve("khong-co.json").toString()})).getMessage().contains("cannot be read"));
    }
}
