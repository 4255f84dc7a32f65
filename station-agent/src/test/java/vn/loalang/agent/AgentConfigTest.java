package vn.loalang.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.relay.RelaySequence;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A station config as a technician writes it: several relay channels, sense inputs, playout policy, and the mistakes. */
class AgentConfigTest {
    private static final String KEY = "\"trustedKeys\": {\"k1\": \"-----BEGIN PUBLIC KEY-----\\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\\n-----END PUBLIC KEY-----\\n\"}";

    @TempDir
    Path dir;

    private AgentConfig read(String body) throws IOException {
        Path file = Files.writeString(dir.resolve("station.json"), "{\"stationId\": \"thon-dong-1\", \"brokerUrl\":"
                + " \"tcp://127.0.0.1:1883\", \"dataDir\": \"" + dir + "\", " + KEY + (body.isEmpty() ? "" : ", " + body)
                + "}");
        return AgentConfig.read(file);
    }

    @Test
    void twoAmplifiersWithTheirOwnWarmUpsAreSwitchedOneAfterTheOther() throws IOException {
        AgentConfig c = read("""
                "warmupMillis": 2000,
                "gpio": {"provider": "mock", "staggerMillis": 400,
                         "relays": [{"name": "amp-1", "pin": 17, "activeLow": true},
                                    {"name": "amp-2", "pin": 27, "warmupMillis": 3000}],
                         "senses": [{"relay": "amp-1", "pin": 22}]},
                "playout": {"afterPreemption": "skip", "stallTimeoutMillis": 3000}""");
        RelaySequence sequence = c.relaySequence();
        assertEquals(List.of(Duration.ofMillis(2000), Duration.ofMillis(3000)), sequence.warmups());
        assertEquals(Duration.ofMillis(3400), sequence.lead(), "amp-2 goes on 400 ms after amp-1 and needs 3 s");
        assertEquals(1, c.gpio().senses().size());
        assertTrue(!c.playout().resume());
        assertEquals(3000, c.playout().stallTimeoutMillis());
    }

    @Test
    void defaultsAreSafe() throws IOException {
        AgentConfig c = read("");
        assertTrue(c.playout().resume(), "a pre-empted session resumes by default");
        assertEquals(5000, c.playout().stallTimeoutMillis());
        assertEquals(300, c.gpio().staggerMillis());
        assertEquals("mock", c.gpio().provider(), "no config: simulated GPIO");
    }

    @Test
    void aPiTrustsItsClockFromBootOnlyWhenItSaysItHasABatteryClock() throws IOException {
        assertTrue(!read("").clock().rtc(), "no RTC unless said: a Pi has none");
        assertTrue(read("\"clock\": {\"rtc\": true}").clock().rtc());
        IOException e = assertThrows(IOException.class, () -> read("\"clock\": {\"rtc\": \"yes\"}"));
        assertTrue(e.getMessage().contains("clock.rtc"), e.getMessage());
    }

    @Test
    void mistakesInTheWiringAreRefusedWithWhatIsWrong() {
        record Case(String gpio, String expected) {
        }
        for (Case k : List.of(
                new Case("{\"relays\": [{\"name\": \"a\", \"pin\": 17}, {\"name\": \"b\", \"pin\": 17}]}", "pin 17 is used twice"),
                new Case("{\"relays\": [{\"name\": \"a\", \"pin\": 17}, {\"name\": \"a\", \"pin\": 27}]}", "the name a is used twice"),
                new Case("{\"relays\": [{\"name\": \"a\", \"pin\": 17}], \"senses\": [{\"relay\": \"b\", \"pin\": 22}]}",
                        "relay b is not in gpio.relays"),
                new Case("{\"relays\": [{\"name\": \"a\", \"pin\": 17}], \"senses\": [{\"relay\": \"a\", \"pin\": 17}]}",
                        "pin 17 is used twice"),
                new Case("{\"relays\": [{\"name\": \"a\", \"pin\": 17, \"warmupMillis\": 60000}]}", "warmupMillis"),
                new Case("{\"provider\": \"wiringpi\", \"relays\": [{\"name\": \"a\", \"pin\": 17}]}", "gpiod"))) {
            IOException e = assertThrows(IOException.class, () -> read("\"gpio\": " + k.gpio()), k.gpio());
            assertTrue(e.getMessage().contains(k.expected()), e.getMessage());
        }
        IOException e = assertThrows(IOException.class, () -> read("\"playout\": {\"afterPreemption\": \"later\"}"));
        assertTrue(e.getMessage().contains("resume or skip"), e.getMessage());
    }

    @Test
    void aTlsBrokerNeedsTheCommunesCaWhichIsFoundBesideTheConfig() throws IOException {
        Path file = Files.writeString(dir.resolve("station.json"), "{\"stationId\": \"thon-dong-1\", \"brokerUrl\":"
                + " \"ssl://192.168.1.10:8883\", \"caFile\": \"ca.pem\", \"dataDir\": \"" + dir + "\", " + KEY + "}");
        assertEquals(dir.resolve("ca.pem").toAbsolutePath(), AgentConfig.read(file).caFile());

        Files.writeString(file, "{\"stationId\": \"thon-dong-1\", \"brokerUrl\": \"ssl://192.168.1.10:8883\", \"dataDir\": \""
                + dir + "\", " + KEY + "}");
        IOException e = assertThrows(IOException.class, () -> AgentConfig.read(file));
        assertTrue(e.getMessage().contains("caFile"), e.getMessage());
    }
}
