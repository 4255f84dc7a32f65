package vn.loalang.systemtests.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import vn.loalang.protocol.config.Option;
import vn.loalang.protocol.testing.JavaMain;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every benchmark's options are in the list its {@code --help} and docs/configuration.md are made from,
 * and a bad value is refused as every program of Loa Làng refuses one, before anything is started.
 */
class BenchOptionsTest {
    private static final Map<Benches.Bench, Class<?>> DEFINED_IN = Map.of(Benches.AGENT, AgentFootprintBench.Options.class,
            Benches.ALERT, AlertLatencyBench.Options.class, Benches.HEALTH, HealthBench.Options.class,
            Benches.CONNECT, ConnectBench.Options.class, Benches.LIVE, LiveBench.Options.class);

    @TempDir
    Path dir;

    @Test
    void eachBenchListsEveryOptionItDefinesAndItsHelpShowsThemAll() throws IllegalAccessException {
        assertEquals(DEFINED_IN.keySet(), java.util.Set.copyOf(Benches.ALL));
        for (Benches.Bench bench : Benches.ALL) {
            List<Option<?>> defined = new ArrayList<>();
            for (Field f : DEFINED_IN.get(bench).getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == Option.class) {
                    f.setAccessible(true);
                    defined.add((Option<?>) f.get(null));
                }
            }
            assertFalse(defined.isEmpty(), bench.name());
            assertEquals(java.util.Set.copyOf(defined), java.util.Set.copyOf(bench.options()),
                    "./loalang bench " + bench.name() + ": the options it reads are the ones it lists");
            for (Option<?> o : bench.options()) {
                assertTrue(bench.usage().contains("  --" + o.key() + " " + o.metavar()), o.key() + " in\n" + bench.usage());
            }
        }
    }

    @Test
    void helpPrintsTheListAndABadValueIsRefusedWithItsRuleBeforeAnythingStarts() throws Exception {
        JavaMain help = JavaMain.run(ConnectBench.class, "--work", dir.resolve("w").toString(), "--help");
        assertEquals(0, help.code(), help.err());
        assertEquals(Benches.CONNECT.usage(), help.out());

        JavaMain bad = JavaMain.run(ConnectBench.class, "--work", dir.resolve("w").toString(), "--stations", "0");
        assertEquals(2, bad.code(), bad.out());
        assertEquals("Tuỳ chọn sai / a bad option: --stations = 0 is not allowed: give the number of stations as a "
                + "whole number from 1 to 100000, e.g. 1000\n(./loalang bench connect --help lists every option)\n",
                bad.err());
        assertFalse(Files.exists(dir.resolve("w")), "nothing started, nothing written");
    }
}
