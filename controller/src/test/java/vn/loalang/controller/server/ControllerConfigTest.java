package vn.loalang.controller.server;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ControllerConfigTest {

    @Test
    void fillsTheDefaultsOfTheOneCommandSetUpAndKeepsWhatIsChanged() {
        ControllerConfig c = ControllerConfig.of(Path.of("commune.json"), Path.of("data"));

        assertTrue(c.embeddedBroker());
        assertEquals("127.0.0.1", c.mqttHost());
        assertEquals(1883, c.mqttPort());
        assertEquals("loalang/v1", c.topicRoot());
        assertEquals("127.0.0.1", c.httpHost());
        assertEquals(8080, c.httpPort());

        ControllerConfig external = c.withExternalBroker("tcp://10.0.0.2:1883", "controller", "secret")
                .withHttp("0.0.0.0", 9090, URI.create("http://192.168.1.10:9090")).withTopicRoot("xa-an-binh/v1");
        assertFalse(external.embeddedBroker());
        assertEquals("tcp://10.0.0.2:1883", external.brokerUrl());
        assertEquals("controller", external.username());
        assertEquals(9090, external.httpPort());
        assertEquals(URI.create("http://192.168.1.10:9090"), external.publicUrl());
        assertEquals("xa-an-binh/v1", external.topicRoot());
        assertEquals(Path.of("commune.json"), external.communeFile());
    }

    @Test
    void theStoreIsInTheDataDirectoryUnlessNamed() {
        ControllerConfig c = ControllerConfig.of(java.nio.file.Path.of("commune.json"), java.nio.file.Path.of("data"));

        assertEquals(java.nio.file.Path.of("data", "loalang.db"), c.store());
        assertEquals(java.nio.file.Path.of("/srv/backup/xa.db"),
                c.withStoreFile(java.nio.file.Path.of("/srv/backup/xa.db")).withHttp("0.0.0.0", 80, null).store());
    }
}
