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

    /**
     * Brings a new target into the state a running one is in (a station's play log already taken),
     * before the first case of a property and before a saved input is replayed: an input that failed
     * a handler holding state must fail it again when replayed alone.
     */
    default void prepare() throws Exception {
    }

    @Override
    default void close() throws Exception {
    }
}
