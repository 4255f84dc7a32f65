package vn.loalang.agent;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.config.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's own command line comes from its definitions: {@code --help} lists each of them, and a
 * missing or unknown option is refused the way the controller's tools refuse one, exit code 2, before
 * anything starts. The real {@link Main}, in a JVM of its own.
 */
class AgentCommandLineTest {

    @Test
    void helpListsEveryOptionFromItsDefinition() throws Exception {
        Run help = main("--help");
        assertEquals(0, help.code(), help.err());
        assertEquals(AgentCommandLine.USAGE, help.out());
        for (Option<?> o : AgentCommandLine.ALL) {
            String entry = "  --" + o.key() + (o.metavar().isEmpty() ? "" : " " + o.metavar());
            assertTrue(help.out().contains(entry), entry + " in:\n" + help.out());
        }
        assertTrue(help.out().replaceAll("\\s+", " ").contains("--relays-off Switch every amplifier relay OFF and exit"),
                help.out());
        assertEquals(help.out(), main("-h").out());
    }

    @Test
    void noConfigIsRefusedWithItsRuleAndAnUnknownOptionWithTheUsage() throws Exception {
        Run none = main("--simulate");
        assertEquals(2, none.code());
        assertEquals("Tuỳ chọn sai / a bad option: --config is missing: give the station's config file as a file path, "
                + "e.g. /etc/loalang/station.json\n(loalang-station-agent --help lists every option)\n", none.err());

        Run unknown = main("--config", "station.json", "--simulat");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().startsWith("unknown option(s): --simulat\n\n" + AgentCommandLine.USAGE), unknown.err());
    }

    @Test
    void versionNeedsNoConfig() throws Exception {
        Run version = main("--version");
        assertEquals(0, version.code(), version.err());
        assertTrue(version.out().startsWith("loalang-station-agent "), version.out());
    }

    private record Run(int code, String out, String err) {
    }

    private static Run main(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the agent ends by itself");
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }
}
