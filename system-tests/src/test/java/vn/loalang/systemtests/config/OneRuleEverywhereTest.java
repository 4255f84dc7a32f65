package vn.loalang.systemtests.config;

import vn.loalang.agent.content.CacheConfig;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.agent.AgentConfig;
import vn.loalang.agent.AgentOptions;
import vn.loalang.controller.cli.Args;
import vn.loalang.controller.server.ControllerOptions;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionException;
import vn.loalang.protocol.signing.Ed25519Keys;
import vn.loalang.provisioning.bundle.StationBundle;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller and its stations share a setting, the MQTT topic root: the same bad value is refused
 * the same way on the controller's command line, in its controller.json and in a station.json. And
 * what provisioning writes into a station's bundle is only keys the agent defines (the agent ignores
 * unknown keys, so a misspelt one would go unnoticed on the Pi).
 */
class OneRuleEverywhereTest {
    private static final String RULE = " = xa/# is not allowed: give the MQTT topic root as a plain MQTT topic path "
            + "with no leading or trailing /, no +, # or spaces, e.g. loalang/v1";

    @TempDir
    Path dir;

    @Test
    void aBadTopicRootIsRefusedWithTheSameRuleOnTheCommandLineInControllerJsonAndInStationJson() throws IOException {
        OptionException cli = assertThrows(OptionException.class,
                () -> new Args(new String[]{"--topic-root", "xa/#"}).get(ControllerOptions.TOPIC_ROOT));
        assertEquals("--topic-root" + RULE, cli.getMessage());

        Path controllerJson = Files.writeString(dir.resolve("controller.json"), "{\"topic-root\": \"xa/#\"}");
        OptionException file = assertThrows(OptionException.class,
                () -> new Args(new String[]{"--config", controllerJson.toString()}).get(ControllerOptions.TOPIC_ROOT));
        assertEquals("topic-root in " + controllerJson + RULE, file.getMessage());

        String key = Ed25519Keys.publicPem(Ed25519Keys.generate().getPublic());
        Path stationJson = Files.writeString(dir.resolve("station.json"), Json.mapper().writeValueAsString(Map.of(
                "stationId", "thon-dong-1", "brokerUrl", "tcp://127.0.0.1:1883", "dataDir", dir.toString(),
                "trustedKeys", Map.of("k1", key), "topicRoot", "xa/#")));
        IOException station = assertThrows(IOException.class, () -> AgentConfig.read(stationJson));
        assertEquals("station config " + stationJson + " is not usable: topicRoot" + RULE, station.getMessage());
        assertInstanceOf(OptionException.class, station.getCause());

        assertEquals(ControllerOptions.TOPIC_ROOT.defaultValue(), AgentOptions.TOPIC_ROOT.defaultValue(),
                "a station and its controller agree by default");
    }

    @Test
    void aStationBundleWritesOnlyKeysTheAgentDefinesAndTheAgentReadsIt() throws IOException {
        String key = Ed25519Keys.publicPem(Ed25519Keys.generate().getPublic());
        StationBundle.write(dir, new StationBundle.Identity("thon-dong-1", "thon-dong", "ssl://192.168.1.10:8883",
                        "thon-dong-1", "s3cret-s3cret-s3cret", "loalang/v1", "xa-abc123", key,
                        java.util.Map.of("release", Ed25519Keys.publicPem(Ed25519Keys.generate().getPublic()))),
                new StationBundle.Hardware(List.of(StationBundle.Relay.parse("amp:17"),
                        StationBundle.Relay.parse("aux:27:active-low")), "USB Audio"),
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", null);
        Path stationJson = dir.resolve("loalang-station-thon-dong-1/station.json");

        Set<String> defined = AgentOptions.ALL.stream().map(Option::key).collect(Collectors.toSet());
        List<String> undefined = new ArrayList<>();
        keys(Json.mapper().readTree(stationJson.toFile()), "", defined, undefined);
        assertEquals(List.of(), undefined, "keys of the bundle's station.json that AgentOptions does not define");

        AgentConfig c = AgentConfig.read(stationJson);
        assertEquals(2, c.gpio().relays().size());
        assertEquals(CacheConfig.CACHE_MAX_MEGABYTES.defaultValue(), c.cache().maxMegabytes());
        assertEquals(Set.of("release"), vn.loalang.agent.update.UpdateConfig.read(stationJson).publicKeys().keySet(),
                "the agent reads the release key the bundle carries");
    }

    /** Adds each key path of {@code node} that no definition names; a structure's own definition covers its keys. */
    private static void keys(JsonNode node, String path, Set<String> defined, List<String> undefined) {
        if (!path.isEmpty() && defined.contains(path) && !(node.isObject() || node.isArray())) {
            return;
        }
        if (node.isObject()) {
            if (path.equals("trustedKeys") || path.equals("update.releaseKeys")) {
                return; // key id → PEM: its keys are ids, not settings
            }
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                keys(node.get(field), path.isEmpty() ? field : path + "." + field, defined, undefined);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                keys(element, path + "[]", defined, undefined);
            }
        } else {
            undefined.add(path);
        }
    }
}
