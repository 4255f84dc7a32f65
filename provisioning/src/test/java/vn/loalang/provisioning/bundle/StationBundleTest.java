package vn.loalang.provisioning.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.Json;
import vn.loalang.protocol.signing.Ed25519Keys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StationBundleTest {
    @TempDir
    Path dir;

    @Test
    void oneArchiveHoldsTheConfigTheTrustAndTheInstallerWithThePasswordPrivate() throws Exception {
        String key = Ed25519Keys.publicPem(Ed25519Keys.generate().getPublic());
        StationBundle.Identity id = new StationBundle.Identity("thon-dong-1", "thon-dong", "ssl://192.168.1.10:8883",
                "thon-dong-1", "s3cret-s3cret-s3cret", "loalang/v1", "xa-abc123", key);
        Path jar = Files.writeString(dir.resolve("agent.jar"), "jar bytes");
        Path archive = StationBundle.write(dir.resolve("out"), id,
                new StationBundle.Hardware(List.of(StationBundle.Relay.parse("amp:17"), StationBundle.Relay.parse("aux:27:active-low")),
                        "USB Audio"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n", jar);

        Process tar = new ProcessBuilder("tar", "-tvzf", archive.toString()).redirectErrorStream(true).start();
        assertTrue(tar.waitFor(30, TimeUnit.SECONDS));
        String listing = new String(tar.getInputStream().readAllBytes());
        for (String f : List.of("station.json", "ca.pem", "controller-signing.pub.pem", "install.sh",
                "loalang-agent.service", "loalang-relays", "loalang-update", "loalang-station-agent.jar", "README.txt")) {
            assertTrue(listing.contains("loalang-station-thon-dong-1/" + f), f + " in\n" + listing);
        }
        assertTrue(listing.lines().filter(l -> l.endsWith("station.json")).allMatch(l -> l.startsWith("-rw-------")),
                "the password is the owner's only:\n" + listing);
        assertTrue(listing.lines().filter(l -> l.endsWith("install.sh")).allMatch(l -> l.startsWith("-rwxr-xr-x")), listing);
        assertTrue(listing.lines().filter(l -> l.endsWith("loalang-relays")).allMatch(l -> l.startsWith("-rwxr-xr-x")), listing);
        assertTrue(listing.lines().filter(l -> l.endsWith("loalang-update")).allMatch(l -> l.startsWith("-rwxr-xr-x")), listing);
        assertTrue(listing.lines().allMatch(l -> l.contains(" 0/0 ")), "root-owned in the archive:\n" + listing);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(archive)));

        JsonNode c = Json.mapper().readTree(dir.resolve("out/loalang-station-thon-dong-1/station.json").toFile());
        assertEquals("ssl://192.168.1.10:8883", c.get("brokerUrl").asText());
        assertEquals("ca.pem", c.get("caFile").asText(), "relative: the agent finds it beside its config");
        assertEquals("/var/lib/loalang", c.get("dataDir").asText());
        assertEquals(key, c.get("trustedKeys").get("xa-abc123").asText());
        assertEquals(27, c.get("gpio").get("relays").get(1).get("pin").asInt());
        assertTrue(c.get("gpio").get("relays").get(1).get("activeLow").asBoolean());
        assertEquals("USB Audio", c.get("audio").get("device").asText());
        assertTrue(Files.readString(dir.resolve("out/loalang-station-thon-dong-1/install.sh")).startsWith("#!"),
                "the real install script");
    }

    @Test
    void theCommunesReleaseKeyGoesIntoTheBundleSoTheStationCanVerifyAnUpdate() throws Exception {
        String controllerKey = Ed25519Keys.publicPem(Ed25519Keys.generate().getPublic());
        String releaseKey = Ed25519Keys.publicPem(Ed25519Keys.generate().getPublic());
        StationBundle.Identity id = new StationBundle.Identity("st-1", "v", "ssl://h:8883", "st-1", "p", "loalang/v1",
                "k", controllerKey, java.util.Map.of("release", releaseKey));
        StationBundle.write(dir, id, new StationBundle.Hardware(null, null), "pem", null);
        JsonNode c = Json.mapper().readTree(dir.resolve("loalang-station-st-1/station.json").toFile());
        assertEquals(releaseKey, c.path("update").path("releaseKeys").path("release").asText());
        assertFalse(c.path("update").path("releaseKeys").has("k"), "the controller's key is not a release key");

        StationBundle.write(dir, new StationBundle.Identity("st-1", "v", "ssl://h:8883", "st-1", "p", "loalang/v1",
                "k", controllerKey), new StationBundle.Hardware(null, null), "pem", null);
        assertFalse(Json.mapper().readTree(dir.resolve("loalang-station-st-1/station.json").toFile()).has("update"),
                "a commune without a release key writes no update section: the agent's defaults hold");
    }

    @Test
    void aBrokerReachedInClearGetsNoCertificateAndNoCaFile() throws Exception {
        // The controller's embedded broker speaks tcp:// (plan 18 §4 item 10): there is no CA to trust.
        String key = Ed25519Keys.publicPem(Ed25519Keys.generate().getPublic());
        StationBundle.Identity id = new StationBundle.Identity("st-1", "v", "tcp://192.168.1.10:1883", "st-1", "p",
                "loalang/v1", "k", key);
        StationBundle.write(dir, id, new StationBundle.Hardware(null, "USB Audio"), "pem", null);
        assertTrue(Files.exists(dir.resolve("loalang-station-st-1/ca.pem")));
        StationBundle.write(dir, id, new StationBundle.Hardware(null, "USB Audio"), null, null);
        assertFalse(Files.exists(dir.resolve("loalang-station-st-1/ca.pem")), "a stale certificate is not left behind");
        JsonNode c = Json.mapper().readTree(dir.resolve("loalang-station-st-1/station.json").toFile());
        assertFalse(c.has("caFile"), c.toString());
        assertEquals("tcp://192.168.1.10:1883", c.get("brokerUrl").asText());
    }

    @Test
    void aRotatedBundleWithoutAJarLeavesNoStaleJarBehind() throws Exception {
        StationBundle.Identity id = new StationBundle.Identity("st-1", "v", "ssl://h:8883", "st-1", "p", "loalang/v1",
                "k", Ed25519Keys.publicPem(Ed25519Keys.generate().getPublic()));
        Path jar = Files.writeString(dir.resolve("agent.jar"), "jar");
        StationBundle.write(dir, id, new StationBundle.Hardware(null, null), "pem", jar);
        StationBundle.write(dir, id, new StationBundle.Hardware(null, null), "pem", null);
        assertFalse(Files.exists(dir.resolve("loalang-station-st-1/loalang-station-agent.jar")));
    }

    @Test
    void aRelayMapWithAMistakeSaysWhatIsExpected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StationBundle.Relay.parse("amp"));
        assertTrue(e.getMessage().contains("NAME:PIN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> StationBundle.Relay.parse("amp:x"));
        assertThrows(IllegalArgumentException.class, () -> StationBundle.Relay.parse("amp:99"));
        assertThrows(IllegalArgumentException.class, () -> StationBundle.Relay.parse("amp:17:inverted"));
    }

    @Test
    void aRelayOnAPinTheBoardOrTheBootDrivesIsRefusedAtTheServerWithWhy() {
        IllegalArgumentException i2c = assertThrows(IllegalArgumentException.class, () -> StationBundle.Relay.parse("amp:2"));
        assertTrue(i2c.getMessage().contains("BCM 2 is I2C1 SDA"), i2c.getMessage());
        IllegalArgumentException uart = assertThrows(IllegalArgumentException.class,
                () -> StationBundle.Relay.parse("amp:14:active-low"));
        assertTrue(uart.getMessage().contains("UART TX"), uart.getMessage());
        IllegalArgumentException offHeader = assertThrows(IllegalArgumentException.class, () -> StationBundle.Relay.parse("amp:28"));
        assertTrue(offHeader.getMessage().contains("not on the 40-pin header"), offHeader.getMessage());
        assertEquals(27, StationBundle.Relay.parse("amp:27:active-low").pin(), "the docs' example stays allowed");
    }
}
