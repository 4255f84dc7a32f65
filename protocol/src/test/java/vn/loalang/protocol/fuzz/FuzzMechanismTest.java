package vn.loalang.protocol.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * The fuzz machinery on properties of its own, run through the JUnit Platform as {@code ./loalang fuzz}
 * runs them (surefire leaves out these nested classes): a long run saves the failing input where the
 * replay finds it and the replay fails on it; a blocked call fails instead of hanging; a property
 * that finds nothing ends when its time is spent and passes.
 */
class FuzzMechanismTest {
    @TempDir
    Path module;

    @AfterEach
    void shortRunAgain() {
        System.clearProperty(Fuzz.SECONDS_PER_PROPERTY);
        System.clearProperty(Fuzz.MODULE_DIR);
        System.clearProperty(Fuzz.CALL_LIMIT_MILLIS);
    }

    /** A handler that lets an exception escape for any message of an odd length. */
    static final class Crashing implements FuzzTarget {
        @Override
        public void accept(byte[] input) {
            if (input.length % 2 == 1) {
                throw new IllegalStateException("a handler that forgot to catch");
            }
        }
    }

    @AddLifecycleHook(FuzzBudget.class)
    static class CrashingProperty extends FuzzProperties {
        @Provide
        Arbitrary<byte[]> messages() {
            return Mutations.of(List.of("{\"text\":\"xin chào\"}".getBytes(StandardCharsets.UTF_8)));
        }

        @Property(tries = 50, seed = "14", shrinking = ShrinkingMode.OFF)
        void crashes(@ForAll("messages") byte[] input) {
            fuzz("selftest", Crashing::new, input);
        }
    }

    @AddLifecycleHook(FuzzBudget.class)
    static class BlockingProperty extends FuzzProperties {
        @Property(tries = 3, seed = "14", shrinking = ShrinkingMode.OFF)
        void blocks(@ForAll byte[] input) {
            fuzz("selftest-blocking", () -> in -> {
                while (true) {
                    Math.sqrt(in.length); // a loop that never checks for an interrupt, like a count to 10^15
                }
            }, input);
        }
    }

    @AddLifecycleHook(FuzzBudget.class)
    static class QuietProperty extends FuzzProperties {
        @Provide
        Arbitrary<byte[]> anything() {
            return Arbitraries.bytes().array(byte[].class).ofMaxSize(64);
        }

        @Property(tries = 10, seed = "14", shrinking = ShrinkingMode.OFF)
        void findsNothing(@ForAll("anything") byte[] input) {
            fuzz("selftest-quiet", () -> in -> {
            }, input);
        }
    }

    @AddLifecycleHook(FuzzBudget.class)
    static class LeakingProperty extends FuzzProperties {
        @Override
        protected long heapBoundBytes() {
            return 4L << 20;
        }

        @Property(tries = 200, seed = "14", shrinking = ShrinkingMode.OFF)
        void keepsEverything(@ForAll byte[] input) {
            List<byte[]> kept = new java.util.ArrayList<>();
            fuzz("selftest-leaking", () -> in -> kept.add(new byte[64 * 1024]), input);
        }
    }

    private static TestExecutionSummary run(Class<?> properties) {
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request().selectors(selectClass(properties))
                .configurationParameter("jqwik.database", "target/jqwik-database").build(), summary);
        return summary.getSummary();
    }

    @Test
    void aLongRunSavesTheFailingInputAndTheReplayFailsOnIt() throws Throwable {
        System.setProperty(Fuzz.SECONDS_PER_PROPERTY, "30");
        System.setProperty(Fuzz.MODULE_DIR, module.toString());
        TestExecutionSummary summary = run(CrashingProperty.class);
        assertEquals(1, summary.getTestsFailedCount(), "the crash is found");
        String message = summary.getFailures().get(0).getException().getMessage();
        assertTrue(message.contains("let java.lang.IllegalStateException: a handler that forgot to catch escape"), message);

        Path dir = module.resolve(Fuzz.REGRESSIONS).resolve("selftest");
        List<Path> saved;
        try (Stream<Path> files = Files.list(dir)) {
            saved = files.toList();
        }
        assertEquals(1, saved.size(), "one failing input saved: " + saved);
        byte[] input = Files.readAllBytes(saved.get(0));
        assertEquals(1, input.length % 2, "the input the handler failed on");
        assertEquals(Fuzz.sha256(input).substring(0, 16) + ".bin", saved.get(0).getFileName().toString());
        assertTrue(message.contains(saved.get(0).toString()), "the failure says where the input went: " + message);

        List<DynamicTest> replay = Regressions.replay(Map.of("selftest", Crashing::new)).toList();
        assertEquals(List.of("selftest/" + saved.get(0).getFileName()), replay.stream().map(DynamicTest::getDisplayName).toList());
        AssertionError again = assertThrows(AssertionError.class, () -> replay.get(0).getExecutable().execute());
        assertTrue(again.getMessage().contains("a handler that forgot to catch"), again.getMessage());
        // Once the handler is fixed, the saved input passes.
        Regressions.replay(Map.of("selftest", () -> in -> {
        })).toList().get(0).getExecutable().execute();
        assertArrayEquals(input, Files.readAllBytes(saved.get(0)), "a replay changes nothing on disk");
    }

    @Test
    void aSavedInputNoTargetKnowsFailsTheReplay() throws Throwable {
        Path orphan = Files.createDirectories(module.resolve(Fuzz.REGRESSIONS).resolve("gone"));
        Files.write(orphan.resolve("0123456789abcdef.bin"), new byte[]{1});
        System.setProperty(Fuzz.MODULE_DIR, module.toString());
        DynamicTest replay = Regressions.replay(Map.of("selftest", Crashing::new)).findFirst().orElseThrow();
        assertThrows(AssertionError.class, () -> replay.getExecutable().execute());
    }

    @Test
    void aCallThatNeverReturnsFailsWithinTheLimitAndIsStopped() {
        System.setProperty(Fuzz.CALL_LIMIT_MILLIS, "300");
        long start = System.nanoTime();
        TestExecutionSummary summary = run(BlockingProperty.class);
        assertEquals(1, summary.getTestsFailedCount());
        String message = summary.getFailures().get(0).getException().getMessage();
        assertTrue(message.contains("did not return within 300 ms") && message.contains("FuzzMechanismTest"), message);
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "failed in time, not hung");
        org.awaitility.Awaitility.await().until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().equals("fuzz-selftest-blocking")));
    }

    @Test
    void aTargetThatKeepsSomethingForEveryMessageFailsTheHeapBound() {
        TestExecutionSummary summary = run(LeakingProperty.class);
        assertEquals(1, summary.getTestsFailedCount(), "200 × 64 KB kept is over the 4 MB bound");
        String message = summary.getFailures().get(0).getException().getMessage();
        assertTrue(message.contains("selftest-leaking") && message.contains("more heap"), message);
    }

    @Test
    void aLongRunEndsAPropertyWhenItsTimeIsSpentAndItPasses() {
        System.setProperty(Fuzz.SECONDS_PER_PROPERTY, "2");
        System.setProperty(Fuzz.MODULE_DIR, module.toString());
        long start = System.nanoTime();
        TestExecutionSummary summary = run(QuietProperty.class);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertEquals(1, summary.getTestsSucceededCount(), () -> summary.getFailures().toString());
        assertTrue(seconds >= 2 && seconds < 30, "ran for its budget, not its 10 tries: " + seconds + " s");
        assertTrue(Files.notExists(module.resolve(Fuzz.REGRESSIONS)), "nothing saved when nothing failed");
    }
}
