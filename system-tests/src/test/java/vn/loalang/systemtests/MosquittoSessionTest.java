package vn.loalang.systemtests;

import vn.loalang.systemtests.support.BrokerUnderTest;
import vn.loalang.systemtests.support.MosquittoBroker;

import java.nio.file.Path;

/** The end-to-end path on Mosquitto, the production broker (Debian package), started by the test. */
class MosquittoSessionTest extends SessionEndToEndTest {
    @Override
    BrokerUnderTest startBroker(Path dir) throws Exception {
        MosquittoBroker mosquitto = MosquittoBroker.start(dir);
        return new BrokerUnderTest() {
            @Override
            public String externalUrl() {
                return mosquitto.url();
            }

            @Override
            public void stop() throws Exception {
                mosquitto.stop();
            }

            @Override
            public void start() throws Exception {
                mosquitto.restart();
            }

            @Override
            public void close() throws Exception {
                mosquitto.close();
            }
        };
    }
}
