package vn.loalang.controller;

import vn.loalang.controller.cli.Args;
import org.junit.jupiter.api.Test;
import vn.loalang.controller.http.HttpsSettings;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code run}'s HTTPS options, as a technician types them or controller.json holds them. */
class HttpsOptionsTest {
    @Test
    void anHttpsPortAloneUsesTheFilesProvisionInitWrites() {
        HttpsSettings https = Main.https(new Args(new String[]{"--https-port", "8443"}));
        assertEquals(new HttpsSettings(8443, Path.of("/etc/loalang/tls/controller.pem"),
                Path.of("/etc/loalang/tls/controller.key")), https);
    }

    @Test
    void anAdministratorsOwnFilesAreTakenAsGiven() {
        HttpsSettings https = Main.https(new Args(new String[]{"--https-port", "443", "--tls-cert", "/srv/xa/chain.pem",
                "--tls-key", "/srv/xa/key.pem"}));
        assertEquals(Path.of("/srv/xa/chain.pem"), https.certificateChain());
        assertEquals(Path.of("/srv/xa/key.pem"), https.privateKey());
    }

    @Test
    void noHttpsPortNoHttpsAndACertificateWithoutAPortIsAMistake() {
        assertNull(Main.https(new Args(new String[]{"--http-port", "8080"})));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Main.https(new Args(new String[]{"--tls-cert", "/srv/xa/chain.pem"})));
        assertTrue(e.getMessage().contains("--https-port"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Main.https(new Args(new String[]{"--https-port", "70000"})));
    }
}
