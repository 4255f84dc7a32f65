package vn.loalang.protocol.fuzz;

import org.junit.jupiter.api.DynamicTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Replays every input a long fuzz run saved ({@code src/test/resources/fuzz-regressions/<target>/}) on
 * a fresh target, with the same invariants: once found, a crash stays fixed.
 */
public final class Regressions {
    private Regressions() {
    }

    public static Stream<DynamicTest> replay(Map<String, Callable<FuzzTarget>> targets) throws IOException {
        Path root = Fuzz.moduleDir().resolve(Fuzz.REGRESSIONS);
        List<DynamicTest> tests = new ArrayList<>();
        if (!Files.isDirectory(Fuzz.moduleDir().resolve("src/test"))) {
            // Run from elsewhere than the module's folder, the saved inputs would be skipped without a word.
            return Stream.of(DynamicTest.dynamicTest("saved inputs found", () -> fail("no src/test under "
                    + Fuzz.moduleDir().toAbsolutePath() + ": run the tests from the module's folder (Maven does)")));
        }
        if (!Files.isDirectory(root)) {
            return Stream.empty(); // a module none of whose fuzz runs has failed yet
        }
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                String name = dir.getFileName().toString();
                Callable<FuzzTarget> opener = targets.get(name);
                try (Stream<Path> files = Files.list(dir)) {
                    for (Path file : files.filter(f -> f.toString().endsWith(".bin")).sorted().toList()) {
                        tests.add(DynamicTest.dynamicTest(name + "/" + file.getFileName(), () -> {
                            if (opener == null) {
                                fail("saved input " + file + " names no fuzz target of this module; known: " + targets.keySet());
                            }
                            try (FuzzTarget target = opener.call()) {
                                target.prepare();
                                Fuzz.call(name, Files.readAllBytes(file), target);
                            }
                        }));
                    }
                }
            }
        }
        return tests.stream();
    }
}
