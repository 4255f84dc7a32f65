package vn.loalang.systemtests;

import vn.loalang.controller.broker.EmbeddedBroker;
import vn.loalang.systemtests.support.BrokerUnderTest;

import java.nio.file.Path;

/** The end-to-end path on the controller's embedded Moquette broker (the one-command default). */
class EmbeddedBrokerSessionTest extends SessionEndToEndTest {
    @Override
    BrokerUnderTest startBroker(Path dir) {
        return new BrokerUnderTest() {
            private EmbeddedBroker broker() {
                return controller.embeddedBroker().orElseThrow();
            }

            @Override
            public String externalUrl() {
                return null;
            }

            @Override
            public void stop() {
                broker().stop();
            }

            @Override
            public void start() throws Exception {
                broker().start();
            }

            @Override
            public void close() {
                // The controller owns it and stops it.
            }
        };
    }
}
