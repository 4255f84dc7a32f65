package vn.loalang.agent;

import vn.loalang.agent.audio.AudioConfig;
import vn.loalang.agent.clock.ClockConfig;
import vn.loalang.agent.content.CacheConfig;
import vn.loalang.agent.link.ReconnectConfig;
import vn.loalang.agent.playout.PlayoutConfig;
import vn.loalang.agent.relay.GpioConfig;
import vn.loalang.agent.relay.RelayConfig;
import vn.loalang.agent.telemetry.TelemetryConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** station.json against {@link AgentOptions}: the records' defaults are the definitions', and a bad value gets their message. */
class AgentOptionsTest {
    private static final String KEY = "\"trustedKeys\": {\"k1\": \"-----BEGIN PUBLIC KEY-----\\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\\n-----END PUBLIC KEY-----\\n\"}";

    @TempDir
    Path dir;

    private Path file(String body) throws IOException {
        return Files.writeString(dir.resolve("station.json"), "{\"stationId\": \"thon-dong-1\", \"brokerUrl\":"
                + " \"tcp://127.0.0.1:1883\", \"dataDir\": \"" + dir + "\", " + KEY + (body.isEmpty() ? "" : ", " + body)
                + "}");
    }

    @Test
    void aFileWithOnlyTheRequiredKeysTakesEveryDefaultFromTheDefinitions() throws IOException {
        AgentConfig c = AgentConfig.read(file("\"gpio\": {\"relays\": [{\"name\": \"amp\", \"pin\": 17}]}, "
                + "\"audio\": {\"sink\": \"javasound\"}"));
        assertEquals(AgentOptions.TOPIC_ROOT.defaultValue(), c.topicRoot());
        assertEquals(AgentOptions.WARMUP_MILLIS.defaultValue(), c.warmupMillis());
        assertEquals(AgentOptions.TAIL_MILLIS.defaultValue(), c.tailMillis());
        assertEquals(AgentOptions.MAX_CLOCK_SKEW_SECONDS.defaultValue(), c.maxClockSkewSeconds());
        assertEquals(AgentOptions.ACK_TIMEOUT_MILLIS.defaultValue(), c.ackTimeoutMillis());
        assertEquals(ReconnectConfig.RECONNECT_MIN_MILLIS.defaultValue(), c.reconnect().minMillis());
        assertEquals(ReconnectConfig.RECONNECT_MAX_MILLIS.defaultValue(), c.reconnect().maxMillis());
        assertEquals(GpioConfig.GPIO_PROVIDER.defaultValue(), c.gpio().provider());
        assertEquals(GpioConfig.GPIO_STAGGER_MILLIS.defaultValue(), c.gpio().staggerMillis());
        assertEquals(RelayConfig.RELAY_ACTIVE_LOW.defaultValue(), c.gpio().relays().get(0).activeLow());
        assertEquals(AudioConfig.AUDIO_SAMPLE_RATE.defaultValue(), c.audio().sampleRate());
        assertEquals(AudioConfig.AUDIO_CHANNELS.defaultValue(), c.audio().channels());
        assertEquals(AudioConfig.AUDIO_VOLUME_DB.defaultValue(), c.audio().volumeDb());
        assertEquals(PlayoutConfig.PLAYOUT_AFTER_PREEMPTION.defaultValue(), c.playout().afterPreemption());
        assertEquals(PlayoutConfig.PLAYOUT_STALL_TIMEOUT_MILLIS.defaultValue(), c.playout().stallTimeoutMillis());
        assertEquals(512L, c.cache().maxMegabytes());
        assertEquals(ClockConfig.CLOCK_MAX_OFFSET_MILLIS.defaultValue(), c.clock().maxOffsetMillis());
        assertEquals(TelemetryConfig.TELEMETRY_INTERVAL_SECONDS.defaultValue(), c.telemetry().intervalSeconds());
    }

    @Test
    void aBadValueIsRefusedWithTheDefinitionsMessageAndTheBrokenRuleAsTheCause() throws IOException {
        Path f = file("\"cache\": {\"maxMegabytes\": -3}");
        IOException e = assertThrows(IOException.class, () -> AgentConfig.read(f));
        assertEquals("station config " + f + " is not usable: cache.maxMegabytes = -3 is not allowed: give the content "
                + "cache's size as a whole number of megabytes from 16 to 65536, e.g. 512", e.getMessage());
        assertEquals("cache.maxMegabytes", assertInstanceOf(OptionException.class, e.getCause()).key());

        record Case(String body, String start) {
        }
        for (Case k : List.of(
                new Case("\"cache\": {\"maxMegabytes\": \"lots\"}", "cache.maxMegabytes = lots is not allowed"),
                new Case("\"cache\": {\"maxMegabytes\": 100000}", "cache.maxMegabytes = 100000 is not allowed"),
                new Case("\"warmupMillis\": -1", "warmupMillis = -1 is not allowed"),
                new Case("\"topicRoot\": \"xa/#\"", "topicRoot = xa/# is not allowed"),
                new Case("\"audio\": {\"sink\": \"javasound\", \"sampleRate\": 4000}", "audio.sampleRate = 4000 is not allowed"),
                new Case("\"gpio\": {\"relays\": [{\"name\": \"amp\", \"pin\": 17, \"activeLow\": \"yes\"}]}",
                        "gpio.relays[0].activeLow = yes is not allowed"),
                new Case("\"gpio\": {\"relays\": [{\"name\": \"amp\", \"pin\": 17}, {\"name\": \"b\", \"pin\": 60}]}",
                        "gpio.relays[1].pin = 60 is not allowed: give a relay's BCM pin as a BCM pin of the 40-pin header from 4 to 27"),
                new Case("\"telemetry\": {\"intervalSeconds\": 0}", "telemetry.intervalSeconds = 0 is not allowed"),
                new Case("\"gpio\": {\"relays\": [{\"name\": \"amp\"}]}", "gpio.relays[0].pin is missing"))) {
            IOException bad = assertThrows(IOException.class, () -> AgentConfig.read(file(k.body())), k.body());
            assertTrue(bad.getMessage().startsWith("station config " + dir.resolve("station.json") + " is not usable: "
                    + k.start()), bad.getMessage());
            assertInstanceOf(OptionException.class, bad.getCause());
        }
    }

    @Test
    void aRequiredKeyThatIsMissingSaysWhatToGive() throws IOException {
        Path f = Files.writeString(dir.resolve("station.json"), "{\"stationId\": \"thon-dong-1\", \"dataDir\": \"" + dir
                + "\", " + KEY + "}");
        IOException e = assertThrows(IOException.class, () -> AgentConfig.read(f));
        assertTrue(e.getMessage().endsWith("brokerUrl is missing: give the MQTT broker's address as an MQTT URL "
                + "tcp://HOST:PORT or ssl://HOST:PORT, e.g. ssl://192.168.1.10:8883"), e.getMessage());
    }

    @Test
    void keysNoDefinitionNamesAreIgnoredAsBefore() throws IOException {
        AgentConfig c = AgentConfig.read(file("\"comment\": \"thôn Đông\", \"cache\": {\"maxMegabytes\": 64, \"old\": 1}"));
        assertEquals(64L, c.cache().maxMegabytes());
    }

    @Test
    void recordsBuiltInCodeAreHeldToTheSameBounds() {
        assertEquals("cache.maxMegabytes = 8 is not allowed: give the content cache's size as a whole number of "
                + "megabytes from 16 to 65536, e.g. 512",
                assertThrows(OptionException.class, () -> new CacheConfig(8L)).getMessage());
        assertThrows(OptionException.class, () -> new RelayConfig("amp", 54, false));
        assertEquals(new ReconnectConfig(500L, 30_000L), ReconnectConfig.defaults());
    }

    @Test
    void aRelayOnAPinTheBoardOrTheBootDrivesIsRefusedWithWhy() throws IOException {
        Path f = file("\"gpio\": {\"relays\": [{\"name\": \"amp\", \"pin\": 2, \"activeLow\": true}]}");
        IOException e = assertThrows(IOException.class, () -> AgentConfig.read(f));
        assertTrue(e.getMessage().endsWith("gpio.relays[0].pin = 2 is not allowed: give a relay's BCM pin as a BCM pin of "
                + "the 40-pin header from 4 to 27 except 14 and 15 (0-1: HAT ID EEPROM, 2-3: I2C with the board's pull-ups, "
                + "14-15: serial console, 28+: not on the header), e.g. 17"), e.getMessage());
        assertThrows(OptionException.class, () -> new RelayConfig("amp", 14, false), "the serial console's TX");
        assertEquals(27, new RelayConfig("amp", 27, true).pin(), "the docs' example stays allowed");
    }

    @Test
    void everyDefinitionHasHelpAndItsKeyOnce() {
        assertEquals(AgentOptions.ALL.size(), AgentOptions.ALL.stream().map(Option::key).distinct().count());
        for (Option<?> o : AgentOptions.ALL) {
            assertTrue(o.help().endsWith("."), o.key() + ": " + o.help());
        }
    }
}
