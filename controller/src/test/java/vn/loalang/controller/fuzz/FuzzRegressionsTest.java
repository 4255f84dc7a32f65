package vn.loalang.controller.fuzz;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import vn.loalang.protocol.fuzz.FuzzTarget;
import vn.loalang.protocol.fuzz.Regressions;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** Every input a long fuzz run saved for the controller, replayed on every test run. */
class FuzzRegressionsTest {
    static Map<String, Callable<FuzzTarget>> targets() {
        Map<String, Callable<FuzzTarget>> all = new HashMap<>();
        all.putAll(StationMessagesFuzzTest.TARGETS);
        all.putAll(FileInputsFuzzTest.TARGETS);
        all.putAll(ApiRoutesFuzzTest.TARGETS);
        return all;
    }

    @TestFactory
    Stream<DynamicTest> savedInputs() throws IOException {
        return Regressions.replay(targets());
    }
}
