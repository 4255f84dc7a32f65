package vn.loalang.systemtests.config;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/configuration.md is what the definitions say, word for word (a golden file). With
 * {@code -Dloalang.writeDocs=true} it rewrites the page instead, then checks it.
 */
class ConfigurationDocTest {
    @Test
    void theConfigurationPageIsGeneratedFromTheDefinitions() throws IOException {
        if (Boolean.getBoolean("loalang.writeDocs")) {
            ConfigurationDoc.main(new String[0]);
        }
        assertTrue(Files.isRegularFile(ConfigurationDoc.file()), ConfigurationDoc.file().toAbsolutePath()
                + " is missing; write it with: " + ConfigurationDoc.REGENERATE);
        assertEquals(ConfigurationDoc.markdown(), Files.readString(ConfigurationDoc.file(), StandardCharsets.UTF_8),
                "docs/configuration.md is out of date with ControllerOptions/AgentOptions; regenerate it with: "
                        + ConfigurationDoc.REGENERATE);
    }
}
