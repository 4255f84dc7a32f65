package vn.loalang.controller.testing;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import vn.loalang.controller.broker.EmbeddedBroker;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One embedded Moquette broker (the controller's own {@link EmbeddedBroker}: 127.0.0.1, a free
 * port, no persistence, no telemetry) for every test class that uses
 * {@code @ExtendWith(SharedBroker.class)}; it is stopped when the test run ends. Stopping Moquette
 * takes about 2 s, so one broker for the run instead of one per class. Tests keep apart by using
 * their own topic root and client ids; a test that stops a broker starts its own.
 */
public final class SharedBroker implements BeforeAllCallback {
    private static volatile EmbeddedBroker broker;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SharedBroker.class, k -> start(), Running.class);
    }

    public static EmbeddedBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(SharedBroker.class)");
        }
        return broker;
    }

    private static Running start() {
        try {
            broker = EmbeddedBroker.start("127.0.0.1", TestFiles.freePort());
            return new Running(broker);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Running(EmbeddedBroker broker) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            broker.close();
        }
    }
}
