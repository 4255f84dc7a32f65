package vn.loalang.agent.fuzz;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import vn.loalang.protocol.fuzz.Regressions;

import java.io.IOException;
import java.util.stream.Stream;

/** Every input a long fuzz run saved for the station agent, replayed on every test run. */
class FuzzRegressionsTest {
    @TestFactory
    Stream<DynamicTest> savedInputs() throws IOException {
        return Regressions.replay(AgentMessagesFuzzTest.TARGETS);
    }
}
