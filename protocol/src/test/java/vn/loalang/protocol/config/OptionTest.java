package vn.loalang.protocol.config;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import vn.loalang.protocol.Json;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One definition, read from text or checked as a typed value: defaults, bounds, and the one message shape. */
class OptionTest {
    static final Option<Long> CACHE = Option.of("cache.maxMegabytes", OptionType.whole(16, 65_536, "megabytes"),
            "the content cache's size").byDefault(512L);

    @Test
    void aMissingValueIsTheDefaultAndAGoodOneIsRead() {
        assertEquals(512L, CACHE.read(null));
        assertEquals(512L, CACHE.check(null));
        assertEquals(16L, CACHE.read("16"));
        assertEquals(65_536L, CACHE.check(65_536L));
        assertNull(Option.of("webhook", OptionType.uri("http", "https"), "the webhook").read(null));
    }

    @Test
    void aValueOutOfBoundsAndOneThatDoesNotReadBreakTheSameRuleWithTheSameMessage() {
        String rule = " is not allowed: give the content cache's size as a whole number of megabytes from 16 to 65536,"
                + " e.g. 512";
        assertEquals("cache.maxMegabytes = -3" + rule, assertThrows(OptionException.class, () -> CACHE.read("-3")).getMessage());
        assertEquals("cache.maxMegabytes = -3" + rule, assertThrows(OptionException.class, () -> CACHE.check(-3L)).getMessage());
        assertEquals("cache.maxMegabytes = 15" + rule, assertThrows(OptionException.class, () -> CACHE.check(15L)).getMessage());
        assertEquals("cache.maxMegabytes = lots" + rule, assertThrows(OptionException.class, () -> CACHE.read("lots")).getMessage());
        assertEquals("--cache = 1.5" + rule, assertThrows(OptionException.class, () -> CACHE.read("1.5", "--cache")).getMessage());
        assertEquals("cache.maxMegabytes", assertThrows(OptionException.class, () -> CACHE.read("0")).key());
    }

    @Test
    void aRequiredValueThatIsMissingSaysWhatToGive() {
        Option<String> root = Option.of("topicRoot", OptionType.topicRoot(), "the MQTT topic root").required()
                .example("loalang/v1");
        assertEquals("topicRoot is missing: give the MQTT topic root as a plain MQTT topic path with no leading or "
                + "trailing /, no +, # or spaces, e.g. loalang/v1", assertThrows(OptionException.class, () -> root.check(null)).getMessage());
        assertThrows(OptionException.class, () -> root.read("loalang/#"));
        assertEquals("xa/v1", root.read("xa/v1"));
    }

    @Test
    void eachTypeReadsItsOwnShapeOnly() {
        Option<Integer> port = Option.of("http-port", OptionType.port(), "the port").byDefault(8080);
        assertEquals(8443, port.read("8443"));
        assertThrows(OptionException.class, () -> port.read("70000"));
        assertThrows(OptionException.class, () -> port.read("0"));
        Option<URI> url = Option.of("public-url", OptionType.uri("http", "https"), "the public URL");
        assertEquals(URI.create("https://10.0.0.1:8443"), url.read("https://10.0.0.1:8443"));
        assertTrue(assertThrows(OptionException.class, () -> url.read("ftp://10.0.0.1")).getMessage()
                .contains("a URL starting with http:// or https://"));
        assertThrows(OptionException.class, () -> url.read("not a url"));
        Option<String> sink = Option.of("audio.sink", OptionType.oneOf("javasound", "wav"), "where sound goes")
                .byDefault("javasound");
        assertTrue(assertThrows(OptionException.class, () -> sink.read("alsa")).getMessage().contains("as javasound or wav"));
        Option<Boolean> low = Option.of("activeLow", OptionType.bool(), "the level").byDefault(false);
        assertEquals(true, low.read("true"));
        assertThrows(OptionException.class, () -> low.read("yes"));
        Option<Double> volume = Option.of("audio.volumeDb", OptionType.decimal(-60, 20, "decibels"), "the volume");
        assertEquals(-6.5, volume.read("-6.5"));
        assertTrue(assertThrows(OptionException.class, () -> volume.check(30.0)).getMessage()
                .contains("a number of decibels from -60 to 20"));
        assertEquals(Path.of("/var/lib/loalang"), Option.of("data", OptionType.path("DIR"), "data").read("/var/lib/loalang"));
        assertThrows(OptionException.class, () -> Option.of("data", OptionType.path("DIR"), "data").read(" "));
        assertTrue(OptionType.isBrokerUrl("ssl://127.0.0.1:8883"));
        assertTrue(!OptionType.isBrokerUrl("http://127.0.0.1:8883") && !OptionType.isBrokerUrl("127.0.0.1"));
    }

    @Test
    void aConfigTreeIsCheckedValueByValueWithTheJsonPathAsTheName() throws Exception {
        Option<Integer> pin = Option.of("gpio.relays[].pin", OptionType.integer(0, 53, null), "a relay's BCM pin");
        List<Option<?>> options = List.of(CACHE, pin,
                Option.of("gpio.relays", OptionType.structure("list", "relays"), "the relays"));
        ConfigTree.check(tree("{\"cache\": {\"maxMegabytes\": 64}, \"gpio\": {\"relays\": [{\"pin\": 17}]}, \"extra\": 1}"), options);
        ConfigTree.check(tree("{}"), options);

        assertEquals("gpio.relays[1].pin = 99 is not allowed: give a relay's BCM pin as a whole number from 0 to 53, e.g. N",
                assertThrows(OptionException.class, () -> ConfigTree.check(
                        tree("{\"gpio\": {\"relays\": [{\"pin\": 17}, {\"pin\": 99}]}}"), options)).getMessage());
        assertTrue(assertThrows(OptionException.class, () -> ConfigTree.check(
                tree("{\"cache\": {\"maxMegabytes\": \"lots\"}}"), options)).getMessage().startsWith("cache.maxMegabytes = lots is not allowed"));
        assertTrue(assertThrows(OptionException.class, () -> ConfigTree.check(
                tree("{\"cache\": {\"maxMegabytes\": {\"a\": 1}}}"), options)).getMessage().startsWith("cache.maxMegabytes = {\"a\":1}"));

        Option<Integer> requiredPin = Option.of("gpio.relays[].pin", OptionType.integer(0, 53, null), "a relay's BCM pin")
                .required().example("17");
        assertEquals("gpio.relays[1].pin is missing: give a relay's BCM pin as a whole number from 0 to 53, e.g. 17",
                assertThrows(OptionException.class, () -> ConfigTree.check(
                        tree("{\"gpio\": {\"relays\": [{\"pin\": 17}, {\"name\": \"b\"}]}}"), List.of(requiredPin))).getMessage());
        ConfigTree.check(tree("{\"cache\": {}}"), List.of(requiredPin)); // no gpio at all: its record's default
    }

    @Test
    void helpAndDocsShowTheDefaultAndTheRule() {
        String help = OptionText.commandLine(List.of(CACHE.help("How much audio the card keeps.")));
        assertTrue(help.startsWith("  --cache.maxMegabytes N"), help);
        assertTrue(help.contains("How much audio the card keeps. (default 512; a whole number of megabytes from 16 to"), help);
        String table = OptionText.markdownTable(List.of(CACHE), "");
        assertTrue(table.contains("| `cache.maxMegabytes` | integer | 512 | a whole number of megabytes from 16 to 65536 |"), table);
    }

    private static JsonNode tree(String json) throws Exception {
        return Json.mapper().readTree(json);
    }
}
