package vn.loalang.controller.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.config.Option;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code demo}'s options come from {@link DemoOptions}: its --help lists them; a bad value is refused first. */
class DemoOptionsTest {
    @TempDir
    Path dir;

    @Test
    void itsHelpListsEachOption() {
        for (Option<?> o : DemoOptions.ALL) {
            assertTrue(Demo.USAGE.contains("  --" + o.key() + " " + o.metavar()), o.key() + " in:\n" + Demo.USAGE);
        }
        assertTrue(Demo.USAGE.replaceAll("\\s+", " ").contains("(default 0; a whole number of seconds from 0 to 86400)"),
                Demo.USAGE);
    }

    @Test
    void aBadValueIsRefusedAsRunRefusesOneBeforeTheDemoStarts() throws Exception {
        Path jar = Files.writeString(dir.resolve("agent.jar"), "not started: the demo stops before");
        Path data = dir.resolve("demo-data");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream before = System.err;
        int code;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            code = Demo.run(new String[]{"--agent-jar", jar.toString(), "--data", data.toString(), "--exit-after", "-5"});
        } finally {
            System.setErr(before);
        }
        assertEquals(2, code);
        assertEquals("Tuỳ chọn sai / a bad option: --exit-after = -5 is not allowed: give how long the demo runs as a "
                + "whole number of seconds from 0 to 86400, e.g. 0\n(loalang-controller demo --help lists every option)\n",
                err.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(data), "nothing prepared");
    }
}
