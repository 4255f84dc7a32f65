package vn.loalang.systemtests.support;

/** The broker a test runs against: the controller's embedded one, or a Mosquitto process. */
public interface BrokerUnderTest extends AutoCloseable {
    /** Null for the embedded broker (the controller starts it). */
    String externalUrl();

    /** Stops the broker: every client sees its connection drop. */
    void stop() throws Exception;

    /** Starts it again on the same port, with empty memory (no retained messages, no sessions). */
    void start() throws Exception;
}
