package vn.loalang.protocol.fuzz;

/**
 * One entry point fed untrusted bytes: an MQTT topic handler, a parser, an upload. It holds what the
 * entry point needs (a temporary directory, a store), made once per property and closed after it.
 * {@link #accept} returns normally for every input a handler is meant to refuse: a handler catches,
 * logs and drops; only a parser may answer a refusal by its own checked exception, which the target
 * catches as the caller in production does.
 */
public interface FuzzTarget extends AutoCloseable {
    void accept(byte[] input) throws Exception;

    @Override
    default void close() throws Exception {
    }
}
