package vn.loalang.controller;

import vn.loalang.controller.server.ControllerOptions;
import vn.loalang.controller.cli.Args;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import vn.loalang.protocol.Json;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The commune server's example config (provisioning/src/main/dist/server/controller.json) against the
 * options {@code run} reads: a misspelt key would stop the controller at its first start on site.
 */
class ProductionConfigTest {
    static final Path CONFIG = Path.of("..", "provisioning", "src", "main", "dist", "server", "controller.json");

    @Test
    void everyKeyOfTheExampleConfigIsAnOptionOfRun() throws Exception {
        assertTrue(Files.isRegularFile(CONFIG), CONFIG.toAbsolutePath() + " exists");
        JsonNode config = Json.mapper().readTree(Files.readAllBytes(CONFIG));
        List<String> unknown = new ArrayList<>();
        config.fieldNames().forEachRemaining(k -> {
            if (!Main.USAGE.contains("--" + k + " ")) {
                unknown.add(k);
            }
        });
        assertEquals(List.of(), unknown, "keys of controller.json that run does not know");
        Args args = new Args(new String[]{"--config", CONFIG.toString()});
        assertEquals("ssl://127.0.0.1:8883", args.get(ControllerOptions.BROKER));
        assertEquals(Path.of("/etc/mosquitto/loalang/accounts"), args.get(ControllerOptions.BROKER_ACCOUNTS),
                "where provision init puts the accounts the controller rewrites");
        assertEquals(Path.of("/etc/mosquitto/loalang/ca.pem"), args.get(ControllerOptions.MQTT_CA));
        assertEquals("0.0.0.0", args.get(ControllerOptions.HTTP_HOST), "beyond loopback, so it must have HTTPS:");
        assertEquals(8443, args.get(ControllerOptions.HTTPS_PORT));
        // Written in the file, not the definitions' defaults (which are the same paths):
        assertTrue(args.has(ControllerOptions.TLS_CERT) && args.has(ControllerOptions.TLS_KEY), "the file names them");
        assertEquals(Path.of("/etc/loalang/tls/controller.pem"), args.get(ControllerOptions.TLS_CERT),
                "where provision init writes the console's certificate");
        assertEquals(Path.of("/etc/loalang/tls/controller.key"), args.get(ControllerOptions.TLS_KEY));
    }
}
