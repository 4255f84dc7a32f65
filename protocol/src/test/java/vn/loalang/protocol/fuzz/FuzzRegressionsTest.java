package vn.loalang.protocol.fuzz;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.stream.Stream;

/** Every input a long fuzz run saved for this module, replayed on every test run. */
class FuzzRegressionsTest {
    @TestFactory
    Stream<DynamicTest> savedInputs() throws IOException {
        return Regressions.replay(EnvelopeVerifierFuzzTest.TARGETS);
    }
}
