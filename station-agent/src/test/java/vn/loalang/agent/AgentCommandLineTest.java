package vn.loalang.agent;

import org.junit.jupiter.api.Test;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.testing.JavaMain;


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
        JavaMain help = JavaMain.run(Main.class, "--help");
        assertEquals(0, help.code(), help.err());
        assertEquals(AgentCommandLine.USAGE, help.out());
        for (Option<?> o : AgentCommandLine.ALL) {
            String entry = "  --" + o.key() + (o.metavar().isEmpty() ? "" : " " + o.metavar());
            assertTrue(help.out().contains(entry), entry + " in:\n" + help.out());
        }
        assertTrue(help.out().replaceAll("\\s+", " ").contains("--relays-off Switch every amplifier relay OFF and exit"),
                help.out());
        assertEquals(help.out(), JavaMain.run(Main.class, "-h").out());
    }

    @Test
    void noConfigIsRefusedWithItsRuleAndAnUnknownOptionWithTheUsage() throws Exception {
        JavaMain none = JavaMain.run(Main.class, "--simulate");
        assertEquals(2, none.code());
        assertEquals("Tuỳ chọn sai / a bad option: --config is missing: give the station's config file as a file path, "
                + "e.g. /etc/loalang/station.json\n(loalang-station-agent --help lists every option)\n", none.err());

        JavaMain unknown = JavaMain.run(Main.class, "--config", "station.json", "--simulat");
        assertEquals(2, unknown.code());
        assertTrue(unknown.err().startsWith("unknown option(s): --simulat\n\n" + AgentCommandLine.USAGE), unknown.err());
    }

    @Test
    void versionNeedsNoConfig() throws Exception {
        JavaMain version = JavaMain.run(Main.class, "--version");
        assertEquals(0, version.code(), version.err());
        assertTrue(version.out().startsWith("loalang-station-agent "), version.out());
    }
}
