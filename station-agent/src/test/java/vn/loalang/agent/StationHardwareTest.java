package vn.loalang.agent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** On a pole, no silent fallback to mock relays or WAV files: the config must name the real hardware. */
class StationHardwareTest {
    private static final String KEY = "\"trustedKeys\": {\"k1\": \"-----BEGIN PUBLIC KEY-----\\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\\n-----END PUBLIC KEY-----\\n\"}";

    @TempDir
    Path dir;

    private Path config(String hardware) throws Exception {
        return Files.writeString(dir.resolve("station.json"), "{\"stationId\": \"st-01\", \"brokerUrl\": \"tcp://127.0.0.1:1\", "
                + "\"dataDir\": \"" + dir.resolve("data") + "\", " + KEY + (hardware.isEmpty() ? "" : ", " + hardware) + "}");
    }

    @Test
    void aConfigWithoutGpioOrAudioIsASimulationAndSaysWhatIsMissing() throws Exception {
        List<String> problems = StationHardware.problems(AgentConfig.read(config("")));

        assertEquals(2, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("gpio.provider is mock (or the gpio section is missing)"), problems.get(0));
        assertTrue(problems.get(1).startsWith("audio.sink is wav (or the audio section is missing)"), problems.get(1));
    }

    /** Required at install; a station installed before then keeps playing on its default line, warned of. */
    @Test
    void anUnnamedSoundCardIsWarnedOfNotRefused() throws Exception {
        String gpio = "\"gpio\": {\"provider\": \"gpiod\", \"relays\": [{\"name\": \"amp\", \"pin\": 27, \"activeLow\": true}]}";

        AgentConfig unnamed = AgentConfig.read(config(gpio + ", \"audio\": {\"sink\": \"javasound\"}"));
        assertEquals(List.of(), StationHardware.problems(unnamed));
        assertEquals(1, StationHardware.warnings(unnamed).size());
        assertTrue(StationHardware.warnings(unnamed).get(0).startsWith("audio.device is missing: the station plays on the "
                + "default line, which may be HDMI"), StationHardware.warnings(unnamed).get(0));

        AgentConfig named = AgentConfig.read(config(gpio + ", \"audio\": {\"sink\": \"javasound\", \"device\": \"USB Audio\"}"));
        assertEquals(List.of(), StationHardware.problems(named));
        assertEquals(List.of(), StationHardware.warnings(named));
    }

    /** The agent's own command line: refused before anything starts, exit status 2, the reasons on stderr. */
    @Test
    void theAgentRefusesToRunOnSuchAConfigWithoutSimulate() throws Exception {
        Path config = config("");
        Process agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "vn.loalang.agent.Main", "--config", config.toString())
                .redirectErrorStream(true).start();
        String output = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertTrue(agent.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(2, agent.exitValue(), output);
        assertTrue(output.contains("is not usable without --simulate: gpio.provider is mock"), output);
        assertTrue(output.contains("audio.sink is wav (or the audio section is missing)"), output);
        assertFalse(Files.exists(dir.resolve("data")), "nothing started: " + output);
    }
}
