package vn.loalang.controller;

import vn.loalang.controller.server.ControllerOptions;
import vn.loalang.controller.server.ControllerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.controller.content.StorageLimits;
import vn.loalang.controller.http.HttpsSettings;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.config.OptionException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code run}'s options as {@link ControllerOptions} defines them: --help, defaults, bounds, and a bad value. */
class ControllerOptionsTest {
    @TempDir
    Path dir;

    @Test
    void helpListsEveryOptionWithItsPlaceholderDefaultAndRule() {
        for (Option<?> o : ControllerOptions.ALL) {
            assertTrue(Main.USAGE.contains("  --" + o.key() + " " + o.metavar()), o.key() + " in --help:\n" + Main.USAGE);
        }
        assertTrue(Main.USAGE.contains("(default 512; a whole number of megabytes from 1 to 1048576)"), Main.USAGE);
        assertTrue(Main.USAGE.contains("(default 8080; a TCP port from 1 to 65535)"), Main.USAGE);
    }

    @Test
    void noOptionsAtAllIsTheDefinitionsDefaults() throws IOException {
        ControllerConfig c = Main.config(new String[0]);
        assertEquals(ControllerConfig.of(null, ControllerOptions.DATA.defaultValue()).withStorage(StorageLimits.DEFAULT), c);
        assertEquals(Path.of("loalang-data"), c.dataDir());
        assertEquals(8080, c.httpPort());
        assertEquals(1883, c.mqttPort());
        assertEquals("loalang/v1", c.topicRoot());
        assertTrue(c.embeddedBroker());
        assertNull(c.https());
        assertEquals(StorageLimits.DEFAULT, c.storage(), "the options' defaults are StorageLimits'");
    }

    @Test
    void liveChannelsAreEmbeddedByDefaultOrIcecastWithItsThreePasswordsFromFiles() throws IOException {
        assertTrue(Main.config(new String[0]).live().embedded());
        assertEquals("ffmpeg", Main.config(new String[0]).live().ffmpeg());
        Path source = Files.writeString(dir.resolve("source"), "nguon\n");
        Path admin = Files.writeString(dir.resolve("admin"), "quan-tri\n");
        Path callback = Files.writeString(dir.resolve("callback"), "goi-lai\n");
        ControllerConfig c = Main.config(new String[]{"--live-server", "icecast", "--icecast-url", "http://127.0.0.1:8000",
                "--icecast-public-url", "https://10.0.0.1:8443", "--icecast-source-password-file", source.toString(),
                "--icecast-admin-password-file", admin.toString(), "--icecast-callback-password-file", callback.toString(),
                "--ffmpeg", "/usr/local/bin/ffmpeg"});
        var ice = c.live().icecast();
        assertEquals(java.net.URI.create("http://127.0.0.1:8000"), ice.url());
        assertEquals(java.net.URI.create("https://10.0.0.1:8443"), ice.publicUrl());
        assertEquals("nguon", ice.sourcePassword());
        assertEquals("quan-tri", ice.adminPassword());
        assertEquals("goi-lai", ice.callbackPassword());
        assertEquals("/usr/local/bin/ffmpeg", c.live().ffmpeg());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> Main.config(new String[]{
                "--live-server", "icecast", "--icecast-url", "http://127.0.0.1:8000"}));
        assertTrue(missing.getMessage().contains("--icecast-public-url"), missing.getMessage());
        IllegalArgumentException stray = assertThrows(IllegalArgumentException.class, () -> Main.config(new String[]{
                "--icecast-url", "http://127.0.0.1:8000"}));
        assertTrue(stray.getMessage().contains("--live-server icecast"), stray.getMessage());
    }

    @Test
    void everyOptionIsReadIntoTheConfig() throws IOException {
        Path pw = Files.writeString(dir.resolve("pw"), "bi-mat\n");
        ControllerConfig c = Main.config(new String[]{"--data", "/srv/xa", "--store", "/srv/backup/xa.db",
                "--broker", "ssl://127.0.0.1:8883", "--mqtt-user", "controller", "--mqtt-password-file", pw.toString(),
                "--mqtt-ca", "/etc/ca.pem", "--broker-accounts", "/etc/accounts", "--broker-reload", "systemctl reload mosquitto",
                "--http-host", "0.0.0.0", "--http-port", "8081", "--https-port", "8443", "--public-url",
                "https://10.0.0.1:8443", "--topic-root", "xa/v1", "--webhook", "http://127.0.0.1:9000/hook",
                "--upload-max-mb", "100", "--clip-max-mb", "10", "--library-quota-mb", "1000"});
        assertEquals("ssl://127.0.0.1:8883", c.brokerUrl());
        assertEquals("bi-mat", c.password());
        assertEquals(java.util.List.of("systemctl", "reload", "mosquitto"), c.brokerAccounts().reloadCommand());
        assertEquals(new HttpsSettings(8443, Path.of("/etc/loalang/tls/controller.pem"),
                Path.of("/etc/loalang/tls/controller.key")), c.https());
        assertEquals(URI.create("https://10.0.0.1:8443"), c.publicUrl());
        assertEquals(StorageLimits.ofMegabytes(100, 10, 1000), c.storage());
        assertEquals("xa/v1", c.topicRoot());
        assertEquals(Path.of("/srv/backup/xa.db"), c.store());
    }

    @Test
    void aBadValueOnTheCommandLineIsRefusedWithItsDefinitionsMessage() {
        OptionException e = assertThrows(OptionException.class, () -> Main.config(new String[]{"--upload-max-mb", "-3"}));
        assertEquals("--upload-max-mb = -3 is not allowed: give the largest upload as a whole number of megabytes "
                + "from 1 to 1048576, e.g. 512", e.getMessage());
        assertEquals("--http-port = 80a is not allowed: give the plain HTTP port as a TCP port from 1 to 65535, e.g. 8080",
                assertThrows(OptionException.class, () -> Main.config(new String[]{"--http-port", "80a"})).getMessage());
        assertTrue(assertThrows(OptionException.class, () -> Main.config(new String[]{"--broker", "http://10.0.0.2:1883"}))
                .getMessage().contains("embedded, or an MQTT URL tcp://HOST:PORT or ssl://HOST:PORT"));
        assertThrows(OptionException.class, () -> Main.config(new String[]{"--topic-root", "xa/#"}));
        assertThrows(OptionException.class, () -> Main.config(new String[]{"--webhook", "hook"}));
    }

    @Test
    void aBadValueInTheConfigFileNamesTheFile() throws IOException {
        Path file = Files.writeString(dir.resolve("controller.json"), "{\"upload-max-mb\": -3}");
        OptionException e = assertThrows(OptionException.class, () -> Main.config(new String[]{"--config", file.toString()}));
        assertEquals("upload-max-mb in " + file + " = -3 is not allowed: give the largest upload as a whole number of "
                + "megabytes from 1 to 1048576, e.g. 512", e.getMessage());
    }
}
